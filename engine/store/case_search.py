"""The auditor's case search as one keyset-paginated query over ``instances`` (newest case first:
a page is asked for *after* the last case id of the previous one, so page 500 costs what page 1
costs), with the filters of ``engine.audit_results.CaseQuery``."""
from __future__ import annotations

import base64
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, exists, func, or_, select

from ..audit_results import CaseHit, CaseQuery
from ..errors import InvalidInput
from ..time.calendar import at_local
from .db import is_row_id
from .tables import HumanTask, Instance, ProcessDefinition, RegisterEntry

_I = Instance.c
_T = HumanTask.c
_R = RegisterEntry.c


def encode_cursor(instance_id: int) -> str:
    return base64.urlsafe_b64encode(str(instance_id).encode()).decode().rstrip("=")


def decode_cursor(text: str) -> int:
    try:
        value = int(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode())
    except (ValueError, TypeError, UnicodeDecodeError):
        value = 0
    if not is_row_id(value):  # a number past any row id would be a database error, not a page
        raise InvalidInput("the page cursor is not valid; start from the first page", field="cursor")
    return value


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _who(name: str) -> ColumnElement[bool]:
    of_case = _T.instance_id == _I.id
    took_part = exists().where(of_case, or_(_T.assignee == name, _T.completed_by == name, _T.reserved_for == name))
    return or_(_I.started_by == name, took_part)


def _conditions(q: CaseQuery, now: datetime) -> list[ColumnElement[bool]]:
    out: list[ColumnElement[bool]] = []
    if q.process_id:
        out.append(_I.process_id == q.process_id)
    if q.status:
        out.append(_I.status == q.status)
    if q.started_from:
        out.append(_I.created_at >= at_local(q.started_from, time(0)))
    if q.started_to:
        out.append(_I.created_at < at_local(q.started_to + timedelta(days=1), time(0)))
    if q.participant:
        out.append(_who(q.participant))
    if q.overdue:
        out.append(exists().where(_T.instance_id == _I.id, _T.state == "open", _T.due_sort < now))
    if q.register_number:
        out.append(exists().where(_R.instance_id == _I.id, _R.reference.ilike(_like(q.register_number), escape="\\")))
    if q.text:
        pattern = _like(q.text)
        found = or_(_I.data_json.ilike(pattern, escape="\\"), _I.title.ilike(pattern, escape="\\"))
        if q.text.isdigit() and len(q.text) < 19:
            found = or_(found, _I.id == int(q.text))
        out.append(found)
    return out


def page_query(q: CaseQuery, now: datetime, after: int | None, limit: int) -> Select[Any]:
    """The cases of one page, newest first, one row more than ``limit`` (there is a next page)."""
    d = ProcessDefinition.c
    query = (select(_I.id, _I.process_id, d.name, d.version, _I.title, _I.status, _I.started_by, _I.created_at,
                    _I.completed_at)
             .join(ProcessDefinition, d.id == _I.definition_id).where(*_conditions(q, now)))
    if after is not None:
        query = query.where(_I.id < after)
    return query.order_by(_I.id.desc()).limit(limit + 1)


def hits(conn: Connection, query: Select[Any], now: datetime) -> list[CaseHit]:
    rows = conn.execute(query).all()
    ids = [r.id for r in rows]
    late: dict[int, int] = {}
    numbers: dict[int, list[str]] = {}
    if ids:
        late = {i: n for i, n in conn.execute(
            select(_T.instance_id, func.count()).where(_T.instance_id.in_(ids), _T.state == "open", _T.due_sort < now)
            .group_by(_T.instance_id))}
        for i, ref in conn.execute(select(_R.instance_id, _R.reference)
                                   .where(_R.instance_id.in_(ids), _R.kind == "issued").order_by(_R.id)):
            numbers.setdefault(i, []).append(ref)
    return [CaseHit(r.id, r.process_id, r.name or r.process_id, r.version, r.title, r.status, r.started_by,
                    r.created_at, r.completed_at, late.get(r.id, 0), tuple(numbers.get(r.id, ())))
            for r in rows]
