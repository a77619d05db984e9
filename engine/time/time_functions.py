"""Calendar functions for expressions (timer values, conditions): pure, bounded, and computed
on the current operation's clock and working-day calendar (engine.clock).

Dates go in as ISO strings (CE or Buddhist-era year) or dates, and come out as ISO date strings,
which is what case data holds and what a BPMN timer accepts. A date-only timer value means
00:00 Asia/Bangkok on that day; ``at(day, "16:30")`` gives a wall-clock time in Bangkok.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, time
from typing import Any

from ..errors import ExpressionError, InvalidInput
from . import calendar as cal
from . import clock


def _day(value: Any) -> date:
    if isinstance(value, datetime):
        return cal.local_date(value) if value.tzinfo else value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            if len(text) > 10:  # a date-time: its Bangkok date
                moment = datetime.fromisoformat(text)
                return cal.local_date(moment) if moment.tzinfo else moment.date()
            return cal.parse_date(text)
        except (InvalidInput, ValueError):
            pass
    raise ExpressionError(f"{value!r} is not a date (YYYY-MM-DD)")


def _int(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ExpressionError(f"{what} must be a whole number, not {value!r}")
    return value


def _wrap(fn: Callable[..., Any]) -> Callable[..., Any]:
    def call(*args: Any) -> Any:
        try:
            return fn(*args)
        except InvalidInput as exc:
            raise ExpressionError(exc.message) from None
    call.__name__ = fn.__name__
    return call


def today() -> str:
    return cal.local_date(clock.now()).isoformat()


def add_days(day: Any, n: Any, roll: Any = True) -> str:
    return clock.calendar().add_days(_day(day), _int(n, "the number of days"), roll=bool(roll)).isoformat()


def add_working_days(day: Any, n: Any) -> str:
    return clock.calendar().add_working_days(_day(day), _int(n, "the number of working days")).isoformat()


def add_months(day: Any, n: Any) -> str:
    n = _int(n, "the number of months")
    if abs(n) > 120:
        raise ExpressionError("at most 120 months")
    return cal.add_months(_day(day), n).isoformat()


def is_working_day(day: Any) -> bool:
    return clock.calendar().is_working_day(_day(day))


def next_working_day(day: Any) -> str:
    return clock.calendar().next_working_day(_day(day)).isoformat()


def working_days_between(start: Any, end: Any) -> int:
    a, b = _day(start), _day(end)
    if abs((b - a).days) > 3660:
        raise ExpressionError("dates more than ten years apart")
    return clock.calendar().working_days_between(a, b)


def fiscal_year(day: Any) -> int:
    return cal.fiscal_year(_day(day))


def fiscal_year_start(day: Any) -> str:
    return cal.fiscal_year_start(_day(day)).isoformat()


def fiscal_year_end(day: Any) -> str:
    return cal.fiscal_year_end(_day(day)).isoformat()


def annual(month: Any, day: Any) -> str:
    """The next `month`-`day` on or after today (this year's, else next year's)."""
    today_ = cal.local_date(clock.now())
    try:
        this_year = date(today_.year, _int(month, "month"), _int(day, "day"))
    except ValueError as exc:
        raise ExpressionError(f"annual({month!r}, {day!r}): {exc}") from None
    if this_year >= today_:
        return this_year.isoformat()
    return this_year.replace(year=today_.year + 1).isoformat()


_HHMM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


def at(day: Any, hhmm: Any = "16:30") -> str:
    """A Bangkok wall-clock time on a day, as an ISO date-time with its offset."""
    match = _HHMM.match(hhmm) if isinstance(hhmm, str) else None
    if not match:
        raise ExpressionError(f"{hhmm!r} is not a time (HH:MM)")
    moment = datetime.combine(_day(day), time(int(match.group(1)), int(match.group(2))), cal.BANGKOK)
    return moment.isoformat()


FUNCTIONS: dict[str, Callable[..., Any]] = {
    f.__name__: _wrap(f) for f in (today, add_days, add_working_days, add_months, is_working_day,
                                   next_working_day, working_days_between, fiscal_year, fiscal_year_start,
                                   fiscal_year_end, annual, at)
}
