"""Tasks: the worklist, one task, a case's open tasks; claim and hand back.

A claim is a conditional update on the task row (``WHERE assignee IS NULL AND version = :v``)
inside the case operation, so of two people claiming at once exactly one wins and the other gets
``Conflict``.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import time, timedelta

from ..context import Context
from ..errors import Conflict, Forbidden, InvalidInput, NotFound
from ..operation import case, work
from ..results import Account, TaskPage, TaskView, WorklistPage
from ..store import access, definitions, instances, people, task_rows, worklist
from ..store.db import is_row_id
from ..store.history import EventType
from ..time import calendar as cal
from .rules import check_may_claim, check_may_hand_back, hidden_unless_visible

MAX_PAGE = 200


class Tasks:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def worklist(self, username: str) -> list[TaskView]:
        """Open tasks assigned to the user, and unclaimed ones the user's groups may claim."""
        with work(self.ctx, write=False) as w:
            groups = people.user_groups(w.conn, username)
            rows = task_rows.rows(w.conn, task_rows.worklist_query(username, groups))
            return [task_rows.to_view(r, w.now, w.calendar) for r in rows]

    def page(self, username: str, view: str = "all", cursor: str | None = None, limit: int = 50) -> WorklistPage:
        """One page of a saved view of the user's worklist: ``all`` (mine and my groups'
        unclaimed), ``mine``, ``group``, ``overdue``, ``due_today``, ``completed`` (by me)."""
        if not 1 <= limit <= MAX_PAGE:
            raise InvalidInput(f"a page has 1 to {MAX_PAGE} tasks", field="limit")
        after = worklist.Cursor.decode(cursor) if cursor else None
        with work(self.ctx, write=False) as w:
            groups = people.user_groups(w.conn, username)
            today = cal.local_date(w.now)
            day = (w.now, cal.at_local(today, time(0)), cal.at_local(today + timedelta(days=1), time(0)))
            query = worklist.page_query(view, worklist.view_query(view, username, groups, day), after, limit)
            rows = task_rows.rows(w.conn, query)
            items = tuple(task_rows.to_view(r, w.now, w.calendar) for r in rows[:limit])
            process_names = definitions.names(w.conn, {t.process_id for t in items})
        more = len(rows) > limit
        last = rows[limit - 1] if more else None
        next_cursor = worklist.cursor_of(view, last.due_at, last.completed_at, last.id).encode() if last else None
        return WorklistPage(view, items, next_cursor, process_names)

    def open(self, task_id: int, viewer: Account) -> TaskPage:
        """A task with what its page shows, for a viewer who may see its case (else NotFound)."""
        with work(self.ctx, write=False) as w:
            rows = task_rows.rows(w.conn, task_rows.by_id_query(task_id)) if is_row_id(task_id) else []
            if not rows or not access.can_see_case(w.conn, rows[0].instance_id, viewer):
                raise NotFound(f"task {task_id} does not exist")
            row = rows[0]
            inst = instances.read(w.conn, row.instance_id)
            definition = self.ctx.definition(w.conn, inst.definition_id)
            done = task_rows.rows(w.conn, task_rows.done_of_instance_query(row.instance_id))
            step = definition.model.steps.get(row.element_id)
            form = self.ctx.forms.get(row.form_key) if row.form_key else None
            meta = step.meta if step else None
            choices = {f.name: tuple(sorted(people.group_members(w.conn, f.group or "")))
                       for f in (form.fields if form else ()) if f.type in ("user", "users")}
            return TaskPage(task=task_rows.to_view(row, w.now, w.calendar), process_name=definition.model.name,
                            form=form, controls=meta.controls if meta else (),
                            duration_minutes=meta.duration_minutes if meta else None,
                            duration_working_days=meta.duration_working_days if meta else None,
                            deadline_rule=meta.deadline if meta else None, case_data=dict(inst.data),
                            started_by=inst.started_by, done_steps=tuple(task_rows.to_view(r) for r in done),
                            choices=choices)

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
            try:
                check_may_claim(task, username, groups)
            except (Forbidden, Conflict) as exc:
                raise hidden_unless_visible(op.conn, task, (username, groups), exc) from None
            task_rows.assign(op.conn, task, None, username)
            op.record(EventType.TASK_CLAIMED, username, task_id=task_id, element_id=task.element_id)
            return replace(task_rows.to_view(task, op.now, op.calendar), assignee=username)

    def unclaim(self, task_id: int, username: str) -> TaskView:
        """Hand a task I claimed back to its groups."""
        with case(self.ctx, task_id=task_id, actor=username) as op:
            groups = op.actor_groups()  # an active user
            task = op.task(task_id)
            try:
                check_may_hand_back(task, username)
            except (Forbidden, Conflict) as exc:
                raise hidden_unless_visible(op.conn, task, (username, groups), exc) from None
            task_rows.assign(op.conn, task, username, None)
            op.record(EventType.TASK_UNCLAIMED, username, task_id=task_id, element_id=task.element_id)
            return replace(task_rows.to_view(task, op.now, op.calendar), assignee=None)

