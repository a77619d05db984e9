"""Settings from KRABUAN_* variables, form and organisation files: typed, checked, loud on mistakes."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from pydantic import ValidationError

from engine.errors import ConfigurationError, InvalidInput
from engine.model.forms import FormRegistry
from engine.model.organisation import load_organisation
from engine.settings import Settings


def test_defaults_and_environment():
    s = Settings.from_env({})
    assert s.data_dir == Path("data") and s.sqlite_synchronous == "NORMAL" and s.is_sqlite
    assert s.effective_database_url.endswith("data/krabuan.sqlite3")
    s = Settings.from_env({"KRABUAN_DATA_DIR": "/tmp/x", "KRABUAN_SQLITE_SYNCHRONOUS": "full",
                           "KRABUAN_DATABASE_URL": "postgresql://u@h/db", "KRABUAN_MAX_BPMN_BYTES": "1000"})
    assert s.data_dir == Path("/tmp/x") and s.sqlite_synchronous == "FULL" and s.max_bpmn_bytes == 1000
    assert s.effective_database_url == "postgresql+psycopg://u@h/db" and not s.is_sqlite


def test_settings_file_and_errors(tmp_path):
    f = tmp_path / "k.toml"
    f.write_text('data_dir = "/srv/krabuan"\nsqlite_synchronous = "FULL"\n')
    s = Settings.from_env({"KRABUAN_SETTINGS_FILE": str(f), "KRABUAN_SQLITE_SYNCHRONOUS": "NORMAL"})
    assert s.data_dir == Path("/srv/krabuan") and s.sqlite_synchronous == "NORMAL"
    with pytest.raises(ConfigurationError, match="SQLITE_SYNCHRONOUS"):
        Settings.from_env({"KRABUAN_SQLITE_SYNCHRONOUS": "SOMETIMES"})
    with pytest.raises(ConfigurationError, match="MAX_BPMN_BYTES"):
        Settings.from_env({"KRABUAN_MAX_BPMN_BYTES": "big"})
    with pytest.raises(ConfigurationError, match="only sqlite and postgresql"):
        Settings.from_env({"KRABUAN_DATABASE_URL": "mysql://x"})
    f.write_text("surprise = 1\n")
    with pytest.raises(ConfigurationError, match="unknown settings: surprise"):
        Settings.from_env({"KRABUAN_SETTINGS_FILE": str(f)})


def _forms(tmp_path, text):
    (tmp_path / "f.yaml").write_text(text)
    return FormRegistry.load(tmp_path)


@pytest.mark.parametrize("text, message", [
    ("forms: {}", "a list under 'forms'"),
    ("forms:\n  - {key: a, title: {th: ก, en: A}, fields: [{name: X, type: text, label: {th: ก, en: a}}]}",
     "lower_snake_case"),
    ("forms:\n  - {key: a, title: {th: ก, en: A}, fields: [{name: x, type: blob, label: {th: ก, en: a}}]}",
     "type 'blob'"),
    ("forms:\n  - {key: a, title: {th: ก, en: A}, fields: [{name: x, type: text, label: {en: a}}]}",
     "label is"),
    ("forms:\n  - {key: a, title: {th: ก, en: A}, fields: [{name: x, type: select, label: {th: ก, en: a}}]}",
     "non-empty options"),
    ("forms:\n  - {key: a, title: {th: ก, en: A}, fields: [{name: x, type: text, label: {th: ก, en: a}, colour: red}]}",
     "unknown field keys colour"),
    ("forms:\n  - {key: a, title: {th: ก, en: A}}\n  - {key: a, title: {th: ข, en: B}}", None),
])
def test_bad_form_files_are_refused(tmp_path, text, message):
    if message is None:
        (tmp_path / "g.yaml").write_text("forms:\n  - {key: a, title: {th: ก, en: A}}")
        message = "is also defined"
    with pytest.raises(ConfigurationError, match=message):
        _forms(tmp_path, text)


def test_field_types_clean_values(tmp_path):
    reg = _forms(tmp_path, """
forms:
  - key: all
    title: {th: ทุกชนิด, en: All types}
    fields:
      - {name: n, type: integer, min: 1, max: 10, label: {th: ก, en: n}}
      - {name: m, type: money, label: {th: ก, en: m}}
      - {name: d, type: date, label: {th: ก, en: d}}
      - {name: t, type: datetime, label: {th: ก, en: t}}
      - {name: c, type: checkbox, label: {th: ก, en: c}}
      - {name: ms, type: multiselect, options: [{value: a, label: {th: ก, en: a}}, {value: b, label: {th: ข, en: b}}], label: {th: ก, en: ms}}
      - {name: code, type: text, pattern: "[A-Z]{2}-[0-9]+", label: {th: ก, en: code}}
""")
    form = reg.get("all")
    clean = form.validate({"n": "7", "m": "1,234.50", "d": "2026-11-20", "t": "2026-11-20T09:00:00+07:00",
                           "c": "true", "ms": ["b", "a"], "code": "AB-12"})
    assert clean == {"n": 7, "m": 1234.5, "d": "2026-11-20", "t": "2026-11-20T02:00:00+00:00", "c": True,
                     "ms": ["b", "a"], "code": "AB-12"}
    for bad, msg in [({"n": 11}, "at most 10"), ({"n": True}, "whole number"), ({"d": "20/11/2026"}, "not a date"),
                     ({"t": "2026-11-20T09:00:00"}, "time zone"), ({"ms": ["a", "a"]}, "twice"),
                     ({"ms": ["z"]}, "not one of"), ({"code": "ab-1"}, "pattern"), ({"m": "NaN"}, "not an amount")]:
        with pytest.raises(InvalidInput, match=msg):
            form.validate(bad)


def test_settings_convert_every_type_and_name_the_setting(tmp_path):
    f = tmp_path / "k.toml"
    f.write_text('SMTP_PORT = 2525\nsmtp_starttls = true\nscheduler_batch = 7\n')
    s = Settings.from_env({"KRABUAN_SETTINGS_FILE": str(f), "KRABUAN_SCHEDULER_BATCH": "9"})
    assert (s.smtp_port, s.smtp_starttls, s.scheduler_batch) == (2525, True, 9)  # keys in any case; env wins
    for text, expected in [("yes", True), (" ON ", True), ("1", True), ("no", False), ("off", False), ("", False)]:
        assert Settings.from_env({"KRABUAN_SMTP_STARTTLS": text}).smtp_starttls is expected
    for env, message in [
        ({"KRABUAN_SMTP_STARTTLS": "maybe"}, "setting KRABUAN_SMTP_STARTTLS: 'maybe' is not a bool"),
        ({"KRABUAN_SMTP_PORT": "25.5"}, "setting KRABUAN_SMTP_PORT: '25.5' is not a int"),
        ({"KRABUAN_SCHEDULER_LEASE_SECONDS": "0"}, "setting KRABUAN_SCHEDULER_LEASE_SECONDS must be at least 1"),
        ({"KRABUAN_SQLITE_SYNCHRONOUS": "often"},
         "setting KRABUAN_SQLITE_SYNCHRONOUS must be one of OFF, NORMAL, FULL, EXTRA, not 'OFTEN'"),
    ]:
        with pytest.raises(ConfigurationError) as info:
            Settings.from_env(env)
        assert info.value.message == message
    f.write_text('smtp_host = 25\n')
    with pytest.raises(ConfigurationError, match="^setting KRABUAN_SMTP_HOST: 25 is not a str$"):
        Settings.from_env({"KRABUAN_SETTINGS_FILE": str(f)})
    with pytest.raises(ConfigurationError, match="^setting KRABUAN_DATA_DIR: 5 is not a Path$"):
        Settings(data_dir=5)
    url = Settings.from_env({"KRABUAN_DATABASE_URL": "postgres://u@h/db"}).database_url
    assert url == "postgresql+psycopg://u@h/db"


def test_unknown_settings_are_refused_by_name(tmp_path):
    f = tmp_path / "k.toml"
    f.write_text("surprise = 1\ndata_dir = 'x'\n")
    with pytest.raises(ConfigurationError, match="^unknown settings: KRABUAN_DATA_DRI, KRABUAN_NOPE, surprise$"):
        Settings.from_env({"KRABUAN_SETTINGS_FILE": str(f), "KRABUAN_DATA_DRI": "x", "KRABUAN_NOPE": "1",
                           "OTHER_VARIABLE": "ignored"})
    with pytest.raises(ConfigurationError, match="^cannot read settings file"):
        Settings.from_env({"KRABUAN_SETTINGS_FILE": str(tmp_path / "missing.toml")})
    with pytest.raises(ConfigurationError, match="^unknown settings: bogus$"):
        Settings().with_overrides(bogus=1)


def test_settings_are_frozen_checked_copies_that_hide_the_password(monkeypatch):
    monkeypatch.setenv("KRABUAN_DATA_DIR", "/from/the/environment")
    assert Settings().data_dir == Path("data")  # Settings() reads only its arguments
    s = Settings().with_overrides(smtp_password="hunter2", max_bpmn_bytes="1000")
    assert s.max_bpmn_bytes == 1000 and s.smtp_password.get_secret_value() == "hunter2"
    assert "hunter2" not in repr(s) and "hunter2" not in str(s)
    with pytest.raises(ConfigurationError, match="MAX_BPMN_BYTES"):
        s.with_overrides(max_bpmn_bytes="lots")
    with pytest.raises(ValidationError, match="frozen"):
        s.data_dir = Path("elsewhere")  # type: ignore[misc]
    assert s == Settings().with_overrides(smtp_password="hunter2", max_bpmn_bytes=1000)
    assert hash(s) == hash(Settings().with_overrides(smtp_password="hunter2", max_bpmn_bytes=1000))


@pytest.mark.parametrize("field, message", [
    ("{name: x, type: text, max_length: 0, label: {th: ก, en: a}}",
     "forms[0] (a): fields[0] (x): max_length is a whole number from 1 to 10000"),
    ("{name: x, type: text, label: {th: ก, en: a}, options: []}",
     "forms[0] (a): fields[0] (x): only select and multiselect fields take options"),
    ("{name: x, type: select, label: {th: ก, en: a}, options: [{value: a, label: {th: ก, en: a}}, {value: 1}]}",
     "forms[0] (a): fields[0] (x): options[1] is {value: ..., label: {th, en}}"),
    ("{name: x, type: select, label: {th: ก, en: a}, options: [{value: a, label: {th: ก}}]}",
     "forms[0] (a): fields[0] (x): options[0]: a label is {th: ..., en: ...} with both texts"),
    ("{name: x, type: users, label: {th: ก, en: a}}",
     "forms[0] (a): fields[0] (x): a users field names the group its people come from (group: ...)"),
    ("{name: x, type: integer, min: ten, label: {th: ก, en: a}}", "forms[0] (a): fields[0] (x): min: not a number"),
    ("{name: x, type: text, pattern: '(', label: {th: ก, en: a}}",
     "forms[0] (a): fields[0] (x): pattern is not a valid regular expression"),
    ("{name: x, type: text, help: {th: ก}, label: {th: ก, en: a}}",
     "forms[0] (a): fields[0] (x): help: a label is {th: ..., en: ...} with both texts"),
    ("{name: x, type: text, colour: red, label: {th: ก, en: a}}", "forms[0] (a): fields[0]: unknown field keys colour"),
    ("{name: class, type: text, label: {th: ก, en: a}}",
     "forms[0] (a): fields[0]: field name 'class' must be lower_snake_case letters, digits and _"),
    ("{name: x, type: text, label: {th: ก, en: a}}, {name: x, type: date, label: {th: ข, en: b}}",
     "forms[0] (a): field names used twice: x"),
])
def test_form_file_errors_name_the_file_form_and_field(tmp_path, field, message):
    with pytest.raises(ConfigurationError) as info:
        _forms(tmp_path, f"forms:\n  - {{key: a, title: {{th: ก, en: A}}, fields: [{field}]}}")
    assert info.value.message == f"{tmp_path / 'f.yaml'}: {message}"


@pytest.mark.parametrize("text, message", [
    ("forms:\n  - {key: 'bad key', title: {th: ก, en: A}}",
     "forms[0]: form key 'bad key' is missing or not a valid key"),
    ("forms:\n  - {key: a, title: {th: ' ', en: A}}",
     "forms[0] (a): title: a label is {th: ..., en: ...} with both texts"),
    ("forms:\n  - {key: a, title: {th: ก, en: A}, fields: x}", "forms[0] (a): fields is a list"),
    ("forms:\n  - {key: a, title: {th: ก, en: A}, colour: red}", "forms[0]: unknown form keys colour"),
    ("forms: [5]", "forms[0]: a form is a mapping"),
])
def test_form_errors_name_the_form(tmp_path, text, message):
    with pytest.raises(ConfigurationError) as info:
        _forms(tmp_path, text)
    assert info.value.message == f"{tmp_path / 'f.yaml'}: {message}"


def test_form_files_become_typed_definitions(tmp_path):
    form = _forms(tmp_path, """
forms:
  - key: a
    title: {th: ' ก ', en: A}
    fields:
      - {name: n, type: integer, required: true, min: 2500, max: 2.5e3, label: {th: ก, en: n}}
      - {name: s, type: select, options: [{value: a, label: {th: ก, en: a}}], label: {th: ข, en: s}}
""").get("a")
    assert form.title.th == "ก" and form.field_names() == ["n", "s"]
    n, s = form.fields
    assert (n.type, n.required, n.min, n.max, n.options) == ("integer", True, Decimal("2500"), Decimal("2500"), ())
    assert s.options[0].value == "a" and s.options[0].label.en == "a" and s.group is None


def _organisation(tmp_path, text):
    path = tmp_path / "organisation.yaml"
    path.write_text(text, encoding="utf-8")
    return load_organisation(path)


ORG = """organisations:
  - {id: o1, supervisor: boss, name: {th: ก, en: O}}
groups:
  - {id: boss, organisation: o1, name: {th: ก, en: Boss}}
  - {id: clerk, organisation: o1, name: {th: ข, en: Clerk}}
  - {id: free, name: {th: ค, en: Free}, supervisor: null}
users:
  - {username: u1, name: {th: ก, en: U}, groups: [clerk]}
"""


def test_organisation_file_supervisors_come_from_the_group_or_its_organisation(tmp_path):
    org = _organisation(tmp_path, ORG)
    assert [(g.id, g.organisation, g.supervisor) for g in org.groups] == [
        ("boss", "o1", None), ("clerk", "o1", "boss"), ("free", "", None)]
    assert org.users[0].groups == ("clerk",)


@pytest.mark.parametrize("old, new, message", [
    ("{id: clerk, organisation: o1,", "{id: Clerk, organisation: o1,",
     "groups[1]: a group needs an id of lower-case letters, digits, _ . -"),
    ("organisation: o1, name: {th: ข, en: Clerk}}", "organisation: o2, name: {th: ข, en: Clerk}}",
     "groups[1]: unknown organisation 'o2'"),
    ("name: {th: ข, en: Clerk}", "name: Clerk", "groups[1]: name is {th: ..., en: ...}"),
    ("supervisor: null", "supervisor: nobody", "groups[2] (free): unknown supervisor group 'nobody'"),
    ("groups: [clerk]", "groups: [clerk, cook]", "users[0]: unknown group(s) cook"),
    ("groups: [clerk]", "groups: clerk", "users[0]: groups is a list of group ids"),
    ("{id: free,", "{id: boss,", "a group id is listed twice"),
    ("{id: o1, supervisor: boss,", "{id: o1, supervisor: 5,",
     "organisations[0]: an organisation is {id: ..., name: {th: ..., en: ...}, supervisor: group id}"),
])
def test_organisation_file_errors_name_the_place(tmp_path, old, new, message):
    assert old in ORG
    with pytest.raises(ConfigurationError) as info:
        _organisation(tmp_path, ORG.replace(old, new))
    assert info.value.message == f"{tmp_path / 'organisation.yaml'}: {message}"
