"""The schedules file format (``processes/schedules.yaml``, see engine.time.schedules) as pydantic models.

``load_schedules_file`` reads the file, or raises a ConfigurationError naming the file, the
process, the reminder or trigger (index) and the broken rule, e.g.
``processes/schedules.yaml: processes.asset-audit.triggers[0]: at is HH:MM``.
"""
from __future__ import annotations

import re
from datetime import date, time
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    StringConstraints,
    Tag,
    ValidationError,
    field_validator,
)

from ..errors import ConfigurationError
from .file_schema import REQUIRED, Schema, first_problem, list_of, refuse, says
from .schedules import ProcessSchedule, Reminder, Schedules, Trigger

# libyaml when present (ten times faster than the pure-Python parser), same safe semantics.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

FILE_RULE = "expected 'processes:' mapping process ids to schedules"
EVERY_RULE = "'every' is year (with 'dates': [MM-DD, ...]) or month (with 'days': [1-28, ...])"
_MMDD = re.compile(r"^(\d{2})-(\d{2})$")
_HHMM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


def _month_day(text: Any) -> Any:
    """"MM-DD" to (month, day): a day of every year, so not 29 February."""
    match = _MMDD.match(text) if isinstance(text, str) else None
    if not match:
        raise ValueError(text)
    month, day = int(match.group(1)), int(match.group(2))
    date(2023, month, day)  # a year without 29 February; ValueError if there is no such day
    return month, day


def _clock_time(text: Any) -> Any:
    if isinstance(text, time):
        return text  # the default (YAML never makes a time)
    match = _HHMM.match(text) if isinstance(text, str) else None
    if not match:
        raise ValueError(text)
    return time(int(match.group(1)), int(match.group(2)))


def _non_empty_list(value: Any) -> Any:
    if not isinstance(value, list) or not value:
        raise refuse(EVERY_RULE)
    return value


MonthDay = Annotated[tuple[int, int], BeforeValidator(_month_day),
                     says("{input} is not a MM-DD date (29 February is not allowed)")]


class ReminderSchema(Schema):
    working_days_before: Annotated[int, Field(ge=0, le=60)] = REQUIRED


class TriggerSchema(Schema):
    """What yearly and monthly triggers share; ``every`` decides which one a trigger is, and
    which of ``dates`` and ``days`` it reads (the subclasses declare them; they are listed here
    to keep the order in which a trigger is checked)."""

    NOT_A_MAPPING = "a trigger is a mapping"
    UNKNOWN_KEYS = "unknown key(s) {keys}"

    id: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,63}$"),
                  says("id must be lower-case letters, digits and _")] = REQUIRED
    every: Any = REQUIRED
    dates: Any = None
    days: Any = None
    at: Annotated[time, BeforeValidator(_clock_time), says("at is HH:MM")] = time(8, 30)
    catch_up_days: Annotated[int, Field(ge=0, le=366), says("catch_up_days is a whole number from 0 to 366")] = 7
    data: Annotated[dict[str, Any], BeforeValidator(lambda data: data or {}),
                    says("data is a mapping of variable names to values")] = Field(default_factory=dict)


class YearlyTrigger(TriggerSchema):
    every: Annotated[Literal["year"], says(EVERY_RULE)] = REQUIRED
    dates: Annotated[list[MonthDay], BeforeValidator(_non_empty_list)] = REQUIRED
    days: Any = None  # a monthly trigger's, not read

    def trigger(self, process_id: str) -> Trigger:
        return Trigger(process_id=process_id, id=self.id, every="year", on=tuple(sorted(set(self.dates))),
                       at=self.at, catch_up_days=self.catch_up_days, data=dict(self.data))


class MonthlyTrigger(TriggerSchema):
    every: Literal["month"] = REQUIRED
    days: Annotated[list[Annotated[int, Field(ge=1, le=28)]], says("monthly days are whole numbers from 1 to 28"),
                    BeforeValidator(_non_empty_list)] = REQUIRED
    dates: Any = None  # a yearly trigger's, not read

    def trigger(self, process_id: str) -> Trigger:
        return Trigger(process_id=process_id, id=self.id, every="month", on=tuple(sorted(set(self.days))),
                       at=self.at, catch_up_days=self.catch_up_days, data=dict(self.data))


def _every(raw: Any) -> str:
    """Monthly triggers say so; anything else is read as a yearly trigger (which says what is wrong)."""
    return "month" if isinstance(raw, dict) and raw.get("every") == "month" else "year"


AnyTrigger = Annotated[Annotated[YearlyTrigger, Tag("year")] | Annotated[MonthlyTrigger, Tag("month")],
                       Discriminator(_every)]


class ProcessScheduleSchema(Schema):
    NOT_A_MAPPING = UNKNOWN_KEYS = "only 'reminders' and 'triggers' may be given"

    reminders: Annotated[list[Annotated[ReminderSchema, says(
        "a reminder is {working_days_before: N} with N from 0 to 60")]], list_of("reminders")] \
        = Field(default_factory=list)
    triggers: Annotated[list[AnyTrigger], list_of("triggers")] = Field(default_factory=list)

    @field_validator("triggers")
    @classmethod
    def _unique_ids(cls, triggers: list[YearlyTrigger | MonthlyTrigger]) -> list[YearlyTrigger | MonthlyTrigger]:
        ids = [t.id for t in triggers]
        if len(set(ids)) != len(ids):
            raise refuse("a trigger id is used twice")
        return triggers


def _processes(value: Any) -> Any:
    if not isinstance(value or {}, dict):
        raise refuse(FILE_RULE)
    return value or {}


class SchedulesFileSchema(Schema):
    model_config = ConfigDict(extra="ignore")
    NOT_A_MAPPING = FILE_RULE
    UNKNOWN_KEYS = None

    processes: Annotated[dict[Any, ProcessScheduleSchema], BeforeValidator(_processes)] = Field(default_factory=dict)


def load_schedules_file(path: Path) -> Schedules:
    """The schedules of the file, checked; a ConfigurationError names the first problem and its place."""
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigurationError(f"{path}: cannot read schedules: {exc}") from exc
    try:
        schema = SchedulesFileSchema.model_validate(raw)
    except ValidationError as exc:
        problem = first_problem(exc)
        raise ConfigurationError(f"{_place(path, problem.loc)}: {problem.message}") from None
    return Schedules({str(process_id): ProcessSchedule(
        tuple(Reminder(r.working_days_before) for r in spec.reminders),
        tuple(t.trigger(str(process_id)) for t in spec.triggers)) for process_id, spec in schema.processes.items()})


def _place(path: Path, loc: tuple[str | int, ...]) -> str:
    """``path: processes.<id>.triggers[i]``: the process, then the reminder or trigger."""
    if len(loc) < 2:
        return str(path)
    place = f"{path}: processes.{loc[1]}"
    if len(loc) >= 4 and isinstance(loc[3], int):
        place += f".{loc[2]}[{loc[3]}]"
    return place
