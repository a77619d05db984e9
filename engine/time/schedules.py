"""Per-process time configuration: reminders before deadlines and calendar triggers.

Read from ``processes/schedules.yaml``::

    processes:
      asset-audit:
        reminders:
          - {working_days_before: 2}      # a notification 2 working days before each step's deadline
        triggers:
          - id: yearly                    # unique within the process
            every: year                   # year: "dates" lists MM-DD; month: "days" lists days 1-28
            dates: ["09-01"]
            at: "08:30"                   # Bangkok wall-clock time of each occurrence (default 08:30)
            catch_up_days: 31             # an occurrence missed while every scheduler was down is
                                          # still started this many days later (default 7)
            data: {fiscal_year: "{fiscal_year}"}   # case data; {date} {fiscal_year} {year} {month}

A trigger starts one instance per occurrence (its period is the occurrence's date), never two,
however many schedulers run: the run is recorded under a unique key in the same transaction
that starts the instance.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import yaml

# libyaml when present (ten times faster than the pure-Python parser), same safe semantics.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

from . import calendar as cal
from ..errors import ConfigurationError

_ID = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
_MMDD = re.compile(r"^(\d{2})-(\d{2})$")
_HHMM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
_PLACEHOLDER = re.compile(r"\{(date|fiscal_year|year|month)\}")


@dataclass(frozen=True)
class Reminder:
    working_days_before: int


@dataclass(frozen=True)
class Trigger:
    process_id: str
    id: str
    every: str  # "year" | "month"
    on: tuple[Any, ...]  # (month, day) pairs for "year", days of the month for "month"
    at: time = time(8, 30)
    catch_up_days: int = 7
    data: dict[str, Any] = field(default_factory=dict)

    def occurrences(self, start: date, end: date) -> list[date]:
        """Occurrence dates from start to end inclusive (Bangkok dates)."""
        found = []
        for year in range(start.year, end.year + 1):
            for month in range(1, 13):
                if self.every == "year":
                    days = [date(year, m, d) for m, d in self.on if m == month]
                else:
                    days = [date(year, month, d) for d in self.on]
                found += [d for d in days if start <= d <= end]
        return sorted(found)

    def moment(self, day: date) -> datetime:
        return cal.at_local(day, self.at)

    def latest_due(self, now: datetime) -> date | None:
        """The latest occurrence at or before now that is still within the catch-up window."""
        today = cal.local_date(now)
        earliest = today - timedelta(days=self.catch_up_days)
        due = [d for d in self.occurrences(earliest - timedelta(days=1), today) if self.moment(d) <= now
               and now - self.moment(d) <= timedelta(days=self.catch_up_days)]
        return due[-1] if due else None

    def next_after(self, now: datetime) -> date | None:
        today = cal.local_date(now)
        upcoming = [d for d in self.occurrences(today, today + timedelta(days=400)) if self.moment(d) > now]
        return upcoming[0] if upcoming else None

    def data_for(self, day: date) -> dict[str, Any]:
        values = {"date": day.isoformat(), "fiscal_year": str(cal.fiscal_year(day)), "year": str(day.year),
                  "month": f"{day.month:02d}"}

        def fill(value: Any) -> Any:
            if isinstance(value, str):
                whole = _PLACEHOLDER.fullmatch(value)
                if whole and whole.group(1) == "fiscal_year":
                    return cal.fiscal_year(day)
                return _PLACEHOLDER.sub(lambda m: values[m.group(1)], value)
            return value
        return {k: fill(v) for k, v in self.data.items()}


@dataclass(frozen=True)
class ProcessSchedule:
    reminders: tuple[Reminder, ...] = ()
    triggers: tuple[Trigger, ...] = ()


@dataclass(frozen=True)
class Schedules:
    processes: dict[str, ProcessSchedule] = field(default_factory=dict)

    def reminders(self, process_id: str) -> tuple[Reminder, ...]:
        found = self.processes.get(process_id)
        return found.reminders if found else ()

    def triggers(self) -> list[Trigger]:
        return [t for p in self.processes.values() for t in p.triggers]

    @classmethod
    def load(cls, path: Path) -> "Schedules":
        if not path.exists():
            return cls()
        try:
            raw = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise ConfigurationError(f"{path}: cannot read schedules: {exc}") from exc
        if not isinstance(raw, dict) or not isinstance(raw.get("processes") or {}, dict):
            raise ConfigurationError(f"{path}: expected 'processes:' mapping process ids to schedules")
        result = {}
        for process_id, spec in (raw.get("processes") or {}).items():
            where = f"{path}: processes.{process_id}"
            if not isinstance(spec, dict) or set(spec) - {"reminders", "triggers"}:
                raise ConfigurationError(f"{where}: only 'reminders' and 'triggers' may be given")
            reminders = tuple(_reminder(r, f"{where}.reminders[{i}]") for i, r in enumerate(spec.get("reminders") or []))
            triggers = tuple(_trigger(process_id, t, f"{where}.triggers[{i}]")
                             for i, t in enumerate(spec.get("triggers") or []))
            ids = [t.id for t in triggers]
            if len(set(ids)) != len(ids):
                raise ConfigurationError(f"{where}: a trigger id is used twice")
            result[str(process_id)] = ProcessSchedule(reminders, triggers)
        return cls(result)


def _reminder(raw: Any, where: str) -> Reminder:
    n = raw.get("working_days_before") if isinstance(raw, dict) else None
    if not isinstance(n, int) or isinstance(n, bool) or not 0 <= n <= 60 or set(raw) != {"working_days_before"}:
        raise ConfigurationError(f"{where}: a reminder is {{working_days_before: N}} with N from 0 to 60")
    return Reminder(n)


def _trigger(process_id: str, raw: Any, where: str) -> Trigger:
    if not isinstance(raw, dict):
        raise ConfigurationError(f"{where}: a trigger is a mapping")
    unknown = {str(k) for k in raw} - {"id", "every", "dates", "days", "at", "catch_up_days", "data"}
    if unknown:
        raise ConfigurationError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
    trigger_id = raw.get("id")
    if not isinstance(trigger_id, str) or not _ID.match(trigger_id):
        raise ConfigurationError(f"{where}: id must be lower-case letters, digits and _")
    every = raw.get("every")
    on = raw.get("dates" if every == "year" else "days")
    if every not in ("year", "month") or not isinstance(on, list) or not on:
        raise ConfigurationError(f"{where}: 'every' is year (with 'dates': [MM-DD, ...]) or month "
                                 "(with 'days': [1-28, ...])")
    if every == "year":
        pairs = []
        for item in on:
            match = _MMDD.match(item) if isinstance(item, str) else None
            try:
                date(2024, int(match.group(1)), int(match.group(2))) if match else None
            except ValueError:
                match = None
            if not match or (int(match.group(1)), int(match.group(2))) == (2, 29):
                raise ConfigurationError(f"{where}: {item!r} is not a MM-DD date (29 February is not allowed)")
            pairs.append((int(match.group(1)), int(match.group(2))))
        parsed: tuple[Any, ...] = tuple(sorted(set(pairs)))
    else:
        if not all(isinstance(d, int) and not isinstance(d, bool) and 1 <= d <= 28 for d in on):
            raise ConfigurationError(f"{where}: monthly days are whole numbers from 1 to 28")
        parsed = tuple(sorted(set(on)))
    at_text = raw.get("at", "08:30")
    match = _HHMM.match(at_text) if isinstance(at_text, str) else None
    if not match:
        raise ConfigurationError(f"{where}: at is HH:MM")
    catch_up = raw.get("catch_up_days", 7)
    if not isinstance(catch_up, int) or isinstance(catch_up, bool) or not 0 <= catch_up <= 366:
        raise ConfigurationError(f"{where}: catch_up_days is a whole number from 0 to 366")
    data = raw.get("data") or {}
    if not isinstance(data, dict) or not all(isinstance(k, str) for k in data):
        raise ConfigurationError(f"{where}: data is a mapping of variable names to values")
    return Trigger(process_id=str(process_id), id=trigger_id, every=every, on=parsed,
                   at=time(int(match.group(1)), int(match.group(2))), catch_up_days=catch_up, data=dict(data))
