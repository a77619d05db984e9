"""The Thai government working-day calendar and deadline counting.

Working day = Monday to Friday and not a government holiday. Government holidays are the
``holidays`` package's Thailand PUBLIC + GOVERNMENT days (Thai names) without National Labour
Day (government offices open), plus days an administrator adds at runtime (cabinet-declared
special days, each with its reference), minus days an administrator removes.

Counting follows the Thai Civil and Commercial Code as read in
../shared/reference/domain-and-ux.md (sections 2.3 and 7):
- "within N days from X" (193/3): X + N calendar days, the first day not counted; when that day
  is not a working day the period ends on the next working day (193/8; a per-rule flag, on by
  default);
- "within N working days from X": N working days counted from the day after X.
Fiscal year: 1 October to 30 September, named by the Buddhist-era year in which it ends.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from functools import lru_cache

from ..errors import InvalidInput

BE_OFFSET = 543
MIN_YEAR, MAX_YEAR = 1950, 2200  # CE years the calendar covers (the holidays library's range and beyond)
# Thailand has kept UTC+7 without daylight saving since 1920: a fixed offset needs no tz database.
BANGKOK = timezone(timedelta(hours=7), "Asia/Bangkok")
OFFICE_OPENS = time(8, 30)
OFFICE_CLOSES = time(16, 30)  # a deadline "by day D" means by the end of office hours on D
LABOUR_DAY_NAMES = ("วันแรงงานแห่งชาติ", "ชดเชยวันแรงงานแห่งชาติ")
_MAX_SPAN = 3660  # days: a deadline more than ten years out is a mistake


@dataclass(frozen=True)
class Holiday:
    date: date
    names: tuple[str, ...]
    source: str  # "package" (the holidays library) or "admin" (added at runtime)
    ref: str = ""


@dataclass(frozen=True)
class AdminChange:
    """An administrator's addition or removal of one holiday (the latest per date wins)."""

    date: date
    action: str  # "add" | "remove"
    name: str
    ref: str


PackageYear = dict[date, tuple[str, ...]]


def package_year(year: int) -> PackageYear:
    """The government holidays of one year as the ``holidays`` package computes them (Thai names,
    Labour Day left out). Importing the package and computing a year takes about 85 ms, so a
    process may install a faster source of the same values (``install_package_source``)."""
    import holidays as holiday_data

    data = holiday_data.country_holidays("TH", years=year, categories=("public", "government"), language="th")
    result = {}
    for day in data:
        names = tuple(n for n in data.get_list(day) if n not in LABOUR_DAY_NAMES)
        if names:
            result[day] = names
    return result


_source: Callable[[int], PackageYear] = package_year


def install_package_source(source: Callable[[int], PackageYear]) -> None:
    """Serve package holidays from ``source``, which gives what ``package_year`` gives (so the
    years already served stay valid)."""
    global _source
    _source = source


@lru_cache(maxsize=64)
def _package_year(year: int) -> PackageYear:
    return _source(year)


class WorkCalendar:
    """Holidays and working-day arithmetic, with an administrator's changes applied."""

    def __init__(self, changes: Mapping[date, AdminChange] | None = None) -> None:
        self._changes = dict(changes or {})
        self._off_by_year: dict[int, tuple[date, ...]] = {}

    def holiday(self, day: date) -> Holiday | None:
        change = self._changes.get(day)
        if change is not None:
            if change.action == "remove":
                return None
            return Holiday(day, (change.name,), "admin", change.ref)
        names = _package_year(day.year).get(day)
        return Holiday(day, names, "package") if names else None

    def holidays(self, year: int) -> list[Holiday]:
        days = set(_package_year(year)) | {d for d in self._changes if d.year == year}
        found = (self.holiday(d) for d in sorted(days))
        return [h for h in found if h is not None]

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and self.holiday(day) is None

    def next_working_day(self, day: date, step: int = 1) -> date:
        """The day itself if it is a working day, else the next one (the previous one if step < 0)."""
        for _ in range(_MAX_SPAN):
            if self.is_working_day(day):
                return day
            day += timedelta(days=step)
        raise InvalidInput("no working day within ten years")

    def add_days(self, start: date, n: int, roll: bool = True) -> date:
        """N calendar days after `start` (the first day not counted); rolled to a working day."""
        _check_span(n)
        end = in_range(in_range(start) + timedelta(days=n))
        return self.next_working_day(end, -1 if n < 0 else 1) if roll else end

    def add_working_days(self, start: date, n: int) -> date:
        """The Nth working day after `start` (before it when n < 0); n = 0 gives `start` rolled forward."""
        _check_span(n)
        in_range(start)
        in_range(start + timedelta(days=2 * n))  # the end is well inside this (ten years at most)
        if n == 0:
            return self.next_working_day(start)
        step = 1 if n > 0 else -1
        day, left = start, abs(n)
        while left:
            day += timedelta(days=step)
            if self.is_working_day(day):
                left -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end` (negative if end is earlier).
        Weekdays are counted by arithmetic and the year's weekday holidays taken off, so a
        worklist of due dates months away costs no day-by-day walk."""
        if end < start:
            return -self.working_days_between(end, start)
        weeks, rest = divmod((end - start).days, 7)
        first = start.weekday()
        weekdays = weeks * 5 + sum(1 for i in range(1, rest + 1) if (first + i) % 7 < 5)
        off = sum(1 for year in range(start.year, end.year + 1) for day in self._weekday_holidays(year)
                  if start < day <= end)
        return weekdays - off

    def _weekday_holidays(self, year: int) -> tuple[date, ...]:
        if year not in self._off_by_year:
            self._off_by_year[year] = tuple(h.date for h in self.holidays(year) if h.date.weekday() < 5)
        return self._off_by_year[year]


def _check_span(n: int) -> None:
    if not isinstance(n, int) or isinstance(n, bool) or abs(n) > _MAX_SPAN:
        raise InvalidInput(f"a number of days must be a whole number up to {_MAX_SPAN}")


def fiscal_year(day: date) -> int:
    """The Buddhist-era fiscal year a date falls in (FY runs 1 October to 30 September)."""
    return (day.year + 1 if day.month >= 10 else day.year) + BE_OFFSET


def fiscal_year_start(day: date) -> date:
    return date(day.year if day.month >= 10 else day.year - 1, 10, 1)


def fiscal_year_end(day: date) -> date:
    return date(day.year + 1 if day.month >= 10 else day.year, 9, 30)


_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def ce_year(year: int) -> int:
    """A year as people type it: from 2400 on it is a Buddhist-era year (2568 = 2025), else CE."""
    return year - BE_OFFSET if year >= 2400 else year


def be_date(day: date, style: str = "%-d/%-m/%Y") -> str:
    """A date for Thai readers, in the Buddhist era (PyThaiNLP's ``thai_strftime``: ``%Y`` is the BE
    year, ``%B`` the Thai month name), e.g. ``1/10/2568`` or, with ``"%-d %B %Y"``, ``1 ตุลาคม 2568``."""
    from pythainlp.util.strftime import thai_strftime  # imported when a date is shown, not at start-up

    return str(thai_strftime(datetime.combine(day, time()), style))


def parse_date(text: str) -> date:
    """An ISO date (CE); a Buddhist-era year (2400 or later) is accepted and converted. Years
    outside MIN_YEAR..MAX_YEAR (CE) are refused: no working-day rule is known there."""
    match = _DATE.match(text.strip()) if isinstance(text, str) else None
    if not match:
        raise InvalidInput(f"{text[:40]!r} is not a date (YYYY-MM-DD)" if isinstance(text, str)
                           else "a date must be text (YYYY-MM-DD)")
    year, month, day = (int(g) for g in match.groups())
    try:
        return in_range(date(ce_year(year), month, day))
    except ValueError as exc:
        raise InvalidInput(f"{text!r} is not a date: {exc}") from None


def in_range(day: date) -> date:
    """The day, if its year is one the calendar knows (MIN_YEAR..MAX_YEAR CE); else InvalidInput."""
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise InvalidInput(f"{day.isoformat()} is outside the years the calendar covers ({MIN_YEAR}–{MAX_YEAR} CE, "
                           f"{MIN_YEAR + BE_OFFSET}–{MAX_YEAR + BE_OFFSET} BE)")
    return day


def local_date(moment: datetime) -> date:
    """The date in Bangkok of a UTC (or any aware) moment."""
    return moment.astimezone(BANGKOK).date()


def at_local(day: date, clock: time = OFFICE_CLOSES) -> datetime:
    """A Bangkok wall-clock time on `day`, as a UTC-aware datetime."""
    return datetime.combine(day, clock, BANGKOK).astimezone(UTC)


def add_months(day: date, n: int) -> date:
    """The same day n months later (the month's last day when it is shorter)."""
    month_index = day.year * 12 + day.month - 1 + n
    year, month = divmod(month_index, 12)
    month += 1
    return date(year, month, min(day.day, _month_length(year, month)))


def _month_length(year: int, month: int) -> int:
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    return (nxt - timedelta(days=1)).day


def month_end(year: int, month: int) -> date:
    return date(year, month, _month_length(year, month))
