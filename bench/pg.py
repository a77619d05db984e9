"""PostgreSQL for the benchmarks: find a server, make throw-away databases, read its settings."""
from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, create_engine, text

DEFAULT_ADMIN_URLS = [f"postgresql+psycopg://{user}@127.0.0.1:5432/test" for user in ("postgres", "root")]
SETTINGS = ("server_version", "synchronous_commit", "fsync", "wal_sync_method", "shared_buffers")


def admin_engine(admin_url: str | None) -> Engine | None:
    """An AUTOCOMMIT engine on the first reachable admin URL, or None."""
    for url in [admin_url] if admin_url else DEFAULT_ADMIN_URLS:
        engine = create_engine(url, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                conn.execute(text("select 1"))
            return engine
        except Exception:  # noqa: BLE001 - try the next URL
            engine.dispose()
    return None


def url_of(admin: Engine, name: str) -> str:
    """The URL of database ``name`` on the admin engine's server, as the same user."""
    return admin.url.set(database=name).render_as_string(hide_password=False)


@contextmanager
def temp_database(admin: Engine, prefix: str = "krabuan_bench") -> Iterator[str]:
    """Create an empty database; yield its URL; drop it (even if connections are left open)."""
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url_of(admin, name)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def server_settings(admin: Engine) -> dict[str, str]:
    """The server settings that decide what a commit costs."""
    with admin.connect() as conn:
        return {name: str(conn.execute(text(f"SHOW {name}")).scalar()) for name in SETTINGS}
