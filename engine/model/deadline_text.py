"""A step's deadline rule and standard duration as a person reads them, in Thai and in English.

The rules are the JSON objects of ``krabuan:deadline`` (engine.time.deadlines reads them; its
``RULES`` is the list of kinds). An anchor reads as the label of the form field that sets it
("1 สัปดาห์ก่อน วันประชุม" / "1 week before Meeting date"), or as the step it names
("step:draft.completed": "ขั้นตอน “ร่างหนังสือ” เสร็จ"); numbers are written in Arabic digits.
Used by engine.model.process_diff to say what changed between two versions of a process.
"""
from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..time.deadlines import STEP_ANCHOR
from .forms import Label
from .metadata import StepMetadata

TH_MONTHS = ("มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน", "กรกฎาคม", "สิงหาคม", "กันยายน",
             "ตุลาคม", "พฤศจิกายน", "ธันวาคม")
EN_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
             "November", "December")
# unit -> (Thai, English singular, English plural)
UNIT_WORDS = {"minutes": ("นาที", "minute", "minutes"), "hours": ("ชั่วโมง", "hour", "hours"),
              "days": ("วัน", "day", "days"), "working_days": ("วันทำการ", "working day", "working days"),
              "weeks": ("สัปดาห์", "week", "weeks"), "months": ("เดือน", "month", "months"),
              "years": ("ปี", "year", "years")}
# Keys of a rule that explain it (why it reads so) without changing when the step is due.
NOTE_KEYS = frozenset({"corrected"})


@dataclass(frozen=True)
class Names:
    """How the anchors of a version's rules read: the label of each form field (by field name),
    the name of each step (by element id) and the label of each choice of its select fields (by
    value: the cases of a ``relative_by_case`` rule)."""

    labels: Mapping[str, Label] = field(default_factory=dict)
    steps: Mapping[str, str] = field(default_factory=dict)
    choices: Mapping[str, Label] = field(default_factory=dict)


def number(value: Any) -> str:
    """``1,440``, ``2.5``, ``1``: a whole number without its ``.0``."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return "?" if value is None else str(value)
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,}"


def amount_text(amount: Any, unit: Any) -> Label:
    """``1 สัปดาห์`` / ``1 week``, ``10 วัน`` / ``10 days``."""
    th, one, many = UNIT_WORDS.get(str(unit), (str(unit), str(unit), str(unit)))
    n = number(amount)
    return Label(f"{n} {th}", f"{n} {one if amount == 1 else many}")


def anchor_text(name: Any, names: Names) -> Label:
    """What a rule counts from: a form field's label, or a step's start or completion."""
    text = str(name)
    match = STEP_ANCHOR.match(text)
    if match:
        step = names.steps.get(match[1], match[1])
        if match[2] == "started":
            return Label(f"เริ่มขั้นตอน “{step}”", f"the start of step “{step}”")
        return Label(f"ขั้นตอน “{step}” เสร็จ", f"the completion of step “{step}”")
    label = names.labels.get(text)
    return Label(label.th or text, label.en or text) if label else Label(text, text)


def without_notes(rule: Any) -> Any:
    """The rule without the keys that only explain it (kept as written otherwise), its parts too."""
    if isinstance(rule, Mapping):
        return {k: without_notes(v) for k, v in rule.items() if k not in NOTE_KEYS}
    if isinstance(rule, list):
        return [without_notes(v) for v in rule]
    return rule


def rule_json(rule: Mapping[str, Any] | None) -> str:
    """A rule as short canonical JSON (its notes left out), or "" for none."""
    if rule is None:
        return ""
    return json.dumps(without_notes(rule), ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def deadline_text(rule: Mapping[str, Any] | None, names: Names) -> Label:
    """A deadline rule in a sentence's words, e.g. ``1 สัปดาห์ก่อน วันประชุม`` / ``1 week before Meeting date``."""
    if rule is None:
        return Label("ไม่มีกำหนดเวลา", "no deadline")
    render = _RENDERERS.get(str(rule.get("type")))
    if render is None:
        raw = rule_json(rule)
        return Label(raw, raw)
    text = render(rule, names)
    if rule.get("roll") is False:
        return Label(f"{text.th} (ไม่เลื่อนไปวันทำการถัดไป)", f"{text.en} (not moved to the next working day)")
    return text


def duration_text(meta: StepMetadata) -> Label:
    """A step's standard duration: ``2 วันทำการ``, ``60 นาที`` (both when both are set), or none."""
    parts = []
    if meta.duration_working_days is not None:
        parts.append(amount_text(meta.duration_working_days, "working_days"))
    if meta.duration_minutes is not None:
        parts.append(amount_text(meta.duration_minutes, "minutes"))
    if not parts:
        return Label("ไม่กำหนด", "not set")
    return Label(" / ".join(p.th for p in parts), " / ".join(p.en for p in parts))


# ---------------------------------------------------------------- one renderer per kind of rule

Renderer = Callable[[Mapping[str, Any], Names], Label]


def _relative(rule: Mapping[str, Any], names: Names) -> Label:
    amount = amount_text(rule.get("amount"), rule.get("unit"))
    anchor = rule.get("from") or rule.get("anchor")
    if not anchor:
        return Label(f"{amount.th} นับจากวันที่ได้รับงาน", f"{amount.en} from when the step arrives")
    where = anchor_text(anchor, names)
    return Label(f"{amount.th} นับจาก {where.th}", f"{amount.en} from {where.en}")


def _around_event(rule: Mapping[str, Any], names: Names) -> Label:
    where = anchor_text(rule.get("event"), names)
    if rule.get("amount") == 0:
        return Label(f"ภายใน {where.th}", f"by {where.en}")
    amount = amount_text(rule.get("amount"), rule.get("unit"))
    if rule.get("type") == "before_event":
        return Label(f"{amount.th}ก่อน {where.th}", f"{amount.en} before {where.en}")
    return Label(f"{amount.th}หลัง {where.th}", f"{amount.en} after {where.en}")


def _by_case(rule: Mapping[str, Any], names: Names) -> Label:
    cases = [c for c in rule.get("cases") or () if isinstance(c, Mapping)]
    parts = [(names.choices.get(str(c.get("when")), Label(str(c.get("when")), str(c.get("when")))),
              _relative({**c, "anchor": c.get("anchor") or rule.get("anchor")}, names)) for c in cases]
    by = anchor_text(rule["by"], names) if rule.get("by") else None
    return Label(f"ตามกรณี{f'ของ {by.th}' if by else ''}: " + "; ".join(f"{w.th}: {t.th}" for w, t in parts),
                 f"by case{f' of {by.en}' if by else ''}: " + "; ".join(f"{w.en}: {t.en}" for w, t in parts))


def _month(value: Any) -> int | None:
    """A month number from ``9`` or ``"2021-09"``."""
    if isinstance(value, int) and 1 <= value <= 12:
        return value
    if isinstance(value, str) and len(value) == 7 and value[5:7].isdigit() and 1 <= int(value[5:7]) <= 12:
        return int(value[5:7])
    return None


def _annual_date(rule: Mapping[str, Any], names: Names) -> Label:
    month, day = _month(rule.get("month")), number(rule.get("day"))
    if month is None:
        return Label(f"วันที่ {day} ของทุกปี", f"day {day} of each year")
    return Label(f"วันที่ {day} {TH_MONTHS[month - 1]} ของทุกปี", f"{EN_MONTHS[month - 1]} {day} each year")


def _month_window(rule: Mapping[str, Any], names: Names) -> Label:
    last = _month(rule.get("to_month", rule.get("to")))
    first = _month(rule.get("from_month", rule.get("from")))
    if last is None:
        return Label("ไม่ระบุเดือน (ใช้ระยะเวลามาตรฐาน)", "no month given (the standard duration applies)")
    text = Label(f"ภายในสิ้นเดือน{TH_MONTHS[last - 1]}", f"by the end of {EN_MONTHS[last - 1]}")
    if first is None or first == last:
        return text
    return Label(f"{text.th} (ช่วงเดือน{TH_MONTHS[first - 1]}–{TH_MONTHS[last - 1]})",
                 f"{text.en} (window {EN_MONTHS[first - 1]}–{EN_MONTHS[last - 1]})")


def _fixed_months(rule: Mapping[str, Any], names: Names) -> Label:
    months = [m for m in (_month(v) for v in rule.get("months") or ()) if m is not None]
    return Label("ภายในสิ้นเดือน" + " หรือ ".join(TH_MONTHS[m - 1] for m in months) + " (แล้วแต่ถึงก่อน)",
                 "by the end of " + " or ".join(EN_MONTHS[m - 1] for m in months) + " (whichever comes first)")


def _monthly(rule: Mapping[str, Any], names: Names) -> Label:
    day = number(rule.get("to_day") or rule.get("day"))
    if rule.get("relative_to") == "next_month":
        text = Label(f"วันที่ {day} ของเดือนถัดไป", f"day {day} of the next month")
    else:
        text = Label(f"วันที่ {day} ของทุกเดือน", f"day {day} of each month")
    if rule.get("from_day") is None:
        return text
    first = number(rule.get("from_day"))
    return Label(f"{text.th} (ช่วงวันที่ {first}–{day})", f"{text.en} (window days {first}–{day})")


def _fiscal_year_end_offset(rule: Mapping[str, Any], names: Names) -> Label:
    amount = amount_text(rule.get("amount"), rule.get("unit"))
    return Label(f"{amount.th}หลังสิ้นปีงบประมาณ", f"{amount.en} after the end of the fiscal year")


def _fiscal_year_start(rule: Mapping[str, Any], names: Names) -> Label:
    return Label("วันทำการแรกของปีงบประมาณถัดไป", "the first working day of the next fiscal year")


def _all_of(rule: Mapping[str, Any], names: Names) -> Label:
    parts = [deadline_text(r, names) for r in rule.get("rules") or () if isinstance(r, Mapping)]
    return Label("วันที่ถึงก่อนระหว่าง " + "; ".join(p.th for p in parts),
                 "the earliest of " + "; ".join(p.en for p in parts))


def _unspecified(rule: Mapping[str, Any], names: Names) -> Label:
    return Label("ไม่ระบุ (ใช้ระยะเวลามาตรฐาน)", "not specified (the standard duration applies)")


def _reporting_rounds(rule: Mapping[str, Any], names: Names) -> Label:
    return Label("ตามรอบการรายงาน (ใช้ระยะเวลามาตรฐาน)", "by reporting round (the standard duration applies)")


# Every kind of engine.time.deadlines.RULES has its renderer (a test checks it).
_RENDERERS: dict[str, Renderer] = {
    "relative": _relative, "before_event": _around_event, "after_event": _around_event,
    "relative_by_case": _by_case, "annual_date": _annual_date, "month_window": _month_window,
    "fixed_months": _fixed_months, "monthly_window": _monthly, "monthly_day": _monthly,
    "fiscal_year_end_offset": _fiscal_year_end_offset, "fiscal_year_start": _fiscal_year_start,
    "start_on": _fiscal_year_start, "all_of": _all_of, "unspecified": _unspecified,
    "reporting_rounds": _reporting_rounds,
}
RENDERED_KINDS = tuple(_RENDERERS)
