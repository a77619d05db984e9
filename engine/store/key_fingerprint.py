"""The server key's fingerprint in the database: one engine key per database.

The first engine to write records its key's fingerprint (a single row; engines starting at once
race to insert it and the database keeps one); an engine started with another key file (a new
machine given a fresh data folder, say) is refused before it writes a single event that the others
could not verify.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ..errors import ConfigurationError
from .tables import ServerKeyRow


def check(conn: Connection, fingerprint: str, now: datetime) -> None:
    """Record ``fingerprint`` if the database has none yet; ConfigurationError if it has another."""
    known = conn.scalar(select(ServerKeyRow.c.fingerprint).where(ServerKeyRow.c.id == 1))
    if known is None:
        insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
        conn.execute(insert(ServerKeyRow).values(id=1, fingerprint=fingerprint, created_at=now)
                     .on_conflict_do_nothing(index_elements=["id"]))
        known = conn.scalar(select(ServerKeyRow.c.fingerprint).where(ServerKeyRow.c.id == 1))
    if known != fingerprint:
        raise ConfigurationError("this engine's server key is not the one this database's history is written with: "
                                 "give every process the same key file (setting KRABUAN_SERVER_KEY_FILE)")
