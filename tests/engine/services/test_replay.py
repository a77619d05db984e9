"""The auditor's deterministic re-execution (engine.services.replay, ``krabuan audit replay``), on
SQLite and PostgreSQL: a case re-run from its recorded inputs reproduces its path, task rows and
final state; a recorded input edited afterwards is found, with both sides; a case moved to another
version replays on both versions; replay writes nothing. (Every SOP path is replayed by the
``project`` fixture of tests/sops/conftest.py.)"""
from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from helpers import FORM_DATA, SOP_BENCH, drive_sop
from migration_helpers import with_steps_after
from sqlalchemy import func, select, text

from engine import NotFound
from engine.store.tables import HistoryEvent

T0 = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
BASE = SOP_BENCH.read_bytes().replace(b'<krabuan:step form="sop_bench.check"/>',
                                      b'<krabuan:step form="sop_bench.check" minutes="120"/>')


def _events(k) -> int:
    with k.ctx.db.unit_of_work(write=False) as conn:
        return conn.execute(select(func.count()).select_from(HistoryEvent)).scalar_one()


def _do(k, instance_id: int, element_id: str, user: str, data: dict) -> None:
    task = next(t for t in k.tasks.of_case(instance_id) if t.element_id == element_id)
    if task.assignee != user:
        k.tasks.claim(task.id, user)
    k.cases.complete(task.id, user, data)


def test_a_case_with_a_rejection_and_a_committee_replays_clean_and_writes_nothing(k):
    k.ctx.fixed_now = T0
    instance_id, done = drive_sop(k, rejections=1, roundtrip=False)
    running = k.cases.start("sop_bench", "clerk1").instance_id  # a case still waiting replays too
    before = _events(k)
    report = k.replays.replay(instance_id)
    assert report.ok, report.divergence
    assert (report.instance_id, report.process_id, report.divergence) == (instance_id, "sop_bench", None)
    assert report.steps == len(k.cases.show(instance_id).history) and report.digest
    assert "director_review" in done and done.count("committee_vote") == 3
    assert k.replays.replay(running).ok
    assert [r.instance_id for r in k.replays.replay_many("sop_bench")] == [instance_id, running]
    assert k.replays.replay_many("no_such_process") == []
    assert _events(k) == before  # replay writes nothing
    assert "replays clean" in report.line()
    with pytest.raises(NotFound):
        k.replays.replay(999_999)


def test_the_final_state_digest_is_the_same_for_two_identical_cases(k):
    k.ctx.fixed_now = T0
    first, _ = drive_sop(k, roundtrip=False)
    second, _ = drive_sop(k, roundtrip=False)
    a, b = k.replays.replay(first), k.replays.replay(second)
    assert a.ok and b.ok and a.digest == b.digest
    k.ctx.fixed_now = T0.replace(hour=3)
    other = k.cases.start("sop_bench", "clerk1").instance_id
    assert k.replays.replay(other).digest != a.digest  # running, not completed


def _tamper(k, instance_id: int, seq: int, payload: dict) -> None:
    """Rewrite one recorded event's payload behind the engine's back (SQLite: the append-only trigger dropped)."""
    with k.ctx.db.write_engine.connect() as conn, conn.begin():
        conn.execute(text("DROP TRIGGER IF EXISTS history_events_no_update"))
        conn.execute(text("UPDATE history_events SET payload = :p WHERE instance_id = :i AND seq = :s"),
                     {"p": json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False),
                      "i": instance_id, "s": seq})


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_an_edited_completion_is_reported_with_both_sides(k):
    k.ctx.fixed_now = T0
    instance_id, _ = drive_sop(k, roundtrip=False)
    history = k.cases.show(instance_id).history
    event = next(e for e in history
                 if e.event_type == "task_completed" and e.payload["element_id"] == "director_review")
    # the director's decision rewritten from approve to reject: the re-run takes the other path
    _tamper(k, instance_id, event.seq, {**event.payload, "data": {**event.payload["data"], "decision": "reject"}})
    report = k.replays.replay(instance_id)
    assert not report.ok and report.divergence is not None
    assert report.divergence.at_event_seq > event.seq
    assert report.divergence.what in ("path", "data")
    assert report.divergence.recorded != report.divergence.replayed
    assert "DIVERGES" in report.line()
    assert report.to_json()["divergence"]["at_event_seq"] == report.divergence.at_event_seq


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_edited_data_that_changes_no_path_is_found_by_the_case_digest(k):
    k.ctx.fixed_now = T0
    instance_id, _ = drive_sop(k, roundtrip=False)
    event = next(e for e in k.cases.show(instance_id).history if e.event_type == "task_completed")
    data = dict(event.payload["data"])
    key = next(n for n, v in data.items() if isinstance(v, str))
    data[key] = data[key] + " (แก้ไขภายหลัง)"
    _tamper(k, instance_id, event.seq, {**event.payload, "data": data})
    report = k.replays.replay(instance_id)
    assert not report.ok and report.divergence is not None
    assert report.divergence.what == "data"
    assert report.divergence.recorded["case_digest"] != report.divergence.replayed["case_digest"]
    assert report.divergence.replayed["data"][key].endswith("(แก้ไขภายหลัง)")


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_an_edited_task_row_is_reported(k):
    k.ctx.fixed_now = T0
    instance_id, _ = drive_sop(k, roundtrip=False)
    event = next(e for e in k.cases.show(instance_id).history if e.event_type == "task_created")
    _tamper(k, instance_id, event.seq, {**event.payload, "candidate_groups": ["director"]})
    report = k.replays.replay(instance_id)
    assert report.divergence is not None and report.divergence.at_event_seq == event.seq
    assert report.divergence.what == "task"
    assert report.divergence.recorded == {"candidate_groups": ["director"]}
    assert report.divergence.replayed == {"candidate_groups": list(event.payload["candidate_groups"])}


def test_a_migrated_case_with_a_deadline_replays_on_both_versions(k):
    k.ctx.fixed_now = T0
    [base] = k.repository.deploy_bytes(BASE, str(SOP_BENCH))
    instance_id = k.cases.start("sop_bench", "clerk1").instance_id
    _do(k, instance_id, "register_application", "clerk1", FORM_DATA["register_application"])
    [task] = k.tasks.of_case(instance_id)
    assert task.due_at is not None  # a deadline, computed on the recorded calendar
    [plus] = k.repository.deploy_bytes(with_steps_after(BASE, ["check_documents"]), str(SOP_BENCH))
    k.ctx.fixed_now = T0.replace(hour=3)
    [outcome] = k.migrations.migrate("admin1", "sop_bench", plus.version, [instance_id])
    assert outcome.outcome == "migrated"
    report = k.replays.replay(instance_id)
    assert report.ok, report.divergence
    assert report.versions == (base.version, plus.version)
    # and on to the end on the new version
    while (tasks := k.tasks.of_case(instance_id)):
        t = tasks[0]
        data = ({"decision": "approve", "committee": ["a", "b"]} if t.element_id == "director_review"
                else {"vote": "yes"} if t.element_id == "committee_vote" else FORM_DATA.get(t.element_id, {}))
        user = t.assignee or {"clerk": "clerk1", "director": "director1"}[t.candidate_groups[0]]
        _do(k, instance_id, t.element_id, user, data)
    assert k.cases.show(instance_id).status == "completed"
    report = k.replays.replay(instance_id)
    assert report.ok, report.divergence


def test_deadlines_timers_and_a_holiday_added_meanwhile_replay_on_the_recorded_calendars(tmp_path, database_url):
    """Deadlines computed before a holiday was added are checked on the calendar they were computed
    on; the waiting date timer evaluated again on the new calendar (timers_reevaluated) fires at
    its new time in the re-run too."""
    from datetime import date

    from helpers import DATA, make_settings

    from engine import Krabuan
    from engine.time.calendar import BANGKOK

    def bkk(text: str) -> datetime:
        return datetime.fromisoformat(text).replace(tzinfo=BANGKOK).astimezone(UTC)

    k = Krabuan(make_settings(tmp_path, database_url))
    try:
        k.init()
        k.repository.deploy([DATA / "timers.bpmn"])
        k.ctx.fixed_now = bkk("2026-11-20 09:00")
        instance_id = k.cases.start("timed_steps", "clerk1",
                                    {"request_date": "2026-11-20", "meeting_date": "2026-12-04"}).instance_id
        (task,) = k.tasks.of_case(instance_id)
        assert task.due_at is not None
        k.tasks.claim(task.id, "clerk1")
        k.cases.complete(task.id, "clerk1", {})
        assert k.replays.replay(instance_id).ok
        k.ctx.fixed_now = bkk("2026-11-21 09:00")
        k.calendar.add_holiday(date(2026, 11, 26), "วันหยุดพิเศษ", "มติ ครม. ที่ 1", actor="admin1")
        history = [e.event_type for e in k.cases.show(instance_id).history]
        assert "timers_reevaluated" in history and "timer_moved" in history
        report = k.replays.replay(instance_id)
        assert report.ok, report.divergence
        k.ctx.fixed_now = bkk("2026-11-30 00:00:01")  # the wait's new time (five working days end on Monday)
        fired = [k.jobs.fire_timer(t, "s1") for t in k.jobs.claim_timers("s1", 10, 30) if t.kind == "bpmn"]
        assert fired and "timer_fired" in [e.event_type for e in k.cases.show(instance_id).history]
        report = k.replays.replay(instance_id)
        assert report.ok, report.divergence
        # the deadline of the first task, recorded on the calendar before the holiday, still replays
        created = next(e for e in k.cases.show(instance_id).history if e.event_type == "task_created")
        assert created.payload["due_at"] is not None and "calendar_version" in created.payload
    finally:
        k.close()
