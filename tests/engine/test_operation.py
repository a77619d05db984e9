"""The case operation: one transaction per change to a case, the live workflow kept between
operations only after a commit, and results that say what the operation did."""
from __future__ import annotations

import pytest
from helpers import FORM_DATA, drive_sop, open_tasks

from sqlalchemy import select

from engine.errors import Conflict
from engine.services import cases as cases_service


def _shape(k, instance_id):
    view = k.cases.show(instance_id)
    return view.status, view.data, [e.event_type for e in view.history]


def test_a_case_run_on_kept_workflows_ends_as_one_restored_before_every_step(k):
    kept, kept_path = drive_sop(k, rejections=1)
    k.ctx.take_live = lambda instance_id, version: None  # every operation restores from the stored state
    restored, restored_path = drive_sop(k, rejections=1)
    assert kept_path == restored_path
    assert _shape(k, kept) == _shape(k, restored)


def test_a_rolled_back_operation_does_not_leave_its_workflow_behind(k, monkeypatch):
    instance_id = k.cases.start("sop_bench", "clerk1").instance_id
    task = open_tasks(k, instance_id)[0]
    k.tasks.claim(task.id, "clerk1")
    real = cases_service.task_rows.mark_completed

    def lose_the_race(*args, **kwargs):
        raise Conflict("someone else was faster")

    monkeypatch.setattr(cases_service.task_rows, "mark_completed", lose_the_race)
    with pytest.raises(Conflict):
        k.cases.complete(task.id, "clerk1", FORM_DATA["register_application"])
    assert k.ctx._live == {} or all(key[0] != instance_id for key in k.ctx._live)
    monkeypatch.setattr(cases_service.task_rows, "mark_completed", real)
    done = k.cases.complete(task.id, "clerk1", FORM_DATA["register_application"])
    assert [t.element_id for t in done.open_tasks] == ["check_documents"]
    assert [r.ok for r in k.audit.verify(instance_id)] == [True]


def test_complete_returns_the_completed_task_and_the_cases_open_tasks(k):
    started = k.cases.start("sop_bench", "clerk1")
    assert [t.element_id for t in started.open_tasks] == ["register_application"]
    assert started.status == "running" and started.version == 1
    (task,) = started.open_tasks
    k.tasks.claim(task.id, "clerk1")
    done = k.cases.complete(task.id, "clerk1", FORM_DATA["register_application"])
    assert (done.task.id, done.task.state, done.task.completed_by) == (task.id, "completed", "clerk1")
    assert done.status == "running"
    assert [t.id for t in done.open_tasks] == [t.id for t in open_tasks(k, started.instance_id)]
    assert done.to_json()["open_tasks"][0]["element_id"] == "check_documents"


def test_the_instance_version_moves_only_with_the_workflow_state(k):
    from engine.store.tables import Instance
    instance_id = k.cases.start("sop_bench", "clerk1").instance_id
    task = open_tasks(k, instance_id)[0]

    def version():
        with k.ctx.db.unit_of_work(write=False) as s:
            return s.execute(select(Instance).where(Instance.c.id == instance_id)).one().version

    assert version() == 1
    k.tasks.claim(task.id, "clerk1")
    assert version() == 1  # a claim changes the task row and the history, not the workflow
    k.cases.complete(task.id, "clerk1", FORM_DATA["register_application"])
    assert version() == 2
