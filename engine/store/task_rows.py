"""Task rows: the human tasks of the worklist, a projection of each case's workflow state.

Every change is a conditional update on the row's version (and state), so of two people acting
on one task at once exactly one wins and the other gets ``Conflict``.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Connection, Select, bindparam, column, func, insert, select, true, update

from ..errors import Conflict
from ..model.urgency import by_rank
from ..results import TaskView
from ..time import deadlines
from ..time.calendar import WorkCalendar
from .db import affected
from .tables import FAR_FUTURE, HumanTask, TaskCandidate


@dataclass(frozen=True)
class TaskRow:
    id: int
    instance_id: int
    process_id: str
    spiff_task_id: str
    element_id: str
    name: str
    lane: str | None
    form_key: str | None
    candidate_groups: str
    assignee: str | None
    reserved_for: str | None
    state: str
    version: int
    created_at: datetime
    completed_at: datetime | None
    completed_by: str | None
    due_at: datetime | None
    deadline_json: str | None
    overdue_at: datetime | None
    title: str
    urgency: int
    # A note for whoever works the task (a return for revision), JSON; None: no note.
    notice_json: str | None

    @property
    def groups(self) -> tuple[str, ...]:
        return tuple(self.candidate_groups.split())


@dataclass(frozen=True)
class NewTask:
    """A task row to create for a ready human task."""

    instance_id: int
    process_id: str
    spiff_task_id: str
    element_id: str
    name: str
    lane: str | None
    form_key: str | None
    candidate_groups: tuple[str, ...]
    reserved_for: str | None
    created_at: datetime
    due_at: datetime | None
    deadline_json: str | None
    title: str = ""
    urgency: int = 4
    notice_json: str | None = None  # a note for whoever works the task (engine.operation.notice_new_tasks)
    assignee: str | None = None  # given to someone as it opens (a return goes to who did the step)

    @property
    def holder(self) -> str | None:
        """Who holds the task as it opens: the person it is given or reserved to (None: queued)."""
        return self.assignee or self.reserved_for


TASK_COLUMNS = tuple(HumanTask.c[f.name] for f in fields(TaskRow))
_COLUMNS = TASK_COLUMNS
_LOAD = select(*_COLUMNS).where(HumanTask.c.id == bindparam("task_id"))
_OPEN_OF = select(*_COLUMNS).where(HumanTask.c.instance_id == bindparam("instance_id"), HumanTask.c.state == "open")
_COMPLETE = (update(HumanTask)
             .where(HumanTask.c.id == bindparam("task_id"), HumanTask.c.version == bindparam("v"),
                    HumanTask.c.state == "open", HumanTask.c.assignee == bindparam("user"))
             .values(state="completed", completed_at=bindparam("now"), completed_by=bindparam("user"),
                     controls_confirmed=bindparam("controls"), acting=bindparam("acting"), version=bindparam("v") + 1))
_CLAIM_AND_COMPLETE = (update(HumanTask)
                       .where(HumanTask.c.id == bindparam("task_id"), HumanTask.c.version == bindparam("v"),
                              HumanTask.c.state == "open", HumanTask.c.assignee.is_(None))
                       .values(state="completed", assignee=bindparam("user"), completed_at=bindparam("now"),
                               completed_by=bindparam("user"), controls_confirmed=bindparam("controls"),
                               acting=bindparam("acting"), version=bindparam("v") + 1))
_CANCEL = (update(HumanTask).where(HumanTask.c.id == bindparam("task_id"), HumanTask.c.version == bindparam("v"))
           .values(state="cancelled", completed_at=bindparam("now"), version=bindparam("v") + 1))
_ASSIGN = (update(HumanTask)
           .where(HumanTask.c.id == bindparam("task_id"), HumanTask.c.version == bindparam("v"),
                  HumanTask.c.state == "open", HumanTask.c.assignee.is_not_distinct_from(bindparam("expected")))
           .values(assignee=bindparam("assignee"), version=bindparam("v") + 1))

# PostgreSQL: the new rows as one JSON parameter, inserted with their candidate rows in one
# statement of one shape (compiled once, prepared by the server); returns (id, spiff task id).
_NEW_COLUMNS = ("instance_id", "process_id", "spiff_task_id", "element_id", "name", "lane", "form_key",
                "candidate_groups", "assignee", "reserved_for", "state", "version", "created_at", "due_at",
                "deadline_json", "title", "urgency", "notice_json", "due_sort")
_NEW_ROWS = func.json_to_recordset(bindparam("rows", type_=JSON)).table_valued(
    *(column(name, HumanTask.c[name].type) for name in _NEW_COLUMNS)).render_derived(with_types=True)
_INSERTED = (insert(HumanTask).from_select(list(_NEW_COLUMNS), select(*_NEW_ROWS.c))
             .returning(HumanTask.c.id, HumanTask.c.spiff_task_id, HumanTask.c.candidate_groups,
                        HumanTask.c.assignee.is_(None).label("queued"), HumanTask.c.urgency, HumanTask.c.due_sort)
             .cte("inserted"))
_GROUP = (func.unnest(func.string_to_array(_INSERTED.c.candidate_groups, " ")).table_valued("group_id")
          .render_derived(name="g"))
_INSERT_WITH_CANDIDATES = (
    select(_INSERTED.c.id, _INSERTED.c.spiff_task_id)
    .add_cte(insert(TaskCandidate).from_select(["task_id", "group_id", "queued", "urgency", "due_sort"],
                                               select(_INSERTED.c.id, _GROUP.c.group_id, _INSERTED.c.queued,
                                                      _INSERTED.c.urgency, _INSERTED.c.due_sort)
                                               .select_from(_INSERTED).join(_GROUP, true())).cte("candidates")))


def rows(conn: Connection, query: Select[Any]) -> list[TaskRow]:
    return [TaskRow(*r) for r in conn.execute(query)]


def load(conn: Connection, task_id: int) -> TaskRow | None:
    row = conn.execute(_LOAD, {"task_id": task_id}).first()
    return TaskRow(*row) if row is not None else None


def open_of(conn: Connection, instance_id: int) -> list[TaskRow]:
    return [TaskRow(*r) for r in conn.execute(_OPEN_OF, {"instance_id": instance_id})]


def step_times(conn: Connection, instance_id: int, elements: set[str]) -> dict[str, str]:
    """When each of a case's steps last started (its task was created) and was last completed, as
    the step anchors of deadline rules name them (``step:<element>.started|completed``)."""
    query = (select(HumanTask.c.element_id, func.max(HumanTask.c.created_at), func.max(HumanTask.c.completed_at))
             .where(HumanTask.c.instance_id == instance_id, HumanTask.c.element_id.in_(sorted(elements)))
             .group_by(HumanTask.c.element_id))
    found: dict[str, str] = {}
    for element, started, completed in conn.execute(query):
        for which, moment in (("started", started), ("completed", completed)):
            if moment is not None:
                moment = moment if isinstance(moment, datetime) else datetime.fromisoformat(str(moment))
                found[f"step:{element}.{which}"] = moment.isoformat()
    return found


def last_completers(conn: Connection, instance_id: int, elements: set[str]) -> dict[str, str]:
    """Who last completed each of a case's steps (by element id; steps never completed are absent)."""
    if not elements:
        return {}
    query = (select(HumanTask.c.element_id, HumanTask.c.completed_by)
             .where(HumanTask.c.instance_id == instance_id, HumanTask.c.element_id.in_(sorted(elements)),
                    HumanTask.c.state == "completed")
             .order_by(HumanTask.c.completed_at, HumanTask.c.id))
    return {element: user for element, user in conn.execute(query) if user}


@dataclass(frozen=True)
class CompletedBy:
    """Who completes a task (holding it, or ``claiming`` it unclaimed in the same update), and what
    the completion records that the reports read from the row: the control points confirmed and
    whether as an acting official."""

    user: str
    claiming: bool = False
    controls: int = 0
    acting: bool = False


def mark_completed(conn: Connection, task: TaskRow, by: CompletedBy, now: datetime) -> None:
    statement = _CLAIM_AND_COMPLETE if by.claiming else _COMPLETE
    done = conn.execute(statement, {"task_id": task.id, "v": task.version, "user": by.user, "now": now,
                                    "controls": by.controls, "acting": by.acting})
    if affected(done) != 1:
        raise Conflict(f"task {task.id} was changed by someone else; reload it")


def cancel(conn: Connection, task: TaskRow, now: datetime) -> None:
    result = conn.execute(_CANCEL, {"task_id": task.id, "v": task.version, "now": now})
    if affected(result) != 1:
        raise Conflict(f"task {task.id} was changed by someone else; reload and retry")


def assign(conn: Connection, task: TaskRow, expected: str | None, assignee: str | None) -> None:
    """Set the assignee if it still is ``expected`` (claim: None; hand back: the claimer)."""
    result = conn.execute(_ASSIGN, {"task_id": task.id, "v": task.version, "expected": expected,
                                       "assignee": assignee})
    if affected(result) != 1:
        raise Conflict(f"task {task.id} was {'claimed' if assignee else 'changed'} by someone else just now")


def insert_new(conn: Connection, new: list[NewTask]) -> list[TaskRow]:
    """Create open task rows (with their candidate groups); returns them as stored."""
    if not new:
        return []
    values = [dict(instance_id=t.instance_id, process_id=t.process_id, spiff_task_id=t.spiff_task_id,
                   element_id=t.element_id, name=t.name, lane=t.lane, form_key=t.form_key,
                   candidate_groups=" ".join(t.candidate_groups), assignee=t.holder,
                   reserved_for=t.reserved_for, state="open", version=1, created_at=t.created_at, due_at=t.due_at,
                   deadline_json=t.deadline_json, title=t.title, urgency=t.urgency, notice_json=t.notice_json,
                   due_sort=t.due_at or FAR_FUTURE)
              for t in new]
    connection = conn
    if connection.dialect.name == "postgresql":  # tasks and candidates in one statement
        for v, t in zip(values, new, strict=True):  # JSON has no timestamps: ISO 8601 with the offset
            v.update(created_at=t.created_at.isoformat(), due_at=t.due_at.isoformat() if t.due_at else None,
                     due_sort=(t.due_at or FAR_FUTURE).isoformat())
        by_spiff_id = {spiff_id: task_id for task_id, spiff_id
                       in connection.execute(_INSERT_WITH_CANDIDATES, {"rows": values})}
        ids: list[int] = [by_spiff_id[t.spiff_task_id] for t in new]
    else:
        ids = list(connection.execute(insert(HumanTask).returning(HumanTask.c.id, sort_by_parameter_order=True),
                                      values).scalars().all())
        candidates = [{"task_id": task_id, "group_id": g, "queued": t.holder is None, "urgency": t.urgency,
                       "due_sort": t.due_at or FAR_FUTURE}
                      for task_id, t in zip(ids, new, strict=True) for g in t.candidate_groups]
        if candidates:
            connection.execute(insert(TaskCandidate), candidates)
    return [TaskRow(id=task_id, instance_id=t.instance_id, process_id=t.process_id, spiff_task_id=t.spiff_task_id,
                    element_id=t.element_id, name=t.name, lane=t.lane, form_key=t.form_key,
                    candidate_groups=" ".join(t.candidate_groups), assignee=t.holder,
                    reserved_for=t.reserved_for, state="open", version=1, created_at=t.created_at,
                    completed_at=None, completed_by=None, due_at=t.due_at, deadline_json=t.deadline_json,
                    overdue_at=None, title=t.title, urgency=t.urgency, notice_json=t.notice_json)
            for task_id, t in zip(ids, new, strict=True)]


def mark_overdue(conn: Connection, task_id: int, now: datetime) -> None:
    conn.execute(update(HumanTask).where(HumanTask.c.id == task_id, HumanTask.c.overdue_at.is_(None))
                    .values(overdue_at=now))


def move_deadline(conn: Connection, task_id: int, due: datetime | None, overdue_at: datetime | None) -> None:
    conn.execute(update(HumanTask).where(HumanTask.c.id == task_id)
                    .values(due_at=due, due_sort=due or FAR_FUTURE, overdue_at=overdue_at,
                            version=HumanTask.c.version + 1))


def open_with_deadline_basis(conn: Connection) -> list[TaskRow]:
    """Open tasks whose deadline can be recomputed (they carry their basis)."""
    return rows(conn, select(*_COLUMNS).where(HumanTask.c.state == "open", HumanTask.c.deadline_json.is_not(None)))


def to_view(row: TaskRow, now: datetime | None = None, calendar: WorkCalendar | None = None) -> TaskView:
    timed = now is not None and calendar is not None and row.state == "open"
    status = deadlines.status(row.due_at, now, calendar) if timed and now and calendar else None
    left = (deadlines.working_days_left(row.due_at, now, calendar)
            if timed and now and calendar and row.due_at else None)
    return TaskView(id=row.id, instance_id=row.instance_id, process_id=row.process_id, element_id=row.element_id,
                    name=row.name, lane=row.lane, candidate_groups=tuple(sorted(row.groups)),
                    assignee=row.assignee, state=row.state, form_key=row.form_key, created_at=row.created_at,
                    completed_at=row.completed_at, completed_by=row.completed_by, due_at=row.due_at,
                    reserved_for=row.reserved_for, due_status=status, overdue_at=row.overdue_at,
                    working_days_left=left, title=row.title, urgency=by_rank(row.urgency).code,
                    notice=json.loads(row.notice_json) if row.notice_json else None)


def of_instance_query(instance_id: int) -> Select[Any]:
    return (select(*_COLUMNS).where(HumanTask.c.instance_id == instance_id, HumanTask.c.state == "open")
            .order_by(HumanTask.c.id))


def all_of_instance_query(instance_id: int) -> Select[Any]:
    """Every task row of a case (open, completed, cancelled), oldest first."""
    return select(*_COLUMNS).where(HumanTask.c.instance_id == instance_id).order_by(HumanTask.c.id)


def done_of_instance_query(instance_id: int) -> Select[Any]:
    """A case's completed steps in the order they were done."""
    return (select(*_COLUMNS).where(HumanTask.c.instance_id == instance_id, HumanTask.c.state == "completed")
            .order_by(HumanTask.c.completed_at, HumanTask.c.id))


def by_id_query(task_id: int) -> Select[Any]:
    return select(*_COLUMNS).where(HumanTask.c.id == task_id)
