"""The registers' counters and entries (tables ``register_counters`` and ``register_entries``).

``next_number`` moves a register's counter for a period with one locking ``UPDATE ... RETURNING``
(the row is made on first use with ``INSERT ... ON CONFLICT DO NOTHING``), inside the caller's
transaction: two transactions taking numbers from one register queue on the counter's row lock
(PostgreSQL) or on the write lock (SQLite, ``BEGIN IMMEDIATE``), and a rollback gives the number
back, so numbers are consecutive, never reused and never skipped. Entries are only inserted (the
database refuses UPDATE and DELETE, migration 0008). Each view of a secret entry is logged in
``register_views`` (append-only too, migration 0011).
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Row, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from .tables import RegisterCounter, RegisterEntry, RegisterViewLog

ISSUED, CORRECTED, CANCELLED = "issued", "corrected", "cancelled"


@dataclass(frozen=True)
class Letter:
    """The paper register's columns of one entry (what a correction may change)."""

    letter_reference: str = ""
    dated: date | None = None
    sender: str = ""
    addressee: str = ""
    subject: str = ""
    action: str = ""
    remarks: str = ""
    secrecy: int = 0


@dataclass(frozen=True)
class NewEntry:
    """One row to append: which number of which register, what kind of row, by whom and why."""

    register_id: str
    period: int
    number: int
    kind: str
    reference: str
    letter: Letter
    issued_at: datetime
    issued_by: str
    registered_on: date
    urgency: int = 4
    case: tuple[int | None, int | None] = (None, None)  # (instance id, task id)
    refers_to: int | None = None
    reason: str = ""
    capacity: dict[str, Any] | None = None


def next_number(conn: Connection, register_id: str, period: int) -> int:
    """The register's next number for the period, taken inside the caller's transaction."""
    bump = (update(RegisterCounter)
            .where(RegisterCounter.c.register_id == register_id, RegisterCounter.c.period == period)
            .values(last_number=RegisterCounter.c.last_number + 1)
            .returning(RegisterCounter.c.last_number))
    taken = conn.execute(bump).scalar()
    if taken is None:
        dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
        conn.execute(dialect.insert(RegisterCounter).values(register_id=register_id, period=period, last_number=0)
                     .on_conflict_do_nothing())
        taken = conn.execute(bump).scalar_one()
    return int(taken)


def last_number(conn: Connection, register_id: str, period: int) -> int:
    """The last number issued (0: none yet)."""
    value = conn.execute(select(RegisterCounter.c.last_number).where(
        RegisterCounter.c.register_id == register_id, RegisterCounter.c.period == period)).scalar()
    return int(value or 0)


def append(conn: Connection, entry: NewEntry) -> int:
    """Append one row; its id."""
    letter = entry.letter
    values = dict(register_id=entry.register_id, period=entry.period, number=entry.number, kind=entry.kind,
                  refers_to=entry.refers_to, reference=entry.reference, registered_on=entry.registered_on,
                  letter_reference=letter.letter_reference, dated=letter.dated, sender=letter.sender,
                  addressee=letter.addressee, subject=letter.subject, action=letter.action, remarks=letter.remarks,
                  urgency=entry.urgency, secrecy=letter.secrecy, instance_id=entry.case[0], task_id=entry.case[1],
                  issued_at=entry.issued_at, issued_by=entry.issued_by,
                  capacity_json=json.dumps(entry.capacity or {}, ensure_ascii=False), reason=entry.reason)
    return int(conn.execute(insert(RegisterEntry).values(**values).returning(RegisterEntry.c.id)).scalar_one())


def rows_of(conn: Connection, register_id: str, period: int, number: int | None = None) -> Sequence[Row[Any]]:
    """Every row of a register's period (or of one number), in the order written."""
    query = select(RegisterEntry).where(RegisterEntry.c.register_id == register_id, RegisterEntry.c.period == period)
    if number is not None:
        query = query.where(RegisterEntry.c.number == number)
    return conn.execute(query.order_by(RegisterEntry.c.number, RegisterEntry.c.id)).all()


def periods_of(conn: Connection, register_id: str) -> list[int]:
    """The periods a register has numbers in, newest first."""
    query = (select(RegisterCounter.c.period).where(RegisterCounter.c.register_id == register_id,
                                                    RegisterCounter.c.last_number > 0)
             .order_by(RegisterCounter.c.period.desc()))
    return [int(p) for p in conn.execute(query).scalars()]


def letter_of(row: Row[Any]) -> Letter:
    return Letter(row.letter_reference, row.dated, row.sender, row.addressee, row.subject, row.action, row.remarks,
                  row.secrecy)


@dataclass(frozen=True)
class Viewing:
    """One view of a secret entry (table ``register_views``, R-COR-08)."""

    register_id: str
    period: int
    number: int
    reference: str
    secrecy: int
    viewer: str
    surface: str
    viewed_at: datetime


def log_views(conn: Connection, views: Sequence[Viewing]) -> None:
    """Append one row per view (the table refuses UPDATE and DELETE, migration 0011)."""
    if views:
        conn.execute(insert(RegisterViewLog), [dict(register_id=v.register_id, period=v.period, number=v.number,
                                                    reference=v.reference, secrecy=v.secrecy, viewer=v.viewer,
                                                    surface=v.surface, viewed_at=v.viewed_at) for v in views])


def views_of(conn: Connection, register_id: str, period: int) -> list[Viewing]:
    """The views of a register's secret entries in a period, in the order they happened."""
    query = (select(RegisterViewLog).where(RegisterViewLog.c.register_id == register_id,
                                           RegisterViewLog.c.period == period).order_by(RegisterViewLog.c.id))
    return [Viewing(r.register_id, r.period, r.number, r.reference, r.secrecy, r.viewer, r.surface, r.viewed_at)
            for r in conn.execute(query)]


def holds_most_secret(conn: Connection, instance_id: int, rank: int) -> bool:
    """Whether a case issued a number, not cancelled, whose entry reads at ``rank`` (ลับที่สุด) or above now."""
    query = (select(RegisterEntry.c.register_id, RegisterEntry.c.period, RegisterEntry.c.number, RegisterEntry.c.kind,
                    RegisterEntry.c.secrecy)
             .where(RegisterEntry.c.instance_id == instance_id).order_by(RegisterEntry.c.id))
    now: dict[tuple[str, int, int], int | None] = {}
    for row in conn.execute(query):
        key = (row.register_id, row.period, row.number)
        now[key] = None if row.kind == CANCELLED or now.get(key, 0) is None else row.secrecy
    return any(level is not None and level >= rank for level in now.values())
