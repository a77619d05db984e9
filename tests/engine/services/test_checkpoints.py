"""Signed checkpoints of the chain heads, outside the database (issue 10, section 3): what
someone with the database in hand deletes, cuts or rewrites since the newest one, verify names,
even when every chain left in the database is consistent in itself."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from engine.errors import IntegrityViolation
from engine.store.history import ChainLink, canonical_json, event_hash
from helpers import drive_sop


def _admin_do(k, *statements, **params):
    with k.ctx.db.write_engine.connect() as conn, conn.begin():
        if k.ctx.db.dialect == "postgresql":
            conn.execute(text("ALTER TABLE history_events DISABLE TRIGGER USER"))
        else:
            conn.execute(text("DROP TRIGGER IF EXISTS history_events_no_update"))
            conn.execute(text("DROP TRIGGER IF EXISTS history_events_no_delete"))
        for statement in statements:
            conn.execute(text(statement), params)
        if k.ctx.db.dialect == "postgresql":
            conn.execute(text("ALTER TABLE history_events ENABLE TRIGGER USER"))


def _delete_case(k, instance_id):
    """A whole case deleted with SQL: its events, task and candidate rows, timers, notifications."""
    _admin_do(k, "DELETE FROM history_events WHERE instance_id = :i",
              "DELETE FROM task_candidates WHERE task_id IN (SELECT id FROM tasks WHERE instance_id = :i)",
              "DELETE FROM timers WHERE instance_id = :i", "DELETE FROM notifications WHERE instance_id = :i",
              "DELETE FROM tasks WHERE instance_id = :i", "DELETE FROM instances WHERE id = :i", i=instance_id)


def _failures(k):
    return {r.instance_id: r.reason for r in k.audit.verify() if not r.ok}


def test_a_deleted_case_is_named(k):
    kept, _ = drive_sop(k, roundtrip=False)
    gone, _ = drive_sop(k, roundtrip=False)
    assert k.audit.checkpoint() == 2 and _failures(k) == {}
    _delete_case(k, gone)
    assert list(_failures(k)) == [gone] and "was deleted" in _failures(k)[gone]


def test_cut_events_with_the_head_rewound_are_named(k):
    instance_id, _ = drive_sop(k, roundtrip=False)
    k.audit.checkpoint()
    with k.ctx.db.write_engine.connect() as conn:
        seq = conn.execute(text("SELECT history_seq FROM instances WHERE id = :i"), {"i": instance_id}).scalar_one()
        head = conn.execute(text("SELECT hash FROM history_events WHERE instance_id = :i AND seq = :s"),
                            {"i": instance_id, "s": seq - 2}).scalar_one()
    # the last two events cut and the head rewound to the one before: the chain itself verifies
    _admin_do(k, "DELETE FROM history_events WHERE instance_id = :i AND seq > :s",
              "UPDATE instances SET history_seq = :s, history_head = :h WHERE id = :i", i=instance_id, s=seq - 2, h=head)
    reasons = _failures(k)
    assert "were cut" in reasons[instance_id] or "history" in reasons[instance_id]


def test_a_chain_recomputed_after_a_change_is_named(k):
    """Who completed the first step is changed, and the whole chain is recomputed, rows included,
    by someone who holds even the server key: everything in the database agrees, but not with the
    signed checkpoint."""
    instance_id, _ = drive_sop(k, roundtrip=False)
    k.audit.checkpoint()
    with k.ctx.db.write_engine.connect() as conn:
        rows = conn.execute(text("SELECT seq, event_type, actor, occurred_at, payload FROM history_events "
                                 "WHERE instance_id = :i ORDER BY seq"), {"i": instance_id}).all()
        first_done = next(r for r in rows if r.event_type == "task_completed")
        task_id = json.loads(first_done.payload)["task_id"]
    statements, prev = [], "0" * 64
    for r in rows:
        actor = "mallory" if r.seq == first_done.seq or (r.event_type == "task_claimed" and
                                                         json.loads(r.payload).get("task_id") == task_id) else r.actor
        payload = json.loads(r.payload)
        digest = event_hash(ChainLink(instance_id, r.seq, r.event_type, actor, r.occurred_at, payload, prev),
                            k.ctx.server_key.chain)
        statements.append((r.seq, actor, canonical_json(payload), prev, digest))
        prev = digest
    with k.ctx.db.write_engine.connect() as conn, conn.begin():
        if k.ctx.db.dialect == "postgresql":
            conn.execute(text("ALTER TABLE history_events DISABLE TRIGGER USER"))
        else:
            conn.execute(text("DROP TRIGGER IF EXISTS history_events_no_update"))
        for seq, actor, payload, prev_hash, digest in statements:
            conn.execute(text("UPDATE history_events SET actor = :a, prev_hash = :p, hash = :h "
                              "WHERE instance_id = :i AND seq = :s"),
                         {"a": actor, "p": prev_hash, "h": digest, "i": instance_id, "s": seq})
        conn.execute(text("UPDATE instances SET history_head = :h WHERE id = :i"), {"h": prev, "i": instance_id})
        conn.execute(text("UPDATE tasks SET completed_by = 'mallory', assignee = 'mallory' WHERE id = :t"),
                     {"t": task_id})
    reasons = _failures(k)
    assert "was rewritten" in reasons[instance_id], reasons


def test_an_edited_checkpoint_file_is_refused(k):
    drive_sop(k, roundtrip=False)
    k.audit.checkpoint()
    log = k.settings.data_dir / "checkpoints.jsonl"
    log.write_text(log.read_text().replace('"cases":1', '"cases":0'))
    with pytest.raises(IntegrityViolation, match="does not verify"):
        list(k.audit.verify())


def test_checkpoints_are_mirrored_and_another_machines_count(k, settings, tmp_path):
    """Each checkpoint line is mirrored to the database; a checkpoint written by another machine
    (same server key, its own data folder) is found there, and verify holds the database to it."""
    from engine import Krabuan

    drive_sop(k, roundtrip=False)
    k.audit.checkpoint()
    line = (k.settings.data_dir / "checkpoints.jsonl").read_text().strip()
    with k.ctx.db.write_engine.connect() as conn:
        assert conn.execute(text("SELECT line FROM checkpoints")).scalars().all() == [line]
    elsewhere = Krabuan(settings.with_overrides(data_dir=tmp_path / "machine-b",
                                                database_url=k.settings.effective_database_url,
                                                server_key_file=str(k.settings.server_key_path)))
    try:
        later, _ = drive_sop(elsewhere, roundtrip=False)
        elsewhere.audit.checkpoint()
    finally:
        elsewhere.close()
    assert _failures(k) == {}
    # the case only machine B's checkpoint knows of is deleted whole: only that checkpoint tells
    _delete_case(k, later)
    assert list(_failures(k)) == [later] and "was deleted" in _failures(k)[later]


def test_a_forged_mirrored_checkpoint_is_refused(k):
    drive_sop(k, roundtrip=False)
    k.audit.checkpoint()
    line = json.loads((k.settings.data_dir / "checkpoints.jsonl").read_text())
    line["body"]["at"] = "2999-01-01T00:00:00+00:00"
    line["body"]["heads"] = {}
    with k.ctx.db.write_engine.connect() as conn, conn.begin():
        conn.execute(text("INSERT INTO checkpoints (written_at, line) VALUES (:at, :line)"),
                     {"at": "2999-01-01 00:00:00+00:00", "line": canonical_json(line)})
    with pytest.raises(IntegrityViolation, match="mirrored in the database does not verify"):
        list(k.audit.verify())


@pytest.mark.parametrize("statement", ["UPDATE checkpoints SET line = 'x'", "DELETE FROM checkpoints"])
def test_the_mirror_is_append_only(k, statement):
    from sqlalchemy.exc import DBAPIError

    drive_sop(k, roundtrip=False)
    k.audit.checkpoint()
    with k.ctx.db.write_engine.connect() as conn, pytest.raises(DBAPIError, match="append-only"):
        with conn.begin():
            conn.execute(text(statement))
