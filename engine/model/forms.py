"""Form definitions: YAML files in forms/, parsed and validated once into typed objects.

A completion accepts only the fields its step's form declares, each converted to its type;
anything else is refused with an error naming the field. Format (one file may hold many
forms)::

    forms:
      - key: send-letter.check_letter
        title: {th: ตรวจสอบหนังสือ, en: Check the letter}
        fields:
          - name: subject
            type: text            # text textarea integer money date datetime month select
            required: true        #   multiselect checkbox user users (group: ...) file
            label: {th: เรื่อง, en: Subject}
            max_length: 300       # text/textarea; min/max for integer and money
          - name: delivery
            type: select
            options:
              - {value: post, label: {th: ไปรษณีย์, en: By post}}
        rules:                    # cross-field checks (engine.model.form_rules)
          - check: "delivery != 'post' or subject"
            field: subject        # the field the problem is shown next to
            message: {th: ..., en: ...}

Values are stored JSON-native: money as a number rounded to satang (2 decimals), dates as
ISO ``YYYY-MM-DD`` strings, datetimes as ISO strings in UTC, months as ``YYYY-MM``, files as a
list of the SHA-256s of uploaded files (engine.services.files; one given alone is stored as a
list of one). Years are CE when stored; a year typed from 2400 on is a Buddhist-era year
(``2569-12-21`` is stored as ``2026-12-21``, ``12/2569`` as ``2026-12``), as everywhere in
Krabuan (engine.time.calendar.ce_year). A date and time without an offset is Bangkok time.

The file format is checked by engine.model.form_schema (a mistake names the file, the form and
the field); the submitted values by ``FormDefinition.validate`` below.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, get_args

from ..errors import ConfigurationError, InvalidInput
from ..time.calendar import BANGKOK, ce_year

if TYPE_CHECKING:
    from .form_rules import FormRule

FieldType = Literal["text", "textarea", "integer", "money", "date", "datetime", "month", "select", "multiselect",
                    "checkbox", "user", "users", "file"]
FIELD_TYPES: tuple[str, ...] = get_args(FieldType)
MAX_TEXT = 10_000
MAX_MONEY = Decimal("999999999999.99")
_MAX_MONEY_TEXT = 40
MembersOf = Callable[[str], set[str]]
MAX_FILES = 50  # in one file field
_SHA256 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class Label:
    th: str
    en: str

    def to_json(self) -> dict[str, str]:
        return {"th": self.th, "en": self.en}


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

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "type": self.type, "required": self.required, "label": self.label.to_json(),
                "help": self.help.to_json() if self.help else None,
                "options": [{"value": o.value, "label": o.label.to_json()} for o in self.options],
                "min": _number(self.min), "max": _number(self.max),
                "max_length": self.max_length, "pattern": self.pattern, "group": self.group}

    def to_source(self) -> dict[str, Any]:
        """The field as written in a forms file (only the keys it sets), for editing and storing."""
        source: dict[str, Any] = {"name": self.name, "type": self.type, "label": self.label.to_json()}
        optional = {"required": self.required or None, "help": self.help.to_json() if self.help else None,
                    "options": [{"value": o.value, "label": o.label.to_json()} for o in self.options] or None,
                    "min": _number(self.min), "max": _number(self.max), "max_length": self.max_length,
                    "pattern": self.pattern, "group": self.group}
        return source | {k: v for k, v in optional.items() if v is not None}

    def clean(self, value: Any, members_of: MembersOf | None = None) -> Any:
        """Convert one submitted value to its stored form, or raise InvalidInput."""
        if self.type in ("user", "users"):
            return _clean_users(self, value, members_of)
        return _CLEANERS[self.type](self, value)


def _number(value: Decimal | None) -> int | float | None:
    """A bound as JSON: a whole number as one (``1``, not ``1.0``)."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


@dataclass(frozen=True)
class FormDefinition:
    key: str
    title: Label
    fields: tuple[FieldDefinition, ...] = field(default_factory=tuple)
    source: str = ""
    rules: tuple[FormRule, ...] = ()

    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]

    def to_json(self) -> dict[str, Any]:
        """The form's shape for scripts and the web (``krabuan forms show --json``): every field with
        its constraints, and the cross-field rules."""
        return {"key": self.key, "title": self.title.to_json(), "fields": [f.to_json() for f in self.fields],
                "rules": [r.to_json() for r in self.rules]}

    def to_source(self) -> dict[str, Any]:
        """The form as written in a forms file (``engine.model.form_schema.form_from_source`` reads
        it back): what the browser's form editor edits and a version stores."""
        source: dict[str, Any] = {"key": self.key, "title": self.title.to_json(),
                                  "fields": [f.to_source() for f in self.fields]}
        if self.rules:
            source["rules"] = [{"check": r.check, "field": r.field, "message": r.message.to_json()} for r in self.rules]
        return source

    def validate(self, data: Mapping[str, Any], members_of: MembersOf | None = None,
                 earlier: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Return the cleaned submission, or raise InvalidInput naming the first offending field;
        its ``problems`` detail lists every field's problem (``field``, ``code``, ``message``,
        ``params``), so that a form can show each one next to its field. The form's rules are
        checked too, against the cleaned values and what the case already holds (``earlier``: the
        case data from earlier steps); a rule's problem has the code ``rule``."""
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
        problems: list[FieldProblem] = []
        for f in self.fields:
            try:
                value = data.get(f.name)
                if _is_empty(f, value):
                    if f.required:
                        raise _bad(f, "is required", "required")
                    continue
                cleaned[f.name] = f.clean(value, members_of)
            except FieldError as exc:
                problems.append(exc.problem)
        if self.rules:
            from .form_rules import rule_problems  # the evaluator: loaded only by a form with rules

            problems += rule_problems(self, cleaned, {p.field for p in problems}, earlier or {})
        if problems:
            first = problems[0]
            raise InvalidInput(first.message, form=self.key, field=first.field,
                               problems=[p.to_json() for p in problems])
        return cleaned


# ---------------------------------------------------------------- value cleaners

@dataclass(frozen=True)
class FieldProblem:
    """Why one submitted value was refused: a stable ``code`` (with ``params``) that a form
    translates, and the English ``message``."""

    field: str
    code: str
    message: str
    params: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {"field": self.field, "code": self.code, "message": self.message, "params": self.params}


class FieldError(InvalidInput):
    def __init__(self, problem: FieldProblem) -> None:
        super().__init__(problem.message, field=problem.field, code=problem.code)
        self.problem = problem


def _bad(f: FieldDefinition, what: str, code: str, **params: Any) -> FieldError:
    joint = " " if code == "required" else ": "
    message = f"field {f.name} ({f.label.en}){joint}{what}"
    return FieldError(FieldProblem(f.name, code, message, {k: str(v) for k, v in params.items()}))


def _is_empty(f: FieldDefinition, value: Any) -> bool:
    """Nothing was entered: no value, blank text, or no choice."""
    if value is None:
        return True
    if isinstance(value, str) and not value.strip():
        return True
    return f.type in ("multiselect", "users", "file") and isinstance(value, list) and not value


def _clean_text(f: FieldDefinition, value: Any) -> str:
    if not isinstance(value, str):
        raise _bad(f, f"expected text, got {type(value).__name__}", "not_text")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise _bad(f, "is not valid text (it holds a lone surrogate)", "not_text") from None
    limit = f.max_length or MAX_TEXT
    if len(value) > limit:
        raise _bad(f, f"longer than {limit} characters", "too_long", limit=limit)
    if f.pattern and not re.fullmatch(f.pattern, value):
        raise _bad(f, f"does not match the required pattern {f.pattern}", "pattern", pattern=f.pattern)
    return value


def _bounds(f: FieldDefinition, number: Decimal) -> None:
    if f.min is not None and number < f.min:
        raise _bad(f, f"must be at least {f.min}", "too_small", min=f.min)
    if f.max is not None and number > f.max:
        raise _bad(f, f"must be at most {f.max}", "too_big", max=f.max)


def _clean_integer(f: FieldDefinition, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise _bad(f, f"expected a whole number, got {type(value).__name__}", "not_integer")
    try:
        number = int(value) if isinstance(value, int) else int(value.strip().replace(",", ""))
    except ValueError:
        raise _bad(f, f"{value!r} is not a whole number", "not_integer") from None
    if abs(number) > 10**15:
        raise _bad(f, "number too large", "too_big", max=10**15)
    _bounds(f, Decimal(number))
    return number


def _clean_money(f: FieldDefinition, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise _bad(f, f"expected an amount in baht, got {type(value).__name__}", "not_money")
    text = str(value).strip().replace(",", "")
    if len(text) > _MAX_MONEY_TEXT:  # a 100,000-digit "amount" is not parsed at all
        raise _bad(f, f"{text[:20]!r}… is not an amount in baht", "not_money")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise _bad(f, f"{value!r} is not an amount in baht", "not_money") from None
    if not amount.is_finite():
        raise _bad(f, f"{value!r} is not an amount in baht", "not_money")
    if abs(amount) > MAX_MONEY:  # before quantize, which a huge exponent (1e999999999) would overflow
        raise _bad(f, "amount too large", "too_big", max=MAX_MONEY)
    if amount != amount.quantize(Decimal("0.01")):
        raise _bad(f, "amounts have at most 2 decimals (satang)", "decimals")
    if amount.is_zero():
        amount = Decimal("0.00")  # "-0.00" is nothing owed, not a negative amount
    _bounds(f, amount)
    return float(amount.quantize(Decimal("0.01")))


_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_ISO_DATETIME = re.compile(r"(\d{4})(-\d{2}-\d{2}(?:[T ].+)?)")
_MONTH = re.compile(r"(\d{4})-(\d{1,2})|(\d{1,2})\s*/\s*(\d{4})")


def _clean_date(f: FieldDefinition, value: Any) -> str:
    """``YYYY-MM-DD`` with a CE year, or a Buddhist-era one (2400 on), stored CE: ``2569-12-21`` is
    21 December 2026 (checked in CE: 29 February 2567 BE is 2024-02-29, a real day)."""
    match = _ISO_DATE.fullmatch(value.strip()) if isinstance(value, str) else None
    if match is None:
        raise _bad(f, f"{str(value)[:40]!r} is not a date (YYYY-MM-DD)", "not_date")
    year, month, day = (int(g) for g in match.groups())
    try:
        return date(ce_year(year), month, day).isoformat()
    except ValueError:
        raise _bad(f, f"{value!r} is not a date (YYYY-MM-DD)", "not_date") from None


def _clean_datetime(f: FieldDefinition, value: Any) -> str:
    """ISO 8601, stored in UTC; without an offset it is Bangkok time (+07:00), and a Buddhist-era
    year (2400 on) is converted as for a date."""
    if not isinstance(value, str):
        raise _bad(f, "expected a date and time in ISO 8601", "not_datetime")
    text = value.strip()
    match = _ISO_DATETIME.fullmatch(text)
    if match is not None:
        text = f"{ce_year(int(match.group(1))):04d}{match.group(2)}"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise _bad(f, f"{value[:40]!r} is not an ISO 8601 date and time", "not_datetime") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=BANGKOK)
    return moment.astimezone(UTC).isoformat()


def _clean_month(f: FieldDefinition, value: Any) -> str:
    """A month, stored as ``YYYY-MM`` (CE): typed as ``YYYY-MM`` or ``MM/YYYY``, the year CE or
    Buddhist era (2400 on): ``2569-12`` and ``12/2569`` are both ``2026-12``."""
    match = _MONTH.fullmatch(value.strip()) if isinstance(value, str) else None
    if match is None:
        raise _bad(f, f"{str(value)[:40]!r} is not a month (YYYY-MM or MM/YYYY)", "not_month")
    year_text, month_text = (match.group(1), match.group(2)) if match.group(1) else (match.group(4), match.group(3))
    year, month = ce_year(int(year_text)), int(month_text)
    if not 1 <= month <= 12 or year < 1:
        raise _bad(f, f"{value!r} is not a month (YYYY-MM or MM/YYYY)", "not_month")
    return f"{year:04d}-{month:02d}"


def _clean_select(f: FieldDefinition, value: Any) -> str:
    allowed = [o.value for o in f.options]
    if not isinstance(value, str) or value not in allowed:
        raise _bad(f, f"{value!r} is not one of {', '.join(allowed)}", "not_option")
    return value


def _clean_multiselect(f: FieldDefinition, value: Any) -> list[str]:
    if not isinstance(value, list):
        raise _bad(f, "expected a list of choices", "not_option")
    cleaned = [_clean_select(f, v) for v in value]
    if len(set(cleaned)) != len(cleaned):
        raise _bad(f, "a choice is listed twice", "duplicate")
    return cleaned


def _clean_checkbox(f: FieldDefinition, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise _bad(f, "expected true or false", "not_bool")


def _clean_users(f: FieldDefinition, value: Any, members_of: MembersOf | None) -> Any:
    people = [value] if f.type == "user" else value
    if not isinstance(people, list) or not all(isinstance(p, str) and p for p in people):
        raise _bad(f, "expected a username" if f.type == "user" else "expected a list of usernames", "not_user")
    if f.type == "users" and not people and f.required:
        raise _bad(f, "choose at least one person", "required")
    if len(set(people)) != len(people):
        raise _bad(f, "a person is listed twice", "duplicate")
    if f.min is not None and len(people) < f.min:
        raise _bad(f, f"choose at least {f.min} people", "too_few", min=f.min)
    if f.max is not None and len(people) > f.max:
        raise _bad(f, f"choose at most {f.max} people", "too_many", max=f.max)
    members = members_of(f.group or "") if members_of is not None else set()
    outsiders = [p for p in people if p not in members]
    if outsiders:
        raise _bad(f, f"not member(s) of group {f.group}: {', '.join(outsiders)}", "not_member", group=f.group)
    return value


def _clean_file(f: FieldDefinition, value: Any) -> list[str]:
    """The SHA-256s of uploaded files (one, or a list): always stored as a list. Whether each is a
    file the user may attach is the case service's check (engine.services.files.Evidence)."""
    given = [value] if isinstance(value, str) else value
    if not isinstance(given, list) or not all(isinstance(v, str) and _SHA256.fullmatch(v.strip()) for v in given):
        raise _bad(f, "expected the sha256 of an uploaded file (POST /api/v1/files), or a list of them", "not_file")
    hashes = [v.strip() for v in given]
    if len(set(hashes)) != len(hashes):
        raise _bad(f, "a file is listed twice", "duplicate")
    if len(hashes) > MAX_FILES:
        raise _bad(f, f"at most {MAX_FILES} files", "too_many_files", max=MAX_FILES)
    return hashes


_CLEANERS = {
    "text": _clean_text, "textarea": _clean_text, "integer": _clean_integer, "money": _clean_money,
    "date": _clean_date, "datetime": _clean_datetime, "month": _clean_month, "select": _clean_select,
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

    def overlay(self, forms: Mapping[str, FormDefinition]) -> FormRegistry:
        """This registry with some forms replaced or added (a version's own forms)."""
        return FormRegistry({**self._forms, **forms}) if forms else self

    def field_labels(self, form_keys: Iterable[str]) -> dict[str, Label]:
        """The label of every field of these forms, by field name (the first form's wins): how a
        case's data keys read on a page."""
        labels: dict[str, Label] = {}
        for key in form_keys:
            form = self._forms.get(key)
            for f in form.fields if form else ():
                labels.setdefault(f.name, f.label)
        return labels

    @classmethod
    def load(cls, folder: Path) -> FormRegistry:
        forms: dict[str, FormDefinition] = {}
        if not folder.exists():
            return cls(forms)
        from .form_schema import load_form_file  # pydantic models: imported only when forms are loaded

        for path in sorted(folder.rglob("*.yaml")):
            for form in load_form_file(path):
                if form.key in forms:
                    raise ConfigurationError(f"{path}: form key {form.key} is also defined in {forms[form.key].source}")
                forms[form.key] = form
        _check_rule_names(forms.values())
        return cls(forms)


def _check_rule_names(forms: Iterable[FormDefinition]) -> None:
    """Every name a form's rule reads is a field of some form (a typo is found at load, not when a
    user submits)."""
    from .form_rules import unknown_names

    every = list(forms)
    fields = {f.name for form in every for f in form.fields}
    for form in every:
        for index, names in unknown_names(form, fields):
            rule = form.rules[index]
            raise ConfigurationError(f"{form.source}: form {form.key}: rules[{index}] ({rule.field}): "
                                     f"{', '.join(names)} is neither a field of any form nor a function")
