"""Settings from KRABUAN_* variables and form files: typed, checked, loud on mistakes."""
from __future__ import annotations

from pathlib import Path

import pytest

from engine.errors import ConfigurationError, InvalidInput
from engine.model.forms import FormRegistry
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
