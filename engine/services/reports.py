"""The auditors' reports: on time, overdue now, controls (segregation of duties, control points,
acting officials) and the risk register, for auditors and administrators (the engine checks).

Durations are in working days (engine.time.calendar.WorkCalendar.working_days_between: the day a
step opened is not counted, the day it was completed is). A step is on time when it was completed
by its due time; a step without one is judged against its standard duration (``workingDays`` of
its ``krabuan:step``) when it has one, else not judged. A case is on time when none of its steps
was completed past its due time. Median and 90th percentile are nearest-rank (the smallest value
with at least half, or 90 %, of the completions at or below it). The names, standards, controls,
risks and segregation rules are those of each procedure's newest version.
"""
from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from ..context import Context
from ..errors import Forbidden, InvalidInput
from ..model.definitions import ProcessModel
from ..model.segregation import GROUP, STARTER, STEP, VARIABLE, SegregationRule
from ..operation import Work, work
from ..report_results import (
    ActingCompletion,
    ControlRate,
    ControlsReport,
    DurationStats,
    MonthTrend,
    OnTimeReport,
    OverdueItem,
    OverdueReport,
    ProcedureTiming,
    ReportFile,
    ReportFilter,
    ReportTable,
    RiskReport,
    RiskRow,
    StepTiming,
    Violation,
)
from ..results import Account
from ..store import definitions, report_rows
from ..time.calendar import WorkCalendar, local_date
from .view_log import ViewLog

REPORTS = ("on-time", "overdue", "controls", "risks")
OVERDUE_LIMIT = 1000
ACTING_LIMIT = 500


def may_read_reports(viewer: Account) -> bool:
    return viewer.has_role("auditor") or viewer.has_role("admin")


def nearest_rank(values: list[tuple[int, int]], share: float) -> int | None:
    """The nearest-rank percentile of (value, count) pairs."""
    total = sum(n for _, n in values)
    if not total:
        return None
    rank, seen = max(1, math.ceil(share * total)), 0
    for value, n in sorted(values):
        seen += n
        if seen >= rank:
            return value
    return None  # pragma: no cover - seen reaches total


def _stats(days: list[tuple[int, int]], on_time: int, judged: int) -> DurationStats:
    return DurationStats(sum(n for _, n in days), nearest_rank(days, 0.5), nearest_rank(days, 0.9), on_time, judged)


@dataclass
class _Tally:
    days: list[tuple[int, int]]
    on_time: int = 0
    judged: int = 0

    def add(self, wd: int, ok: bool | None, n: int) -> None:
        self.days.append((wd, n))
        if ok is not None:
            self.judged += n
            self.on_time += n if ok else 0

    def stats(self) -> DurationStats:
        return _stats(self.days, self.on_time, self.judged)


class _Days:
    """Working days between two Bangkok days, counted once per distinct pair."""

    def __init__(self, calendar: WorkCalendar) -> None:
        self.calendar = calendar
        self.seen: dict[tuple[date, date], int] = {}

    def __call__(self, start: date, end: date) -> int:
        key = (start, end)
        if key not in self.seen:
            self.seen[key] = self.calendar.working_days_between(start, end)
        return self.seen[key]


def _ordinals(calendar: WorkCalendar, first: date, last: date) -> list[tuple[date, int]]:
    """Each day from ``first`` to ``last`` with the working days after ``first`` up to it."""
    out, n, day = [], 0, first
    while day <= last:
        out.append((day, n))
        day += timedelta(days=1)
        n += 1 if calendar.is_working_day(day) else 0
    return out


class Reports:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def _models(self, w: Work, process_ids: Iterable[str]) -> dict[str, ProcessModel]:
        found: dict[str, ProcessModel] = {}
        for pid in process_ids:
            definition_id = definitions.definition_id_of(w.conn, pid)
            if definition_id is not None:
                found[pid] = self.ctx.definition(w.conn, definition_id).model
        return found

    def on_time(self, viewer: Account, f: ReportFilter, surface: str = "web") -> OnTimeReport:
        """Per procedure and per step: count, median and p90 working days, % on time; trend by month."""
        made: OnTimeReport = self._view(_log(viewer, "on-time", f, surface), self._on_time, f)
        return made

    def overdue(self, viewer: Account, f: ReportFilter, surface: str = "web") -> OverdueReport:
        """Open steps past their due time now (loans past settlement, inspections past 30 working days,
        letters past their urgency: each is a step's deadline), with their age in working days."""
        made: OverdueReport = self._view(_log(viewer, "overdue", f, surface), self._overdue, f)
        return made

    def controls(self, viewer: Account, f: ReportFilter, surface: str = "web") -> ControlsReport:
        """Segregation-of-duties violations (each with its case), control-point confirmation per step,
        and the steps completed by acting officials."""
        made: ControlsReport = self._view(_log(viewer, "controls", f, surface), self._controls, f)
        return made

    def risks(self, viewer: Account, f: ReportFilter, surface: str = "web") -> RiskReport:
        """Every step's risks (likelihood × impact, score and level as printed in the SOP) and how
        often the step ran late in the filter's period."""
        made: RiskReport = self._view(_log(viewer, "risks", f, surface), self._risks, f)
        return made

    def _view(self, log: ViewLog, make: Callable[[ReportFilter], Any], f: ReportFilter) -> Any:
        """A report made and its view logged (an auditor's: the report, its filters and every case it lists)."""
        made = make(f)
        log.write(self.ctx, _cases_listed(made))
        return made

    def _on_time(self, f: ReportFilter) -> OnTimeReport:
        with work(self.ctx, write=False) as w:
            report_rows.tune(w.conn)
            models = self._models(w, report_rows.process_ids(w.conn, f))
            span = report_rows.day_span(w.conn, f)
            if span is None:
                return OnTimeReport(f, (), (), ())
            reckoning = report_rows.Reckoning(_ordinals(w.calendar, *span), [
                (pid, s.element_id, s.meta.duration_working_days) for pid, m in models.items()
                for s in m.steps.values() if s.meta.duration_working_days is not None])
            steps = report_rows.step_durations(w.conn, f, reckoning)
            cases = report_rows.case_durations(w.conn, f, reckoning)
        step_tally: dict[tuple[str, str], _Tally] = defaultdict(lambda: _Tally([]))
        months: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
        for g in steps:
            ok = None if g.on_time is None else bool(g.on_time)
            step_tally[(g.process_id, g.element_id)].add(g.working_days, ok, g.count)
            month = months[g.month]
            month[0] += g.count
            month[1] += g.count if ok else 0
            month[2] += g.count if ok is not None else 0
        case_tally: dict[str, _Tally] = defaultdict(lambda: _Tally([]))
        for g in cases:
            case_tally[g.process_id].add(g.working_days, None if g.on_time is None else bool(g.on_time), g.count)
        return OnTimeReport(
            f,
            tuple(ProcedureTiming(pid, models[pid].name if pid in models else pid, t.stats())
                  for pid, t in sorted(case_tally.items())),
            tuple(self._step_timing(models, key, t) for key, t in sorted(step_tally.items(),
                                                                          key=lambda kv: _step_order(models, kv[0]))),
            tuple(MonthTrend(m, *v) for m, v in sorted(months.items())))

    @staticmethod
    def _step_timing(models: dict[str, ProcessModel], key: tuple[str, str], tally: _Tally) -> StepTiming:
        pid, element_id = key
        step = models[pid].steps.get(element_id) if pid in models else None
        return StepTiming(pid, element_id, step.name if step else element_id,
                          step.meta.duration_working_days if step else None, tally.stats())

    def _overdue(self, f: ReportFilter) -> OverdueReport:
        with work(self.ctx, write=False) as w:
            report_rows.tune(w.conn)
            now, calendar = w.now, w.calendar
            rows, counts = report_rows.overdue(w.conn, f, now, OVERDUE_LIMIT)
        today = local_date(now)
        days = _Days(calendar)
        items = tuple(OverdueItem(r.task_id, r.instance_id, r.process_id, r.name or r.element_id, r.lane, r.title,
                                  r.assignee, r.due_at, days(local_date(r.due_at), today),
                                  days(local_date(r.created_at), today)) for r in rows)
        return OverdueReport(f, today, sum(n for _, n in counts), items, tuple(counts))

    def _controls(self, f: ReportFilter) -> ControlsReport:
        with work(self.ctx, write=False) as w:
            report_rows.tune(w.conn)
            models = self._models(w, report_rows.process_ids(w.conn, f))
            violations, checked = _violations(w, f, models)
            groups = report_rows.completions(w.conn, f)
            acting_rows = report_rows.acting_completions(w.conn, f, ACTING_LIMIT)
        rates = _rates(groups, models, f.lane)
        acting = tuple(ActingCompletion(i, pid, _step_name(models, pid, str(p.get("element_id", ""))), actor,
                                        str(p.get("capacity", {}).get("kind", "")),
                                        str(p.get("capacity", {}).get("for_position", "")), at)
                       for i, pid, actor, at, p in acting_rows if _in_lane(models, pid, p, f.lane))
        acting_total = sum(g.count for g in groups if g.acting and _lane_ok(models, g.process_id, g.element_id, f.lane))
        return ControlsReport(f, violations, rates, acting_total, acting, checked)

    def _risks(self, f: ReportFilter) -> RiskReport:
        on_time = self._on_time(f)
        timing = {(s.process_id, s.element_id): s.stats for s in on_time.steps}
        with work(self.ctx, write=False) as w:
            report_rows.tune(w.conn)
            pids = [f.process_id] if f.process_id else [v.process_id for v in definitions.versions(w.conn)]
            models = self._models(w, sorted(set(pids)))
        rows: list[RiskRow] = []
        for pid, model in sorted(models.items()):
            for step in model.steps.values():
                if f.lane and step.lane != f.lane:
                    continue
                stats = timing.get((pid, step.element_id))
                completed, late = (stats.judged, stats.judged - stats.on_time) if stats else (0, 0)
                rows.extend(RiskRow(pid, step.element_id, step.name, r.th, r.en, r.likelihood, r.impact, r.score,
                                    r.level, completed, late) for r in step.meta.risks)
        return RiskReport(f, tuple(rows))

    def _maker(self, report: str) -> Callable[[ReportFilter], Any]:
        makers: dict[str, Callable[[ReportFilter], Any]] = {
            "on-time": self._on_time, "overdue": self._overdue, "controls": self._controls, "risks": self._risks}
        if report not in makers:
            raise InvalidInput(f"unknown report {report!r}", field="report")
        return makers[report]

    def tables(self, viewer: Account, report: str, f: ReportFilter, surface: str = "web") -> tuple[ReportTable, ...]:
        """The tables of a report by its name (``REPORTS``)."""
        make = self._maker(report)
        tables: tuple[ReportTable, ...] = self._view(_log(viewer, report, f, surface), make, f).tables
        return tables

    def export(self, viewer: Account, report: str, f: ReportFilter, fmt: str) -> ReportFile:
        """A report as CSV or XLSX: its filters first, then each of its tables (logged as a report
        view with its format)."""
        make = self._maker(report)
        if fmt not in ("csv", "xlsx"):
            raise InvalidInput(f"unknown format {fmt!r}: csv or xlsx", field="format")
        from .report_export import to_csv, to_xlsx

        tables: tuple[ReportTable, ...] = self._view(_log(viewer, report, f, "web", fmt), make, f).tables
        if fmt == "csv":
            return ReportFile(f"{report}.csv", "text/csv; charset=utf-8", to_csv(report, f, tables))
        return ReportFile(f"{report}.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                          to_xlsx(report, f, tables))


def _log(viewer: Account, report: str, f: ReportFilter, surface: str, fmt: str | None = None) -> ViewLog:
    """The view to log once the report is made; checks first who may read it and its filters."""
    if not may_read_reports(viewer):
        raise Forbidden("only auditors and administrators read the reports")
    if f.date_from and f.date_to and f.date_to < f.date_from:
        raise InvalidInput("the period ends before it starts", field="date_to")
    detail: dict[str, Any] = {"report": report, **f.to_json()}
    if fmt:
        detail["format"] = fmt
    return ViewLog.of(viewer, "report", detail, surface)


def _cases_listed(made: object) -> list[int]:
    """The cases a report names: the overdue steps' cases, the violations' and the acting officials'."""
    if isinstance(made, OverdueReport):
        return [i.instance_id for i in made.items]
    if isinstance(made, ControlsReport):
        return [v.instance_id for v in made.violations] + [a.instance_id for a in made.acting]
    return []


def _step_order(models: dict[str, ProcessModel], key: tuple[str, str]) -> tuple[str, int, str]:
    pid, element_id = key
    order = list(models[pid].steps) if pid in models else []
    return pid, order.index(element_id) if element_id in order else len(order), element_id


def _step_name(models: dict[str, ProcessModel], pid: str, element_id: str) -> str:
    step = models[pid].steps.get(element_id) if pid in models else None
    return step.name if step else element_id


def _lane_ok(models: dict[str, ProcessModel], pid: str, element_id: str, lane: str | None) -> bool:
    if not lane:
        return True
    step = models[pid].steps.get(element_id) if pid in models else None
    return step is not None and step.lane == lane


def _in_lane(models: dict[str, ProcessModel], pid: str, payload: dict[str, object], lane: str | None) -> bool:
    return _lane_ok(models, pid, str(payload.get("element_id", "")), lane)


def _rates(groups: list[report_rows.CompletionGroup], models: dict[str, ProcessModel],
           lane: str | None) -> tuple[ControlRate, ...]:
    tally: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    for g in groups:
        step = models[g.process_id].steps.get(g.element_id) if g.process_id in models else None
        if step is None or not step.meta.controls or not _lane_ok(models, g.process_id, g.element_id, lane):
            continue
        t = tally[(g.process_id, g.element_id)]
        t[0] += g.count
        t[1] += g.count if g.confirmed >= len(step.meta.controls) else 0
        t[2] += g.count if g.acting else 0
    return tuple(ControlRate(pid, el, models[pid].steps[el].name, len(models[pid].steps[el].meta.controls), *t)
                 for (pid, el), t in sorted(tally.items(), key=lambda kv: _step_order(models, kv[0])))


def _violations(w: Work, f: ReportFilter,
                models: dict[str, ProcessModel]) -> tuple[tuple[Violation, ...], int]:
    """People who held both sides of a procedure's segregation rule in one case, every kind of role
    judged: a step's completer, the starter, the people a case variable names now and the members
    of a group of the organisation now. Returns the violations and how many rules were checked."""
    found: list[Violation] = []
    checked = 0
    for pid, model in sorted(models.items()):
        for rule in model.segregation:
            checked += 1
            found.extend(_rule_violations(w, f, pid, rule))
    return tuple(sorted(found, key=lambda v: (v.instance_id, v.rule_id, v.person))), checked


def _side(roles: tuple[str, ...]) -> report_rows.Side:
    def named(prefix: str) -> tuple[str, ...]:
        return tuple(r[len(prefix):] for r in roles if r.startswith(prefix))

    return report_rows.Side(named(STEP), STARTER in roles, named(VARIABLE), named(GROUP))


def _rule_violations(w: Work, f: ReportFilter, pid: str, rule: SegregationRule) -> list[Violation]:
    sides = report_rows.RuleSides(pid, _side(rule.who), _side(rule.not_))
    return [Violation(instance_id, pid, rule.id, rule.th, person, did, and_did)
            for instance_id, person, did, and_did in report_rows.segregation_breaches(w.conn, f, sides)]
