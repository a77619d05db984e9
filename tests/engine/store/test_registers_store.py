"""The registers' tables (SQLite and PostgreSQL): the counter moves in the caller's transaction
(a rollback gives the number back), and the entries are append-only in the database itself."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import text

from engine.store import registers as store
from engine.store.registers import ISSUED, Letter, NewEntry

NOW = datetime(2026, 12, 5, 2, 0, tzinfo=UTC)


def _entry(number: int) -> NewEntry:
    return NewEntry("sent", 2569, number, ISSUED, f"สธ 0701/{number}", Letter(subject="ขอข้อมูล"), NOW, "clerk1",
                    date(2026, 12, 5))


def test_numbers_are_consecutive_per_register_and_period_and_a_rollback_leaves_no_gap(k):
    db = k.ctx.db
    with db.unit_of_work() as conn:
        assert [store.next_number(conn, "sent", 2569) for _ in range(3)] == [1, 2, 3]
        assert store.next_number(conn, "sent", 2570) == 1  # a new year starts at 1
        assert store.next_number(conn, "circular", 2569) == 1  # each register its own counter
    with pytest.raises(RuntimeError), db.unit_of_work() as conn:
        assert store.next_number(conn, "sent", 2569) == 4
        raise RuntimeError("the step failed after taking its number")
    with db.unit_of_work() as conn:
        assert store.next_number(conn, "sent", 2569) == 4
        assert store.last_number(conn, "sent", 2569) == 4
        assert store.periods_of(conn, "sent") == [2570, 2569]


@pytest.mark.parametrize("statement", [
    "UPDATE register_entries SET subject = 'แก้ไขโดยตรง'",
    "UPDATE register_entries SET kind = 'cancelled'",
    "DELETE FROM register_entries",
])
def test_entries_are_append_only_in_the_database(k, statement):
    with k.ctx.db.unit_of_work() as conn:
        store.append(conn, _entry(1))
    with pytest.raises(Exception, match="append-only"), k.ctx.db.write_engine.begin() as conn:
        conn.execute(text(statement))
    with k.ctx.db.unit_of_work(write=False) as conn:
        (row,) = store.rows_of(conn, "sent", 2569)
        assert (row.subject, row.kind) == ("ขอข้อมูล", ISSUED)


def test_a_number_is_issued_once(k):
    from engine.errors import Conflict

    with k.ctx.db.unit_of_work() as conn:
        store.append(conn, _entry(1))
    with pytest.raises(Conflict), k.ctx.db.unit_of_work() as conn:
        store.append(conn, _entry(1))
