"""The connection pool: a PostgreSQL connection the server closed while it rested in the pool is
replaced without the caller noticing (a database restart, an idle timeout)."""
from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

from engine.store import db


@pytest.mark.postgres
@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)  # SQLite has no server to close one
def test_a_connection_closed_by_the_server_while_resting_is_replaced(k, monkeypatch):
    with k.ctx.db.unit_of_work(write=False) as conn:
        victim = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
    with k.ctx.db.unit_of_work(write=False) as conn:  # the same pooled connection, in steady use
        assert conn.execute(text("SELECT pg_backend_pid()")).scalar_one() == victim
    admin = create_engine(k.ctx.db.url)  # another client kills the pooled connection's backend
    try:
        with admin.connect() as conn:
            assert conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": victim}).scalar_one()
    finally:
        admin.dispose()
    monkeypatch.setattr(db, "IDLE_BEFORE_PING", 0.0)  # it has rested long enough to be checked
    assert [t.username for t in k.people.users()]  # works, on a fresh connection
    with k.ctx.db.unit_of_work(write=False) as conn:
        assert conn.execute(text("SELECT pg_backend_pid()")).scalar_one() != victim


@pytest.mark.postgres
@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_a_connection_that_drops_mid_operation_is_unavailable_not_a_traceback(k):
    """Nothing was written and the caller is told to try again (503 / exit 13), not that the
    settings are wrong; the next operation works."""
    from engine.errors import Unavailable
    with pytest.raises(Unavailable, match="dropped; nothing was written"):
        with k.ctx.db.unit_of_work() as conn:
            victim = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
            admin = create_engine(k.ctx.db.url)
            with admin.connect() as other:
                other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": victim})
            admin.dispose()
            conn.execute(text("SELECT 1"))
    assert k.people.users()


def test_an_unreachable_database_is_one_line_and_exit_13(tmp_path):
    from click.testing import CliRunner

    from cli import main
    env = {"KRABUAN_DATA_DIR": str(tmp_path), "KRABUAN_DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none"}
    result = CliRunner().invoke(main, ["tasks", "--as", "clerk1"], env=env)
    assert result.exit_code == 13, result.output
    assert result.stderr.startswith("error: the database cannot be reached") and "Traceback" not in result.output
