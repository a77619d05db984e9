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

from . import calendar as cal

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
    def load(cls, path: Path) -> Schedules:
        """The schedules of the file (none if there is no file); a mistake is a ConfigurationError
        naming the file, the process, the reminder or trigger and the rule (engine.time.schedule_schema)."""
        if not path.exists():
            return cls()
        from .schedule_schema import load_schedules_file  # pydantic models: imported only when loading

        return load_schedules_file(path)
