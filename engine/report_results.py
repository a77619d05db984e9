"""The auditors' reports (engine.services.reports) as Krabuan's frozen dataclasses.

Every report carries the filter it was made with (printed on the page and in its exports) and
its tables (``ReportTable``): the page shows each table beside its chart, and the CSV and XLSX
exports write the same tables, so a number is computed once.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

Cell = str | int | float | None


@dataclass(frozen=True)
class ReportFilter:
    """What a report covers: one procedure (None: all), a range of Bangkok dates (inclusive; the
    completion date of steps and cases, the due date of overdue steps) and one lane (the unit)."""

    process_id: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    lane: str | None = None

    def describe(self) -> tuple[tuple[str, str, str], ...]:
        """(Thai label, English label, value) of every filter, as printed on a report; dates in BE."""
        def be(day: date | None) -> str:
            return f"{day.day}/{day.month}/{day.year + 543}" if day else "-"

        return (("กระบวนงาน", "Procedure", self.process_id or "ทั้งหมด / all"),
                ("ตั้งแต่วันที่", "From", be(self.date_from)),
                ("ถึงวันที่", "To", be(self.date_to)),
                ("สายงาน (หน่วยงาน)", "Lane (unit)", self.lane or "ทั้งหมด / all"))

    def to_json(self) -> dict[str, Any]:
        return {"process_id": self.process_id, "lane": self.lane,
                "date_from": self.date_from.isoformat() if self.date_from else None,
                "date_to": self.date_to.isoformat() if self.date_to else None}


@dataclass(frozen=True)
class ReportTable:
    """One table of a report: a title and column headings in Thai and English, and its rows."""

    key: str
    title_th: str
    title_en: str
    columns: tuple[tuple[str, str], ...]
    rows: tuple[tuple[Cell, ...], ...]

    def to_json(self) -> dict[str, Any]:
        return {"key": self.key, "title": {"th": self.title_th, "en": self.title_en},
                "columns": [{"th": th, "en": en} for th, en in self.columns], "rows": [list(r) for r in self.rows]}


@dataclass(frozen=True)
class DurationStats:
    """Completions of a step (or cases of a procedure): how many, the median and 90th percentile
    of the working days they took (nearest rank), and how many were on time of those that had a
    deadline or a standard (``judged``)."""

    count: int
    median_days: int | None
    p90_days: int | None
    on_time: int
    judged: int

    @property
    def on_time_pct(self) -> float | None:
        return round(100.0 * self.on_time / self.judged, 1) if self.judged else None

    def to_json(self) -> dict[str, Any]:
        return {"count": self.count, "median_days": self.median_days, "p90_days": self.p90_days,
                "on_time": self.on_time, "judged": self.judged, "on_time_pct": self.on_time_pct}


@dataclass(frozen=True)
class StepTiming:
    process_id: str
    element_id: str
    name: str
    standard_days: float | None
    stats: DurationStats

    def to_json(self) -> dict[str, Any]:
        return {"process_id": self.process_id, "element_id": self.element_id, "name": self.name,
                "standard_days": self.standard_days, **self.stats.to_json()}


@dataclass(frozen=True)
class ProcedureTiming:
    """A procedure's completed cases (a case is on time when every step with a deadline was)."""

    process_id: str
    name: str
    cases: DurationStats

    def to_json(self) -> dict[str, Any]:
        return {"process_id": self.process_id, "name": self.name, **self.cases.to_json()}


@dataclass(frozen=True)
class MonthTrend:
    """Steps completed in one month (Bangkok, ``YYYY-MM`` in CE) and how many on time."""

    month: str
    completed: int
    on_time: int
    judged: int

    @property
    def on_time_pct(self) -> float | None:
        return round(100.0 * self.on_time / self.judged, 1) if self.judged else None

    def to_json(self) -> dict[str, Any]:
        return {"month": self.month, "completed": self.completed, "on_time": self.on_time, "judged": self.judged,
                "on_time_pct": self.on_time_pct}


def _month_be(month: str) -> str:
    year, mon = month.split("-")
    return f"{int(mon)}/{int(year) + 543}"


@dataclass(frozen=True)
class OnTimeReport:
    filter: ReportFilter
    procedures: tuple[ProcedureTiming, ...]
    steps: tuple[StepTiming, ...]
    trend: tuple[MonthTrend, ...]

    @property
    def tables(self) -> tuple[ReportTable, ...]:
        stat_cols = (("จำนวน", "Count"), ("มัธยฐาน (วันทำการ)", "Median (working days)"),
                     ("P90 (วันทำการ)", "P90 (working days)"), ("ตรงเวลา (%)", "On time (%)"))
        procs = ReportTable("procedures", "ความตรงเวลารายกระบวนงาน", "On time per procedure",
                            (("กระบวนงาน", "Procedure"), *stat_cols),
                            tuple((p.name or p.process_id, p.cases.count, p.cases.median_days, p.cases.p90_days,
                                   p.cases.on_time_pct) for p in self.procedures))
        steps = ReportTable("steps", "ความตรงเวลารายขั้นตอน", "On time per step",
                            (("กระบวนงาน", "Procedure"), ("ขั้นตอน", "Step"),
                             ("มาตรฐาน (วันทำการ)", "Standard (working days)"), *stat_cols),
                            tuple((s.process_id, s.name, s.standard_days, s.stats.count, s.stats.median_days,
                                   s.stats.p90_days, s.stats.on_time_pct) for s in self.steps))
        trend = ReportTable("trend", "แนวโน้มรายเดือน", "Trend by month",
                            (("เดือน (พ.ศ.)", "Month (BE)"), ("เสร็จ", "Completed"), ("ตรงเวลา", "On time"),
                             ("ตรงเวลา (%)", "On time (%)")),
                            tuple((_month_be(m.month), m.completed, m.on_time, m.on_time_pct) for m in self.trend))
        return procs, steps, trend

    def to_json(self) -> dict[str, Any]:
        return {"filter": self.filter.to_json(), "procedures": [p.to_json() for p in self.procedures],
                "steps": [s.to_json() for s in self.steps], "trend": [m.to_json() for m in self.trend]}


@dataclass(frozen=True)
class OverdueItem:
    task_id: int
    instance_id: int
    process_id: str
    step: str
    lane: str | None
    title: str
    assignee: str | None
    due_at: datetime
    days_overdue: int  # working days after the due date, up to today (Bangkok)
    age_days: int  # working days since the step opened

    def to_json(self) -> dict[str, Any]:
        return {"task_id": self.task_id, "instance_id": self.instance_id, "process_id": self.process_id,
                "step": self.step, "lane": self.lane, "title": self.title, "assignee": self.assignee,
                "due_at": self.due_at.isoformat(), "days_overdue": self.days_overdue, "age_days": self.age_days}


@dataclass(frozen=True)
class OverdueReport:
    filter: ReportFilter
    today: date
    total: int  # every overdue step; ``items`` holds the most overdue first, at most the report's limit
    items: tuple[OverdueItem, ...]
    by_process: tuple[tuple[str, int], ...]

    @property
    def tables(self) -> tuple[ReportTable, ...]:
        counts = ReportTable("by_process", "งานเกินกำหนดรายกระบวนงาน", "Overdue steps per procedure",
                             (("กระบวนงาน", "Procedure"), ("จำนวน", "Count")), self.by_process)
        items = ReportTable("items", "งานที่เกินกำหนดขณะนี้", "Overdue now",
                            (("เรื่องที่", "Case"), ("กระบวนงาน", "Procedure"), ("ขั้นตอน", "Step"),
                             ("เรื่อง", "Title"), ("ผู้รับผิดชอบ", "Assignee"), ("กำหนดเสร็จ", "Due"),
                             ("เกินกำหนด (วันทำการ)", "Overdue (working days)"),
                             ("อายุงาน (วันทำการ)", "Age (working days)")),
                            tuple((i.instance_id, i.process_id, i.step, i.title, i.assignee or "",
                                   _be_day(i.due_at), i.days_overdue, i.age_days) for i in self.items))
        return counts, items

    def to_json(self) -> dict[str, Any]:
        return {"filter": self.filter.to_json(), "today": self.today.isoformat(), "total": self.total,
                "items": [i.to_json() for i in self.items], "by_process": [list(p) for p in self.by_process]}


def _be_day(moment: datetime) -> str:
    from .time.calendar import local_date

    day = local_date(moment)
    return f"{day.day}/{day.month}/{day.year + 543}"


@dataclass(frozen=True)
class Violation:
    """One person who held both sides of a segregation rule in one case."""

    instance_id: int
    process_id: str
    rule_id: str
    rule_th: str
    person: str
    did: str  # the role on the rule's ``who`` side (starter or step:<id>)
    and_did: str  # the role on its ``not`` side

    def to_json(self) -> dict[str, Any]:
        return {"instance_id": self.instance_id, "process_id": self.process_id, "rule_id": self.rule_id,
                "rule_th": self.rule_th, "person": self.person, "did": self.did, "and_did": self.and_did}


@dataclass(frozen=True)
class ControlRate:
    """A step with control points: its completions and how many confirmed every control point."""

    process_id: str
    element_id: str
    name: str
    controls: int
    completed: int
    confirmed: int
    acting: int  # completions by an acting official

    @property
    def rate_pct(self) -> float | None:
        return round(100.0 * self.confirmed / self.completed, 1) if self.completed else None

    def to_json(self) -> dict[str, Any]:
        return {"process_id": self.process_id, "element_id": self.element_id, "name": self.name,
                "controls": self.controls, "completed": self.completed, "confirmed": self.confirmed,
                "acting": self.acting, "rate_pct": self.rate_pct}


@dataclass(frozen=True)
class ActingCompletion:
    instance_id: int
    process_id: str
    step: str
    actor: str
    kind: str
    for_position: str
    occurred_at: str

    def to_json(self) -> dict[str, Any]:
        return {"instance_id": self.instance_id, "process_id": self.process_id, "step": self.step,
                "actor": self.actor, "kind": self.kind, "for_position": self.for_position,
                "occurred_at": self.occurred_at}


@dataclass(frozen=True)
class ControlsReport:
    filter: ReportFilter
    violations: tuple[Violation, ...]
    rates: tuple[ControlRate, ...]
    acting_total: int
    acting: tuple[ActingCompletion, ...]
    rules_checked: int

    @property
    def tables(self) -> tuple[ReportTable, ...]:
        sod = ReportTable("segregation", "การแบ่งแยกหน้าที่ (ต้องเป็นศูนย์)", "Segregation of duties (must be zero)",
                          (("เรื่องที่", "Case"), ("กระบวนงาน", "Procedure"), ("กฎ", "Rule"), ("ผู้ใด", "Person"),
                           ("ทำหน้าที่", "Did"), ("และ", "And did")),
                          tuple((v.instance_id, v.process_id, v.rule_th or v.rule_id, v.person, v.did, v.and_did)
                                for v in self.violations))
        rates = ReportTable("controls", "อัตราการยืนยันจุดควบคุมรายขั้นตอน", "Control-point confirmation per step",
                            (("กระบวนงาน", "Procedure"), ("ขั้นตอน", "Step"), ("จุดควบคุม", "Control points"),
                             ("เสร็จ", "Completed"), ("ยืนยันครบ", "All confirmed"), ("อัตรา (%)", "Rate (%)"),
                             ("โดยผู้รักษาราชการแทน", "By acting officials")),
                            tuple((r.process_id, r.name, r.controls, r.completed, r.confirmed, r.rate_pct, r.acting)
                                  for r in self.rates))
        acting = ReportTable("acting", "ขั้นตอนที่ผู้รักษาราชการแทนดำเนินการ", "Steps completed by acting officials",
                             (("เรื่องที่", "Case"), ("กระบวนงาน", "Procedure"), ("ขั้นตอน", "Step"),
                              ("ผู้ดำเนินการ", "Actor"), ("ฐานะ", "Capacity"), ("แทนตำแหน่ง", "For position"),
                              ("เมื่อ (UTC)", "When (UTC)")),
                             tuple((a.instance_id, a.process_id, a.step, a.actor, a.kind, a.for_position, a.occurred_at)
                                   for a in self.acting))
        return sod, rates, acting

    def to_json(self) -> dict[str, Any]:
        return {"filter": self.filter.to_json(), "violations": [v.to_json() for v in self.violations],
                "rates": [r.to_json() for r in self.rates], "acting_total": self.acting_total,
                "acting": [a.to_json() for a in self.acting], "rules_checked": self.rules_checked}


@dataclass(frozen=True)
class RiskRow:
    process_id: str
    element_id: str
    step: str
    risk_th: str
    risk_en: str
    likelihood: int | None
    impact: int | None
    score: int | None
    level: str
    completed: int
    late: int  # completions past their deadline (or past the standard, without one)

    @property
    def late_pct(self) -> float | None:
        return round(100.0 * self.late / self.completed, 1) if self.completed else None

    def to_json(self) -> dict[str, Any]:
        return {"process_id": self.process_id, "element_id": self.element_id, "step": self.step,
                "risk": {"th": self.risk_th, "en": self.risk_en}, "likelihood": self.likelihood,
                "impact": self.impact, "score": self.score, "level": self.level, "completed": self.completed,
                "late": self.late, "late_pct": self.late_pct}


@dataclass(frozen=True)
class RiskReport:
    filter: ReportFilter
    risks: tuple[RiskRow, ...]

    def heat_map(self) -> tuple[tuple[int, ...], ...]:
        """5 x 5 counts of risks: row = likelihood 5..1 (top to bottom), column = impact 1..5."""
        return tuple(tuple(sum(1 for r in self.risks if r.likelihood == li and r.impact == im) for im in range(1, 6))
                     for li in range(5, 0, -1))

    @property
    def tables(self) -> tuple[ReportTable, ...]:
        register = ReportTable("risks", "ทะเบียนความเสี่ยง", "Risk register",
                               (("กระบวนงาน", "Procedure"), ("ขั้นตอน", "Step"), ("ความเสี่ยง", "Risk"),
                                ("โอกาส", "Likelihood"), ("ผลกระทบ", "Impact"), ("คะแนน", "Score"),
                                ("ระดับ", "Level"), ("เสร็จ", "Completed"), ("ล่าช้า", "Late"),
                                ("ล่าช้า (%)", "Late (%)")),
                               tuple((r.process_id, r.step, r.risk_th, r.likelihood, r.impact, r.score, r.level,
                                      r.completed, r.late, r.late_pct) for r in self.risks))
        heat = ReportTable("heat_map", "แผนภูมิความเสี่ยง 5×5 (จำนวนความเสี่ยง)", "5×5 heat map (number of risks)",
                           (("โอกาส \\ ผลกระทบ", "Likelihood \\ impact"),
                            *((str(i), str(i)) for i in range(1, 6))),
                           tuple((5 - n, *row) for n, row in enumerate(self.heat_map())))
        return register, heat

    def to_json(self) -> dict[str, Any]:
        return {"filter": self.filter.to_json(), "risks": [r.to_json() for r in self.risks],
                "heat_map": [list(r) for r in self.heat_map()]}


@dataclass(frozen=True)
class ReportFile:
    """An exported report: its file name, media type and bytes."""

    filename: str
    content_type: str
    content: bytes

    def to_json(self) -> dict[str, Any]:
        return {"filename": self.filename, "content_type": self.content_type, "size": len(self.content)}
