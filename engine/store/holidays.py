"""Holidays changed at runtime: stored as an append-only list of changes, applied on top of
the holidays package. Every change carries its reference (e.g. the cabinet resolution)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Connection, func, insert, select

from ..errors import Conflict, InvalidInput
from ..time.calendar import AdminChange, WorkCalendar
from .tables import HolidayChange

# The id of the newest change: it names the calendar's version (changes are only ever appended).
LATEST_CHANGE = select(func.coalesce(func.max(HolidayChange.c.id), 0)).scalar_subquery()


def load_calendar(conn: Connection) -> WorkCalendar:
    return load_versioned(conn)[1]


def load_versioned(conn: Connection) -> tuple[int, WorkCalendar]:
    """The calendar with every administrator's change applied, and its version."""
    changes: dict[date, AdminChange] = {}
    latest = 0
    for row in conn.execute(select(HolidayChange.c.id, HolidayChange.c.day, HolidayChange.c.action,
                                      HolidayChange.c.name, HolidayChange.c.ref).order_by(HolidayChange.c.id)):
        changes[row.day] = AdminChange(row.day, row.action, row.name, row.ref)
        latest = row.id
    return latest, WorkCalendar(changes)


@dataclass(frozen=True)
class HolidayChangeRequest:
    day: date
    action: str  # add | remove
    name: str
    ref: str
    actor: str


def change_holiday(conn: Connection, request: HolidayChangeRequest, now: datetime) -> None:
    """Record an administrator's change (refused when it changes nothing or lacks its reference)."""
    day, action, name, ref, actor = request.day, request.action, request.name, request.ref, request.actor
    if action not in ("add", "remove"):
        raise InvalidInput("a holiday change is add or remove")
    if not ref.strip():
        raise InvalidInput("a holiday change needs its reference (e.g. the cabinet resolution)")
    if action == "add" and not name.strip():
        raise InvalidInput("an added holiday needs a name")
    calendar = load_calendar(conn)
    current = calendar.holiday(day)
    if action == "add" and current is not None:
        raise Conflict(f"{day.isoformat()} is already a holiday: {'; '.join(current.names)}")
    if action == "remove" and current is None:
        raise Conflict(f"{day.isoformat()} is not a holiday")
    conn.execute(insert(HolidayChange).values(day=day, action=action, name=name.strip() or "-", ref=ref.strip(),
                                              actor=actor, created_at=now))
