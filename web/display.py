"""How values look on screen: Buddhist-era dates in Thai (ISO on hover), working days left,
deadline states as words (never colour alone). Registered as Jinja filters."""
from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask import Flask
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup, escape

from engine import BANGKOK, URGENCIES, be_date

from .dates import EN_MONTHS, TH_MONTHS, for_input, month_for_input


def _thai() -> bool:
    return str(get_locale() or "th").startswith("th")


_THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _thai_digits_wanted() -> bool:
    user = current_user
    return bool(getattr(getattr(user, "account", None), "thai_digits", False))


def digits(value: Any) -> str:
    """A number (or a text with numbers) in the user's digits: Arabic, or Thai (๑๒๓) if they chose so."""
    text = str(value)
    return text.translate(_THAI_DIGITS) if _thai_digits_wanted() else text


def urgency(code: str) -> str:
    """An urgency code as its word (ด่วนที่สุด … ปกติ): the word, never colour alone."""
    for u in URGENCIES:
        if u.code == code:
            return u.th if _thai() else u.en
    return code


def local_when(moment: datetime | None, with_time: bool = True) -> Markup:
    """A moment as a Bangkok date (BE in Thai), with its ISO form on hover and for machines."""
    if moment is None:
        return Markup("—")
    local = moment.astimezone(BANGKOK)
    if _thai():
        text = be_date(local.date(), "%-d %b %Y") + (f" {local:%H:%M} น." if with_time else "")
    else:
        text = f"{local:%-d %b %Y}" + (f" {local:%H:%M}" if with_time else "")
    text = digits(text)
    iso = local.isoformat(timespec="minutes")
    return Markup(f'<time datetime="{escape(iso)}" title="{escape(iso)}">{escape(text)}</time>')


def local_day(day: date | str | None) -> str:
    if not day:
        return "—"
    value = date.fromisoformat(day) if isinstance(day, str) else day
    return digits(be_date(value, "%-d %B %Y") if _thai() else f"{value:%-d %B %Y}")


def days_left(task: Any) -> str:
    return digits(_days_left(task))


def _days_left(task: Any) -> str:
    """ "เหลือ 2 วันทำการ" / "ครบกำหนดวันนี้" / "เกินกำหนด 3 วันทำการ" for an open task with a deadline."""
    left = getattr(task, "working_days_left", None)
    if left is None or task.due_at is None:
        return str(_("no deadline"))
    if task.due_status == "overdue":
        late = max(-left, 0)
        return str(_("overdue today") if late == 0 else ngettext(
            "overdue by %(num)d working day", "overdue by %(num)d working days", late))
    if left <= 0:
        return str(_("due today"))
    return str(ngettext("%(num)d working day left", "%(num)d working days left", left))


def status_word(status: str | None) -> str:
    words = {"on_time": _("on time"), "due_soon": _("due soon"), "overdue": _("overdue")}
    return str(words.get(status or "", ""))


def label(value: Any) -> str:
    """A {th, en} label (an engine Label or its JSON) in the user's language."""
    th = value.get("th") if isinstance(value, dict) else getattr(value, "th", None)
    en = value.get("en") if isinstance(value, dict) else getattr(value, "en", None)
    return str((th if _thai() else en) or en or th or "")


def from_iso(text: str) -> datetime:
    return datetime.fromisoformat(text)


_UNITS = {"days": _l("days"), "working_days": _l("working days"), "weeks": _l("weeks"), "months": _l("months"),
          "hours": _l("hours"), "minutes": _l("minutes")}


def counted_from(basis: dict[str, Any], labels: dict[str, Any] | None = None) -> str:
    """What a step's deadline is counted from, in a sentence: the rule's amount and unit and the
    case value it starts at, or the standard duration from when the step arrived."""
    rule, values = basis.get("rule") or {}, basis.get("values") or {}
    chosen = [c for c in rule.get("cases") or () if isinstance(c, dict) and c.get("when") in values.values()]
    if chosen:  # a rule by case (e.g. 30 days for a meeting, 15 for travel): the case this one is
        rule = {**rule, **chosen[0]}
    arrived = (local_day(datetime.fromisoformat(basis["created"]).astimezone(BANGKOK).date())
               if basis.get("created") else "—")
    amount, unit = rule.get("amount"), _UNITS.get(str(rule.get("unit")), str(rule.get("unit") or ""))
    anchor = rule.get("from") or rule.get("anchor") or rule.get("event")
    if rule and anchor in values and amount is not None:
        what = label(labels[anchor]) if labels and anchor in labels else anchor
        when = local_day(str(values[anchor])[:10]) if _looks_like_date(values[anchor]) else str(values[anchor])
        if rule.get("type") == "before_event":
            return digits(_("%(amount)s %(unit)s before %(what)s (%(when)s)", amount=amount, unit=unit,
                            what=what, when=when))
        return digits(_("%(amount)s %(unit)s after %(what)s (%(when)s)", amount=amount, unit=unit, what=what,
                        when=when))
    # Without a rule the standard duration applies (the page shows it beside): from when the step arrived.
    return digits(_("counted from when the step arrived (%(when)s)", when=arrived))


def _looks_like_date(value: Any) -> bool:
    try:
        date.fromisoformat(str(value)[:10])
        return True
    except ValueError:
        return False


def shown(value: Any) -> str:
    """A value of a case's data as a person reads it: lists joined, yes/no for true/false, an ISO
    date (as the forms store dates) as a Buddhist-era day in Thai."""
    if isinstance(value, str) and _ISO_DAY.fullmatch(value):
        try:
            return local_day(value)
        except ValueError:
            return digits(value)
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, list):
        return ", ".join(shown(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {shown(v)}" for k, v in value.items())
    return digits(value)


def be_input(value: Any) -> str:
    """A date field's value in its text box: an ISO date as ``15/12/2569`` in Thai (``15/12/2026`` in
    English), what the user typed as typed (web.dates)."""
    return for_input(value, buddhist=_thai())


def month_input(values: Any, name: str) -> tuple[str, str]:
    """A month field's select value and year text: as typed when the page comes back with a problem
    (``<name>`` and ``<name>.year``), else from the stored ``YYYY-MM`` (the year BE in Thai)."""
    if f"{name}.year" in values:
        return str(values.get(name, "")), str(values.get(f"{name}.year", ""))
    return month_for_input(values.get(name), buddhist=_thai())


def month_names() -> list[tuple[str, str]]:
    """The months for a month field's select: (number, name) in the user's language."""
    return [(str(i), name) for i, name in enumerate(TH_MONTHS if _thai() else EN_MONTHS, start=1)]


def datetime_input(value: Any) -> str:
    """A date-time field's value in its ``datetime-local`` box: a stored ISO moment in Bangkok time
    (``2026-12-10T09:30``); what the user typed as typed."""
    text = "" if value is None else str(value)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    if moment.tzinfo is None:
        return text
    return moment.astimezone(BANGKOK).strftime("%Y-%m-%dT%H:%M")


def bound(value: Decimal | None) -> str:
    """A field's min or max for a hint: ``10,000`` or ``0.01``, in the user's digits."""
    if value is None:
        return ""
    text = f"{int(value):,}" if value == value.to_integral_value() else f"{value:,f}"
    return digits(text)


def install(app: Flask) -> None:
    app.jinja_env.filters.update(when=local_when, day=local_day, days_left=days_left, status_word=status_word,
                                 label=label, fromiso=from_iso, digits=digits, urgency=urgency,
                                 counted_from=counted_from, shown=shown, be_input=be_input,
                                 month_input=month_input, datetime_input=datetime_input, bound=bound)
    app.jinja_env.globals["month_names"] = month_names
