"""Tasks: the worklist, claim and unclaim.

Claims are conditional updates on the task row (``WHERE assignee IS NULL AND version = :v``),
so of two people claiming at once exactly one wins and the other gets ``Conflict``.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import Select, bindparam, exists, or_, select, update
from sqlalchemy.orm import Session

from . import org
from .context import Context
from .errors import Conflict, Forbidden, NotFound
from . import clock, deadlines
from .calendar import WorkCalendar
from .history import Recorder
from .holiday_admin import load_calendar
from .models import HumanTask, Instance, TaskCandidate
from .views import TaskView

_I, _T = Instance.__table__, HumanTask.__table__
LOAD_TASK = select(_T).where(_T.c.id == bindparam("task_id"))
_LOCK_HEAD = (select(_I.c.history_seq, _I.c.history_head)
              .where(_I.c.id == bindparam("instance_id")).with_for_update())
_SET_HEAD = (update(_I).where(_I.c.id == bindparam("instance_id"))
             .values(history_seq=bindparam("seq"), history_head=bindparam("head")))
_ASSIGN = (update(_T)
           .where(_T.c.id == bindparam("task_id"), _T.c.version == bindparam("v"),
                  _T.c.state == "open", _T.c.assignee.is_not_distinct_from(bindparam("expected")))
           .values(assignee=bindparam("assignee"), version=bindparam("v") + 1))


def to_view(r: Any, now: datetime | None = None, calendar: WorkCalendar | None = None) -> TaskView:
    status = (deadlines.status(r.due_at, now, calendar)
              if now is not None and calendar is not None and r.state == "open" else None)
    return TaskView(id=r.id, instance_id=r.instance_id, process_id=r.process_id, element_id=r.element_id,
                    name=r.name, lane=r.lane, candidate_groups=tuple(sorted(r.candidate_groups.split())),
                    assignee=r.assignee, state=r.state, form_key=r.form_key, created_at=r.created_at,
                    completed_at=r.completed_at, completed_by=r.completed_by, due_at=r.due_at,
                    reserved_for=r.reserved_for, due_status=status, overdue_at=r.overdue_at)


def task_views(session: Session, query: Select[Any], now: datetime | None = None) -> list[TaskView]:
    """Task views with their deadline status as of `now` (the database clock when not given)."""
    moment = now or clock.db_now(session)
    calendar = load_calendar(session)
    return [to_view(r, moment, calendar) for r in session.execute(query)]


def worklist(ctx: Context, username: str) -> list[TaskView]:
    """Open tasks assigned to the user, and unclaimed ones the user's groups may claim."""
    with ctx.db.unit_of_work(write=False) as session:
        groups = org.user_groups(session, username)
        mine = exists().where(TaskCandidate.task_id == HumanTask.id, TaskCandidate.group_id.in_(groups))
        query = (select(_T).where(
            HumanTask.state == "open",
            or_(HumanTask.assignee == username,
                (HumanTask.assignee.is_(None) & (HumanTask.reserved_for == username)),
                (HumanTask.assignee.is_(None) & HumanTask.reserved_for.is_(None)
                 & (mine | (HumanTask.candidate_groups == "")))))
            .order_by(HumanTask.due_at.is_(None), HumanTask.due_at, HumanTask.created_at, HumanTask.id))
        return task_views(session, query, ctx.now(session))


def open_tasks(ctx: Context, instance_id: int) -> list[TaskView]:
    with ctx.db.unit_of_work(write=False) as session:
        return task_views(session, select(_T).where(_T.c.instance_id == instance_id, _T.c.state == "open")
                          .order_by(_T.c.id), ctx.now(session))


def get_task(ctx: Context, task_id: int) -> TaskView:
    with ctx.db.unit_of_work(write=False) as session:
        views = task_views(session, select(_T).where(_T.c.id == task_id), ctx.now(session))
        if not views:
            raise NotFound(f"task {task_id} does not exist")
        return views[0]


def _reassign(ctx: Context, task_id: int, username: str, claiming: bool) -> TaskView:
    with ctx.db.unit_of_work() as session, ctx.operation(session):
        groups = org.user_groups(session, username)
        task = session.execute(LOAD_TASK, {"task_id": task_id}).first()
        if task is None:
            raise NotFound(f"task {task_id} does not exist")
        # The instance row lock comes first, in the same order as complete(): no deadlock.
        head = session.execute(_LOCK_HEAD, {"instance_id": task.instance_id}).one()
        if task.state != "open":
            raise Conflict(f"task {task_id} is already {task.state}")
        if claiming:
            if task.assignee == username:
                raise Conflict(f"task {task_id} is already claimed by you")
            if task.assignee is not None:
                raise Conflict(f"task {task_id} is already claimed by {task.assignee}")
            candidates = set(task.candidate_groups.split())
            if task.reserved_for is not None and task.reserved_for != username:
                raise Forbidden(f"task {task_id} is personal to {task.reserved_for}")
            if task.reserved_for is None and candidates and not candidates & groups:
                raise Forbidden(f"{username} is not in the lane of task {task_id} "
                                f"(needs one of: {', '.join(sorted(candidates))})")
        else:
            if task.assignee is None:
                raise Conflict(f"task {task_id} is not claimed")
            if task.assignee != username:
                raise Forbidden(f"task {task_id} is claimed by {task.assignee}; only they can hand it back")
        result = session.execute(_ASSIGN, {"task_id": task_id, "v": task.version,
                                           "expected": None if claiming else username,
                                           "assignee": username if claiming else None})
        if result.rowcount != 1:
            raise Conflict(f"task {task_id} was {'claimed' if claiming else 'changed'} by someone else just now")
        recorder = Recorder(session, task.instance_id, head.history_seq, head.history_head)
        recorder.record("task_claimed" if claiming else "task_unclaimed", username, task_id=task_id,
                        element_id=task.element_id)
        seq, digest = recorder.flush()
        session.execute(_SET_HEAD, {"instance_id": task.instance_id, "seq": seq, "head": digest})
        return replace(to_view(task), assignee=username if claiming else None)


def claim(ctx: Context, task_id: int, username: str) -> TaskView:
    return _reassign(ctx, task_id, username, claiming=True)


def unclaim(ctx: Context, task_id: int, username: str) -> TaskView:
    return _reassign(ctx, task_id, username, claiming=False)
