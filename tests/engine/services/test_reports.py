"""The auditors' reports on a seeded data set of 2,000 cases, against numbers computed here.

Seeding: one send-letter case is run through the engine step by step (its task rows and history
events are the engine's own, so the reports read what a completion really writes); the volume
(2,000 completed cases of send-letter and system-maintenance, with their task rows and their
``task_completed`` history events, plus running cases with open steps) is inserted with SQL
through the store's tables by ``seed`` below, which is fast (a second) and lets the test place
late steps, acting officials, unconfirmed control points and segregation breaches where it
wants. The seeded history events are not hash-chained (the reports do not read the chain).

The expected numbers are computed in plain Python from every task row and history event read
back from the database: working days by walking the calendar day by day, percentiles by sorting.
"""
from __future__ import annotations

import json
import math
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from report_helpers import BPMN, BREACHES, LETTER_STEPS, NAMED_BREACHES, Seeded, seed
from sqlalchemy import select

from engine import Forbidden, Krabuan, ReportFilter
from engine.settings import Settings
from engine.store.tables import HistoryEvent, HumanTask, Instance
from engine.time.calendar import WorkCalendar


@pytest.fixture
def rk(project_settings: Settings) -> Any:
    k = Krabuan(project_settings)
    k.init()
    k.repository.deploy([BPMN / "send-letter.bpmn", BPMN / "system-maintenance.bpmn"])
    yield k
    k.close()


# -- the independent computation --------------------------------------------------------------

CAL = WorkCalendar()


def bkk(moment: datetime) -> date:
    return (moment.astimezone(UTC) + timedelta(hours=7)).date()


def walk_working_days(start: date, end: date) -> int:
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        count += CAL.is_working_day(day)
    return count


def percentile(values: list[int], share: float) -> int | None:
    ordered = sorted(values)
    return ordered[max(1, math.ceil(share * len(ordered))) - 1] if ordered else None


def in_window(moment: datetime, f: ReportFilter) -> bool:
    day = bkk(moment)
    return (f.date_from is None or day >= f.date_from) and (f.date_to is None or day <= f.date_to)


def all_tasks(k: Krabuan) -> list[Any]:
    with k.ctx.db.unit_of_work(False) as conn:
        return list(conn.execute(select(HumanTask)))


def all_instances(k: Krabuan) -> list[Any]:
    with k.ctx.db.unit_of_work(False) as conn:
        return list(conn.execute(select(Instance)))


def all_completions(k: Krabuan) -> list[tuple[str, dict[str, Any], str]]:
    with k.ctx.db.unit_of_work(False) as conn:
        pids = dict(conn.execute(select(Instance.c.id, Instance.c.process_id)).all())
        rows = conn.execute(select(HistoryEvent).where(HistoryEvent.c.event_type == "task_completed"))
        return [(pids[r.instance_id], json.loads(r.payload), r.occurred_at) for r in rows]


def expected_steps(k: Krabuan, f: ReportFilter) -> dict[tuple[str, str], dict[str, Any]]:
    models = {pid: k.repository.process_model(pid)[1] for pid in ("send-letter", "system-maintenance")}
    got: dict[tuple[str, str], dict[str, Any]] = defaultdict(lambda: {"days": [], "ok": 0, "judged": 0})
    for t in all_tasks(k):
        if t.state != "completed" or not in_window(t.completed_at, f):
            continue
        if f.process_id and t.process_id != f.process_id or f.lane and t.lane != f.lane:
            continue
        wd = walk_working_days(bkk(t.created_at), bkk(t.completed_at))
        standard = models[t.process_id].steps[t.element_id].meta.duration_working_days
        ok = (t.completed_at <= t.due_at) if t.due_at else (wd <= standard if standard is not None else None)
        e = got[(t.process_id, t.element_id)]
        e["days"].append(wd)
        if ok is not None:
            e["judged"] += 1
            e["ok"] += ok
    return got


# -- the tests --------------------------------------------------------------------------------

@pytest.fixture
def seeded(rk: Krabuan) -> Seeded:
    return seed(rk)


def auditor(k: Krabuan) -> Any:
    found = k.accounts.account("auditor1")
    assert found is not None
    return found


def test_on_time_per_step_and_per_procedure_match_an_independent_count(rk: Krabuan, seeded: Seeded) -> None:
    f = ReportFilter()
    report = rk.reports.on_time(auditor(rk), f)
    expected = expected_steps(rk, f)
    assert {(s.process_id, s.element_id) for s in report.steps} == set(expected)
    for s in report.steps:
        e = expected[(s.process_id, s.element_id)]
        assert (s.stats.count, s.stats.median_days, s.stats.p90_days, s.stats.on_time, s.stats.judged) == (
            len(e["days"]), percentile(e["days"], 0.5), percentile(e["days"], 0.9), e["ok"], e["judged"]), s
    assert sum(s.stats.count for s in report.steps) == sum(len(e["days"]) for e in expected.values()) > 2000 * 6
    # per procedure: completed cases, their working days, late when one step was past due
    tasks_of: dict[int, list[Any]] = defaultdict(list)
    for t in all_tasks(rk):
        tasks_of[t.instance_id].append(t)
    cases: dict[str, list[tuple[int, bool | None]]] = defaultdict(list)
    for i in all_instances(rk):
        if i.status == "completed":
            dues = [t for t in tasks_of[i.id] if t.due_at]
            ok = None if not dues else all(t.completed_at <= t.due_at for t in dues)
            cases[i.process_id].append((walk_working_days(bkk(i.created_at), bkk(i.completed_at)), ok))
    assert sum(len(c) for c in cases.values()) == seeded.cases + 1
    for p in report.procedures:
        days = [d for d, _ in cases[p.process_id]]
        judged = [ok for _, ok in cases[p.process_id] if ok is not None]
        assert (p.cases.count, p.cases.median_days, p.cases.p90_days, p.cases.on_time, p.cases.judged) == (
            len(days), percentile(days, 0.5), percentile(days, 0.9), sum(judged), len(judged))
    assert {p.process_id for p in report.procedures} == {"send-letter", "system-maintenance"}
    # the trend: steps completed per Bangkok month
    months: dict[str, int] = defaultdict(int)
    for e_days in expected.values():
        assert e_days["days"]
    for t in all_tasks(rk):
        if t.state == "completed":
            months[bkk(t.completed_at).strftime("%Y-%m")] += 1
    assert {m.month: m.completed for m in report.trend} == dict(months)


def test_filters_narrow_the_on_time_report(rk: Krabuan, seeded: Seeded) -> None:
    f = ReportFilter(process_id="system-maintenance", date_from=date(2026, 1, 1), date_to=date(2026, 3, 31),
                     lane="contractor")
    report = rk.reports.on_time(auditor(rk), f)
    expected = expected_steps(rk, f)
    assert {s.element_id for s in report.steps} == {"preventive_maintenance", "monthly_report_and_payment"}
    for s in report.steps:
        e = expected[(s.process_id, s.element_id)]
        assert (s.stats.count, s.stats.median_days, s.stats.p90_days, s.stats.on_time) == (
            len(e["days"]), percentile(e["days"], 0.5), percentile(e["days"], 0.9), e["ok"])
    assert {m.month for m in report.trend} <= {"2026-01", "2026-02", "2026-03"}
    assert ("ถึงวันที่", "To", "31/3/2569") in f.describe()


def test_overdue_now_lists_every_open_step_past_due_with_its_age(rk: Krabuan, seeded: Seeded) -> None:
    report = rk.reports.overdue(auditor(rk), ReportFilter())
    assert report.total == len(seeded.overdue) > 0
    assert {i.task_id for i in report.items} == seeded.overdue
    today = bkk(datetime.now(UTC))
    by_task = {t.id: t for t in all_tasks(rk)}
    for item in report.items:
        t = by_task[item.task_id]
        assert item.days_overdue == walk_working_days(bkk(t.due_at), today)
        assert item.age_days == walk_working_days(bkk(t.created_at), today)
    counts: dict[str, int] = defaultdict(int)
    for tid in seeded.overdue:
        counts[by_task[tid].process_id] += 1
    assert dict(report.by_process) == dict(counts)
    assert [i.due_at for i in report.items] == sorted(i.due_at for i in report.items)


def test_controls_segregation_and_acting_officials(rk: Krabuan, seeded: Seeded) -> None:
    report = rk.reports.controls(auditor(rk), ReportFilter())
    assert {v.instance_id for v in report.violations} == seeded.breaches | seeded.named_breaches
    assert (len(seeded.breaches), len(seeded.named_breaches)) == (BREACHES, NAMED_BREACHES)
    assert all(v.rule_id == "contractor_not_inspector" for v in report.violations)
    assert {v.instance_id: v.and_did for v in report.violations} == {
        **{i: "step:inspection_committee_check" for i in seeded.breaches},
        **{i: "variable:inspection_committee_members" for i in seeded.named_breaches}}  # named on the committee
    models = {pid: rk.repository.process_model(pid)[1] for pid in ("send-letter", "system-maintenance")}
    rates: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    acting = 0
    for pid, payload, _ in all_completions(rk):
        acting += "capacity" in payload
        step = models[pid].steps[payload["element_id"]]
        if step.meta.controls:
            r = rates[(pid, step.element_id)]
            r[0] += 1
            r[1] += set(payload["confirmed_controls"]) >= {c.id for c in step.meta.controls}
            r[2] += "capacity" in payload
    assert {(r.process_id, r.element_id): [r.completed, r.confirmed, r.acting] for r in report.rates} == dict(rates)
    assert any(r.rate_pct is not None and r.rate_pct < 100 for r in report.rates)
    assert report.acting_total == acting == len(report.acting) > 0
    assert {a.for_position for a in report.acting} == {"it_group_director"}
    # the real case's completions confirmed every control point
    real = [p for pid, p, _ in all_completions(rk) if p["task_id"] < 1_000_000]
    assert len(real) == len(LETTER_STEPS) and all(
        len(p["confirmed_controls"]) == len(models["send-letter"].steps[p["element_id"]].meta.controls) for p in real)


def test_no_violation_when_the_record_has_none(rk: Krabuan) -> None:
    seed(rk, 200, breaches=0, named=0)
    report = rk.reports.controls(auditor(rk), ReportFilter())
    assert report.violations == () and report.rules_checked == 1


def test_every_kind_of_role_is_judged_from_the_record(rk: Krabuan) -> None:
    """A group's members (the organisation now) and a variable naming one person (a ``user`` field),
    not only a list of them: each side of a rule is judged in SQL on both databases."""
    from sqlalchemy import update

    from engine.store import report_rows
    from engine.store.report_rows import RuleSides, Side
    from engine.store.tables import Membership

    seed(rk, 200, breaches=0, named=0)
    with rk.ctx.db.unit_of_work(write=False) as conn:
        member, group = conn.execute(select(Membership.c.username, Membership.c.group_id)
                                     .order_by(Membership.c.group_id, Membership.c.username)).first()
        first, second = conn.execute(select(HumanTask.c.instance_id).where(
            HumanTask.c.element_id == "inspection_committee_check", HumanTask.c.state == "completed")
            .order_by(HumanTask.c.instance_id).limit(2)).scalars()
    with rk.ctx.db.unit_of_work() as conn:
        conn.execute(update(HumanTask).where(HumanTask.c.instance_id == first,
                                             HumanTask.c.element_id == "inspection_committee_check")
                     .values(completed_by=member))
        conn.execute(update(Instance).where(Instance.c.id == second)
                     .values(data_json=json.dumps({"borrower": member, "empty": None})))
        checker = Side(steps=("inspection_committee_check",))
        by_group = report_rows.segregation_breaches(conn, ReportFilter(), RuleSides(
            "system-maintenance", Side(groups=(group,)), checker))
        assert by_group == [(first, member, f"group:{group}", "step:inspection_committee_check")]
        named = Side(variables=("borrower", "empty", "absent"))
        assert report_rows.segregation_breaches(conn, ReportFilter(), RuleSides(
            "system-maintenance", named, Side(groups=(group,)))) == [(second, member, "variable:borrower",
                                                                     f"group:{group}")]
        assert report_rows.segregation_breaches(conn, ReportFilter(), RuleSides(
            "system-maintenance", named, checker)) == []


def test_risk_register_with_its_heat_map_and_how_often_the_step_ran_late(rk: Krabuan, seeded: Seeded) -> None:
    report = rk.reports.risks(auditor(rk), ReportFilter(process_id="system-maintenance"))
    _, model = rk.repository.process_model("system-maintenance")
    risky = [(s, r) for s in model.steps.values() for r in s.meta.risks]
    assert [(r.element_id, r.risk_th, r.likelihood, r.impact, r.level) for r in report.risks] == [
        (s.element_id, r.th, r.likelihood, r.impact, r.level) for s, r in risky]
    e = expected_steps(rk, ReportFilter())[("system-maintenance", "maintenance_plan")]
    plan = report.risks[0]
    assert (plan.completed, plan.late) == (e["judged"], e["judged"] - e["ok"]) and plan.late > 0
    heat = report.heat_map()
    assert heat[5 - plan.likelihood][plan.impact - 1] == 1 and sum(map(sum, heat)) == 1  # type: ignore[operator]


def test_exports_carry_the_filters_and_every_table(rk: Krabuan) -> None:
    import csv
    import io

    from openpyxl import load_workbook

    seed(rk, n_cases=200)  # the exports' shape: the numbers are the other tests' (2,000 cases)
    f = ReportFilter(process_id="send-letter", date_from=date(2025, 10, 1))
    report = rk.reports.on_time(auditor(rk), f)
    out = rk.reports.export(auditor(rk), "on-time", f, "csv")
    rows = list(csv.reader(io.StringIO(out.content.decode("utf-8-sig"))))
    assert ["กระบวนงาน (Procedure)", "send-letter"] in rows and ["ตั้งแต่วันที่ (From)", "1/10/2568"] in rows
    steps = next(n for n, r in enumerate(rows) if r == ["ความตรงเวลารายขั้นตอน (On time per step)"])
    first = rows[steps + 2]
    s = report.steps[0]
    assert first[1] == s.name and int(first[3]) == s.stats.count and int(first[4]) == s.stats.median_days
    book = load_workbook(io.BytesIO(rk.reports.export(auditor(rk), "on-time", f, "xlsx").content))
    assert book.sheetnames == ["procedures", "steps", "trend"]
    sheet = book["steps"]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert ["กระบวนงาน (Procedure)", "send-letter"] in [r[:2] for r in values]
    assert [s.stats.count for s in report.steps] == [r[3] for r in values[8:]]
    for name in ("overdue", "controls", "risks"):
        assert rk.reports.export(auditor(rk), name, f, "xlsx").content[:2] == b"PK"


def test_only_auditors_and_administrators_read_reports(rk: Krabuan) -> None:
    clerk = rk.accounts.account("clerk1")
    assert clerk is not None
    for call in (rk.reports.on_time, rk.reports.overdue, rk.reports.controls, rk.reports.risks):
        with pytest.raises(Forbidden):
            call(clerk, ReportFilter())
    with pytest.raises(Forbidden):
        rk.reports.export(clerk, "on-time", ReportFilter(), "csv")
    admin = rk.accounts.account("admin1")
    assert admin is not None and rk.reports.overdue(admin, ReportFilter()).total == 0
