"""Instances: start a process, complete a step, show a case.

Each operation is one unit of work: lock and load the instance row with its version, apply
the command, run to the next wait state, write the task rows and history events, then write
the state ``WHERE version = :v`` and commit once. A lost race is a ``Conflict`` and nothing
is written. (The row lock is taken first on PostgreSQL so that the optimistic check rarely
fails; SQLite writers are serialized by BEGIN IMMEDIATE.)
"""
from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Mapping

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from . import clock, deadlines, org, timers
from .context import Context, LoadedDefinition
from .deploy import latest_definition_id
from .definitions import StepModel
from .errors import Conflict, Forbidden, InvalidInput, NotFound, ProcessError
from .forms import FormDefinition, Label
from .history import GENESIS, Recorder
from .models import HistoryEvent, HumanTask, Instance, TaskCandidate, Timer
from .spiff import Workflow
from .tasks import LOAD_TASK, task_views
from .views import HistoryEventView, InstanceView

MAX_DATA_BYTES = 256 * 1024
_I, _T, _C = Instance.__table__, HumanTask.__table__, TaskCandidate.__table__

_LOCK_INSTANCE = (select(_I.c.version, _I.c.definition_id, _I.c.state_json, _I.c.history_seq,
                         _I.c.history_head)
                  .where(_I.c.id == bindparam("instance_id")).with_for_update())
_COMPLETE_TASK = (update(_T)
                  .where(_T.c.id == bindparam("task_id"), _T.c.version == bindparam("v"),
                         _T.c.state == "open", _T.c.assignee == bindparam("user"))
                  .values(state="completed", completed_at=bindparam("now"), completed_by=bindparam("user"),
                          version=bindparam("v") + 1))
_OPEN_ROWS = (select(_T.c.id, _T.c.spiff_task_id, _T.c.version)
              .where(_T.c.instance_id == bindparam("instance_id"), _T.c.state == "open"))
_CANCEL_TASK = (update(_T).where(_T.c.id == bindparam("task_id"), _T.c.version == bindparam("v"))
                .values(state="cancelled", completed_at=bindparam("now"), version=bindparam("v") + 1))


def _form(ctx: Context, key: str | None) -> FormDefinition:
    if key is None:
        return FormDefinition(key="(no form)", title=Label("ไม่มีแบบฟอร์ม", "no form"))
    form = ctx.forms.get(key)
    if form is None:
        raise NotFound(f"form {key!r} is not loaded")
    return form


def start(ctx: Context, process_id: str, username: str, data: Mapping[str, Any] | None = None,
          version: int | None = None) -> int:
    """Start the latest (or the given) version of a process; returns the instance id."""
    with ctx.db.unit_of_work() as session, ctx.operation(session) as now:
        org.user_groups(session, username)
        definition = _definition_to_start(ctx, session, process_id, version)
        start_form = definition.model.start_form
        if start_form is None and data:
            raise InvalidInput(f"process {process_id} takes no start data (its start event has no form)")
        clean = (_form(ctx, start_form).validate(data or {}, members_of=lambda g: org.group_members(session, g))
                 if start_form else {})
        return start_in_session(ctx, session, definition, username, clean, now)


def _definition_to_start(ctx: Context, session: Session, process_id: str, version: int | None) -> LoadedDefinition:
    definition_id = latest_definition_id(session, process_id, version)
    if definition_id is None:
        which = f"version {version} of " if version is not None else ""
        raise NotFound(f"{which}process {process_id!r} is not deployed")
    return ctx.definition(session, definition_id)


def start_in_session(ctx: Context, session: Session, definition: LoadedDefinition, actor: str,
                     data: Mapping[str, Any], now: datetime, **started: Any) -> int:
    """Start an instance inside the caller's unit of work (data already validated or trusted)."""
    workflow = ctx.runtime.start(definition.id, definition.spec_json, dict(data))
    instance_id = session.execute(
        insert(_I).returning(_I.c.id),
        [dict(definition_id=definition.id, process_id=definition.process_id, version=1, history_seq=0,
              history_head=GENESIS, started_by=actor, created_at=now, **_state_values(workflow, now))]
    ).scalar_one()
    recorder = Recorder(session, instance_id, 0, GENESIS)
    recorder.record("instance_started", actor, process_id=definition.process_id,
                    version=definition.version, definition_id=definition.id, data=dict(data), **started)
    after_run(ctx, session, instance_id, definition, workflow, recorder, now, actor)
    seq, head = recorder.flush()
    session.execute(update(_I).where(_I.c.id == instance_id).values(history_seq=seq, history_head=head))
    return instance_id


def after_run(ctx: Context, session: Session, instance_id: int, definition: LoadedDefinition, workflow: Workflow,
              recorder: Recorder, now: datetime, actor: str | None) -> None:
    """After the workflow ran: task rows, deadlines and timer rows follow it, and the history says so."""
    _sync_tasks(ctx, session, instance_id, definition, workflow, recorder, now)
    for change in timers.sync_bpmn_timers(session, instance_id, workflow, now):
        kind = change.pop("change")
        recorder.record(f"timer_{kind}", None, **change)
    if workflow.completed:
        recorder.record("instance_completed", actor)


def complete(ctx: Context, task_id: int, username: str, data: Mapping[str, Any] | None = None,
             confirmed: list[str] | tuple[str, ...] = ()) -> None:
    """Complete a claimed task with its form data and the control points the user confirms,
    and run the case to its next wait state."""
    with ctx.db.unit_of_work() as session, ctx.operation(session) as now:
        org.user_groups(session, username)
        task = session.execute(LOAD_TASK, {"task_id": task_id}).first()
        if task is None:
            raise NotFound(f"task {task_id} does not exist")
        if task.state != "open":
            raise Conflict(f"task {task_id} is already {task.state}")
        if task.assignee is None:
            raise Forbidden(f"task {task_id} is not claimed; claim it before completing it")
        if task.assignee != username:
            raise Forbidden(f"task {task_id} is claimed by {task.assignee}, not by {username}")
        clean = _form(ctx, task.form_key).validate(data or {}, members_of=lambda g: org.group_members(session, g))
        _check_size(clean)
        inst = session.execute(_LOCK_INSTANCE, {"instance_id": task.instance_id}).one()
        definition = ctx.definition(session, inst.definition_id)
        step = definition.model.steps.get(task.element_id)
        controls = _check_controls(step, confirmed)
        workflow = ctx.runtime.restore(definition.id, definition.spec_json, inst.state_json)
        workflow.complete(task.spiff_task_id, clean)
        done = session.execute(_COMPLETE_TASK, {"task_id": task.id, "v": task.version, "user": username, "now": now})
        if done.rowcount != 1:
            raise Conflict(f"task {task_id} was changed by someone else; reload it")
        recorder = Recorder(session, task.instance_id, inst.history_seq, inst.history_head)
        timers.cancel_task_timers(session, [task.id])
        recorder.record("task_completed", username, task_id=task.id, element_id=task.element_id, data=clean,
                        confirmed_controls=controls, **_timing(task, now))
        after_run(ctx, session, task.instance_id, definition, workflow, recorder, now, username)
        seq, head = recorder.flush()
        _write_state(session, task.instance_id, inst.version, workflow, now, history_seq=seq, history_head=head)


def _check_controls(step: StepModel | None, confirmed: list[str] | tuple[str, ...]) -> list[str]:
    """Every control point of the step must be confirmed, and nothing else."""
    expected = {c.id: c for c in (step.meta.controls if step else ())}
    given = list(dict.fromkeys(confirmed))
    unknown = [c for c in given if c not in expected]
    if unknown:
        raise InvalidInput(f"control point(s) not on this step: {', '.join(unknown)}"
                           + (f" (the step has: {', '.join(expected)})" if expected else " (the step has none)"),
                           controls=unknown)
    missing = [c for c in expected.values() if c.id not in given]
    if missing:
        first = missing[0]
        raise InvalidInput(f"control point {first.id} must be confirmed: {first.en} / {first.th}"
                           + (f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""),
                           controls=[c.id for c in missing])
    return [c for c in expected if c in given]


def _check_size(data: Mapping[str, Any]) -> None:
    if len(json.dumps(data, ensure_ascii=False)) > MAX_DATA_BYTES:
        raise InvalidInput(f"submitted data is larger than {MAX_DATA_BYTES // 1024} KiB")


def _state_values(workflow: Workflow, now: datetime) -> dict[str, Any]:
    completed = workflow.completed
    return {"state_json": workflow.to_json(),
            "data_json": json.dumps(workflow.case_data(), ensure_ascii=False, default=str),
            "status": "completed" if completed else "running", "updated_at": now,
            "completed_at": now if completed else None}


def _write_state(session: Session, instance_id: int, version: int, workflow: Workflow, now: datetime,
                 **extra: Any) -> None:
    """Store the new state with the optimistic version check."""
    result = session.execute(update(_I).where(_I.c.id == instance_id, _I.c.version == version)
                             .values(version=version + 1, **_state_values(workflow, now), **extra))
    if result.rowcount != 1:
        raise Conflict(f"instance {instance_id} was changed by someone else at the same time; reload and retry")


def _timing(task: Any, now: datetime) -> dict[str, Any]:
    """How the step went against its deadline, for the auditor's replay."""
    if task.due_at is None:
        return {}
    return {"due_at": task.due_at.isoformat(), "late": now > task.due_at}


def _sync_tasks(ctx: Context, session: Session, instance_id: int, definition: LoadedDefinition, workflow: Workflow,
                recorder: Recorder, now: datetime) -> None:
    """Make the open task rows match the workflow's ready human tasks; new ones get their deadline."""
    open_rows = {r.spiff_task_id: r for r in session.execute(_OPEN_ROWS, {"instance_id": instance_id})}
    ready = workflow.ready_tasks()
    ready_ids = {t.spiff_id for t in ready}
    cancelled = []
    for spiff_id, row in open_rows.items():
        if spiff_id not in ready_ids:
            result = session.execute(_CANCEL_TASK, {"task_id": row.id, "v": row.version, "now": now})
            if result.rowcount != 1:
                raise Conflict(f"task {row.id} was changed by someone else; reload and retry")
            cancelled.append(row.id)
            recorder.record("task_cancelled", None, task_id=row.id)
    timers.cancel_task_timers(session, cancelled)
    new_rows = []
    for ready_task in ready:
        if ready_task.spiff_id in open_rows:
            continue
        step = definition.model.steps.get(ready_task.element_id)
        groups = step.candidate_groups if step else ()
        person = _personal_assignee(step, ready_task.data) if step else None
        basis = (deadlines.basis_for(step.meta.deadline, now, ready_task.data, step.meta.duration_minutes,
                                     step.meta.duration_working_days) if step else None)
        due = deadlines.due_at(basis, clock.calendar()) if basis else None
        new_rows.append(dict(instance_id=instance_id, process_id=definition.process_id,
                             spiff_task_id=ready_task.spiff_id, element_id=ready_task.element_id,
                             name=step.name if step else ready_task.name, lane=step.lane if step else None,
                             form_key=step.form_key if step else None, candidate_groups=" ".join(groups),
                             assignee=person, reserved_for=person, state="open", version=1, created_at=now,
                             due_at=due, deadline_json=basis.to_json() if basis else None))
    if not new_rows:
        return
    ids = session.execute(insert(_T).returning(_T.c.id, sort_by_parameter_order=True),
                          new_rows).scalars().all()
    candidates = [{"task_id": task_id, "group_id": g}
                  for task_id, row in zip(ids, new_rows) for g in row["candidate_groups"].split()]
    if candidates:
        session.execute(insert(_C), candidates)
    reminders = ctx.schedules.reminders(definition.process_id)
    timer_rows = [r for task_id, row in zip(ids, new_rows) if row["due_at"] is not None
                  for r in timers.deadline_rows(instance_id, task_id, row["element_id"], row["due_at"], reminders,
                                                clock.calendar(), now)]
    if timer_rows:
        session.execute(insert(Timer.__table__), timer_rows)
    for task_id, row in zip(ids, new_rows):
        recorder.record("task_created", None, task_id=task_id, element_id=row["element_id"], name=row["name"],
                        candidate_groups=row["candidate_groups"].split(), reserved_for=row["reserved_for"],
                        due_at=row["due_at"].isoformat() if row["due_at"] else None)


def _personal_assignee(step: StepModel, data: Mapping[str, Any]) -> str | None:
    """For a committee step, the member whose task this is (named by a data variable)."""
    variable = step.meta.assignee_variable
    if variable is None:
        return None
    person = data.get(variable)
    if not isinstance(person, str) or not person:
        raise ProcessError(f"step {step.element_id} is personal, but its data variable {variable!r} "
                           f"does not name a user (got {person!r})", element=step.element_id)
    return person


def show(ctx: Context, instance_id: int) -> InstanceView:
    with ctx.db.unit_of_work(write=False) as session:
        inst = session.execute(
            select(Instance.id, Instance.process_id, Instance.definition_id, Instance.status, Instance.data_json,
                   Instance.started_by, Instance.created_at, Instance.completed_at)
            .where(Instance.id == instance_id)).first()
        if inst is None:
            raise NotFound(f"instance {instance_id} does not exist")
        definition = ctx.definition(session, inst.definition_id)
        open_tasks = task_views(session, select(_T).where(_T.c.instance_id == instance_id, _T.c.state == "open")
                                .order_by(_T.c.id), ctx.now(session))
        history = tuple(HistoryEventView(e.seq, e.event_type, e.actor, e.occurred_at, json.loads(e.payload), e.hash)
                        for e in session.scalars(select(HistoryEvent).where(HistoryEvent.instance_id == instance_id)
                                                 .order_by(HistoryEvent.seq)))
        return InstanceView(id=inst.id, process_id=inst.process_id, version=definition.version,
                            definition_id=inst.definition_id, status=inst.status, data=json.loads(inst.data_json),
                            started_by=inst.started_by, created_at=inst.created_at, completed_at=inst.completed_at,
                            open_tasks=tuple(open_tasks), history=history)
