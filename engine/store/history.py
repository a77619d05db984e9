"""The history: an append-only, per-instance, hash-chained event stream.

``Recorder`` is the only writer. Each event's hash is an HMAC-SHA-256, keyed with the server key
(engine.server_key, a file the database does not hold), over the canonical JSON of its instance
id, sequence number, type, actor, time, payload and the previous event's hash: an edited, deleted
or inserted row breaks the chain at that point, and someone who can rewrite the database but not
read the key cannot recompute a chain that verifies. The last event of each operation that moved
the case's workflow carries digests of the state it left (``state``: the workflow and the case
data), so verify can tell the stored state from the one the history vouches for. ``verify``
recomputes the chains. Execution never reads the history; audit and replay read only it.

Event types are the closed vocabulary ``EventType`` (``subject_past_tense_verb``); the
auditor's replay relies on it, so a new kind of event is a new member here.
"""
from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Connection,
    Integer,
    Result,
    Text,
    Update,
    bindparam,
    column,
    func,
    insert,
    select,
)

from ..results import ChainReport, HistoryEventView
from ..time import clock
from . import agreement
from .tables import HistoryEvent, Instance

GENESIS = "0" * 64


class EventType(StrEnum):
    """Every kind of history event (the stored value is the member's value)."""

    INSTANCE_STARTED = "instance_started"
    INSTANCE_COMPLETED = "instance_completed"
    TASK_CREATED = "task_created"
    TASK_CLAIMED = "task_claimed"
    TASK_UNCLAIMED = "task_unclaimed"
    TASK_COMPLETED = "task_completed"
    TASK_CANCELLED = "task_cancelled"
    TASK_OVERDUE = "task_overdue"
    REMINDER_SENT = "reminder_sent"
    DEADLINE_CHANGED = "deadline_changed"
    TIMER_SET = "timer_set"
    TIMER_MOVED = "timer_moved"
    TIMER_CANCELLED = "timer_cancelled"
    TIMER_FIRED = "timer_fired"
    TASK_DELEGATED = "task_delegated"
    URGENCY_CHANGED = "urgency_changed"
    REGISTER_NUMBER_ISSUED = "register_number_issued"
    TASK_HANDED_OVER = "task_handed_over"  # to the deputy of an absent holder (engine.services.acting)
    TASK_SHARED_FOR_PREPARATION = "task_shared_for_preparation"  # "on behalf of": a colleague prepares it
    TASK_SIGNED = "task_signed"
    INSTANCE_MIGRATED = "instance_migrated"  # moved to another version of its process (engine.services.migration)
    # the holiday calendar changed while the case waited on date timers: they were evaluated again on it
    TIMERS_REEVALUATED = "timers_reevaluated"


# The rows of one append as one JSON parameter: a statement of one shape, whatever the number of
# events, so that it is compiled once and prepared by the server.
_ROWS = func.json_to_recordset(bindparam("rows", type_=JSON)).table_valued(
    column("instance_id", BigInteger), column("seq", Integer), column("event_type", Text), column("actor", Text),
    column("occurred_at", Text), column("payload", Text), column("prev_hash", Text), column("hash", Text),
).render_derived(with_types=True)
_APPEND_ROWS = insert(HistoryEvent).from_select(list(_ROWS.c.keys()), select(*_ROWS.c)).cte("appended")


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


@dataclass(frozen=True)
class ChainLink:
    """What an event's hash covers."""

    instance_id: int
    seq: int
    event_type: str
    actor: str | None
    occurred_at: str
    payload: Any
    prev_hash: str


def event_hash(link: ChainLink, key: bytes) -> str:
    body = canonical_json({"instance_id": link.instance_id, "seq": link.seq, "type": link.event_type,
                           "actor": link.actor, "at": link.occurred_at, "payload": link.payload,
                           "prev": link.prev_hash})
    return hmac.new(key, body.encode("utf-8"), hashlib.sha256).hexdigest()


def utc_now_iso() -> str:
    """The operation's time (the database clock, see engine.clock)."""
    return clock.now().astimezone(UTC).isoformat(timespec="microseconds")


class Recorder:
    """Collects the events of one operation on one instance and appends them at flush.

    The case operation (engine.operation) owns one recorder per case: it passes the chain head
    it read under the instance row lock (``last_seq``, ``last_hash``; an instance being started
    has none yet, and gets its id before the flush); ``flush`` returns the new head, which the
    operation writes back to the instance row in the same unit of work (given the operation's
    UPDATE, ``flush`` runs it with the append: on PostgreSQL as one statement). Two writers that read
    the same head collide on the unique (instance_id, seq) and one gets a Conflict.
    """

    def __init__(self, conn: Connection, instance_id: int | None, head: tuple[int, str], key: bytes) -> None:
        self.conn = conn
        self.key = key
        last_seq, last_hash = head
        self.instance_id = instance_id
        self.seq = last_seq
        self.head = last_hash
        self._pending: list[tuple[EventType, str | None, dict[str, Any]]] = []

    @property
    def pending(self) -> bool:
        return bool(self._pending)

    def record(self, event_type: EventType, actor: str | None, **payload: Any) -> None:
        self._pending.append((EventType(event_type), actor, payload))

    def vouch_for_state(self, digests: dict[str, str]) -> None:
        """The last pending event records the state the operation leaves (``state_digests``)."""
        if not self._pending:
            raise RuntimeError("a state is vouched for by an event of its operation; there is none")
        self._pending[-1][2]["state"] = digests

    def flush(self, head_write: Update | None = None, params: dict[str, Any] | None = None) -> Result[Any] | None:
        """Append the pending events. ``head_write``, if given, is the UPDATE that stores the new
        head (``seq`` and ``head`` are added to its ``params``); it runs with the append, in the
        same statement on PostgreSQL (a data-modifying WITH, one round trip), and its result is
        returned for the caller's version check."""
        rows = self._seal()
        values = dict(params or {}, seq=self.seq, head=self.head)
        connection = self.conn
        if head_write is not None and rows and connection.dialect.name == "postgresql":
            values["rows"] = rows
            return connection.execute(head_write.add_cte(_APPEND_ROWS), values)
        if rows:
            connection.execute(insert(HistoryEvent), rows)
        return connection.execute(head_write, values) if head_write is not None else None

    def _seal(self) -> list[dict[str, Any]]:
        """The pending events as rows, each chained to the one before; the head moves past them."""
        if self._pending and self.instance_id is None:
            raise RuntimeError("the recorder has no instance id to flush to")
        now = utc_now_iso()
        rows = []
        for event_type, actor, payload in self._pending:
            self.seq += 1
            digest = event_hash(ChainLink(self.instance_id or 0, self.seq, event_type.value, actor, now, payload,
                                          self.head), self.key)
            rows.append({"instance_id": self.instance_id, "seq": self.seq, "event_type": event_type.value,
                         "actor": actor, "occurred_at": now, "payload": canonical_json(payload),
                         "prev_hash": self.head, "hash": digest})
            self.head = digest
        self._pending.clear()
        return rows


def events_of(conn: Connection, instance_id: int) -> list[HistoryEventView]:
    """One case's history in order (for the case page and ``instance show``)."""
    rows = conn.execute(select(HistoryEvent.c.seq, HistoryEvent.c.event_type, HistoryEvent.c.actor,
                                  HistoryEvent.c.occurred_at, HistoryEvent.c.payload, HistoryEvent.c.hash)
                           .where(HistoryEvent.c.instance_id == instance_id).order_by(HistoryEvent.c.seq))
    return [HistoryEventView(r.seq, r.event_type, r.actor, r.occurred_at, json.loads(r.payload), r.hash)
            for r in rows]


def completed_data(conn: Connection, instance_id: int) -> dict[int, dict[str, Any]]:
    """The data each task of a case was completed with, by task id (for the pages that show the
    case's earlier steps; execution never reads the history)."""
    completed = HistoryEvent.c.event_type == EventType.TASK_COMPLETED.value
    rows = conn.execute(select(HistoryEvent.c.payload)
                        .where(HistoryEvent.c.instance_id == instance_id, completed).order_by(HistoryEvent.c.seq))
    out: dict[int, dict[str, Any]] = {}
    for (payload,) in rows:
        event = json.loads(payload)
        if isinstance(event.get("task_id"), int):
            out[event["task_id"]] = dict(event.get("data") or {})
    return out


def verify(conn: Connection, key: bytes, instance_id: int | None = None) -> Iterator[ChainReport]:
    """Recompute every chain (or one) with the server's chain key; yield one report per instance."""
    heads = select(Instance.c.id, Instance.c.history_seq, Instance.c.history_head).order_by(Instance.c.id)
    if instance_id is not None:
        heads = heads.where(Instance.c.id == instance_id)
    head_of = {row.id: (row.history_seq, row.history_head) for row in conn.execute(heads)}
    orphan_ids = conn.scalars(select(HistoryEvent.c.instance_id).distinct()).all()
    ids = sorted(set(head_of) | ({i for i in orphan_ids if instance_id in (None, i)}))
    for iid in ids:
        yield _verify_one(conn, (iid, key), head_of.get(iid))


def _verify_one(conn: Connection, chain: tuple[int, bytes], head_row: tuple[int, str] | None) -> ChainReport:
    instance_id, key = chain
    rows = conn.execute(
        select(HistoryEvent.c.seq, HistoryEvent.c.event_type, HistoryEvent.c.actor, HistoryEvent.c.occurred_at,
               HistoryEvent.c.payload, HistoryEvent.c.prev_hash, HistoryEvent.c.hash)
        .where(HistoryEvent.c.instance_id == instance_id).order_by(HistoryEvent.c.seq)).yield_per(1000)
    prev, expected, count = GENESIS, 1, 0
    replay: list[tuple[int, str, str | None, dict[str, Any]]] = []

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
        if event_hash(ChainLink(instance_id, seq, event_type, actor, occurred_at, payload, prev_hash), key) != digest:
            return bad(seq, "content does not match its hash (edited, or recomputed without the server key)")
        replay.append((seq, event_type, actor, payload))
        prev, expected = digest, expected + 1
    broken = _head_disagrees(head_row, expected - 1, prev) or agreement.disagreement(conn, instance_id, replay)
    return bad(*broken) if broken else ChainReport(instance_id, count, True)


def _head_disagrees(head_row: tuple[int, str] | None, last: int, last_hash: str) -> tuple[int, str] | None:
    """Where the chain's end and the head the instance recorded part (None if they agree)."""
    if head_row is None:
        return 1, "events exist for an instance that does not exist"
    head, head_hash = head_row
    if last < head:
        return last + 1, f"event {last + 1} is missing (the instance recorded {head} events)"
    if last > head:
        return head + 1, f"event {head + 1} was inserted (the instance recorded only {head} events)"
    if last_hash != head_hash:
        return head, "the last event is not the one the instance recorded"
    return None


def heads(conn: Connection, instance_id: int | None = None) -> dict[int, tuple[int, str]]:
    """Every case's chain head (or one case's): (number of events, hash of the last)."""
    query = select(Instance.c.id, Instance.c.history_seq, Instance.c.history_head)
    rows = conn.execute(query if instance_id is None else query.where(Instance.c.id == instance_id))
    return {r.id: (r.history_seq, r.history_head) for r in rows}


def hash_at(conn: Connection, instance_id: int, seq: int) -> str | None:
    return conn.scalar(select(HistoryEvent.c.hash).where(HistoryEvent.c.instance_id == instance_id,
                                                         HistoryEvent.c.seq == seq))


def count_events(conn: Connection) -> int:
    return conn.scalar(select(func.count()).select_from(HistoryEvent)) or 0


def last_event_id(conn: Connection) -> int:
    return conn.scalar(select(func.max(HistoryEvent.c.id))) or 0
