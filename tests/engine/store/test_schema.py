"""The Alembic migrations build exactly the tables of engine/store/tables.py (SQLite and PostgreSQL)."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from engine.store.tables import metadata


def test_migrations_match_the_tables(k):
    with k.ctx.db.write_engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata)
    assert differences == []
