"""Tasks: the worklist, one task, a case's open tasks; claim and hand back.

A claim is a conditional update on the task row (``WHERE assignee IS NULL AND version = :v``)
inside the case operation, so of two people claiming at once exactly one wins and the other gets
``Conflict``.
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import Connection

from ..context import Context
from ..errors import Conflict, Forbidden, InvalidInput, NotFound
from ..model import approvals
from ..model.acting import ActingRights, TaskShape, capacity_on, own_capacity
from ..model.definitions import StepModel
from ..model.forms import FormDefinition
from ..model.worklist import WorklistFilter
from ..operation import case, work
from ..results import Account, ApprovalChoice, TaskPage, TaskView, WorklistPage
from ..store import access, accounts, acting, definitions, drafts, instances, notifications, people, task_rows, worklist
from ..store.db import is_row_id
from ..store.history import EventType, completed_data
from ..time import calendar as cal
from .acting import capacity_now, capacity_payload, rights_for, rights_now, shape
from .rules import check_may_claim, check_may_delegate, check_may_hand_back, check_reason, hidden_unless_visible
from .segregation import check_segregation

MAX_PAGE = 200
WHOLE_LIST = 100_000  # what `krabuan tasks` lists at most
MAX_DRAFT_BYTES = 256 * 1024


def _draft_value(value: Any) -> bool:
    """A draft keeps text as typed, and lists of texts (several choices)."""
    return isinstance(value, str) or (isinstance(value, list) and all(isinstance(v, str) for v in value))


class Tasks:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def worklist(self, username: str) -> list[TaskView]:
        """Every open task assigned to the user, and the unclaimed ones the user's groups may
        claim (the "all" view at once, in its order: most urgent first, then by due date)."""
        with work(self.ctx, write=False) as w:
            groups = people.user_groups(w.conn, username)
            rights = rights_now(w.conn, username, w.now)
            request = worklist.PageRequest("all", username, frozenset(groups) | rights.groups, (w.now, w.now, w.now),
                                           None, WHOLE_LIST, on_behalf_of=rights.holders)
            rows = task_rows.rows(w.conn, worklist.page_query(request))
            return [task_rows.to_view(r, w.now, w.calendar) for r in rows[:WHOLE_LIST]]

    def page(self, username: str, view: str = "all", cursor: str | None = None, limit: int = 50,
             where: WorklistFilter | None = None) -> WorklistPage:
        """One page of a saved view of the user's worklist: ``all`` (mine and my groups'
        unclaimed), ``mine``, ``group``, ``overdue``, ``due_today``, ``completed`` (by me); most
        urgent first, then by due date; narrowed by ``where`` (a procedure, a text)."""
        if not 1 <= limit <= MAX_PAGE:
            raise InvalidInput(f"a page has 1 to {MAX_PAGE} tasks", field="limit")
        after = worklist.Cursor.decode(cursor) if cursor else None
        with work(self.ctx, write=False) as w:
            groups = people.user_groups(w.conn, username)
            rights = rights_now(w.conn, username, w.now)  # once per request: the acting official's extra groups
            today = cal.local_date(w.now)
            day = (w.now, cal.at_local(today, time(0)), cal.at_local(today + timedelta(days=1), time(0)))
            request = worklist.PageRequest(view, username, frozenset(groups) | rights.groups, day, after, limit,
                                           (where or WorklistFilter()).checked(), on_behalf_of=rights.holders)
            rows = task_rows.rows(w.conn, worklist.page_query(request))
            items = tuple(task_rows.to_view(r, w.now, w.calendar) for r in rows[:limit])
            process_names = definitions.names(w.conn, {t.process_id for t in items})
        more = len(rows) > limit
        next_cursor = worklist.cursor_of(view, rows[limit - 1]).encode() if more else None
        return WorklistPage(view, items, next_cursor, process_names, _capacities(items, (username, groups), rights))

    def open(self, task_id: int, viewer: Account) -> TaskPage:
        """A task with what its page shows, for a viewer who may see its case (else NotFound)."""
        with work(self.ctx, write=False) as w:
            rows = task_rows.rows(w.conn, task_rows.by_id_query(task_id)) if is_row_id(task_id) else []
            if not rows or not _may_see(w.conn, rows[0], viewer):
                raise NotFound(f"task {task_id} does not exist")
            row = rows[0]
            inst = instances.read(w.conn, row.instance_id)
            definition = self.ctx.definition(w.conn, inst.definition_id)
            done = task_rows.rows(w.conn, task_rows.done_of_instance_query(row.instance_id))
            step = definition.model.steps.get(row.element_id)
            forms = self.ctx.forms_for(definition)
            form = forms.get(row.form_key) if row.form_key else None
            meta = step.meta if step else None
            choices = {f.name: tuple(sorted(people.group_members(w.conn, f.group or "")))
                       for f in (form.fields if form else ()) if f.type in ("user", "users")}
            return TaskPage(task=task_rows.to_view(row, w.now, w.calendar), process_name=definition.model.name,
                            form=form, controls=meta.controls if meta else (),
                            duration_minutes=meta.duration_minutes if meta else None,
                            duration_working_days=meta.duration_working_days if meta else None,
                            deadline_rule=meta.deadline if meta else None, case_data=dict(inst.data),
                            started_by=inst.started_by, done_steps=tuple(task_rows.to_view(r) for r in done),
                            choices=choices, approval=_approval_choice(step, form),
                            draft=_draft_for(w.conn, row, viewer.username),
                            colleagues=_colleagues(w.conn, row, viewer.username),
                            done_data=completed_data(w.conn, row.instance_id),
                            deadline_basis=json.loads(row.deadline_json) if row.deadline_json else None,
                            field_labels=forms.field_labels(definition.model.form_keys()),
                            signs=meta is not None and meta.kind == "signature",
                            **_preparation(w.conn, row, viewer, w.now))

    def save_draft(self, task_id: int, username: str, values: Mapping[str, Any]) -> None:
        """Keep what I typed into a task's form without completing it: only I see it, it survives
        signing out, and it goes when the task is completed. Values are kept as typed (checked
        when the task is completed); fields the form does not have are dropped."""
        with work(self.ctx) as w:
            viewer = accounts.account(w.conn, username)
            row = task_rows.load(w.conn, task_id) if is_row_id(task_id) else None
            if row is None or viewer is None or not _may_see(w.conn, row, viewer):
                raise NotFound(f"task {task_id} does not exist")
            if row.state != "open":
                raise Conflict(f"task {task_id} is already {row.state}")
            preparing = acting.is_preparer(w.conn, task_id, username)  # "on behalf of" its holder
            if row.assignee not in (None, username) and not preparing:
                raise Forbidden(f"task {task_id} is claimed by {row.assignee}; only they can save a draft of it")
            if row.assignee is None and not preparing:  # an unclaimed task: whoever may take it
                groups = people.user_groups(w.conn, username)
                check_may_claim(row, username, groups, rights_for(w.conn, row, (username, groups), w.now))
            definition = self.ctx.definition(w.conn, instances.read(w.conn, row.instance_id).definition_id)
            form = self.ctx.forms_for(definition).get(row.form_key) if row.form_key else None
            names = {f.name for f in form.fields} if form else set()
            kept = {k: v for k, v in values.items() if k in names and _draft_value(v)}
            if len(json.dumps(kept, ensure_ascii=False)) > MAX_DRAFT_BYTES:
                raise InvalidInput(f"a draft has at most {MAX_DRAFT_BYTES // 1024} KB", field="data")
            drafts.save(w.conn, (task_id, username), kept, w.now)

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
                rights = rights_for(op.conn, task, (username, groups), op.now)  # no query for one's own lane
                check_may_claim(task, username, groups, rights)
                check_segregation(op, task, username)  # the process's segregation of duties
            except (Forbidden, Conflict) as exc:
                raise hidden_unless_visible(op.conn, task, (username, groups), exc) from None
            capacity = capacity_on(shape(task), username, groups, rights)
            task_rows.assign(op.conn, task, None, username)
            op.record(EventType.TASK_CLAIMED, username, task_id=task_id, element_id=task.element_id,
                      **capacity_payload(capacity))
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

    def delegate(self, task_id: int, username: str, to: str, reason: str) -> TaskView:
        """Give a task I hold (or an unclaimed one of my lane) to a named colleague of its lane,
        with a reason kept in the history; the colleague is notified."""
        why = check_reason(reason)
        with case(self.ctx, task_id=task_id, actor=username) as op:
            groups = op.actor_groups()
            task = op.task(task_id)
            try:
                their_groups = people.user_groups(op.conn, to) if to else set()
            except NotFound:
                raise InvalidInput(f"user {to!r} does not exist or is not active", field="to") from None
            try:
                check_may_delegate(task, username, groups, (to, their_groups))
                check_segregation(op, task, to)  # not to someone the process's rules bar from the step
            except (Forbidden, Conflict) as exc:
                raise hidden_unless_visible(op.conn, task, (username, groups), exc) from None
            task_rows.assign(op.conn, task, task.assignee, to)
            op.record(EventType.TASK_DELEGATED, username, task_id=task_id, element_id=task.element_id,
                      previous=task.assignee, to=to, reason=why)
            notifications.add(op.conn, [to], notifications.NewNotification(
                "delegated", task.instance_id, task.id, f"มอบหมายงานให้คุณ: {task.name} (จาก {username}: {why})",
                f"Delegated to you: {task.name} (from {username}: {why})", task.due_at), op.now, "off")
            return replace(task_rows.to_view(task, op.now, op.calendar), assignee=to)

    def share_for_preparation(self, task_id: int, username: str, preparer: str) -> list[str]:
        """"On behalf of": let a named colleague (e.g. the director's secretary) open a task I hold
        (or may take) and save its draft, which I then see on the task page; only I (or my acting
        official) complete or sign it. Kept in the history; the colleague is notified. Returns
        who prepares the task now."""
        with case(self.ctx, task_id=task_id, actor=username) as op:
            groups = op.actor_groups()
            task = op.task(task_id)
            try:
                if task.assignee != username:
                    check_may_claim(task, username, groups, rights_for(op.conn, task, (username, groups), op.now))
            except (Forbidden, Conflict) as exc:
                raise hidden_unless_visible(op.conn, task, (username, groups), exc) from None
            if preparer == username:
                raise InvalidInput("share the preparation with a colleague, not with yourself", field="to")
            if accounts.account(op.conn, preparer) is None:
                raise InvalidInput(f"user {preparer!r} does not exist or is not active", field="to")
            if acting.add_preparer(op.conn, (task_id, preparer), username, op.now):
                op.record(EventType.TASK_SHARED_FOR_PREPARATION, username, task_id=task_id,
                          element_id=task.element_id, preparer=preparer)
                notifications.add(op.conn, [preparer], notifications.NewNotification(
                    "delegated", task.instance_id, task.id, f"เตรียมงานแทน {username}: {task.name}",
                    f"Prepare on behalf of {username}: {task.name}", task.due_at), op.now, "off")
            return acting.preparers_of(op.conn, task_id)


def _may_see(conn: Connection, row: task_rows.TaskRow, viewer: Account) -> bool:
    """Whether the viewer may see the task: its case's people (with the groups the viewer acts for
    today), or who prepares it on behalf of its holder."""
    if access.can_see_case(conn, row.instance_id, viewer):  # with the groups the viewer acts for today
        return True
    return acting.is_preparer(conn, row.id, viewer.username)


def _preparation(conn: Connection, row: task_rows.TaskRow, viewer: Account, now: datetime) -> dict[str, Any]:
    """Who prepares the task on behalf of its holder, whether the viewer does, and the viewer's
    capacity on it when they act for a position."""
    preparers = tuple(acting.preparers_of(conn, row.id))
    capacity = (capacity_now(conn, row, (viewer.username, set(viewer.groups)), now)
                if row.state == "open" else None)
    return {"preparers": preparers, "preparing": viewer.username in preparers,
            "capacity": capacity.to_json() if capacity is not None and not capacity.is_self else None}


def _draft_for(conn: Connection, row: task_rows.TaskRow, username: str) -> dict[str, Any] | None:
    """My draft of the task, else what a colleague prepared on my behalf (the latest saved)."""
    mine = drafts.load(conn, row.id, username)
    if mine is not None:
        return mine
    prepared = [p for p in acting.preparers_of(conn, row.id) if p != username]
    return drafts.latest_of(conn, row.id, prepared) if prepared else None


def _capacities(items: tuple[TaskView, ...], user: tuple[str, set[str]],
                rights: ActingRights) -> dict[int, dict[str, Any]]:
    """The page's tasks the user may take only as an acting official, with the capacity."""
    if not rights.appointed:
        return {}
    username, groups = user
    out = {}
    for t in items:
        task = TaskShape(t.candidate_groups, t.reserved_for)
        if t.assignee in (None, username) and not own_capacity(task, username, groups):
            found = rights.for_task(task)
            if found is not None:
                out[t.id] = found.to_json()
    return out


def _colleagues(conn: Connection, row: task_rows.TaskRow, username: str) -> tuple[str, ...]:
    """Who an open task may be delegated to: the active members of its groups (or the one it is
    reserved for), but not the one asking."""
    if row.state != "open":
        return ()
    people_of = ({row.reserved_for} if row.reserved_for
                 else {m for g in row.groups for m in people.group_members(conn, g)})
    return tuple(sorted(p for p in people_of if p and p != username))


def _approval_choice(step: StepModel | None, form: FormDefinition | None) -> ApprovalChoice | None:
    """How the page offers an approval or signature step's decision (None: not such a step)."""
    decision = approvals.decision_field(form) if approvals.is_approval(step) else None
    if step is None or decision is None:
        return None
    comment = approvals.comment_field(form)
    return ApprovalChoice(kind=step.meta.kind or "approval", field=decision.name,
                          options=tuple(o.value for o in decision.options),
                          comment_field=comment.name if comment is not None else None)
