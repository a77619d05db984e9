"""When a step is due: from its deadline rule and the case's data, else its standard duration.

A task's deadline is computed when the task is created and stored with its *basis* (the rule,
the creation time and the case-data values the rule used), so that it can be recomputed without
the workflow when the calendar changes (an administrator adds or removes a holiday).

Rules (``krabuan:deadline``, from the SOP catalog's ``deadline.rule``):

- ``relative``: amount + unit from the task's creation, or from the anchor named by ``from`` (or
  ``anchor``);
- ``before_event`` / ``after_event``: amount + unit before/after the anchor named by ``event``;
- ``relative_by_case``: the case whose ``when`` equals the case-data value of ``by`` (or any case
  value found in the data), counted from the ``anchor`` (a case may name its own ``anchor``: a
  travel advance counts from the return date, a meeting advance from the money's receipt);

An anchor is a case-data variable (a date or date-time an earlier form or the start set) or a
step of the case the engine records: ``step:<element id>.started`` (when its task was created)
or ``step:<element id>.completed`` (when it was last completed). Nothing else: deploy refuses a
free-text anchor (engine.model.step_schema).
- ``annual_date``: the next ``month``/``day`` on or after creation;
- ``month_window`` / ``fixed_months``: the end of the window's last month (next occurrence);
- ``monthly_window`` / ``monthly_day``: ``to_day`` / ``day`` of this month (of the next one when
  it has passed, or when ``relative_to`` is ``next_month``);
- ``fiscal_year_end_offset``: amount + unit after the end of the fiscal year the case is about
  (case-data ``fiscal_year`` in BE, else the 30 September nearest to creation);
- ``fiscal_year_start`` / ``start_on``: the first working day of the next fiscal year;
- ``all_of``: the earliest of its ``rules``;
- ``unspecified``, ``reporting_rounds``, and a rule whose data is not there yet: the standard
  duration instead.

``RULES`` maps each kind to its reader and is the one list of kinds (``RULE_KINDS``); ``UNITS``
the one list of units. Deploy checks a model's rules against both (engine.model.step_schema).

Counting: "days" are calendar days with the first day not counted, rolled to the next working day
(193/3, 193/8; ``"roll": false`` turns the roll off); "working_days" count from the next day;
weeks are 7 days, months calendar months, both rolled like days. A deadline on a day means the end
of office hours (16:30 Bangkok) that day; minutes and hours are exact. The standard duration
``N`` working days (or minutes, at 7 working hours a day) gives the end of the ceil(N)th working
day after creation.
"""
from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from ..errors import InvalidInput
from . import calendar as cal
from .calendar import WorkCalendar

WORKDAY_MINUTES = 7 * 60
_VARIABLE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
STEP_ANCHOR = re.compile(r"^step:([A-Za-z_][A-Za-z0-9_.-]{0,199})\.(started|completed)$")
ANCHOR_KEYS = ("from", "anchor", "event")


def is_anchor(name: Any) -> bool:
    """A case-data variable name or a step anchor (``step:<element>.started|completed``)."""
    return isinstance(name, str) and bool(_VARIABLE.match(name) or STEP_ANCHOR.match(name))


def deadline_anchors(rule: Mapping[str, Any] | None) -> set[str]:
    """Every anchor a rule names (its parts' and cases' too): case variables and step anchors."""
    if not rule:
        return set()
    month_kinds = ("month_window", "fixed_months", "monthly_window", "monthly_day")
    found = {str(rule[k]) for k in ANCHOR_KEYS if k in rule and not (k == "from" and rule.get("type") in month_kinds)}
    for sub in [*(rule.get("rules") or ()), *(rule.get("cases") or ())]:
        if isinstance(sub, Mapping):
            found |= deadline_anchors(sub)
    return found


def step_anchors(rule: Mapping[str, Any] | None) -> set[tuple[str, str]]:
    """The (element id, started|completed) of every step anchor in a rule (its cases and parts too)."""
    found: set[tuple[str, str]] = set()
    if not rule:
        return found
    for key in ANCHOR_KEYS:
        match = STEP_ANCHOR.match(str(rule.get(key) or ""))
        if match:
            found.add((match[1], match[2]))
    for sub in [*(rule.get("rules") or ()), *(rule.get("cases") or ())]:
        if isinstance(sub, Mapping):
            found |= step_anchors(sub)
    return found
DUE_SOON_WORKING_DAYS = 1


@dataclass(frozen=True)
class DeadlineBasis:
    """What a task's deadline is computed from (stored with the task as JSON)."""

    created: datetime
    rule: dict[str, Any] | None = None
    values: dict[str, Any] | None = None  # the case-data values the rule reads
    minutes: int | None = None
    working_days: float | None = None

    def to_json(self) -> str:
        return json.dumps({"created": self.created.isoformat(), "rule": self.rule, "values": self.values or {},
                           "minutes": self.minutes, "working_days": self.working_days},
                          ensure_ascii=False, sort_keys=True, default=str)

    @classmethod
    def from_json(cls, text: str) -> DeadlineBasis:
        raw = json.loads(text)
        return cls(created=datetime.fromisoformat(raw["created"]), rule=raw.get("rule"),
                   values=raw.get("values") or {}, minutes=raw.get("minutes"), working_days=raw.get("working_days"))


def basis_for(rule: dict[str, Any] | None, created: datetime, data: Mapping[str, Any],
              minutes: int | None = None, working_days: float | None = None) -> DeadlineBasis | None:
    """The basis of a new task's deadline, or None when the step has neither rule nor duration."""
    if rule is None and not minutes and not working_days:
        return None
    names = sorted(_variables(rule)) if rule else []
    values = {n: data[n] for n in names if n in data and isinstance(data[n], (str, int, float))}
    if rule:
        values.update(_case_selectors(rule, data))
    return DeadlineBasis(created=created, rule=rule, values=values, minutes=minutes, working_days=working_days)


def _variables(rule: Mapping[str, Any]) -> set[str]:
    found: set[str] = set()
    for key in (*ANCHOR_KEYS, "by"):
        if is_anchor(rule.get(key)):
            found.add(rule[key])
    if rule.get("type") == "fiscal_year_end_offset":
        found.add("fiscal_year")
    for sub in [*(rule.get("rules") or ()), *(rule.get("cases") or ())]:
        if isinstance(sub, Mapping):
            found |= _variables(sub)
    return found


def due_at(basis: DeadlineBasis, calendar: WorkCalendar) -> datetime | None:
    """When the task is due (UTC), or None when nothing says."""
    if basis.rule is not None:
        found = _from_rule(basis.rule, basis.created, basis.values or {}, calendar)
        if found is not None:
            return found
    return _from_duration(basis, calendar)


def _from_duration(basis: DeadlineBasis, calendar: WorkCalendar) -> datetime | None:
    if basis.working_days:
        days = basis.working_days
    elif basis.minutes:
        days = basis.minutes / WORKDAY_MINUTES
    else:
        return None
    n = max(1, math.ceil(days - 1e-9))
    return cal.at_local(calendar.add_working_days(cal.local_date(basis.created), n))


def _case_selectors(rule: Mapping[str, Any], data: Mapping[str, Any]) -> dict[str, Any]:
    """For relative_by_case without "by": which case applies (the first data value naming one)."""
    found: dict[str, Any] = {}
    if rule.get("type") == "relative_by_case" and "by" not in rule:
        whens = {c.get("when") for c in rule.get("cases") or () if isinstance(c, Mapping)}
        for key in sorted(data):
            if isinstance(data[key], str) and data[key] in whens:
                found["*case*"] = data[key]
                break
    for sub in rule.get("rules") or ():
        if isinstance(sub, Mapping):
            found.update(_case_selectors(sub, data))
    return found


Rule = Mapping[str, Any]
Interpreter = Callable[[Rule, datetime, Mapping[str, Any], WorkCalendar], datetime | None]


def _from_rule(rule: Rule, created: datetime, values: Mapping[str, Any], calendar: WorkCalendar) -> datetime | None:
    """When a rule makes the task due (UTC), or None to let the standard duration decide."""
    interpret = RULES.get(str(rule.get("type")), _standard_duration)
    return interpret(rule, created, values, calendar)


def _roll(rule: Rule) -> bool:
    return rule.get("roll", True) is not False


def _on_day(day: date, calendar: WorkCalendar, roll: bool) -> datetime:
    """The end of office hours on the day, moved to the next working day unless ``roll`` is off."""
    return cal.at_local(calendar.next_working_day(day) if roll else day)


def _all_of(rule: Rule, created: datetime, values: Mapping[str, Any], calendar: WorkCalendar) -> datetime | None:
    found = [d for d in (_from_rule(r, created, values, calendar) for r in rule.get("rules") or ()
                         if isinstance(r, Mapping)) if d is not None]
    return min(found) if found else None


def _relative(rule: Rule, created: datetime, values: Mapping[str, Any], calendar: WorkCalendar) -> datetime | None:
    anchor = _anchor(rule, values, ("from", "anchor"))
    return _shift(anchor if anchor is not None else created, rule, 1, calendar, _roll(rule))


def _around_event(rule: Rule, created: datetime, values: Mapping[str, Any],
                  calendar: WorkCalendar) -> datetime | None:
    anchor = _anchor(rule, values, ("event",))
    if anchor is None:
        return None
    return _shift(anchor, rule, -1 if rule.get("type") == "before_event" else 1, calendar, _roll(rule))


def _by_case(rule: Rule, created: datetime, values: Mapping[str, Any], calendar: WorkCalendar) -> datetime | None:
    chosen = values.get(rule["by"]) if isinstance(rule.get("by"), str) else values.get("*case*")
    case = next((c for c in rule.get("cases") or () if isinstance(c, Mapping) and c.get("when") == chosen), None)
    anchor = _anchor(case if case is not None and "anchor" in case else rule, values, ("anchor",))
    if case is None or anchor is None:
        return None
    return _shift(anchor, case, 1, calendar, case.get("roll", _roll(rule)) is not False)


def _annual_date(rule: Rule, created: datetime, values: Mapping[str, Any], calendar: WorkCalendar) -> datetime:
    day = _next_month_day(cal.local_date(created), int(rule["month"]), int(rule["day"]))
    return _on_day(day, calendar, _roll(rule))


def _month_window(rule: Rule, created: datetime, values: Mapping[str, Any],
                  calendar: WorkCalendar) -> datetime | None:
    months = _window_months(rule)
    if not months:
        return None
    start = cal.local_date(created)
    return _on_day(min(_next_month_end(start, m) for m in months), calendar, _roll(rule))


def _monthly_day(rule: Rule, created: datetime, values: Mapping[str, Any], calendar: WorkCalendar) -> datetime | None:
    target = int(rule.get("to_day") or rule.get("day") or 0)
    if not 1 <= target <= 31:
        return None
    start = cal.local_date(created)
    first = date(start.year, start.month, 1)
    if rule.get("relative_to") == "next_month":
        first = cal.add_months(first, 1)
    day = _clamped(first, target)
    if day < start:
        day = _clamped(cal.add_months(first, 1), target)
    return _on_day(day, calendar, _roll(rule))


def _fiscal_year_end_offset(rule: Rule, created: datetime, values: Mapping[str, Any],
                            calendar: WorkCalendar) -> datetime | None:
    fy_end = _fiscal_year_end(values.get("fiscal_year"), cal.local_date(created))
    return _shift(cal.at_local(fy_end, cal.OFFICE_OPENS), rule, 1, calendar, _roll(rule))


def _fiscal_year_start(rule: Rule, created: datetime, values: Mapping[str, Any], calendar: WorkCalendar) -> datetime:
    start = cal.local_date(created)
    first = date(start.year if start.month < 10 else start.year + 1, 10, 1)
    if rule.get("type") == "start_on" and start.month == 10 and start.day == 1:
        first = start
    return cal.at_local(calendar.next_working_day(first))


def _standard_duration(rule: Rule, created: datetime, values: Mapping[str, Any], calendar: WorkCalendar) -> None:
    return None


# The kinds of deadline rule (``type``) and how each is read: the one list of them (deploy checks
# krabuan:deadline against it), in the order a refused rule's message lists them.
RULES: dict[str, Interpreter] = {
    "annual_date": _annual_date, "month_window": _month_window, "monthly_window": _monthly_day,
    "monthly_day": _monthly_day, "fixed_months": _month_window, "fiscal_year_end_offset": _fiscal_year_end_offset,
    "fiscal_year_start": _fiscal_year_start, "start_on": _fiscal_year_start, "relative": _relative,
    "before_event": _around_event, "after_event": _around_event, "relative_by_case": _by_case,
    "reporting_rounds": _standard_duration, "unspecified": _standard_duration, "all_of": _all_of,
}
RULE_KINDS = tuple(RULES)


def _anchor(rule: Mapping[str, Any], values: Mapping[str, Any], keys: tuple[str, ...]) -> datetime | None:
    for key in keys:
        name = rule.get(key)
        if isinstance(name, str) and name in values:
            return _moment(values[name])
    return None


def _moment(value: Any) -> datetime | None:
    """A case-data date (office opening that day) or date-time (as given; Bangkok when naive)."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        if len(text) <= 10:
            return cal.at_local(cal.parse_date(text), cal.OFFICE_OPENS)
        moment = datetime.fromisoformat(text)
    except (InvalidInput, ValueError):
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=cal.BANGKOK)).astimezone(UTC)


# The units of a rule's ``amount`` (see _shift): the one list of them.
UNITS = ("minutes", "hours", "days", "working_days", "weeks", "months", "years")


def _shift(anchor: datetime, rule: Mapping[str, Any], sign: int, calendar: WorkCalendar, roll: bool) -> datetime | None:
    unit = rule.get("unit")
    amount = rule.get("amount")
    if not isinstance(amount, (int, float)) or isinstance(amount, bool):
        return None
    if unit in ("minutes", "hours"):
        return anchor + sign * timedelta(minutes=amount * (60 if unit == "hours" else 1))
    n = int(amount)
    day = cal.local_date(anchor)
    if unit == "working_days":
        end = calendar.add_working_days(day, sign * n)
    elif unit in ("days", "weeks"):
        end = calendar.add_days(day, sign * n * (7 if unit == "weeks" else 1), roll=roll)
    elif unit in ("months", "years"):
        end = cal.add_months(day, sign * n * (12 if unit == "years" else 1))
        end = calendar.next_working_day(end, -1 if sign < 0 else 1) if roll else end
    else:
        return None
    return cal.at_local(end)


def _next_month_day(start: date, month: int, day: int) -> date:
    this_year = date(start.year, month, day)
    return this_year if this_year >= start else date(start.year + 1, month, day)


def _window_months(rule: Mapping[str, Any]) -> list[int]:
    """Months of the year in which a window ends (the catalog's sample years are not kept)."""
    if rule.get("type") == "fixed_months":
        return [int(m[5:7]) for m in rule.get("months") or () if isinstance(m, str) and len(m) == 7]
    if "to_month" in rule:
        return [int(rule["to_month"])]
    to = rule.get("to")
    return [int(to[5:7])] if isinstance(to, str) and len(to) == 7 else []


def _next_month_end(start: date, month: int) -> date:
    end = cal.month_end(start.year, month)
    return end if end >= start else cal.month_end(start.year + 1, month)


def _clamped(first: date, day: int) -> date:
    return cal.month_end(first.year, first.month) if day > cal.month_end(first.year, first.month).day \
        else first.replace(day=day)


def _fiscal_year_end(fiscal_year: Any, start: date) -> date:
    """30 September of the fiscal year the case is about (BE year), else the nearest one."""
    if isinstance(fiscal_year, (int, str)) and str(fiscal_year).isdigit():
        year = int(fiscal_year)
        return date(cal.ce_year(year), 9, 30)
    year = start.year if start.month >= 4 else start.year - 1
    return date(year, 9, 30)


def status(due: datetime | None, now: datetime, calendar: WorkCalendar) -> str | None:
    """"overdue" once past due, "due_soon" within one working day, else "on_time"."""
    if due is None:
        return None
    if now > due:
        return "overdue"
    if calendar.working_days_between(cal.local_date(now), cal.local_date(due)) <= DUE_SOON_WORKING_DAYS:
        return "due_soon"
    return "on_time"


def working_days_left(due: datetime, now: datetime, calendar: WorkCalendar) -> int:
    """Working days from today to the due day, Bangkok time: 0 when due today, negative when past
    (by the working days since the due day; an overdue task due today counts as -0 = 0)."""
    return calendar.working_days_between(cal.local_date(now), cal.local_date(due))


STATUS_LABELS = {"on_time": ("ตามกำหนด", "on time"), "due_soon": ("ใกล้ครบกำหนด", "due soon"),
                 "overdue": ("เกินกำหนด", "overdue")}
