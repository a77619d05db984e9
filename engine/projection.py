"""After a case's workflow ran, the rows that mirror it follow it: task rows (a new ready human
task gets its row, its candidate groups and its deadline with escalation and reminder timers; a
row whose task is no longer ready is cancelled) and the timer rows of the BPMN timers it waits on.
The history says what changed. Called by the case operation when it ends (engine.operation)."""
from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from .errors import NotFound, ProcessError
from .store import acting, notifications, people, task_rows, timer_rows
from .store.history import EventType
from .store.task_rows import NewTask, TaskRow
from .time import deadlines
from .time.calendar import local_date

if TYPE_CHECKING:
    from .model.definitions import StepModel
    from .operation import CaseOperation
    from .spiff import Workflow

_TIMER_EVENTS = {"set": EventType.TIMER_SET, "moved": EventType.TIMER_MOVED,
                 "cancelled": EventType.TIMER_CANCELLED}


def follow(op: CaseOperation, workflow: Workflow) -> list[TaskRow]:
    """Sync task and timer rows with the workflow; returns the case's open task rows."""
    open_rows = _sync_tasks(op, workflow)
    waiting = workflow.waiting_timers()
    # The pending timer rows mirror what the workflow waited on before it ran: nothing to do if
    # that has not changed.
    if {t.spiff_id: t.due_at for t in waiting} != op.timers_before:
        for change in timer_rows.sync_bpmn(op.conn, op.instance_id, op.timers_before, waiting, op.now):
            op.record(_TIMER_EVENTS[change.change], None, timer_id=change.timer_id, **change.detail)
    return open_rows


def _sync_tasks(op: CaseOperation, workflow: Workflow) -> list[TaskRow]:
    conn, now = op.conn, op.now
    ready = workflow.ready_tasks()
    ready_ids = {t.spiff_id for t in ready}
    # The open rows mirror the tasks that were ready before the run: they need reading only if
    # some stay open (to return them) or must be cancelled (to name them).
    unread = op.ready_before - op.closed
    open_rows = ({r.spiff_task_id: r for r in task_rows.open_of(conn, op.instance_id)} if unread else {})
    cancelled = []
    for spiff_id, row in open_rows.items():
        if spiff_id not in ready_ids:
            task_rows.cancel(conn, row, now)
            cancelled.append(row.id)
            op.record(EventType.TASK_CANCELLED, None, task_id=row.id)
    timer_rows.cancel_task_timers(conn, cancelled)
    model = op.definition.model
    new: list[NewTask] = []
    notice = json.dumps(op.new_task_notice, ensure_ascii=False) if op.new_task_notice else None
    for ready_task in ready:
        if ready_task.spiff_id in open_rows:
            continue
        step = model.steps.get(ready_task.element_id)
        basis = (deadlines.basis_for(step.meta.deadline, now, _anchors_data(op, step, ready_task.data),
                                     step.meta.duration_minutes, step.meta.duration_working_days) if step else None)
        new.append(NewTask(
            instance_id=op.instance_id, process_id=op.definition.process_id, spiff_task_id=ready_task.spiff_id,
            element_id=ready_task.element_id, name=step.name if step else ready_task.name,
            lane=step.lane if step else None, form_key=step.form_key if step else None,
            candidate_groups=candidate_groups_of(step, ready_task.data) if step else (),
            reserved_for=personal_assignee(step, ready_task.data) if step else None, created_at=now,
            due_at=deadlines.due_at(basis, op.calendar) if basis else None,
            deadline_json=basis.to_json() if basis else None, title=op.header[0], urgency=op.header[1],
            notice_json=notice))
    new, instead = _to_deputies(op, _given_back(op, new))
    created = task_rows.insert_new(conn, new)
    reminders = op.ctx.schedules.reminders(op.definition.process_id)
    timer_rows.insert_rows(conn, [
        timer for row in created if row.due_at is not None
        for timer in timer_rows.deadline_rows((op.instance_id, row.id, row.element_id), row.due_at, reminders,
                                              op.calendar, now)])
    for row in created:
        op.record(EventType.TASK_CREATED, None, task_id=row.id, element_id=row.element_id, name=row.name,
                  candidate_groups=list(row.groups), reserved_for=row.reserved_for,
                  due_at=row.due_at.isoformat() if row.due_at else None,
                  **({"calendar_version": op.work.calendar_version} if row.due_at else {}),
                  **({"assignee": row.assignee} if row.assignee != row.reserved_for else {}),
                  **instead.get(row.spiff_task_id, {}))
        if row.assignee != row.reserved_for:
            _tell_given_back(op, row)
    return [r for spiff_id, r in open_rows.items() if spiff_id in ready_ids] + created


def _given_back(op: CaseOperation, new: list[NewTask]) -> list[NewTask]:
    """After a return for revision, each returned step goes to the person who last did it (if they
    still may: active and in its groups), who is told; otherwise it waits in its groups' queue."""
    notice = op.new_task_notice
    if not notice or notice.get("kind") != "returned":
        return new
    last = task_rows.last_completers(op.conn, op.instance_id, {t.element_id for t in new if t.holder is None})
    given = []
    for task in new:
        person = last.get(task.element_id) if task.holder is None else None
        if person and set(task.candidate_groups) & _groups_of(op, person):
            task = replace(task, assignee=person)
        given.append(task)
    return given


def _to_deputies(op: CaseOperation, new: list[NewTask]) -> tuple[list[NewTask], dict[str, dict[str, Any]]]:
    """New tasks that would be reserved for or given to someone absent today go to their deputy
    (a given-back step only if the deputy is in its groups, else to the queue); returns the tasks
    and, by spiff task id, what the history notes (``instead_of``: who is absent, ``absence_id``)."""
    holders = {t.holder for t in new if t.holder}
    away = acting.deputies(op.conn, holders, local_date(op.now)) if holders else {}
    if not away:
        return new, {}
    out, notes = [], {}
    for task in new:
        if task.holder in away:
            deputy, absence_id = away[task.holder]
            notes[task.spiff_task_id] = {"instead_of": task.holder, "absence_id": absence_id}
            if task.reserved_for is not None:
                task = replace(task, reserved_for=deputy, assignee=None)
            else:
                task = replace(task, assignee=deputy if set(task.candidate_groups) & _groups_of(op, deputy) else None)
        out.append(task)
    return out, notes


def _tell_given_back(op: CaseOperation, row: TaskRow) -> None:
    """The person a returned step went back to is told, with who returned it and why."""
    notice = op.new_task_notice or {}
    by, why = notice.get("by"), notice.get("comment")
    notifications.add(op.conn, [row.assignee or ""], notifications.NewNotification(
        "returned", row.instance_id, row.id, f"ส่งกลับให้คุณแก้ไข: {row.name} (โดย {by}: {why})",
        f"Returned to you for revision: {row.name} (by {by}: {why})", row.due_at), op.now, "off")


def _groups_of(op: CaseOperation, username: str) -> set[str]:
    try:
        return people.user_groups(op.conn, username)
    except NotFound:  # no longer active
        return set()


def _anchors_data(op: CaseOperation, step: StepModel, data: Mapping[str, Any]) -> Mapping[str, Any]:
    """The case data, with the times of the steps the deadline rule is anchored on (if any)."""
    anchored = deadlines.step_anchors(step.meta.deadline)
    if not anchored:
        return data
    times = task_rows.step_times(op.conn, op.instance_id, {element for element, _ in anchored})
    if (step.element_id, "started") in anchored:  # "from when this step opens": now, not an earlier round
        times[f"step:{step.element_id}.started"] = op.now.isoformat()
    return {**data, **times}


def candidate_groups_of(step: StepModel, data: Mapping[str, Any]) -> tuple[str, ...]:
    """Who may take the task: its lane's groups, or, for a step done per unit, the unit's group
    (named by a data variable: the multi-instance's element)."""
    variable = step.meta.candidate_group_variable
    if variable is None:
        return tuple(step.candidate_groups)
    group = data.get(variable)
    if not isinstance(group, str) or not group:
        raise ProcessError(f"step {step.element_id} is done per unit, but its data variable {variable!r} "
                           f"does not name a group (got {group!r})", element=step.element_id)
    return (group,)


def personal_assignee(step: StepModel, data: Mapping[str, Any]) -> str | None:
    """For a committee step, the member whose task this is; for a personal step, the user an earlier
    form named (both by a data variable)."""
    variable = step.meta.assignee_variable
    if variable is None:
        return None
    person = data.get(variable)
    if person is None and not step.multi_instance:
        return None  # a personal step whose person an optional field left unnamed: its lane's groups take it
    if not isinstance(person, str) or not person:
        raise ProcessError(f"step {step.element_id} is personal, but its data variable {variable!r} "
                           f"does not name a user (got {person!r})", element=step.element_id)
    return person
