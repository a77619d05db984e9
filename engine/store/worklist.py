"""The worklist's saved views as keyset-paginated queries.

Open views are ordered by due time (tasks without a deadline last), then id; "completed" by
completion time, newest first. A page is asked for *after* the last row of the previous one
(its sort key, the cursor), so page 500 costs what page 1 costs.
"""
from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, false, or_, select, true

from ..errors import InvalidInput
from .tables import HumanTask, TaskCandidate
from .task_rows import TASK_COLUMNS

VIEWS = ("all", "mine", "group", "overdue", "due_today", "completed")
_FAR = datetime(9999, 12, 31).isoformat()


@dataclass(frozen=True)
class Cursor:
    """The sort key of the last row of a page: (due or completion time as ISO text, id)."""

    at: str
    id: int

    def encode(self) -> str:
        return base64.urlsafe_b64encode(json.dumps([self.at, self.id]).encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, text: str) -> Cursor:
        try:
            at, row_id = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
            datetime.fromisoformat(at)
            if not isinstance(row_id, int) or isinstance(row_id, bool):
                raise ValueError
            return cls(at, row_id)
        except (ValueError, TypeError):
            raise InvalidInput("the page cursor is not valid; start from the first page", field="cursor") from None


def _claimable(username: str, groups: set[str]) -> ColumnElement[bool]:
    in_my_groups = (exists().where(TaskCandidate.c.task_id == HumanTask.c.id, TaskCandidate.c.group_id.in_(groups))
                    if groups else false())
    return and_(HumanTask.c.assignee.is_(None),
                or_(HumanTask.c.reserved_for == username,
                    and_(HumanTask.c.reserved_for.is_(None), or_(in_my_groups, HumanTask.c.candidate_groups == ""))))


def view_query(view: str, username: str, groups: set[str], day: tuple[datetime, datetime, datetime]) -> Select[Any]:
    """``day`` is (now, start of today, start of tomorrow), Bangkok days in UTC."""
    if view not in VIEWS:
        raise InvalidInput(f"unknown worklist view {view!r} (one of: {', '.join(VIEWS)})", field="view")
    now, today, tomorrow = day
    if view == "completed":
        return select(*TASK_COLUMNS).where(HumanTask.c.state == "completed", HumanTask.c.completed_by == username)
    mine = HumanTask.c.assignee == username
    claimable = _claimable(username, groups)
    who = {"mine": mine, "group": claimable}.get(view, or_(mine, claimable))
    when: ColumnElement[bool] = {
        "overdue": HumanTask.c.due_at < now,
        "due_today": and_(HumanTask.c.due_at >= today, HumanTask.c.due_at < tomorrow),
    }.get(view, true())
    return select(*TASK_COLUMNS).where(HumanTask.c.state == "open", who, when)


def page_query(view: str, query: Select[Any], after: Cursor | None, limit: int) -> Select[Any]:
    """One page of a view's query in its order, after the cursor; one row more than ``limit``
    tells whether there is a next page."""
    if view == "completed":
        key = HumanTask.c.completed_at
        if after is not None:
            at = datetime.fromisoformat(after.at)
            query = query.where(or_(key < at, and_(key == at, HumanTask.c.id < after.id)))
        return query.order_by(key.desc(), HumanTask.c.id.desc()).limit(limit + 1)
    if after is not None:
        if after.at == _FAR:  # past every dated task: the undated ones, by id
            query = query.where(HumanTask.c.due_at.is_(None), HumanTask.c.id > after.id)
        else:
            at = datetime.fromisoformat(after.at)
            query = query.where(or_(HumanTask.c.due_at > at, and_(HumanTask.c.due_at == at, HumanTask.c.id > after.id),
                                    HumanTask.c.due_at.is_(None)))
    return query.order_by(HumanTask.c.due_at.is_(None), HumanTask.c.due_at, HumanTask.c.id).limit(limit + 1)


def cursor_of(view: str, due_at: datetime | None, completed_at: datetime | None, row_id: int) -> Cursor:
    moment = completed_at if view == "completed" else due_at
    return Cursor(moment.isoformat() if moment else _FAR, row_id)
