"""Tasks: the worklist, one task, a case's open tasks; claim and hand back.

A claim is a conditional update on the task row (``WHERE assignee IS NULL AND version = :v``)
inside the case operation, so of two people claiming at once exactly one wins and the other gets
``Conflict``.
"""
from __future__ import annotations

from dataclasses import replace

from ..context import Context
from ..errors import Conflict, Forbidden, NotFound
from ..operation import case, work
from ..results import TaskView
from ..store import people, task_rows
from ..store.history import EventType
from .rules import check_may_claim


class Tasks:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def worklist(self, username: str) -> list[TaskView]:
        """Open tasks assigned to the user, and unclaimed ones the user's groups may claim."""
        with work(self.ctx, write=False) as w:
            groups = people.user_groups(w.conn, username)
            rows = task_rows.rows(w.conn, task_rows.worklist_query(username, groups))
            return [task_rows.to_view(r, w.now, w.calendar) for r in rows]

    def of_case(self, instance_id: int) -> list[TaskView]:
        """A case's open tasks."""
        with work(self.ctx, write=False) as w:
            rows = task_rows.rows(w.conn, task_rows.of_instance_query(instance_id))
            return [task_rows.to_view(r, w.now, w.calendar) for r in rows]

    def get(self, task_id: int) -> TaskView:
        with work(self.ctx, write=False) as w:
            rows = task_rows.rows(w.conn, task_rows.by_id_query(task_id))
            if not rows:
                raise NotFound(f"task {task_id} does not exist")
            return task_rows.to_view(rows[0], w.now, w.calendar)

    def claim(self, task_id: int, username: str) -> TaskView:
        """Take a task of one of my groups (or one reserved for me)."""
        with case(self.ctx, task_id=task_id, actor=username) as op:
            groups = op.actor_groups()
            task = op.task(task_id)
            check_may_claim(task, username, groups)
            task_rows.assign(op.conn, task, None, username)
            op.record(EventType.TASK_CLAIMED, username, task_id=task_id, element_id=task.element_id)
            return replace(task_rows.to_view(task, op.now, op.calendar), assignee=username)

    def unclaim(self, task_id: int, username: str) -> TaskView:
        """Hand a task I claimed back to its groups."""
        with case(self.ctx, task_id=task_id, actor=username) as op:
            op.actor_groups()  # an active user
            task = op.task(task_id)
            if task.state != "open":
                raise Conflict(f"task {task_id} is already {task.state}")
            if task.assignee is None:
                raise Conflict(f"task {task_id} is not claimed")
            if task.assignee != username:
                raise Forbidden(f"task {task_id} is claimed by {task.assignee}; only they can hand it back")
            task_rows.assign(op.conn, task, username, None)
            op.record(EventType.TASK_UNCLAIMED, username, task_id=task_id, element_id=task.element_id)
            return replace(task_rows.to_view(task, op.now, op.calendar), assignee=None)

