"""The hash-chained history: append-only in the database, tampering detected by verify."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from engine.store.history import GENESIS, ChainLink, canonical_json, event_hash
from helpers import drive_sop


def _admin(k):
    """A raw connection as the database owner (what an attacker with DB access has)."""
    return k.ctx.db.write_engine.connect()


def _disable_guard(conn, dialect):
    if dialect == "postgresql":
        conn.execute(text("ALTER TABLE history_events DISABLE TRIGGER USER"))
    else:
        conn.execute(text("DROP TRIGGER history_events_no_update"))
        conn.execute(text("DROP TRIGGER history_events_no_delete"))


def _bad(k):
    return [(r.instance_id, r.first_bad_seq) for r in k.audit.verify() if not r.ok]


def test_untouched_history_verifies(k):
    first, _ = drive_sop(k, roundtrip=False)
    second, _ = drive_sop(k, rejections=1, roundtrip=False)
    reports = list(k.audit.verify())
    assert [r.instance_id for r in reports] == [first, second] and all(r.ok for r in reports)
    assert all(r.events > 20 for r in reports)


@pytest.mark.parametrize("statement", ["UPDATE history_events SET actor = 'mallory' WHERE seq = 3",
                                       "DELETE FROM history_events WHERE seq = 3"])
def test_database_refuses_update_and_delete(k, statement):
    drive_sop(k, roundtrip=False)
    with _admin(k) as conn, pytest.raises(DBAPIError, match="append-only"):
        with conn.begin():
            conn.execute(text(statement))


def test_edited_event_is_found(k):
    instance_id, _ = drive_sop(k, roundtrip=False)
    with _admin(k) as conn, conn.begin():
        _disable_guard(conn, k.ctx.db.dialect)
        conn.execute(text("UPDATE history_events SET payload = :p WHERE instance_id = :i AND seq = 5"),
                     {"p": canonical_json({"data": {"applicant": "someone else"}}), "i": instance_id})
    assert _bad(k) == [(instance_id, 5)]


def test_deleted_event_is_found(k):
    instance_id, _ = drive_sop(k, roundtrip=False)
    with _admin(k) as conn, conn.begin():
        _disable_guard(conn, k.ctx.db.dialect)
        conn.execute(text("DELETE FROM history_events WHERE instance_id = :i AND seq = 7"), {"i": instance_id})
    assert _bad(k) == [(instance_id, 7)]


def test_deleted_last_event_is_found(k):
    instance_id, _ = drive_sop(k, roundtrip=False)
    with _admin(k) as conn, conn.begin():
        _disable_guard(conn, k.ctx.db.dialect)
        last = conn.execute(text("SELECT max(seq) FROM history_events WHERE instance_id = :i"),
                            {"i": instance_id}).scalar_one()
        conn.execute(text("DELETE FROM history_events WHERE instance_id = :i AND seq = :s"),
                     {"i": instance_id, "s": last})
    assert _bad(k) == [(instance_id, last)]


def test_inserted_event_is_found_even_with_a_valid_hash(k):
    instance_id, _ = drive_sop(k, roundtrip=False)
    other, _ = drive_sop(k, roundtrip=False)
    with _admin(k) as conn, conn.begin():
        last, prev = conn.execute(text("SELECT seq, hash FROM history_events WHERE instance_id = :i "
                                       "ORDER BY seq DESC LIMIT 1"), {"i": instance_id}).one()
        payload = {"note": "forged approval"}
        at = "2026-11-20T00:00:00.000000+00:00"
        digest = event_hash(ChainLink(instance_id, last + 1, "task_completed", "mallory", at, payload, prev),
                            k.ctx.server_key.chain)
        conn.execute(text("INSERT INTO history_events (instance_id, seq, event_type, actor, occurred_at, payload, "
                          "prev_hash, hash) VALUES (:i, :s, 'task_completed', 'mallory', :at, :p, :prev, :h)"),
                     {"i": instance_id, "s": last + 1, "at": at, "p": canonical_json(payload), "prev": prev,
                      "h": digest})
    assert _bad(k) == [(instance_id, last + 1)]
    assert [r.ok for r in k.audit.verify(other)] == [True]


def test_hash_covers_every_field():
    base = dict(instance_id=1, seq=1, event_type="task_completed", actor="a", occurred_at="t",
                payload={"x": 1}, prev_hash=GENESIS)
    digest = event_hash(ChainLink(**base), b"k" * 32)
    for key, value in [("instance_id", 2), ("seq", 2), ("event_type", "task_claimed"), ("actor", "b"),
                       ("occurred_at", "u"), ("payload", {"x": 2}), ("prev_hash", "1" * 64)]:
        assert event_hash(ChainLink(**{**base, key: value}), b"k" * 32) != digest
    assert event_hash(ChainLink(**base), b"j" * 32) != digest  # and the key
    assert json.loads(canonical_json({"b": 1, "a": "ก"})) == {"a": "ก", "b": 1}


# The rows beside a history that verifies: edited, they no longer say what the history says (issue
# 10, section 3). No guard needs disabling: these are the rows the engine itself writes.
@pytest.mark.parametrize("statement,says", [
    ("UPDATE tasks SET completed_by = 'mallory' WHERE instance_id = :i AND state = 'completed' "
     "AND id = (SELECT min(id) FROM tasks WHERE instance_id = :i)", "was completed by"),
    ("UPDATE tasks SET state = 'completed', completed_by = 'mallory' WHERE instance_id = :i AND state = 'open'",
     "is completed, but its history leaves it open"),
    ("UPDATE tasks SET assignee = 'mallory' WHERE instance_id = :i AND state = 'open'", "is held by mallory"),
    # the reports read these from the row: an edit (to hide a step done without its controls, or by
    # an acting official) is found like one of who completed it
    ("UPDATE tasks SET controls_confirmed = controls_confirmed + 1 WHERE instance_id = :i AND state = 'completed'",
     "control point(s) confirmed according to its history, not"),
    ("UPDATE tasks SET acting = NOT acting WHERE instance_id = :i AND state = 'completed'",
     "by an acting official"),
    ("UPDATE instances SET status = 'completed' WHERE id = :i", "is marked completed"),
    ("UPDATE instances SET data_json = replace(data_json, '}', ', \"approved\": true}') WHERE id = :i",
     "the case data is not what the history recorded"),
    ("UPDATE instances SET state_json = (SELECT state_json FROM instances o WHERE o.id <> :i ORDER BY o.id LIMIT 1) "
     "WHERE id = :i", "the workflow state is not the one the history recorded"),
    ("DELETE FROM task_candidates WHERE task_id = (SELECT max(id) FROM tasks WHERE instance_id = :i); "
     "DELETE FROM timers WHERE task_id = (SELECT max(id) FROM tasks WHERE instance_id = :i); "
     "DELETE FROM tasks WHERE id = (SELECT max(id) FROM tasks WHERE instance_id = :i)", "has no row"),
])
def test_rows_edited_beside_the_history_are_found(k, statement, says):
    from engine import Completion
    from helpers import FORM_DATA, open_tasks
    k.cases.start("sop_bench", "clerk1")  # another case, whose state is swapped in
    instance_id = k.cases.start("sop_bench", "clerk1").instance_id
    first = open_tasks(k, instance_id)[0]
    k.cases.complete(first.id, "clerk1", FORM_DATA["register_application"], how=Completion(claim=True))
    assert _bad(k) == []
    with _admin(k) as conn, conn.begin():
        for part in statement.split("; "):
            conn.execute(text(part), {"i": instance_id})
    reports = [r for r in k.audit.verify() if not r.ok]
    assert [r.instance_id for r in reports] == [instance_id] and says in reports[0].reason, reports


def test_a_chain_recomputed_without_the_server_key_is_found(k):
    """Someone with the database but not the key file rewrites who completed a step and recomputes
    the whole chain as SQL can (plain SHA-256 over the same fields): verify finds it at once, with
    no checkpoint needed."""
    import hashlib

    instance_id, _ = drive_sop(k, roundtrip=False)
    with _admin(k) as conn:
        rows = conn.execute(text("SELECT seq, event_type, actor, occurred_at, payload FROM history_events "
                                 "WHERE instance_id = :i ORDER BY seq"), {"i": instance_id}).all()
    forged, prev = [], GENESIS
    for r in rows:
        actor = "mallory" if r.event_type == "task_completed" else r.actor
        body = canonical_json({"instance_id": instance_id, "seq": r.seq, "type": r.event_type, "actor": actor,
                               "at": r.occurred_at, "payload": json.loads(r.payload), "prev": prev})
        digest = hashlib.sha256(body.encode()).hexdigest()
        forged.append({"a": actor, "p": prev, "h": digest, "i": instance_id, "s": r.seq})
        prev = digest
    with _admin(k) as conn, conn.begin():
        _disable_guard(conn, k.ctx.db.dialect)
        for values in forged:
            conn.execute(text("UPDATE history_events SET actor = :a, prev_hash = :p, hash = :h "
                              "WHERE instance_id = :i AND seq = :s"), values)
        conn.execute(text("UPDATE instances SET history_head = :h WHERE id = :i"), {"h": prev, "i": instance_id})
    reports = [r for r in k.audit.verify() if not r.ok]
    assert [(r.instance_id, r.first_bad_seq) for r in reports] == [(instance_id, 1)]
    assert "without the server key" in reports[0].reason


def test_an_engine_with_another_key_refuses_to_write(k, settings, tmp_path):
    """A second machine started with a fresh data folder (a new key) would write events nobody
    else can verify: it is refused before it writes, with one line that says what to do."""
    from engine import Krabuan
    from engine.errors import ConfigurationError

    drive_sop(k, roundtrip=False)
    other = Krabuan(settings.with_overrides(server_key_file=str(tmp_path / "other.key")))
    try:
        with pytest.raises(ConfigurationError, match="same key file"):
            other.cases.start("sop_bench", "clerk1")
    finally:
        other.close()
    assert _bad(k) == []
