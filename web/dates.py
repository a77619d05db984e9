"""Dates as Thai officials type them, and back. A form's date field is a text box showing the date
in the Buddhist era as ``d/m/BBBB`` (``15/12/2569``); the engine takes ISO dates (CE) only, so a
submitted date is turned into ISO here, and an ISO value is shown as typed when a page is shown again.

Accepted: day, month and year separated by ``/``, ``-`` or ``.``, or as 8 digits ``15122569`` (a
phone's number pad has no ``/``), Thai digits too, with a year from 2400 on read as Buddhist era
and from 1900 to 2399 as CE (``engine.ce_year``); and ISO ``2026-12-15``. Anything else is left
as it is, for the engine to report next to the field.

A month field (stored ``YYYY-MM``) is a select of the month's name and a box for its year, typed
in the Buddhist era on Thai pages (``2569``) or CE (read by the same rule as a date's year); the
two become ``2026-12`` for the engine, or ``12/25`` as typed when they are not a month."""
from __future__ import annotations

import re
from datetime import date

from engine import InvalidInput, be_date, ce_year

FIRST_CE_YEAR = 1900  # a smaller year is a typing mistake (2 digits, a missing digit), not a date
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_DAY_FIRST = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})$|^(\d{2})(\d{2})(\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_ISO_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
TH_MONTHS = ("มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน", "กรกฎาคม", "สิงหาคม", "กันยายน",
             "ตุลาคม", "พฤศจิกายน", "ธันวาคม")
EN_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
             "November", "December")


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


def month_to_iso(month: str, year: str) -> str:
    """A month field as the engine takes it: the month chosen (1-12) and the year typed (BE from 2400,
    else CE; Thai digits too) as ``2026-12``; ``""`` when both are empty; else as typed (``12/25``)
    for the engine to report next to the field."""
    chosen, typed = month.strip().translate(_THAI_DIGITS), year.strip().translate(_THAI_DIGITS)
    if not chosen and not typed:
        return ""
    if chosen.isdigit() and 1 <= int(chosen) <= 12 and re.fullmatch(r"\d{4}", typed) \
            and int(typed) >= FIRST_CE_YEAR:
        return f"{ce_year(int(typed)):04d}-{int(chosen):02d}"
    return f"{chosen}/{typed}"


def month_for_input(value: object, buddhist: bool = True) -> tuple[str, str]:
    """A stored month (``2026-12``) as its select's value and its year box's text: ``("12", "2569")``
    (CE ``"2026"`` when ``buddhist`` is false); anything else as no choice and no year."""
    match = _ISO_MONTH.match("" if value is None else str(value).strip())
    if match is None:
        return "", ""
    year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12 or year < FIRST_CE_YEAR:
        return "", ""
    return str(month), be_date(date(year, month, 1), "%Y") if buddhist else str(year)


def arg(name: str) -> date | None:
    """The request's ?name as a day typed in the Buddhist era (15/12/2569; CE and ISO too), or None
    when empty; InvalidInput naming the field when it is not a date."""
    from flask import request

    text = (request.args.get(name) or "").strip()
    if not text:
        return None
    day = parse(text)
    if day is None:
        raise InvalidInput(f"{text[:40]!r} is not a date (dd/mm/yyyy, Buddhist era)", field=name)
    return day
