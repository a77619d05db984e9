"""Form files: typed definitions, precise errors naming file, form and field; values cleaned to their types."""
from __future__ import annotations

from decimal import Decimal

import pytest

from engine.errors import ConfigurationError, InvalidInput
from engine.model.forms import FormRegistry


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
                     ({"t": "2026-11-20T25:00:00"}, "not an ISO 8601"), ({"ms": ["a", "a"]}, "twice"),
                     ({"ms": ["z"]}, "not one of"), ({"code": "ab-1"}, "pattern"), ({"m": "NaN"}, "not an amount")]:
        with pytest.raises(InvalidInput, match=msg):
            form.validate(bad)



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

