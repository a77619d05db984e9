"""Tasks: the worklist, claim and unclaim.

Claims are conditional updates on the task row (``WHERE assignee IS NULL AND version = :v``),
so of two people claiming at once exactly one wins and the other gets ``Conflict``.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import Select, exists, or_, select, update
from sqlalchemy.orm import Session

from . import org
from .context import Context
from .errors import Conflict, Forbidden, NotFound
from .history import Recorder
from .models import HumanTask, Instance, TaskCandidate
from .views import TaskView


def task_views(session: Session, query: Select[Any]) -> list[TaskView]:
    rows = list(session.scalars(query))
    if not rows:
        return []
    ids = [r.id for r in rows]
    groups: dict[int, list[str]] = {}
    for task_id, group_id in session.execute(select(TaskCandidate.task_id, TaskCandidate.group_id)
                                             .where(TaskCandidate.task_id.in_(ids))
                                             .order_by(TaskCandidate.group_id)):
        groups.setdefault(task_id, []).append(group_id)
    process_of = dict(session.execute(select(Instance.id, Instance.process_id)
                                      .where(Instance.id.in_({r.instance_id for r in rows}))).all())
    return [TaskView(id=r.id, instance_id=r.instance_id, process_id=process_of.get(r.instance_id, ""),
                     element_id=r.element_id, name=r.name, lane=r.lane,
                     candidate_groups=tuple(groups.get(r.id, ())), assignee=r.assignee, state=r.state,
                     form_key=r.form_key, created_at=r.created_at, completed_at=r.completed_at,
                     completed_by=r.completed_by, due_at=r.due_at) for r in rows]


def worklist(ctx: Context, username: str) -> list[TaskView]:
    """Open tasks assigned to the user, and unclaimed ones the user's groups may claim."""
    with ctx.db.unit_of_work(write=False) as session:
        groups = org.user_groups(session, username)
        has_candidates = exists().where(TaskCandidate.task_id == HumanTask.id)
        mine = exists().where(TaskCandidate.task_id == HumanTask.id, TaskCandidate.group_id.in_(groups))
        query = (select(HumanTask).where(
            HumanTask.state == "open",
            or_(HumanTask.assignee == username,
                (HumanTask.assignee.is_(None) & (mine | ~has_candidates))))
            .order_by(HumanTask.due_at.is_(None), HumanTask.due_at, HumanTask.created_at, HumanTask.id))
        return task_views(session, query)


def get_task(ctx: Context, task_id: int) -> TaskView:
    with ctx.db.unit_of_work(write=False) as session:
        views = task_views(session, select(HumanTask).where(HumanTask.id == task_id))
        if not views:
            raise NotFound(f"task {task_id} does not exist")
        return views[0]


def _lock_instance(session: Session, instance_id: int) -> None:
    """Take the instance row lock first (PostgreSQL), the same order as complete, so no deadlock."""
    session.execute(select(Instance.id).where(Instance.id == instance_id).with_for_update())


def claim(ctx: Context, task_id: int, username: str) -> TaskView:
    with ctx.db.unit_of_work() as session:
        groups = org.user_groups(session, username)
        task = session.get(HumanTask, task_id)
        if task is None:
            raise NotFound(f"task {task_id} does not exist")
        _lock_instance(session, task.instance_id)
        if task.state != "open":
            raise Conflict(f"task {task_id} is already {task.state}")
        if task.assignee == username:
            raise Conflict(f"task {task_id} is already claimed by you")
        if task.assignee is not None:
            raise Conflict(f"task {task_id} is already claimed by {task.assignee}")
        candidates = set(session.scalars(select(TaskCandidate.group_id).where(TaskCandidate.task_id == task_id)))
        if candidates and not candidates & groups:
            raise Forbidden(f"{username} is not in the lane of task {task_id} "
                            f"(needs one of: {', '.join(sorted(candidates))})")
        result = session.execute(
            update(HumanTask).where(HumanTask.id == task_id, HumanTask.version == task.version,
                                    HumanTask.assignee.is_(None), HumanTask.state == "open")
            .values(assignee=username, version=task.version + 1))
        if result.rowcount != 1:
            raise Conflict(f"task {task_id} was claimed by someone else just now")
        recorder = Recorder(session, task.instance_id)
        recorder.record("task_claimed", username, task_id=task_id, element_id=task.element_id)
        recorder.flush()
    return get_task(ctx, task_id)


def unclaim(ctx: Context, task_id: int, username: str) -> TaskView:
    with ctx.db.unit_of_work() as session:
        org.user_groups(session, username)
        task = session.get(HumanTask, task_id)
        if task is None:
            raise NotFound(f"task {task_id} does not exist")
        _lock_instance(session, task.instance_id)
        if task.state != "open":
            raise Conflict(f"task {task_id} is already {task.state}")
        if task.assignee is None:
            raise Conflict(f"task {task_id} is not claimed")
        if task.assignee != username:
            raise Forbidden(f"task {task_id} is claimed by {task.assignee}; only they can hand it back")
        result = session.execute(
            update(HumanTask).where(HumanTask.id == task_id, HumanTask.version == task.version,
                                    HumanTask.assignee == username, HumanTask.state == "open")
            .values(assignee=None, version=task.version + 1))
        if result.rowcount != 1:
            raise Conflict(f"task {task_id} was changed by someone else just now")
        recorder = Recorder(session, task.instance_id)
        recorder.record("task_unclaimed", username, task_id=task_id, element_id=task.element_id)
        recorder.flush()
    return get_task(ctx, task_id)

