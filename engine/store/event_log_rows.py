"""The rows an event-log export reads (engine.services.event_log): the cases of one procedure
started in a period, in batches by id, and their history events in order. Read only."""
from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, select

from .tables import HistoryEvent, Instance, ProcessDefinition


@dataclass(frozen=True)
class CaseWindow:
    """Which cases: one procedure's, started in [since, until) (UTC instants; None: open)."""

    process_id: str
    since: datetime | None
    until: datetime | None


@dataclass(frozen=True)
class CaseRow:
    id: int
    version: int
    status: str
    started_by: str
    title: str
    created_at: datetime


@dataclass(frozen=True)
class EventRow:
    instance_id: int
    seq: int
    event_type: str
    actor: str | None
    occurred_at: str
    payload: dict[str, Any]


def _where(window: CaseWindow) -> list[Any]:
    conditions: list[Any] = [Instance.c.process_id == window.process_id]
    if window.since is not None:
        conditions.append(Instance.c.created_at >= window.since)
    if window.until is not None:
        conditions.append(Instance.c.created_at < window.until)
    return conditions


def count(conn: Connection, window: CaseWindow) -> tuple[int, int]:
    """(cases, history events) in the window: the export's total, for its progress."""
    cases = conn.scalar(select(func.count()).select_from(Instance).where(*_where(window))) or 0
    events = conn.scalar(select(func.coalesce(func.sum(Instance.c.history_seq), 0)).where(*_where(window))) or 0
    return int(cases), int(events)


def cases_after(conn: Connection, window: CaseWindow, after_id: int, limit: int) -> list[CaseRow]:
    """The next ``limit`` cases of the window with an id above ``after_id``, by id."""
    query = (select(Instance.c.id, ProcessDefinition.c.version, Instance.c.status, Instance.c.started_by,
                    Instance.c.title, Instance.c.created_at)
             .join(ProcessDefinition, ProcessDefinition.c.id == Instance.c.definition_id)
             .where(*_where(window), Instance.c.id > after_id).order_by(Instance.c.id).limit(limit))
    return [CaseRow(r.id, r.version, r.status, r.started_by, r.title or "", r.created_at)
            for r in conn.execute(query)]


def events_of(conn: Connection, instance_ids: Sequence[int]) -> Iterator[EventRow]:
    """The history events of these cases, case by case in order."""
    if not instance_ids:
        return
    rows = conn.execute(select(HistoryEvent.c.instance_id, HistoryEvent.c.seq, HistoryEvent.c.event_type,
                               HistoryEvent.c.actor, HistoryEvent.c.occurred_at, HistoryEvent.c.payload)
                        .where(HistoryEvent.c.instance_id.in_(list(instance_ids)))
                        .order_by(HistoryEvent.c.instance_id, HistoryEvent.c.seq))
    for r in rows:
        yield EventRow(r.instance_id, r.seq, r.event_type, r.actor, r.occurred_at, json.loads(r.payload))


def known_process(conn: Connection, process_id: str) -> bool:
    return conn.scalar(select(ProcessDefinition.c.id).where(ProcessDefinition.c.process_id == process_id)
                       .limit(1)) is not None
