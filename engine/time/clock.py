"""The time of an operation: the database's clock, never the node's.

Each engine operation that runs a workflow or computes a deadline reads the time once from
the database (``engine.store.db.db_now``) and makes it current with ``operation_time``; the Spiff timer patch
and the calendar functions of expressions read it from here, so that every node of a cluster
agrees on what "now" is. The working-day calendar is loaded lazily, at most once per
operation, from the same conn.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime

from .calendar import WorkCalendar


@dataclass
class _Operation:
    read_now: Callable[[], datetime]
    load_calendar: Callable[[], WorkCalendar]
    _now: datetime | None = field(default=None)
    _calendar: WorkCalendar | None = field(default=None)

    def now(self) -> datetime:
        if self._now is None:
            self._now = self.read_now().astimezone(UTC)
        return self._now

    def calendar(self) -> WorkCalendar:
        if self._calendar is None:
            self._calendar = self.load_calendar()
        return self._calendar


_current: ContextVar[_Operation | None] = ContextVar("krabuan_operation", default=None)


@contextmanager
def operation_time(now: datetime | Callable[[], datetime], load_calendar: Callable[[], WorkCalendar]) -> Iterator[None]:
    """Bind the operation's time (a moment, or how to read it on first use) and its calendar."""
    read_now = now if callable(now) else (lambda: now)
    token = _current.set(_Operation(read_now, load_calendar))
    try:
        yield
    finally:
        _current.reset(token)


def now() -> datetime:
    """The current operation's time; outside an operation, the node's clock (reads only)."""
    op = _current.get()
    return op.now() if op is not None else datetime.now(UTC)


def calendar() -> WorkCalendar:
    """The current operation's working-day calendar (plain package holidays outside one)."""
    op = _current.get()
    return op.calendar() if op is not None else WorkCalendar()
