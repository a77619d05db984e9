"""The engine under a PostgreSQL role that is not a superuser and does not own the tables (issue
10, section 3): it works cases as usual, but cannot switch the append-only guard off
(session_replication_role, ALTER TABLE ... DISABLE TRIGGER) nor change or delete history, even
with its own connection. README, "PostgreSQL for production", shows the set-up."""
from __future__ import annotations

import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from engine import Completion, Krabuan
from helpers import DATA, FORM_DATA, make_settings, reset_pg

GRANTS = [
    "GRANT USAGE ON SCHEMA public TO {role}",
    "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
    "REVOKE UPDATE, DELETE ON history_events FROM {role}",  # the history: append and read only
    "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}",
]


@pytest.mark.postgres
def test_the_engine_runs_as_a_plain_role_that_cannot_touch_history(tmp_path, pg_server_url):
    reset_pg(pg_server_url)
    role = f"krabuan_app_{uuid.uuid4().hex[:8]}"
    admin = create_engine(pg_server_url, isolation_level="AUTOCOMMIT")
    owner = Krabuan(make_settings(tmp_path / "owner", pg_server_url))  # the schema is made by its owner
    owner.init()
    owner.repository.deploy([DATA / "sop_bench.bpmn"])
    owner.close()
    with admin.connect() as conn:
        conn.execute(text(f"CREATE ROLE {role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE"))
        for grant in GRANTS:
            conn.execute(text(grant.format(role=role)))
    app_url = make_url(pg_server_url).set(username=role).render_as_string(hide_password=False)
    # the owner's server key: every process that writes to one database holds the same one
    app = Krabuan(make_settings(tmp_path / "app", app_url, server_key_file=str(tmp_path / "owner" / "data" /
                                                                             "server.key")))
    try:
        started = app.cases.start("sop_bench", "clerk1")
        task = started.open_tasks[0]
        app.cases.complete(task.id, "clerk1", FORM_DATA["register_application"], how=Completion(claim=True))
        assert all(r.ok for r in app.audit.verify())
        plain = create_engine(app_url)
        for attack in ("SET session_replication_role = replica",
                       "ALTER TABLE history_events DISABLE TRIGGER USER",
                       "UPDATE history_events SET actor = 'mallory'",
                       "DELETE FROM history_events"):
            with plain.connect() as conn, pytest.raises(DBAPIError, match="permission denied|must be owner"):
                conn.execute(text(attack))
        plain.dispose()
    finally:
        app.close()
        with admin.connect() as conn:
            conn.execute(text(f"DROP OWNED BY {role}"))
            conn.execute(text(f"DROP ROLE {role}"))
        admin.dispose()
