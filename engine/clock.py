"""The time of an operation: the database's clock, never the node's.

Each engine operation that runs a workflow or computes a deadline reads the time once from
the database (``db_now``) and makes it current with ``operation_time``; the Spiff timer patch
and the calendar functions of expressions read it from here, so that every node of a cluster
agrees on what "now" is. The working-day calendar is loaded lazily, at most once per
operation, from the same session.
"""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Callable, Iterator

from sqlalchemy import text
from sqlalchemy.orm import Session

from .calendar import WorkCalendar


@dataclass
class _Operation:
    now: datetime
    load_calendar: Callable[[], WorkCalendar]
    _calendar: WorkCalendar | None = field(default=None)

    def calendar(self) -> WorkCalendar:
        if self._calendar is None:
            self._calendar = self.load_calendar()
        return self._calendar


_current: ContextVar[_Operation | None] = ContextVar("krabuan_operation", default=None)


_PG_NOW = text("SELECT clock_timestamp()")


def db_now(session: Session) -> datetime:
    """The database's current time, UTC-aware. PostgreSQL: the server's clock (one round trip),
    shared by every node. SQLite is a file on this host, and its clock ("now") is this host's
    clock: read directly, without a query."""
    if session.get_bind().dialect.name == "postgresql":
        return session.execute(_PG_NOW).scalar_one().astimezone(timezone.utc)
    return datetime.now(timezone.utc)


@contextmanager
def operation_time(now: datetime, load_calendar: Callable[[], WorkCalendar]) -> Iterator[None]:
    token = _current.set(_Operation(now.astimezone(timezone.utc), load_calendar))
    try:
        yield
    finally:
        _current.reset(token)


def now() -> datetime:
    """The current operation's time; outside an operation, the node's clock (reads only)."""
    op = _current.get()
    return op.now if op is not None else datetime.now(timezone.utc)


def calendar() -> WorkCalendar:
    """The current operation's working-day calendar (plain package holidays outside one)."""
    op = _current.get()
    return op.calendar() if op is not None else WorkCalendar()
