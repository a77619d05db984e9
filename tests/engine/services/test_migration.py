"""Moving running cases to a newer version of their process (engine.services.migration), on SQLite
and PostgreSQL: who may, the dry run (writes nothing), one operation per case with its
``instance_migrated`` event, claims, deadlines and timers kept, a case that cannot move reported
and left as it was, and the history verifying afterwards."""
from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from helpers import FORM_DATA, SOP_BENCH
from migration_helpers import added_step, renewed, with_steps_after
from sqlalchemy import func, select

from engine import Forbidden, NotFound
from engine.store.tables import HistoryEvent, Instance

T0 = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
# sop_bench with a deadline on check_documents (two hours), so that keeping it is visible.
BASE = SOP_BENCH.read_bytes().replace(b'<krabuan:step form="sop_bench.check"/>',
                                      b'<krabuan:step form="sop_bench.check" minutes="120"/>')
USERS = {"clerk": "clerk1", "director": "director1"}


@pytest.fixture
def base(k):
    """sop_bench as version 2 (with the deadline); returns its version number."""
    k.ctx.fixed_now = T0
    [result] = k.repository.deploy_bytes(BASE, str(SOP_BENCH))
    return result.version


def _deploy(k, xml: bytes) -> int:
    [result] = k.repository.deploy_bytes(xml, str(SOP_BENCH))
    assert result.created
    return result.version


def _at_check_documents(k) -> int:
    instance_id = k.cases.start("sop_bench", "clerk1").instance_id
    [task] = k.tasks.of_case(instance_id)
    k.tasks.claim(task.id, "clerk1")
    k.cases.complete(task.id, "clerk1", FORM_DATA["register_application"])
    return instance_id


def _do(k, instance_id: int, element_id: str, data: dict | None = None, user: str | None = None) -> None:
    task = next(t for t in k.tasks.of_case(instance_id) if t.element_id == element_id)
    user = user or task.assignee or USERS[task.candidate_groups[0]]
    if task.assignee != user:
        k.tasks.claim(task.id, user)
    k.cases.complete(task.id, user, data or {})


def _finish(k, instance_id: int) -> list[str]:
    """Do every step to the end (approving, a committee of two); the steps done, in order."""
    done = []
    while (tasks := k.tasks.of_case(instance_id)):
        task = tasks[0]
        data = ({"decision": "approve", "committee": ["a", "b"]} if task.element_id == "director_review"
                else {"vote": "yes"} if task.element_id == "committee_vote" else FORM_DATA.get(task.element_id, {}))
        user = task.assignee or USERS[task.candidate_groups[0]]
        _do(k, instance_id, task.element_id, data, user)
        done.append(task.element_id)
    return done


def _row(k, instance_id: int):
    with k.ctx.db.unit_of_work(write=False) as conn:
        return conn.execute(select(Instance).where(Instance.c.id == instance_id)).one()


def _events(k) -> int:
    with k.ctx.db.unit_of_work(write=False) as conn:
        return conn.execute(select(func.count()).select_from(HistoryEvent)).scalar_one()


def _verifies(k, instance_id: int) -> bool:
    return all(r.ok for r in k.audit.verify(instance_id))


def test_the_dry_run_lists_the_older_running_cases_and_writes_nothing(k, base):
    waiting = _at_check_documents(k)
    done = k.cases.start("sop_bench", "clerk1").instance_id
    _finish(k, done)
    plus = _deploy(k, with_steps_after(BASE, ["check_documents"]))
    newest = k.cases.start("sop_bench", "clerk1").instance_id  # already on the new version
    rows, events = {i: _row(k, i) for i in (waiting, done, newest)}, _events(k)
    [plan] = k.migrations.candidates("admin1", "sop_bench", plus)
    assert (plan.instance_id, plan.from_version, plan.to_version, plan.can_move) == (waiting, base, plus, True)
    assert plan.diff.waiting == ("check_documents", "reminder_timer")
    assert plan.diff.added == (added_step("check_documents"),)
    assert plan.to_json()["added"] == [added_step("check_documents")]
    assert {i: _row(k, i) for i in rows} == rows and _events(k) == events


def test_only_an_administrator_moves_cases(k, base):
    instance_id = _at_check_documents(k)
    plus = _deploy(k, with_steps_after(BASE, ["check_documents"]))
    with pytest.raises(Forbidden):
        k.migrations.candidates("clerk1", "sop_bench", plus)
    with pytest.raises(Forbidden):
        k.migrations.migrate("director1", "sop_bench", plus, [instance_id])
    assert _row(k, instance_id).definition_id != _row(k, k.cases.start("sop_bench", "clerk1").instance_id).definition_id
    with pytest.raises(NotFound):
        k.migrations.candidates("admin1", "sop_bench", plus + 1)


def test_a_migrated_case_keeps_its_claim_deadline_and_timer_and_completes(k, base):
    instance_id = _at_check_documents(k)
    [task] = k.tasks.of_case(instance_id)
    k.tasks.claim(task.id, "clerk2")
    [task] = k.tasks.of_case(instance_id)
    assert task.due_at is not None and task.assignee == "clerk2"
    timers = k.jobs.timers(instance_id)
    assert {t.element_id for t in timers} >= {"reminder_timer"}
    plus = _deploy(k, with_steps_after(BASE, ["check_documents"]))
    k.ctx.fixed_now = T0.replace(hour=3)  # an hour later: nothing is counted again from now
    [outcome] = k.migrations.migrate("admin1", "sop_bench", plus, [instance_id])
    assert (outcome.outcome, outcome.from_version, outcome.to_version) == ("migrated", base, plus)
    assert k.cases.show(instance_id).version == plus
    [kept] = k.tasks.of_case(instance_id)
    assert (kept.id, kept.assignee, kept.due_at) == (task.id, "clerk2", task.due_at)
    assert k.jobs.timers(instance_id) == timers
    event = k.cases.show(instance_id).history[-1]
    assert event.event_type == "instance_migrated" and event.actor == "admin1"
    assert event.payload["from_version"] == base and event.payload["to_version"] == plus
    assert event.payload["to_definition_id"] == _row(k, instance_id).definition_id
    assert event.payload["added"] == [added_step("check_documents")]
    assert _verifies(k, instance_id)
    _do(k, instance_id, "check_documents", FORM_DATA["check_documents"], "clerk2")
    assert _finish(k, instance_id)[0] == added_step("check_documents")
    assert k.cases.show(instance_id).status == "completed" and _verifies(k, instance_id)


def test_a_case_that_cannot_move_is_reported_and_left_untouched(k, base):
    plus = _deploy(k, with_steps_after(BASE, ["check_documents"]))
    instance_id = _at_check_documents(k)
    _do(k, instance_id, "check_documents", FORM_DATA["check_documents"])  # now waits in the added step
    plain = _deploy(k, renewed(BASE, "plain again"))
    before, events = _row(k, instance_id), _events(k)
    [plan] = k.migrations.candidates("admin1", "sop_bench", plain)
    assert not plan.can_move and added_step("check_documents") in plan.reasons[0]
    [outcome] = k.migrations.migrate("admin1", "sop_bench", plain, [instance_id])
    assert outcome.outcome == "refused" and outcome.reasons == plan.reasons
    assert _row(k, instance_id) == before and _events(k) == events
    assert k.cases.show(instance_id).version == plus


def test_each_case_is_its_own_operation(k, base):
    moving, other = _at_check_documents(k), k.cases.start("sop_bench", "clerk1").instance_id
    plus = _deploy(k, with_steps_after(BASE, ["register_application"]))
    _do(k, other, "register_application", FORM_DATA["register_application"])
    outcomes = k.migrations.migrate("admin1", "sop_bench", plus, [moving, 999_999, other, moving])
    assert [(o.instance_id, o.outcome) for o in outcomes] == [
        (moving, "migrated"), (999_999, "refused"), (other, "migrated"), (moving, "refused")]
    assert outcomes[3].reasons == (f"case {moving} already runs on version {plus}",)
    assert [e.event_type for e in k.cases.show(moving).history].count("instance_migrated") == 1
    assert _verifies(k, moving) and _verifies(k, other)


def test_a_case_changed_meanwhile_is_a_conflict_for_that_case_only(k, base, monkeypatch):
    first, second = _at_check_documents(k), _at_check_documents(k)
    plus = _deploy(k, with_steps_after(BASE, ["check_documents"]))
    from engine.store import instances

    write = instances.write

    def racing_write(conn, locked, recorder, state, definition_id=None):  # another node wrote the case first
        if locked.id == first:
            conn.execute(Instance.update().where(Instance.c.id == first).values(version=Instance.c.version + 1))
        return write(conn, locked, recorder, state, definition_id)

    monkeypatch.setattr(instances, "write", racing_write)
    outcomes = k.migrations.migrate("admin1", "sop_bench", plus, [first, second])
    monkeypatch.undo()
    assert [o.outcome for o in outcomes] == ["conflict", "migrated"]
    assert "changed by someone else" in outcomes[0].reasons[0]
    assert k.cases.show(first).version == base and k.cases.show(second).version == plus
    assert _verifies(k, first) and _verifies(k, second)
    assert json.loads(_row(k, second).state_json)  # the other case moved
