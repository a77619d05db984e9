"""The form file format (``forms/*.yaml``, see engine.model.forms) as pydantic models.

``load_form_file`` reads one file into FormDefinitions, or raises a ConfigurationError naming the
file, the form (index and key), the field (index and name) and the broken rule, e.g.
``forms/a.yaml: forms[0] (send-letter.check): fields[2] (subject): max_length is a whole number from 1 to 10000``.
A form's ``rules`` (engine.model.form_rules) are checked here too: each check must be a valid
expression and name its field; ``FormRegistry.load`` then checks that every name a rule reads is
a field of some form.
"""
from __future__ import annotations

import keyword
import re
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import (
    AfterValidator,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from ..errors import ConfigurationError, ExpressionError, InvalidInput
from ..time.file_schema import REQUIRED, Problem, Schema, first_problem, list_of, refuse, says
from .expressions import compile_expression
from .form_rules import MAX_RULES, FormRule
from .forms import FIELD_TYPES, MAX_TEXT, FieldDefinition, FieldType, FormDefinition, Label, Option

# libyaml when present (ten times faster than the pure-Python parser), same safe semantics.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

FILE_RULE = "a form file is a mapping with a list under 'forms'"
LABEL_RULE = "a label is {th: ..., en: ...} with both texts"
_NAME = r"^[a-z][a-z0-9_]{0,63}$"
_KEY = r"^[A-Za-z0-9][A-Za-z0-9_.\-/]{0,199}$"
NOT_WRITTEN: Any = ()  # the default of options: YAML never makes a tuple, so it stands for "not written"
_NAMED_BY = {"forms": "key", "fields": "name", "rules": "field"}  # the key naming an item of these lists


def _not_a_keyword(name: str) -> str:
    if keyword.iskeyword(name):
        raise ValueError(name)
    return name


def _compiles(pattern: str | None) -> str | None:
    try:
        return pattern if pattern is None else re.compile(pattern).pattern
    except re.error as exc:
        raise ValueError(pattern) from exc


def _forms_list(value: Any) -> Any:
    if not isinstance(value, list):
        raise refuse(FILE_RULE)
    return value


def _fields_list(value: Any) -> Any:
    """A list; nothing (absent, null, empty) is an empty one."""
    if not value:
        return []
    if not isinstance(value, list):
        raise refuse("fields is a list")
    return value


Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Number = Annotated[Decimal, Field(strict=False)] | None  # from an int, a float or a text; not true/false


class LabelSchema(Schema):
    """``{th: ..., en: ...}``: both texts, nothing else (any problem is the label rule)."""

    th: Text = REQUIRED
    en: Text = REQUIRED

    def label(self) -> Label:
        return Label(th=self.th, en=self.en)


class OptionSchema(Schema):
    value: str = REQUIRED
    label: Annotated[LabelSchema, says(LABEL_RULE)] = REQUIRED


class FieldSchema(Schema):
    NOT_A_MAPPING = "a field is a mapping"
    UNKNOWN_KEYS = "unknown field keys {keys}"

    name: Annotated[str, StringConstraints(pattern=_NAME), AfterValidator(_not_a_keyword),
                    says("field name {input} must be lower_snake_case letters, digits and _")] = REQUIRED
    type: Annotated[FieldType, says(f"type {{input}} is not one of {', '.join(FIELD_TYPES)}")] = REQUIRED
    required: Annotated[bool, says("required is true or false")] = False
    options: list[OptionSchema] = NOT_WRITTEN  # select and multiselect only
    max_length: Annotated[Annotated[int, Field(gt=0, le=MAX_TEXT)] | None,
                          says(f"max_length is a whole number from 1 to {MAX_TEXT}")] = None
    pattern: Annotated[str | None, AfterValidator(_compiles),
                       says("pattern is not a valid regular expression")] = None
    help: Annotated[LabelSchema | None, says(f"help: {LABEL_RULE}")] = None
    group: str | None = None  # user and users only
    label: Annotated[LabelSchema, says(f"label: {LABEL_RULE}")] = REQUIRED
    min: Annotated[Number, says("min: not a number")] = None
    max: Annotated[Number, says("max: not a number")] = None

    @field_validator("options", mode="before")
    @classmethod
    def _options_only_for_choices(cls, value: Any, info: ValidationInfo) -> Any:
        ftype = info.data.get("type")
        if ftype in ("select", "multiselect"):
            if not isinstance(value, list) or not value:
                raise refuse(f"a {ftype} field needs a non-empty options list")
            for j, option in enumerate(value):
                if not isinstance(option, dict) or not isinstance(option.get("value"), str) \
                        or set(option) - {"value", "label"}:
                    raise refuse(f"options[{j}] is {{value: ..., label: {{th, en}}}}")
        elif value is not NOT_WRITTEN:
            raise refuse("only select and multiselect fields take options")
        return list(value)

    @field_validator("options")
    @classmethod
    def _unique_options(cls, options: list[OptionSchema]) -> list[OptionSchema]:
        values = [o.value for o in options]
        if len(set(values)) != len(values):
            raise refuse("option values must be unique")
        return options

    @field_validator("group", mode="before")
    @classmethod
    def _group_only_for_people(cls, group: Any, info: ValidationInfo) -> Any:
        ftype = info.data.get("type")
        if ftype in ("user", "users"):
            if not isinstance(group, str) or not group:
                raise refuse(f"a {ftype} field names the group its people come from (group: ...)")
        elif group is not None:
            raise refuse("only user and users fields take a group")
        return group

    def definition(self) -> FieldDefinition:
        return FieldDefinition(name=self.name, type=self.type, label=self.label.label(), required=self.required,
                               help=self.help.label() if self.help else None,
                               options=tuple(Option(o.value, o.label.label()) for o in self.options),
                               min=self.min, max=self.max, max_length=self.max_length, pattern=self.pattern,
                               group=self.group)


def _expression(check: str) -> str:
    try:
        compile_expression(check)
    except ExpressionError as exc:
        raise refuse(f"check: {exc.message}") from None
    return check


class RuleSchema(Schema):
    """``{check: <expression>, field: <a field of the form>, message: {th, en}}``."""

    NOT_A_MAPPING = "a rule is a mapping {check, field, message}"
    UNKNOWN_KEYS = "unknown rule keys {keys}"

    check: Annotated[Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)],
                     says("check is the rule's expression (text)"), AfterValidator(_expression)] = REQUIRED
    field: Annotated[str, says("field names the field the rule's problem is shown next to")] = REQUIRED
    message: Annotated[LabelSchema, says(f"message: {LABEL_RULE}")] = REQUIRED

    def rule(self) -> FormRule:
        return FormRule(check=self.check, field=self.field, message=self.message.label())


class FormSchema(Schema):
    NOT_A_MAPPING = "a form is a mapping"
    UNKNOWN_KEYS = "unknown form keys {keys}"

    key: Annotated[str, StringConstraints(pattern=_KEY),
                   says("form key {input} is missing or not a valid key")] = REQUIRED
    fields: Annotated[list[FieldSchema], BeforeValidator(_fields_list)] = Field(default_factory=list)
    title: Annotated[LabelSchema, says(f"title: {LABEL_RULE}")] = REQUIRED
    rules: Annotated[list[RuleSchema], list_of("rules")] = Field(default_factory=list)

    @field_validator("rules")
    @classmethod
    def _rules_name_fields(cls, rules: list[RuleSchema], info: ValidationInfo) -> list[RuleSchema]:
        if len(rules) > MAX_RULES:
            raise refuse(f"at most {MAX_RULES} rules on a form")
        names = [f.name for f in info.data.get("fields") or ()]
        for i, rule in enumerate(rules):
            if "fields" in info.data and rule.field not in names:
                raise refuse(f"rules[{i}]: field {rule.field} is not a field of this form"
                             + (f" (it has: {', '.join(names)})" if names else ""))
        return rules

    @field_validator("fields")
    @classmethod
    def _unique_names(cls, fields: list[FieldSchema]) -> list[FieldSchema]:
        names = [f.name for f in fields]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise refuse(f"field names used twice: {', '.join(dupes)}")
        return fields

    def definition(self, source: str) -> FormDefinition:
        return FormDefinition(key=self.key, title=self.title.label(),
                              fields=tuple(f.definition() for f in self.fields), source=source,
                              rules=tuple(r.rule() for r in self.rules))


class FormFileSchema(Schema):
    model_config = ConfigDict(extra="ignore")
    NOT_A_MAPPING = FILE_RULE
    UNKNOWN_KEYS = None

    forms: Annotated[list[FormSchema], BeforeValidator(_forms_list)] = REQUIRED


def load_form_file(path: Path) -> list[FormDefinition]:
    """The forms of one file, checked; a ConfigurationError names the first problem and its place."""
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER)
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigurationError(f"{path}: cannot read form file: {exc}") from exc
    try:
        schema = FormFileSchema.model_validate(raw)
    except ValidationError as exc:
        problem = first_problem(exc)
        raise ConfigurationError(f"{_place(path, raw, problem)}: {problem.message}") from None
    return [form.definition(str(path)) for form in schema.forms]


def form_from_source(raw: Any, source: str) -> FormDefinition:
    """One form as written in a forms file (e.g. edited in the browser), checked like the files'
    forms; InvalidInput names the first problem and where it is."""
    try:
        form = FormSchema.model_validate(raw).definition(source)
    except ValidationError as exc:
        problem = first_problem(exc)
        where = ".".join(str(p) for p in problem.loc)
        raise InvalidInput(f"{source}: {where + ': ' if where else ''}{problem.message}", form=source) from None
    return form


def _place(path: Path, raw: Any, problem: Problem) -> str:
    """``path: forms[i] (key): fields[j] (name): options[k]``: the items down to the problem.

    An item is named by its key once that key has been read: not when the problem is the key
    itself or the item's shape. Field names closing the location are left out (the message
    names its field).
    """
    place, node, loc = str(path), raw, problem.loc
    for depth in range(0, len(loc) - 1, 2):
        name, index = loc[depth], loc[depth + 1]
        if not isinstance(name, str) or not isinstance(index, int):
            break
        node = node[name][index]
        place += f": {name}[{index}]"
        rest, key = loc[depth + 2:], _NAMED_BY.get(name)
        if key and rest != (key,) and (rest or not problem.shape):
            place += f" ({node[key]})"
    return place
