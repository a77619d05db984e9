"""How values look on screen: Buddhist-era dates in Thai (ISO on hover), working days left,
deadline states as words (never colour alone). Registered as Jinja filters."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import Flask
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from markupsafe import Markup, escape

from engine import BANGKOK, be_date


def _thai() -> bool:
    return str(get_locale() or "th").startswith("th")


def local_when(moment: datetime | None, with_time: bool = True) -> Markup:
    """A moment as a Bangkok date (BE in Thai), with its ISO form on hover and for machines."""
    if moment is None:
        return Markup("—")
    local = moment.astimezone(BANGKOK)
    if _thai():
        text = be_date(local.date(), "%-d %b %Y") + (f" {local:%H:%M} น." if with_time else "")
    else:
        text = f"{local:%-d %b %Y}" + (f" {local:%H:%M}" if with_time else "")
    iso = local.isoformat(timespec="minutes")
    return Markup(f'<time datetime="{escape(iso)}" title="{escape(iso)}">{escape(text)}</time>')


def local_day(day: date | str | None) -> str:
    if not day:
        return "—"
    value = date.fromisoformat(day) if isinstance(day, str) else day
    return be_date(value, "%-d %B %Y") if _thai() else f"{value:%-d %B %Y}"


def days_left(task: Any) -> str:
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


def install(app: Flask) -> None:
    app.jinja_env.filters.update(when=local_when, day=local_day, days_left=days_left, status_word=status_word,
                                 label=label, fromiso=from_iso)
