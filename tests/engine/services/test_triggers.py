"""Calendar triggers from processes/schedules.yaml: each starts one instance per period, never two."""
from __future__ import annotations

import threading
from datetime import datetime, timezone
from pathlib import Path

import pytest

from engine import Krabuan
from engine.time.calendar import BANGKOK
from engine.errors import ConfigurationError
from engine.time.schedules import Schedules
from engine.settings import PROJECT_ROOT

TRIGGERED = ("asset-audit", "doc-monitoring", "kpi-agreement-round", "internal-control")


def bkk(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=BANGKOK).astimezone(timezone.utc)


@pytest.fixture
def pk(project_settings):
    engine = Krabuan(project_settings)
    engine.upgrade_schema()
    engine.people.load_organisation()
    engine.repository.deploy([PROJECT_ROOT / "processes" / "bpmn" / f"{p}.bpmn" for p in TRIGGERED])
    yield engine
    engine.close()


def started(k: Krabuan, when: str) -> list[tuple[str, str]]:
    k.ctx.fixed_now = bkk(when)
    return [(s.process_id, s.period) for s in k.jobs.run_triggers()]


def test_asset_audit_opens_on_1_september_with_its_first_step_due_by_the_15th(pk):
    assert started(pk, "2026-09-01 08:29") == []
    assert started(pk, "2026-09-01 08:30") == [("asset-audit", "2026-09-01")]
    assert started(pk, "2026-09-01 09:00") == []  # same period: never twice
    instance = pk.cases.show(pk.jobs.triggers()[0].last_instance_id)
    assert instance.started_by == "scheduler" and instance.data["fiscal_year"] == 2569
    (first,) = instance.open_tasks
    assert first.due_at.astimezone(BANGKOK).strftime("%Y-%m-%d %H:%M") == "2026-09-15 16:30"
    assert instance.history[0].payload["period"] == "2026-09-01"


def test_each_trigger_starts_in_its_own_period(pk):
    assert started(pk, "2026-09-21 09:00") == []  # doc-monitoring: one case a year, no longer monthly
    assert started(pk, "2026-09-30 09:00") == [("internal-control", "2026-09-30")]
    assert sorted(started(pk, "2026-10-01 09:00")) == [("doc-monitoring", "2026-10-01"),
                                                        ("kpi-agreement-round", "2026-10-01")]
    assert started(pk, "2026-10-20 09:00") == []  # each month's check waits inside the year's case
    assert started(pk, "2027-04-02 09:00") == []  # round 2 waits inside the fiscal year's case
    # Internal control: its due dates count from 30 September of fiscal year 2569.
    ic = [t for t in pk.jobs.triggers() if t.process_id == "internal-control"][0]
    instance = pk.cases.show(ic.last_instance_id)
    assert instance.data["fiscal_year"] == 2569


def test_a_missed_occurrence_is_started_within_its_catch_up_window_only(pk):
    # doc-monitoring catches up 14 days: 1 October is started on the 14th, not on the 16th.
    assert ("doc-monitoring", "2026-10-01") in started(pk, "2026-10-14 09:00")
    assert "doc-monitoring" not in {p for p, _ in started(pk, "2027-10-16 09:00")}


def test_two_schedulers_start_one_instance_per_period(project_settings):
    engines = [Krabuan(project_settings) for _ in range(2)]
    engines[0].upgrade_schema()
    engines[0].people.load_organisation()
    engines[0].repository.deploy([PROJECT_ROOT / "processes" / "bpmn" / f"{p}.bpmn" for p in TRIGGERED])
    results: list[list] = []
    barrier = threading.Barrier(2)

    def run(k: Krabuan) -> None:
        k.ctx.fixed_now = bkk("2026-09-01 09:00")
        barrier.wait()
        for _ in range(5):
            results.append(k.jobs.run_triggers())

    threads = [threading.Thread(target=run, args=(k,)) for k in engines]
    [t.start() for t in threads]
    [t.join() for t in threads]
    starts = [s for batch in results for s in batch]
    assert [(s.process_id, s.period) for s in starts] == [("asset-audit", "2026-09-01")]
    assert len([v for v in engines[0].repository.versions("asset-audit")]) == 1
    with engines[0].ctx.db.unit_of_work(write=False) as conn:
        from sqlalchemy import func, select
        from engine.store.tables import Instance
        assert conn.scalar(select(func.count()).select_from(Instance)) == 1
    for k in engines:
        k.close()


def test_triggers_are_listed_with_their_next_occurrence(pk):
    pk.ctx.fixed_now = bkk("2026-11-20 09:00")
    listed = {t.process_id: t for t in pk.jobs.triggers()}
    assert set(listed) == set(TRIGGERED)
    assert listed["doc-monitoring"].next_occurrence == "2027-10-01"
    assert listed["kpi-agreement-round"].next_occurrence == "2027-10-01"
    assert listed["asset-audit"].when == "every year on 09-01 at 08:30"


@pytest.mark.parametrize("text, message", [
    ("processes: {p: {triggers: [{id: x, every: week, dates: ['01-01']}]}}", "every"),
    ("processes: {p: {triggers: [{id: x, every: year, dates: ['02-30']}]}}", "MM-DD"),
    ("processes: {p: {triggers: [{id: x, every: month, days: [31]}]}}", "1 to 28"),
    ("processes: {p: {triggers: [{id: x, every: month, days: [1]}, {id: x, every: month, days: [2]}]}}", "twice"),
    ("processes: {p: {reminders: [{working_days_before: -1}]}}", "reminder"),
    ("processes: {p: {triggers: [{id: x, every: month, days: [1], when: 1}]}}", "unknown key"),
])
def test_bad_schedules_are_refused_with_the_place_named(tmp_path: Path, text, message):
    path = tmp_path / "schedules.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigurationError, match=message):
        Schedules.load(path)


def test_the_project_schedules_load():
    schedules = Schedules.load(PROJECT_ROOT / "processes" / "schedules.yaml")
    assert {t.process_id for t in schedules.triggers()} == set(TRIGGERED)


@pytest.mark.parametrize("text, message", [
    ("processes: {p: {triggers: [{id: x, every: month, days: [1], at: '9:00'}]}}",
     "processes.p.triggers[0]: at is HH:MM"),
    ("processes: {p: {triggers: [{id: X, every: month, days: [1]}]}}",
     "processes.p.triggers[0]: id must be lower-case letters, digits and _"),
    ("processes: {p: {triggers: [{id: x, every: year, dates: ['02-29']}]}}",
     "processes.p.triggers[0]: '02-29' is not a MM-DD date (29 February is not allowed)"),
    ("processes: {p: {triggers: [{id: x, every: year}]}}",
     "processes.p.triggers[0]: 'every' is year (with 'dates': [MM-DD, ...]) or month (with 'days': [1-28, ...])"),
    ("processes: {p: {triggers: [{id: x, every: month, days: [1], catch_up_days: 400}]}}",
     "processes.p.triggers[0]: catch_up_days is a whole number from 0 to 366"),
    ("processes: {p: {triggers: [{id: x, every: month, days: [1], data: [a]}]}}",
     "processes.p.triggers[0]: data is a mapping of variable names to values"),
    ("processes: {p: {triggers: [{id: x, every: month, days: [1], when: 1, why: 2}]}}",
     "processes.p.triggers[0]: unknown key(s) when, why"),
    ("processes: {p: {reminders: [{working_days_before: 1}, {days: 1}]}}",
     "processes.p.reminders[1]: a reminder is {working_days_before: N} with N from 0 to 60"),
    ("processes: {p: {triggers: {id: x}}}", "processes.p: triggers is a list"),
    ("processes: {p: {remind: []}}", "processes.p: only 'reminders' and 'triggers' may be given"),
    ("processes: [p]", "expected 'processes:' mapping process ids to schedules"),
])
def test_schedule_errors_name_the_process_and_the_trigger(tmp_path: Path, text, message):
    path = tmp_path / "schedules.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigurationError) as info:
        Schedules.load(path)
    assert info.value.message == f"{path}: {message}"


def test_schedules_become_triggers(tmp_path: Path):
    path = tmp_path / "schedules.yaml"
    path.write_text("processes:\n  p:\n    reminders: [{working_days_before: 2}]\n    triggers:\n"
                    "      - {id: y, every: year, dates: ['10-01', '04-01', '10-01'], days: ignored}\n"
                    "      - {id: m, every: month, days: [20, 5], at: '16:15', catch_up_days: 0,"
                    " data: {a: '{date}'}}\n",
                    encoding="utf-8")
    schedules = Schedules.load(path)
    assert [r.working_days_before for r in schedules.reminders("p")] == [2]
    yearly, monthly = schedules.triggers()
    assert (yearly.every, yearly.on, yearly.at.isoformat(), yearly.catch_up_days) == ("year", ((4, 1), (10, 1)),
                                                                                       "08:30:00", 7)
    assert (monthly.every, monthly.on, monthly.at.isoformat(), monthly.data) == ("month", (5, 20), "16:15:00",
                                                                                 {"a": "{date}"})
    assert Schedules.load(tmp_path / "none.yaml").triggers() == []
