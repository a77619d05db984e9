"""The worklist's saved views as keyset-paginated index range scans.

Open views are ordered by urgency (most urgent first), then due time (tasks without a deadline
last), then id; "completed" by completion time, newest first. A page is asked for *after* the last
row of the previous one (its sort key, the cursor), so page 500 costs what page 1 costs.

Who may work a task is a union of branches (an acting official's groups and the position holders'
reserved tasks are more branches of the same kinds, engine.model.acting), each read from the index
that holds exactly its rows in the order shown (migration 0006): assigned to me (``ix_tasks_mine``), reserved for me
and unclaimed (``ix_tasks_reserved``), waiting in the queue of one of my groups
(``ix_task_candidates_queue``, one branch per group), open to anyone (``ix_tasks_anyone``). Each
branch stops after a page and one row; the page is the first rows of their union. A user with
10,000 tasks costs what a user with 10 costs.
"""
from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, literal_column, or_, select, tuple_, union_all

from ..errors import InvalidInput
from ..model.worklist import WorklistFilter
from .tables import FAR_FUTURE, HumanTask, TaskCandidate
from .task_rows import TASK_COLUMNS

VIEWS = ("all", "mine", "group", "overdue", "due_today", "completed")
_T = HumanTask.c
_C = TaskCandidate.c
# The constants of the partial indexes' conditions are written into the statement (not bound), so
# that both planners see that an index holds the branch's rows.
_OPEN: ColumnElement[str] = literal_column("'open'")
_NOBODY: ColumnElement[str] = literal_column("''")


@dataclass(frozen=True)
class Cursor:
    """The sort key of the last row of a page: (urgency rank, due or completion time as ISO text, id)."""

    urgency: int
    at: str
    id: int

    def encode(self) -> str:
        return base64.urlsafe_b64encode(json.dumps([self.urgency, self.at, self.id]).encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, text: str) -> Cursor:
        try:
            urgency, at, row_id = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
            datetime.fromisoformat(at)
            if not all(isinstance(n, int) and not isinstance(n, bool) for n in (urgency, row_id)):
                raise ValueError
            return cls(urgency, at, row_id)
        except (ValueError, TypeError):
            raise InvalidInput("the page cursor is not valid; start from the first page", field="cursor") from None


@dataclass(frozen=True)
class PageRequest:
    """One page of one view for one user (with ``groups``), after ``after``."""

    view: str
    username: str
    groups: frozenset[str]
    day: tuple[datetime, datetime, datetime]  # now, start of today, start of tomorrow (Bangkok, in UTC)
    after: Cursor | None = None
    limit: int = 50
    where: WorklistFilter = WorklistFilter()
    # The holders of the positions the user acts for today (their personal tasks are the position's).
    on_behalf_of: frozenset[str] = frozenset()


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _filters(req: PageRequest) -> list[ColumnElement[bool]]:
    """Conditions on the task row: the view's time window and the filter."""
    now, today, tomorrow = req.day
    out: list[ColumnElement[bool]] = []
    if req.view == "overdue":
        out.append(_T.due_sort < now)
    elif req.view == "due_today":
        out += [_T.due_sort >= today, _T.due_sort < tomorrow]
    if req.where.process_id:
        out.append(_T.process_id == req.where.process_id)
    if req.where.text:
        pattern = f"%{_escape_like(req.where.text)}%"
        found = or_(_T.title.ilike(pattern, escape="\\"), _T.name.ilike(pattern, escape="\\"))
        if req.where.text.isdigit() and len(req.where.text) < 19:
            found = or_(found, _T.instance_id == int(req.where.text))
        out.append(found)
    return out


def _after(key: tuple[Any, Any, Any], after: Cursor | None) -> list[ColumnElement[bool]]:
    if after is None:
        return []
    return [tuple_(*key) > tuple_(after.urgency, datetime.fromisoformat(after.at), after.id)]


def _task_branch(req: PageRequest, who: ColumnElement[bool]) -> Select[Any]:
    key = (_T.urgency, _T.due_sort, _T.id)
    inner = (select(_T.id).where(_T.state == _OPEN, who, *_filters(req), *_after(key, req.after))
             .order_by(*key).limit(req.limit + 1).subquery())
    return select(inner.c.id)


def _group_branch(req: PageRequest, group: str) -> Select[Any]:
    key = (_C.urgency, _C.due_sort, _C.task_id)
    query = select(_C.task_id.label("id")).where(_C.group_id == group, _C.queued, *_after(key, req.after))
    filters = _filters(req)
    if filters:  # conditions on the task: read it along (still in the queue's order)
        query = query.join(HumanTask, _T.id == _C.task_id).where(*filters)
    inner = query.order_by(*key).limit(req.limit + 1).subquery()
    return select(inner.c.id)


def page_query(req: PageRequest) -> Select[Any]:
    """The task rows of one page of a view, in order, with one row more than ``limit`` (which
    tells whether there is a next page)."""
    if req.view not in VIEWS:
        raise InvalidInput(f"unknown worklist view {req.view!r} (one of: {', '.join(VIEWS)})", field="view")
    if req.view == "completed":
        return _completed(req)
    branches: list[Select[Any]] = []
    if req.view != "group":
        branches.append(_task_branch(req, _T.assignee == req.username))
    if req.view != "mine":
        branches += [_task_branch(req, and_(_T.assignee.is_(None), _T.reserved_for == who))
                     for who in sorted({req.username} | req.on_behalf_of)]
        branches += [_group_branch(req, g) for g in sorted(req.groups)]
        branches.append(_task_branch(req, and_(_T.assignee.is_(None), _T.reserved_for.is_(None),
                                               _T.candidate_groups == _NOBODY)))
    ids = union_all(*branches).subquery() if len(branches) > 1 else branches[0].subquery()
    return (select(*TASK_COLUMNS).where(_T.id.in_(select(ids.c.id)))
            .order_by(_T.urgency, _T.due_sort, _T.id).limit(req.limit + 1))


def _completed(req: PageRequest) -> Select[Any]:
    query = select(*TASK_COLUMNS).where(_T.state == "completed", _T.completed_by == req.username,
                                        *[f for f in _filters(req)])
    if req.after is not None:
        at = datetime.fromisoformat(req.after.at)
        query = query.where(or_(_T.completed_at < at, and_(_T.completed_at == at, _T.id < req.after.id)))
    return query.order_by(_T.completed_at.desc(), _T.id.desc()).limit(req.limit + 1)


def cursor_of(view: str, row: Any) -> Cursor:
    """The cursor after a task row (a TaskRow) in a view's order."""
    if view == "completed":
        return Cursor(0, (row.completed_at or FAR_FUTURE).isoformat(), row.id)
    return Cursor(row.urgency, (row.due_at or FAR_FUTURE).isoformat(), row.id)
