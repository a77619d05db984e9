"""The Alembic migrations build exactly the tables of engine/store/tables.py (SQLite and PostgreSQL)."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from engine.store.tables import metadata


def test_migrations_match_the_tables(k):
    with k.ctx.db.write_engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata)
    assert differences == []


def test_migration_0015_fills_the_completed_rows_from_their_history(k):
    """Rows completed before migration 0015 get their control points and capacity from their
    ``task_completed`` events, the same the engine writes now (verify agrees)."""
    import importlib

    from sqlalchemy import select, update

    from engine.store.tables import HumanTask
    from helpers import drive_sop

    drive_sop(k, rejections=1, roundtrip=False)
    k.cases.start("sop_bench", "clerk1")  # and an open task
    t = HumanTask.c
    facts = select(t.id, t.state, t.controls_confirmed, t.acting).order_by(t.id)
    with k.ctx.db.unit_of_work() as conn:
        written = conn.execute(facts).all()
        conn.execute(update(HumanTask).values(controls_confirmed=None, acting=None))
    assert {(r.controls_confirmed, r.acting) for r in written if r.state == "completed"} == {(0, False)}
    assert {(r.controls_confirmed, r.acting) for r in written if r.state != "completed"} == {(None, None)}
    migration = importlib.import_module("engine.store.migrations.versions.0015_task_completion_facts")
    with k.ctx.db.write_engine.connect() as conn:
        migration.backfill(conn)
        conn.commit()
    with k.ctx.db.unit_of_work(write=False) as conn:
        assert conn.execute(facts).all() == written
    assert all(r.ok for r in k.audit.verify())
