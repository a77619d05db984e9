"""A step done per organisational unit: one task per unit, which the members of that unit's group
take (the candidate group comes from the multi-instance's element, not the lane); the step ends
when every unit has acted or when its window closes (an interrupting boundary timer on the
multi-instance cancels the units not done yet). Issue 11, section 4."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from helpers import DATA, do_task, open_tasks

from engine.errors import Forbidden
from engine.store.history import EventType
from engine.time.calendar import BANGKOK


def bkk(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=BANGKOK).astimezone(UTC)


@pytest.fixture
def ku(k):
    k.repository.deploy([DATA / "units.bpmn"])
    k.ctx.fixed_now = bkk("2026-11-20 09:00")  # a Friday
    return k


def _chosen(k, units, closes="2026-11-27"):
    instance_id = k.cases.start("units", "clerk1").instance_id
    do_task(k, open_tasks(k, instance_id)[0].id, "clerk1", {"units": units, "window_closes": closes})
    return instance_id


def _fire_due(k):
    return [k.jobs.fire_timer(timer_id, "s1").kind for timer_id in k.jobs.claim_timers("s1", 100, 30)]


def test_each_unit_gets_a_task_its_own_members_take(ku):
    instance_id = _chosen(ku, ["registry", "director"])
    tasks = {t.candidate_groups: t for t in open_tasks(ku, instance_id)}
    assert set(tasks) == {("registry",), ("director",)}  # not the lane's group (registry) for both
    assert all(t.element_id == "unit_reports" and t.assignee is None and t.reserved_for is None
               for t in tasks.values())
    registry, director = tasks[("registry",)], tasks[("director",)]
    assert [t.id for t in ku.tasks.worklist("registrar1")] == [registry.id]
    with pytest.raises(Forbidden, match=r"director1 is not in the lane of task .* \(needs one of: registry\)"):
        ku.tasks.claim(registry.id, "director1")
    with pytest.raises(Forbidden, match=r"registrar1 is not in the lane of task .* \(needs one of: director\)"):
        ku.tasks.claim(director.id, "registrar1")
    with pytest.raises(Forbidden):
        ku.tasks.claim(director.id, "clerk1")  # the clerk who chose the units cannot report for one
    do_task(ku, registry.id, "registrar1", {"report": "ทะเบียนครบ"})
    assert ku.cases.show(instance_id).status == "running"
    assert [t.element_id for t in open_tasks(ku, instance_id)] == ["unit_reports"]  # the director's unit is left
    do_task(ku, director.id, "director1", {"report": "อนุมัติแล้ว"})
    (review,) = open_tasks(ku, instance_id)
    assert review.element_id == "review_reports"
    assert ku.cases.show(instance_id).data["reports"] == ["ทะเบียนครบ", "อนุมัติแล้ว"]
    assert [t.element_id for t in ku.jobs.timers(instance_id) if t.element_id == "window_closed"] == []


def test_the_window_closing_cancels_the_units_not_done_and_the_case_goes_on(ku):
    instance_id = _chosen(ku, ["registry", "director"], closes="2026-11-27")
    (window,) = [t for t in ku.jobs.timers(instance_id) if t.element_id == "window_closed"]
    assert window.due_at == bkk("2026-11-27 16:30")
    registry, director = sorted(open_tasks(ku, instance_id), key=lambda t: t.candidate_groups != ("registry",))
    do_task(ku, registry.id, "registrar1", {"report": "ทะเบียนครบ"})
    ku.ctx.fixed_now = bkk("2026-11-27 16:29")
    assert "bpmn" not in _fire_due(ku)
    ku.ctx.fixed_now = bkk("2026-11-27 16:31")
    assert "bpmn" in _fire_due(ku)
    (review,) = open_tasks(ku, instance_id)
    assert review.element_id == "review_reports"
    assert ku.tasks.get(director.id).state == "cancelled"
    assert ku.tasks.get(registry.id).state == "completed"
    assert ku.cases.show(instance_id).data["reports"] == ["ทะเบียนครบ"]  # what the done units sent goes on
    kinds = [(e.event_type, e.payload.get("task_id")) for e in ku.cases.show(instance_id).history]
    fired = kinds.index((EventType.TIMER_FIRED.value, None))
    # the history says the window closed, then which unit's task it closed, then what opened
    assert kinds[fired + 1:] == [(EventType.TASK_CANCELLED.value, director.id),
                                 (EventType.TASK_CREATED.value, review.id)]
    do_task(ku, review.id, "clerk2", {"reviewed": True})
    assert ku.cases.show(instance_id).status == "completed"


def test_a_unit_variable_must_be_a_data_variable_name(k, tmp_path):
    from engine.errors import DeployError

    bad = tmp_path / "units.bpmn"
    bad.write_text((DATA / "units.bpmn").read_text(encoding="utf-8").replace('candidateGroup="unit"',
                                                                             'candidateGroup="Unit Group"'),
                   encoding="utf-8")
    with pytest.raises(DeployError, match="candidateGroup must name a data variable"):
        k.repository.deploy([bad])


def test_a_window_closing_before_any_unit_acted_goes_on_with_no_results(ku):
    instance_id = _chosen(ku, ["registry", "director"], closes="2026-11-23")
    ku.ctx.fixed_now = bkk("2026-11-23 16:31")
    assert "bpmn" in _fire_due(ku)
    assert [t.element_id for t in open_tasks(ku, instance_id)] == ["review_reports"]
    assert ku.cases.show(instance_id).data["reports"] == []
