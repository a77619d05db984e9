"""Proposed changes of procedures (``process_changes``): drafts, submissions and decisions.

Every write names the ``lock_version`` it read and bumps it (``WHERE lock_version = :seen``): a
save from a stale tab, or two people deciding at once, changes no row and the service reports a
conflict. One open change (draft or submitted) per procedure: ``open_slot`` is 1 while open, and
the unique (process_id, open_slot) refuses a second.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from .tables import ProcessChange

OPEN = ("draft", "submitted")


@dataclass(frozen=True)
class ChangeRow:
    id: int
    process_id: str
    base_version: int
    status: str
    bpmn_xml: str
    forms_json: str
    authors: tuple[str, ...]
    created_at: datetime
    updated_at: datetime
    lock_version: int
    effective_from: date | None
    note: str
    submitted_by: str | None
    submitted_at: datetime | None
    diff_json: str | None
    decided_by: str | None
    decided_at: datetime | None
    decision_note: str
    published_version: int | None


@dataclass(frozen=True)
class DraftWrite:
    """A draft's content as saved by one person."""

    bpmn_xml: str
    forms_json: str
    author: str
    now: datetime


@dataclass(frozen=True)
class Submission:
    submitted_by: str
    effective_from: date
    note: str
    diff_json: str
    now: datetime


@dataclass(frozen=True)
class Decision:
    decided_by: str
    status: str  # published | rejected (back to draft) | withdrawn
    note: str
    now: datetime
    published_version: int | None = None


_C = ProcessChange.c
_COLUMNS = (_C.id, _C.process_id, _C.base_version, _C.status, _C.bpmn_xml, _C.forms_json, _C.authors,
            _C.created_at, _C.updated_at, _C.lock_version, _C.effective_from, _C.note, _C.submitted_by,
            _C.submitted_at, _C.diff_json, _C.decided_by, _C.decided_at, _C.decision_note, _C.published_version)


def _row(r: Any) -> ChangeRow:
    values = dict(r._mapping)
    values["authors"] = tuple(str(values["authors"]).split())
    return ChangeRow(**values)


def get(conn: Connection, change_id: int) -> ChangeRow | None:
    row = conn.execute(select(*_COLUMNS).where(_C.id == change_id)).first()
    return _row(row) if row else None


def open_change(conn: Connection, process_id: str) -> ChangeRow | None:
    """The procedure's draft or submitted change, if any."""
    row = conn.execute(select(*_COLUMNS).where(_C.process_id == process_id, _C.open_slot == 1)).first()
    return _row(row) if row else None


def listed(conn: Connection, process_id: str | None = None, limit: int = 200) -> list[ChangeRow]:
    """Changes, newest first (of one procedure, or of all)."""
    query = select(*_COLUMNS).order_by(_C.id.desc()).limit(limit)
    if process_id is not None:
        query = query.where(_C.process_id == process_id)
    return [_row(r) for r in conn.execute(query)]


def create(conn: Connection, process_id: str, base_version: int, content: DraftWrite) -> int:
    """A new draft. A second open change of the procedure (a race lost) breaks the unique
    (process_id, open_slot): the unit of work reports it as a conflict, nothing written."""
    key = conn.execute(insert(ProcessChange).values(
        process_id=process_id, base_version=base_version, status="draft", open_slot=1,
        bpmn_xml=content.bpmn_xml, forms_json=content.forms_json, authors=content.author,
        created_at=content.now, updated_at=content.now, lock_version=1, note="",
        decision_note="")).inserted_primary_key
    assert key is not None
    return int(key[0])


def save(conn: Connection, change: ChangeRow, content: DraftWrite) -> bool:
    """Replace the draft's content (False: someone saved or decided it since ``change`` was read)."""
    authors = " ".join(dict.fromkeys((*change.authors, content.author)))
    result = conn.execute(update(ProcessChange).where(
        _C.id == change.id, _C.lock_version == change.lock_version, _C.status == "draft").values(
        bpmn_xml=content.bpmn_xml, forms_json=content.forms_json, authors=authors, updated_at=content.now,
        lock_version=change.lock_version + 1))
    return result.rowcount == 1


def submit(conn: Connection, change: ChangeRow, submission: Submission) -> bool:
    result = conn.execute(update(ProcessChange).where(
        _C.id == change.id, _C.lock_version == change.lock_version, _C.status == "draft").values(
        status="submitted", submitted_by=submission.submitted_by, submitted_at=submission.now,
        effective_from=submission.effective_from, note=submission.note, diff_json=submission.diff_json,
        updated_at=submission.now, lock_version=change.lock_version + 1))
    return result.rowcount == 1


def decide(conn: Connection, change: ChangeRow, decision: Decision) -> bool:
    """Publish, withdraw (both close the change) or reject (it goes back to its owners as a draft)."""
    back_to_draft = decision.status == "rejected"
    result = conn.execute(update(ProcessChange).where(
        _C.id == change.id, _C.lock_version == change.lock_version, _C.status.in_(OPEN)).values(
        status="draft" if back_to_draft else decision.status, open_slot=1 if back_to_draft else None,
        decided_by=decision.decided_by, decided_at=decision.now, decision_note=decision.note,
        published_version=decision.published_version, updated_at=decision.now,
        lock_version=change.lock_version + 1))
    return result.rowcount == 1
