"""Dates as Thai officials type them, and back. A form's date field is a text box showing the date
in the Buddhist era as ``d/m/BBBB`` (``15/12/2569``); the engine takes ISO dates (CE) only, so a
submitted date is turned into ISO here, and an ISO value is shown as typed when a page is shown again.

Accepted: day, month and year separated by ``/``, ``-`` or ``.``, or as 8 digits ``15122569`` (a
phone's number pad has no ``/``), Thai digits too, with a year from 2400 on read as Buddhist era
and from 1900 to 2399 as CE (``engine.ce_year``); and ISO ``2026-12-15``. Anything else is left
as it is, for the engine to report next to the field."""
from __future__ import annotations

import re
from datetime import date

from engine import be_date, ce_year

FIRST_CE_YEAR = 1900  # a smaller year is a typing mistake (2 digits, a missing digit), not a date
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_DAY_FIRST = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})$|^(\d{2})(\d{2})(\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def parse(text: str) -> date | None:
    """The date a person typed (see the module's notes), or None when it is not one."""
    typed = text.strip().translate(_THAI_DIGITS)
    day_first, iso = _DAY_FIRST.match(typed), _ISO.match(typed)
    if day_first:
        day, month, year = (int(g) for g in day_first.groups() if g is not None)
    elif iso:
        year, month, day = (int(g) for g in iso.groups())
    else:
        return None
    if year < FIRST_CE_YEAR:
        return None
    try:
        return date(ce_year(year), month, day)
    except ValueError:
        return None


def to_iso(text: str) -> str:
    """A typed date as ISO (CE) for the engine: ``15/12/2569`` -> ``2026-12-15``; the text unchanged
    when it is not a date, so that the engine's problem is shown next to the field."""
    day = parse(text)
    return day.isoformat() if day is not None else text


def for_input(value: object, buddhist: bool = True) -> str:
    """A date field's value as it is shown in its text box: an ISO date (from the case data or a
    draft) as ``d/m/BBBB`` (or ``d/m/YYYY`` CE when ``buddhist`` is false); anything else, such as
    what the user typed, as it is."""
    text = "" if value is None else str(value)
    if not _ISO.match(text.strip()):
        return text
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        return text
    if day.year < FIRST_CE_YEAR:  # typed back, it would not be read as this year: kept as ISO
        return text
    return be_date(day, "%-d/%-m/%Y") if buddhist else f"{day.day}/{day.month}/{day.year}"
