"""Form definitions: YAML files in forms/, parsed and validated once into typed objects.

A completion accepts only the fields its step's form declares, each converted to its type;
anything else is refused with an error naming the field. Format (one file may hold many
forms)::

    forms:
      - key: send-letter.check_letter
        title: {th: ตรวจสอบหนังสือ, en: Check the letter}
        fields:
          - name: subject
            type: text            # text textarea integer money date datetime select
            required: true        #   multiselect checkbox user users (group: ...) file
            label: {th: เรื่อง, en: Subject}
            max_length: 300       # text/textarea; min/max for integer and money
          - name: delivery
            type: select
            options:
              - {value: post, label: {th: ไปรษณีย์, en: By post}}

Values are stored JSON-native: money as a number rounded to satang (2 decimals), dates as
ISO ``YYYY-MM-DD`` strings, datetimes as ISO strings in UTC.
"""
from __future__ import annotations

import keyword
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Callable, Mapping

import yaml

# libyaml when present (ten times faster than the pure-Python parser), same safe semantics.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

from ..errors import ConfigurationError, InvalidInput

FIELD_TYPES = ("text", "textarea", "integer", "money", "date", "datetime", "select", "multiselect", "checkbox",
               "user", "users", "file")
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-/]{0,199}$")
_FIELD_KEYS = {"name", "type", "required", "label", "help", "options", "min", "max", "max_length", "pattern",
               "group"}
_FORM_KEYS = {"key", "title", "fields"}
MAX_TEXT = 10_000
MAX_MONEY = Decimal("999999999999.99")
MembersOf = Callable[[str], set[str]]


@dataclass(frozen=True)
class Label:
    th: str
    en: str


@dataclass(frozen=True)
class Option:
    value: str
    label: Label


@dataclass(frozen=True)
class FieldDefinition:
    name: str
    type: str
    label: Label
    required: bool = False
    help: Label | None = None
    options: tuple[Option, ...] = ()
    min: Decimal | None = None
    max: Decimal | None = None
    max_length: int | None = None
    pattern: str | None = None
    group: str | None = None

    def clean(self, value: Any, members_of: MembersOf | None = None) -> Any:
        """Convert one submitted value to its stored form, or raise InvalidInput."""
        if self.type in ("user", "users"):
            return _clean_users(self, value, members_of)
        return _CLEANERS[self.type](self, value)


@dataclass(frozen=True)
class FormDefinition:
    key: str
    title: Label
    fields: tuple[FieldDefinition, ...] = field(default_factory=tuple)
    source: str = ""

    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]

    def validate(self, data: Mapping[str, Any], members_of: MembersOf | None = None) -> dict[str, Any]:
        """Return the cleaned submission, or raise InvalidInput naming the offending field."""
        if not isinstance(data, Mapping):
            raise InvalidInput("form data must be a JSON object of field names to values", form=self.key)
        declared = {f.name: f for f in self.fields}
        unknown = sorted(set(data) - set(declared))
        if unknown:
            raise InvalidInput(
                f"field(s) not on form {self.key}: {', '.join(map(str, unknown))}"
                + (f" (the form has: {', '.join(declared)})" if declared else " (the form has no fields)"),
                form=self.key, fields=unknown)
        cleaned: dict[str, Any] = {}
        for f in self.fields:
            value = data.get(f.name)
            if value is None or (isinstance(value, str) and not value.strip() and f.type not in ("text", "textarea")):
                if f.required:
                    raise InvalidInput(f"field {f.name} ({f.label.en}) is required", form=self.key, field=f.name)
                continue
            if f.required and f.type in ("text", "textarea") and isinstance(value, str) and not value.strip():
                raise InvalidInput(f"field {f.name} ({f.label.en}) is required", form=self.key, field=f.name)
            cleaned[f.name] = f.clean(value, members_of)
        return cleaned


# ---------------------------------------------------------------- value cleaners

def _bad(f: FieldDefinition, what: str) -> InvalidInput:
    return InvalidInput(f"field {f.name} ({f.label.en}): {what}", field=f.name)


def _clean_text(f: FieldDefinition, value: Any) -> str:
    if not isinstance(value, str):
        raise _bad(f, f"expected text, got {type(value).__name__}")
    limit = f.max_length or MAX_TEXT
    if len(value) > limit:
        raise _bad(f, f"longer than {limit} characters")
    if f.pattern and not re.fullmatch(f.pattern, value):
        raise _bad(f, f"does not match the required pattern {f.pattern}")
    return value


def _bounds(f: FieldDefinition, number: Decimal) -> None:
    if f.min is not None and number < f.min:
        raise _bad(f, f"must be at least {f.min}")
    if f.max is not None and number > f.max:
        raise _bad(f, f"must be at most {f.max}")


def _clean_integer(f: FieldDefinition, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise _bad(f, f"expected a whole number, got {type(value).__name__}")
    try:
        number = int(value) if isinstance(value, int) else int(value.strip().replace(",", ""))
    except ValueError:
        raise _bad(f, f"{value!r} is not a whole number") from None
    if abs(number) > 10**15:
        raise _bad(f, "number too large")
    _bounds(f, Decimal(number))
    return number


def _clean_money(f: FieldDefinition, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise _bad(f, f"expected an amount in baht, got {type(value).__name__}")
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        raise _bad(f, f"{value!r} is not an amount in baht") from None
    if not amount.is_finite():
        raise _bad(f, f"{value!r} is not an amount in baht")
    if amount != amount.quantize(Decimal("0.01")):
        raise _bad(f, "amounts have at most 2 decimals (satang)")
    if abs(amount) > MAX_MONEY:
        raise _bad(f, "amount too large")
    _bounds(f, amount)
    return float(amount.quantize(Decimal("0.01")))


def _clean_date(f: FieldDefinition, value: Any) -> str:
    if not isinstance(value, str):
        raise _bad(f, "expected a date as YYYY-MM-DD")
    try:
        return date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise _bad(f, f"{value!r} is not a date (YYYY-MM-DD)") from None


def _clean_datetime(f: FieldDefinition, value: Any) -> str:
    if not isinstance(value, str):
        raise _bad(f, "expected a date and time in ISO 8601")
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise _bad(f, f"{value!r} is not an ISO 8601 date and time") from None
    if moment.tzinfo is None:
        raise _bad(f, "the time needs a time zone, e.g. +07:00")
    return moment.astimezone(timezone.utc).isoformat()


def _clean_select(f: FieldDefinition, value: Any) -> str:
    allowed = [o.value for o in f.options]
    if not isinstance(value, str) or value not in allowed:
        raise _bad(f, f"{value!r} is not one of {', '.join(allowed)}")
    return value


def _clean_multiselect(f: FieldDefinition, value: Any) -> list[str]:
    if not isinstance(value, list):
        raise _bad(f, "expected a list of choices")
    cleaned = [_clean_select(f, v) for v in value]
    if len(set(cleaned)) != len(cleaned):
        raise _bad(f, "a choice is listed twice")
    return cleaned


def _clean_checkbox(f: FieldDefinition, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise _bad(f, "expected true or false")


def _clean_users(f: FieldDefinition, value: Any, members_of: MembersOf | None) -> Any:
    people = [value] if f.type == "user" else value
    if not isinstance(people, list) or not all(isinstance(p, str) and p for p in people):
        raise _bad(f, "expected a username" if f.type == "user" else "expected a list of usernames")
    if f.type == "users" and not people and f.required:
        raise _bad(f, "choose at least one person")
    if len(set(people)) != len(people):
        raise _bad(f, "a person is listed twice")
    if f.min is not None and len(people) < f.min:
        raise _bad(f, f"choose at least {f.min} people")
    if f.max is not None and len(people) > f.max:
        raise _bad(f, f"choose at most {f.max} people")
    members = members_of(f.group or "") if members_of is not None else set()
    outsiders = [p for p in people if p not in members]
    if outsiders:
        raise _bad(f, f"not member(s) of group {f.group}: {', '.join(outsiders)}")
    return value


def _clean_file(f: FieldDefinition, value: Any) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > 500 or "\n" in value:
        raise _bad(f, "expected a file reference (one line, at most 500 characters)")
    return value.strip()


_CLEANERS = {
    "text": _clean_text, "textarea": _clean_text, "integer": _clean_integer, "money": _clean_money,
    "date": _clean_date, "datetime": _clean_datetime, "select": _clean_select,
    "multiselect": _clean_multiselect, "checkbox": _clean_checkbox, "file": _clean_file,
}


# ---------------------------------------------------------------- loading

class FormRegistry:
    """All forms of a forms folder, loaded and checked once."""

    def __init__(self, forms: Mapping[str, FormDefinition]) -> None:
        self._forms = dict(forms)

    def get(self, key: str) -> FormDefinition | None:
        return self._forms.get(key)

    def __contains__(self, key: object) -> bool:
        return key in self._forms

    def keys(self) -> list[str]:
        return sorted(self._forms)

    @classmethod
    def load(cls, folder: Path) -> "FormRegistry":
        forms: dict[str, FormDefinition] = {}
        if not folder.exists():
            return cls(forms)
        for path in sorted(folder.rglob("*.yaml")):
            for form in _load_file(path):
                if form.key in forms:
                    raise ConfigurationError(f"{path}: form key {form.key} is also defined in {forms[form.key].source}")
                forms[form.key] = form
        return cls(forms)


def _load_file(path: Path) -> list[FormDefinition]:
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER)
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigurationError(f"{path}: cannot read form file: {exc}") from exc
    if not isinstance(raw, dict) or not isinstance(raw.get("forms"), list):
        raise ConfigurationError(f"{path}: a form file is a mapping with a list under 'forms'")
    return [_parse_form(item, f"{path}: forms[{i}]", str(path)) for i, item in enumerate(raw["forms"])]


def _label(raw: Any, where: str) -> Label:
    if isinstance(raw, dict) and isinstance(raw.get("th"), str) and isinstance(raw.get("en"), str) \
            and raw["th"].strip() and raw["en"].strip() and set(raw) <= {"th", "en"}:
        return Label(th=raw["th"].strip(), en=raw["en"].strip())
    raise ConfigurationError(f"{where}: a label is {{th: ..., en: ...}} with both texts")


def _parse_form(raw: Any, where: str, source: str) -> FormDefinition:
    if not isinstance(raw, dict):
        raise ConfigurationError(f"{where}: a form is a mapping")
    unknown = set(raw) - _FORM_KEYS
    if unknown:
        raise ConfigurationError(f"{where}: unknown form keys {', '.join(sorted(unknown))}")
    key = raw.get("key")
    if not isinstance(key, str) or not _KEY.match(key):
        raise ConfigurationError(f"{where}: form key {key!r} is missing or not a valid key")
    where = f"{where} ({key})"
    fields_raw = raw.get("fields") or []
    if not isinstance(fields_raw, list):
        raise ConfigurationError(f"{where}: fields is a list")
    fields = tuple(_parse_field(f, f"{where}: fields[{i}]") for i, f in enumerate(fields_raw))
    names = [f.name for f in fields]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ConfigurationError(f"{where}: field names used twice: {', '.join(dupes)}")
    return FormDefinition(key=key, title=_label(raw.get("title"), f"{where}: title"), fields=fields, source=source)


def _number(raw: Any, where: str) -> Decimal | None:
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, (int, float, str)):
        raise ConfigurationError(f"{where}: not a number")
    try:
        return Decimal(str(raw))
    except InvalidOperation:
        raise ConfigurationError(f"{where}: not a number") from None


def _parse_field(raw: Any, where: str) -> FieldDefinition:
    if not isinstance(raw, dict):
        raise ConfigurationError(f"{where}: a field is a mapping")
    unknown = set(raw) - _FIELD_KEYS
    if unknown:
        raise ConfigurationError(f"{where}: unknown field keys {', '.join(sorted(unknown))}")
    name = raw.get("name")
    if not isinstance(name, str) or not _NAME.match(name) or keyword.iskeyword(name):
        raise ConfigurationError(f"{where}: field name {name!r} must be lower_snake_case letters, digits and _")
    where = f"{where} ({name})"
    ftype = raw.get("type")
    if ftype not in FIELD_TYPES:
        raise ConfigurationError(f"{where}: type {ftype!r} is not one of {', '.join(FIELD_TYPES)}")
    required = raw.get("required", False)
    if not isinstance(required, bool):
        raise ConfigurationError(f"{where}: required is true or false")
    options: tuple[Option, ...] = ()
    if ftype in ("select", "multiselect"):
        opts = raw.get("options")
        if not isinstance(opts, list) or not opts:
            raise ConfigurationError(f"{where}: a {ftype} field needs a non-empty options list")
        parsed = []
        for j, opt in enumerate(opts):
            if not isinstance(opt, dict) or not isinstance(opt.get("value"), str) or set(opt) - {"value", "label"}:
                raise ConfigurationError(f"{where}: options[{j}] is {{value: ..., label: {{th, en}}}}")
            parsed.append(Option(value=opt["value"], label=_label(opt.get("label"), f"{where}: options[{j}]")))
        options = tuple(parsed)
        values = [o.value for o in options]
        if len(set(values)) != len(values):
            raise ConfigurationError(f"{where}: option values must be unique")
    elif "options" in raw:
        raise ConfigurationError(f"{where}: only select and multiselect fields take options")
    max_length = raw.get("max_length")
    if max_length is not None and (not isinstance(max_length, int) or not 0 < max_length <= MAX_TEXT):
        raise ConfigurationError(f"{where}: max_length is a whole number from 1 to {MAX_TEXT}")
    pattern = raw.get("pattern")
    if pattern is not None:
        try:
            re.compile(pattern)
        except (re.error, TypeError):
            raise ConfigurationError(f"{where}: pattern is not a valid regular expression") from None
    help_label = _label(raw["help"], f"{where}: help") if raw.get("help") is not None else None
    group = raw.get("group")
    if ftype in ("user", "users"):
        if not isinstance(group, str) or not group:
            raise ConfigurationError(f"{where}: a {ftype} field names the group its people come from (group: ...)")
    elif group is not None:
        raise ConfigurationError(f"{where}: only user and users fields take a group")
    return FieldDefinition(name=name, type=ftype, label=_label(raw.get("label"), f"{where}: label"),
                           required=required, help=help_label, options=options,
                           min=_number(raw.get("min"), f"{where}: min"), max=_number(raw.get("max"), f"{where}: max"),
                           max_length=max_length, pattern=pattern, group=group)
