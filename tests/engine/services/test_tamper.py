"""Tampering with the database as someone who holds it (issue 14): deleting a case entirely,
truncating one case's history and restoring an older copy of the database are each reported by
``audit.verify`` (the same code as ``krabuan audit verify`` and the web's verify badge).

The chain alone catches cut events when the instance row still records the longer history; a
deletion or a cut with the head rewound, and an older copy put back, leave chains that agree with
themselves, and only the signed checkpoints outside the database (engine.services.checkpoints) see
them. Runs on SQLite and on PostgreSQL (the tests run as a superuser and switch triggers off)."""
from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import text

from engine.store.tables import metadata
from helpers import do_task, drive_sop, open_tasks

HISTORY_TRIGGERS_OFF = {"postgresql": ["ALTER TABLE history_events DISABLE TRIGGER USER"],
                        "sqlite": ["DROP TRIGGER IF EXISTS history_events_no_update",
                                   "DROP TRIGGER IF EXISTS history_events_no_delete"]}


def _as_admin(k, *statements, **params):
    with k.ctx.db.write_engine.connect() as conn, conn.begin():
        for statement in HISTORY_TRIGGERS_OFF[k.ctx.db.dialect]:
            conn.execute(text(statement))
        for statement in statements:
            conn.execute(text(statement), params)
        if k.ctx.db.dialect == "postgresql":
            conn.execute(text("ALTER TABLE history_events ENABLE TRIGGER USER"))


def _failures(k):
    return {r.instance_id: r.reason for r in k.audit.verify() if not r.ok}


def _seq(k, instance_id):
    with k.ctx.db.write_engine.connect() as conn:
        return conn.execute(text("SELECT history_seq FROM instances WHERE id = :i"), {"i": instance_id}).scalar_one()


def test_a_case_deleted_entirely_is_reported(k):
    kept, _ = drive_sop(k, roundtrip=False)
    gone, _ = drive_sop(k, roundtrip=False)
    k.audit.checkpoint()
    _as_admin(k, "DELETE FROM history_events WHERE instance_id = :i",
              "DELETE FROM task_candidates WHERE task_id IN (SELECT id FROM tasks WHERE instance_id = :i)",
              "DELETE FROM timers WHERE instance_id = :i", "DELETE FROM notifications WHERE instance_id = :i",
              "DELETE FROM case_files WHERE instance_id = :i",
              "DELETE FROM tasks WHERE instance_id = :i", "DELETE FROM instances WHERE id = :i", i=gone)
    failures = _failures(k)
    assert list(failures) == [gone] and "was deleted" in failures[gone]
    assert kept not in failures


def test_a_truncated_history_is_reported_by_the_chain(k):
    """The last events cut, the instance row left as it was: the chain and the row disagree."""
    instance_id, _ = drive_sop(k, roundtrip=False)
    seq = _seq(k, instance_id)
    _as_admin(k, "DELETE FROM history_events WHERE instance_id = :i AND seq > :s", i=instance_id, s=seq - 3)
    failures = _failures(k)
    assert list(failures) == [instance_id]
    assert f"event {seq - 2} is missing" in failures[instance_id]


def test_a_truncated_history_with_its_head_rewound_is_reported_by_the_checkpoint(k):
    """Cut, and the instance's head and status rewound to match: the chain agrees with itself, the
    signed checkpoint does not."""
    instance_id, _ = drive_sop(k, roundtrip=False)
    k.audit.checkpoint()
    seq = _seq(k, instance_id)
    with k.ctx.db.write_engine.connect() as conn:
        head = conn.execute(text("SELECT hash FROM history_events WHERE instance_id = :i AND seq = :s"),
                            {"i": instance_id, "s": seq - 1}).scalar_one()
    _as_admin(k, "DELETE FROM history_events WHERE instance_id = :i AND seq > :s",
              "UPDATE instances SET history_seq = :s, history_head = :h WHERE id = :i", i=instance_id, s=seq - 1,
              h=head)
    failures = _failures(k)
    assert list(failures) == [instance_id]
    assert "were cut" in failures[instance_id] or "does not" in failures[instance_id] \
        or "history" in failures[instance_id]


def _snapshot(k, where):
    """A copy of the whole database (SQLite: the file, through SQLite's backup; PostgreSQL: every
    table copied aside)."""
    if k.ctx.db.dialect == "sqlite":
        path = k.settings.data_dir / "krabuan.sqlite3"
        with sqlite3.connect(path) as live, sqlite3.connect(where) as copy:
            live.backup(copy)
        return
    with k.ctx.db.write_engine.connect() as conn, conn.begin():
        for table in metadata.sorted_tables:
            conn.execute(text(f'CREATE TABLE "old_{table.name}" AS SELECT * FROM "{table.name}"'))


def _restore(k, where):
    """The older copy put back in place of the database."""
    k.ctx.db.dispose()
    if k.ctx.db.dialect == "sqlite":
        path = k.settings.data_dir / "krabuan.sqlite3"
        with sqlite3.connect(where) as copy, sqlite3.connect(path) as live:
            copy.backup(live)
        return
    names = [t.name for t in metadata.sorted_tables]
    with k.ctx.db.write_engine.connect() as conn, conn.begin():
        conn.execute(text("SET session_replication_role = replica"))  # no triggers, no foreign keys
        conn.execute(text("TRUNCATE " + ", ".join(f'"{n}"' for n in names)))
        for name in names:
            conn.execute(text(f'INSERT INTO "{name}" SELECT * FROM "old_{name}"'))
        conn.execute(text("SET session_replication_role = DEFAULT"))


def test_an_older_copy_of_the_database_put_back_is_reported(k, tmp_path):
    older = drive_sop(k, roundtrip=False)[0]
    running = k.cases.start("sop_bench", "clerk1").instance_id
    k.audit.checkpoint()
    _snapshot(k, tmp_path / "copy.sqlite3")
    # more work after the copy was taken, and a checkpoint of it (the scheduler takes them)
    task = open_tasks(k, running)[0]
    do_task(k, task.id, "clerk1", {"applicant": "นายสมชาย ใจดี", "subject": "ขอใช้ห้องประชุม"})
    newer = drive_sop(k, roundtrip=False)[0]
    k.audit.checkpoint()
    assert _failures(k) == {}
    _restore(k, tmp_path / "copy.sqlite3")
    failures = _failures(k)
    assert set(failures) == {running, newer}, failures
    assert "were cut" in failures[running] and "was deleted" in failures[newer]
    assert older not in failures


def test_without_a_checkpoint_a_deleted_case_goes_unseen(k):
    """What the checkpoints are for: a whole case deleted before any checkpoint leaves nothing behind
    that the chains could show (the scheduler checkpoints every few minutes to keep this window short)."""
    gone, _ = drive_sop(k, roundtrip=False)
    _as_admin(k, "DELETE FROM history_events WHERE instance_id = :i",
              "DELETE FROM task_candidates WHERE task_id IN (SELECT id FROM tasks WHERE instance_id = :i)",
              "DELETE FROM timers WHERE instance_id = :i", "DELETE FROM notifications WHERE instance_id = :i",
              "DELETE FROM tasks WHERE instance_id = :i", "DELETE FROM instances WHERE id = :i", i=gone)
    assert _failures(k) == {}


@pytest.mark.parametrize("cut", [1, 5])
def test_verify_of_one_case_names_the_cut(k, cut):
    instance_id, _ = drive_sop(k, roundtrip=False)
    seq = _seq(k, instance_id)
    _as_admin(k, "DELETE FROM history_events WHERE instance_id = :i AND seq > :s", i=instance_id, s=seq - cut)
    (report,) = list(k.audit.verify(instance_id))
    assert not report.ok and report.first_bad_seq == seq - cut + 1
