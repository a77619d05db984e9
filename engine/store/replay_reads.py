"""What the auditor's replay (engine.services.replay) reads besides the history: which cases to
replay, and the working-day calendar as it was at a recorded calendar version (the holiday
changes are only appended, so the calendar of version v is the changes up to id v)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Connection, select

from ..time.calendar import AdminChange, WorkCalendar
from .tables import HolidayChange, Instance


def instance_ids(conn: Connection, process_id: str | None = None) -> list[int]:
    """Every case's id (or every case of one process), oldest first."""
    query = select(Instance.c.id).order_by(Instance.c.id)
    if process_id is not None:
        query = query.where(Instance.c.process_id == process_id)
    return list(conn.scalars(query))


def process_of(conn: Connection, instance_id: int) -> str | None:
    return conn.scalar(select(Instance.c.process_id).where(Instance.c.id == instance_id))


def calendar_changes(conn: Connection) -> list[tuple[int, datetime, AdminChange]]:
    """Every administrator's change of the holiday calendar, in order: (id, when, the change)."""
    rows = conn.execute(select(HolidayChange.c.id, HolidayChange.c.created_at, HolidayChange.c.day,
                               HolidayChange.c.action, HolidayChange.c.name, HolidayChange.c.ref)
                        .order_by(HolidayChange.c.id))
    return [(r.id, r.created_at, AdminChange(r.day, r.action, r.name, r.ref)) for r in rows]


def calendar_as_of(changes: list[tuple[int, datetime, AdminChange]], version: int) -> WorkCalendar:
    """The calendar with the changes up to (and including) change ``version``."""
    days: dict[date, AdminChange] = {}
    for change_id, _, change in changes:
        if change_id <= version:
            days[change.date] = change
    return WorkCalendar(days)
