"""Users' signing keys and the signatures of signature steps (tables ``user_keys``, ``signatures``)."""
from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from .db import affected
from .tables import SignatureRow, UserKey

WIPED = "{}"  # the wrapped private key of a retired key pair: nothing left to open


@dataclass(frozen=True)
class KeyRow:
    id: int
    username: str
    public_key: str
    valid_from: datetime
    valid_to: datetime | None
    wrapped_key: str


@dataclass(frozen=True)
class StoredSignature:
    id: int
    instance_id: int
    task_id: int
    element_id: str
    signer: str
    signer_name: str
    position: dict[str, Any]
    capacity: dict[str, Any]
    signed_at: datetime
    content: dict[str, Any]
    documents: list[dict[str, Any]]
    digest: str
    key_id: int
    signature: str


def _key(row: Any) -> KeyRow:
    return KeyRow(row.id, row.username, row.public_key, row.valid_from, row.valid_to, row.wrapped_key)


def live_key(conn: Connection, username: str) -> KeyRow | None:
    """The user's current key pair (not retired), if any."""
    row = conn.execute(select(UserKey).where(UserKey.c.username == username, UserKey.c.valid_to.is_(None))
                       .order_by(UserKey.c.id.desc()).limit(1)).first()
    return _key(row) if row else None


def keys_by_id(conn: Connection, ids: Iterable[int]) -> dict[int, KeyRow]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    return {r.id: _key(r) for r in conn.execute(select(UserKey).where(UserKey.c.id.in_(wanted)))}


def keys_of(conn: Connection, username: str) -> list[KeyRow]:
    return [_key(r) for r in conn.execute(select(UserKey).where(UserKey.c.username == username)
                                          .order_by(UserKey.c.id))]


def insert_key(conn: Connection, username: str, public_key: str, wrapped: str, now: datetime) -> int:
    result = conn.execute(insert(UserKey).values(username=username, public_key=public_key, valid_from=now,
                                                 valid_to=None, wrapped_key=wrapped, created_at=now)
                          .returning(UserKey.c.id))
    return int(result.scalar_one())


def rewrap(conn: Connection, key: KeyRow, wrapped: str) -> bool:
    """Store the key wrapped anew (a password change), if the row is still as read and live."""
    result = conn.execute(update(UserKey).where(UserKey.c.id == key.id, UserKey.c.wrapped_key == key.wrapped_key,
                                                UserKey.c.valid_to.is_(None))
                          .values(wrapped_key=wrapped))
    return affected(result) == 1


def retire(conn: Connection, username: str, now: datetime) -> int:
    """End the validity of the user's live keys and wipe their private part; how many."""
    result = conn.execute(update(UserKey).where(UserKey.c.username == username, UserKey.c.valid_to.is_(None))
                          .values(valid_to=now, wrapped_key=WIPED))
    return affected(result)


def insert_signature(conn: Connection, sig: StoredSignature) -> int:
    values = {"instance_id": sig.instance_id, "task_id": sig.task_id, "element_id": sig.element_id,
              "signer": sig.signer, "signer_name": sig.signer_name,
              "position_json": json.dumps(sig.position, ensure_ascii=False),
              "capacity_json": json.dumps(sig.capacity, ensure_ascii=False), "signed_at": sig.signed_at,
              "content_json": json.dumps(sig.content, ensure_ascii=False, sort_keys=True),
              "documents_json": json.dumps(sig.documents, ensure_ascii=False), "digest": sig.digest,
              "key_id": sig.key_id, "signature": sig.signature}
    return int(conn.execute(insert(SignatureRow).values(**values).returning(SignatureRow.c.id)).scalar_one())


def _signature(row: Any) -> StoredSignature:
    return StoredSignature(row.id, row.instance_id, row.task_id, row.element_id, row.signer, row.signer_name,
                           json.loads(row.position_json), json.loads(row.capacity_json), row.signed_at,
                           json.loads(row.content_json), json.loads(row.documents_json), row.digest, row.key_id,
                           row.signature)


def signatures(conn: Connection, instance_id: int | None = None, task_id: int | None = None) -> list[StoredSignature]:
    """Signatures (of one case, one task, or all), oldest first."""
    query = select(SignatureRow).order_by(SignatureRow.c.id)
    if instance_id is not None:
        query = query.where(SignatureRow.c.instance_id == instance_id)
    if task_id is not None:
        query = query.where(SignatureRow.c.task_id == task_id)
    return [_signature(r) for r in conn.execute(query)]


def signature(conn: Connection, signature_id: int) -> StoredSignature | None:
    row = conn.execute(select(SignatureRow).where(SignatureRow.c.id == signature_id)).first()
    return _signature(row) if row else None
