"""The history: an append-only, per-instance, hash-chained event stream.

``Recorder`` is the only writer. Each event's hash is SHA-256 over the canonical JSON of
its instance id, sequence number, type, actor, time, payload and the previous event's
hash, so an edited, deleted or inserted row breaks the chain at that point. ``verify``
recomputes the chains. Execution never reads the history; audit and replay read only it.

Event types are ``subject_past_tense_verb``: instance_started, task_created, task_claimed,
task_unclaimed, task_completed, task_cancelled, instance_completed.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Iterator

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from .models import HistoryEvent, Instance

GENESIS = "0" * 64


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def event_hash(instance_id: int, seq: int, event_type: str, actor: str | None, occurred_at: str,
               payload: Any, prev_hash: str) -> str:
    body = canonical_json({"instance_id": instance_id, "seq": seq, "type": event_type, "actor": actor,
                           "at": occurred_at, "payload": payload, "prev": prev_hash})
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def utc_now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


class Recorder:
    """Collects the events of one operation on one instance and appends them at flush."""

    def __init__(self, session: Session, instance_id: int) -> None:
        self.session = session
        self.instance_id = instance_id
        self._pending: list[tuple[str, str | None, dict[str, Any]]] = []

    def record(self, event_type: str, actor: str | None, **payload: Any) -> None:
        self._pending.append((event_type, actor, payload))

    def flush(self) -> None:
        if not self._pending:
            return
        count = len(self._pending)
        # Atomic increment: concurrent appenders to one instance serialize on its row.
        last = self.session.execute(
            update(Instance).where(Instance.id == self.instance_id)
            .values(history_seq=Instance.history_seq + count)
            .returning(Instance.history_seq)).scalar_one()
        seq = last - count + 1
        prev = GENESIS if seq == 1 else self.session.scalar(
            select(HistoryEvent.hash).where(HistoryEvent.instance_id == self.instance_id,
                                            HistoryEvent.seq == seq - 1))
        if prev is None:
            prev = GENESIS  # the previous row is missing; verify will report it
        now = utc_now_iso()
        rows = []
        for event_type, actor, payload in self._pending:
            text = canonical_json(payload)
            digest = event_hash(self.instance_id, seq, event_type, actor, now, payload, prev)
            rows.append(HistoryEvent(instance_id=self.instance_id, seq=seq, event_type=event_type, actor=actor,
                                     occurred_at=now, payload=text, prev_hash=prev, hash=digest))
            prev, seq = digest, seq + 1
        self.session.add_all(rows)
        self._pending.clear()


@dataclass(frozen=True)
class ChainReport:
    instance_id: int
    events: int
    ok: bool
    first_bad_seq: int | None = None
    reason: str = ""


def verify(session: Session, instance_id: int | None = None) -> Iterator[ChainReport]:
    """Recompute every chain (or one); yield one report per instance."""
    heads = select(Instance.id, Instance.history_seq).order_by(Instance.id)
    if instance_id is not None:
        heads = heads.where(Instance.id == instance_id)
    head_of = dict(session.execute(heads).all())
    orphan_ids = session.scalars(select(HistoryEvent.instance_id).distinct()).all()
    ids = sorted(set(head_of) | ({i for i in orphan_ids if instance_id in (None, i)}))
    for iid in ids:
        yield _verify_one(session, iid, head_of.get(iid))


def _verify_one(session: Session, instance_id: int, head: int | None) -> ChainReport:
    rows = session.execute(
        select(HistoryEvent.seq, HistoryEvent.event_type, HistoryEvent.actor, HistoryEvent.occurred_at,
               HistoryEvent.payload, HistoryEvent.prev_hash, HistoryEvent.hash)
        .where(HistoryEvent.instance_id == instance_id).order_by(HistoryEvent.seq)).yield_per(1000)
    prev, expected, count = GENESIS, 1, 0

    def bad(seq: int, reason: str) -> ChainReport:
        return ChainReport(instance_id, count, False, seq, reason)

    for seq, event_type, actor, occurred_at, payload_text, prev_hash, digest in rows:
        count += 1
        if seq != expected:
            return bad(expected, f"event {expected} is missing" if seq > expected else f"event {seq} is duplicated")
        if prev_hash != prev:
            return bad(seq, "does not link to the previous event")
        try:
            payload = json.loads(payload_text)
        except ValueError:
            return bad(seq, "payload is not valid JSON")
        if canonical_json(payload) != payload_text:
            return bad(seq, "payload was rewritten")
        if event_hash(instance_id, seq, event_type, actor, occurred_at, payload, prev_hash) != digest:
            return bad(seq, "content does not match its hash")
        prev, expected = digest, expected + 1
    if head is None:
        return bad(1, "events exist for an instance that does not exist")
    if expected - 1 < head:
        return bad(expected, f"event {expected} is missing (the instance recorded {head} events)")
    if expected - 1 > head:
        return bad(head + 1, f"event {head + 1} was inserted (the instance recorded only {head} events)")
    return ChainReport(instance_id, count, True)


def count_events(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(HistoryEvent)) or 0
