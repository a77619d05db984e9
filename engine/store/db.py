"""Database access: engines, SQLite pragmas and the unit of work.

One operation = one ``unit_of_work()``: it yields a connection, and commits exactly once when
the block ends without error (rolls back otherwise). Writers on SQLite start with
``BEGIN IMMEDIATE`` so that read-then-write is isolated (pysqlite's deferred BEGIN is not);
on PostgreSQL the optimistic version checks in the operations resolve races.
"""
from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Connection, CursorResult, Engine, Result, create_engine, event, text
from sqlalchemy.exc import DBAPIError, DisconnectionError, IntegrityError, OperationalError

from ..errors import ConfigurationError, Conflict, Unavailable
from ..settings import Settings

_LOCKED = re.compile(r"database is locked|could not serialize|deadlock detected", re.I)
_DROPPED = re.compile(r"server closed the connection|terminating connection|connection .*(lost|closed|refused|reset)|"
                      r"could not connect|unable to open database file|disk I/O error", re.I)
_PG_NOW = text("SELECT clock_timestamp()")


MAX_ID = 2**63 - 1  # BIGINT on PostgreSQL, INTEGER on SQLite


def is_row_id(value: object) -> bool:
    """Whether ``value`` can be a row id at all (a larger number names nothing and is not sent)."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID


def affected(result: Result[Any]) -> int:
    """How many rows an UPDATE or DELETE matched (the optimistic checks read it)."""
    return cast(CursorResult[Any], result).rowcount


def db_now(conn: Connection) -> datetime:
    """The database's current time, UTC-aware. PostgreSQL: the server's clock (one round trip),
    shared by every node. SQLite is a file on this host, and its clock ("now") is this host's
    clock: read directly, without a query."""
    if conn.dialect.name == "postgresql":
        moment: datetime = conn.execute(_PG_NOW).scalar_one()
        return moment.astimezone(UTC)
    return datetime.now(UTC)


IDLE_BEFORE_PING = 10.0  # seconds a pooled connection rests before it is checked on checkout


def _ping_when_idle(engine: Engine) -> None:
    """A pooled connection that rested a while is pinged when taken (the server may have closed
    it: a restart, an idle timeout); one in steady use is not, which saves a round trip on every
    transaction that ``pool_pre_ping`` would spend. A dead one is replaced, and the caller never
    sees it."""
    @event.listens_for(engine, "checkin")
    def _rested(dbapi_connection: Any, record: Any) -> None:
        record.info["checked_in"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _alive(dbapi_connection: Any, record: Any, proxy: Any) -> None:
        if time.monotonic() - record.info.get("checked_in", 0.0) < IDLE_BEFORE_PING:
            return
        try:
            with dbapi_connection.cursor() as cursor:
                cursor.execute("SELECT 1")
            dbapi_connection.rollback()  # leave it as the pool gives it: outside a transaction
        except Exception as exc:  # noqa: BLE001 - any failure means the connection is gone
            raise DisconnectionError("the pooled connection was closed by the server") from exc


def _sqlite_engine(settings: Settings, begin: str) -> Engine:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = create_engine(settings.effective_database_url,
                           connect_args={"timeout": settings.sqlite_busy_timeout_ms / 1000,
                                         "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # type: ignore[no-untyped-def]
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA synchronous={settings.sqlite_synchronous}")
        cur.execute(f"PRAGMA busy_timeout={int(settings.sqlite_busy_timeout_ms)}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):  # type: ignore[no-untyped-def]
        conn.exec_driver_sql(begin)

    return engine


class Database:
    """Owns the SQLAlchemy engines and hands out units of work."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.url = settings.effective_database_url
        if settings.is_sqlite:
            self.write_engine = _sqlite_engine(settings, "BEGIN IMMEDIATE")
            self.read_engine = _sqlite_engine(settings, "BEGIN")
        else:
            self.write_engine = create_engine(self.url, pool_size=10, max_overflow=20)
            _ping_when_idle(self.write_engine)
            self.read_engine = self.write_engine

    @property
    def dialect(self) -> str:
        return self.write_engine.dialect.name

    @contextmanager
    def unit_of_work(self, write: bool = True) -> Iterator[Connection]:
        """One transaction, committed once. Lost races surface as ``Conflict``."""
        try:
            conn = (self.write_engine if write else self.read_engine).connect()
        except OperationalError as exc:
            raise Unavailable(f"the database cannot be reached: {str(exc.orig).splitlines()[0][:200]}") from None
        try:
            yield conn
            if write:
                conn.commit()
            else:
                conn.rollback()
        except IntegrityError as exc:
            conn.rollback()
            raise Conflict("the record was changed by someone else at the same time; reload and try again",
                           detail=str(exc.orig).splitlines()[0]) from exc
        except OperationalError as exc:
            conn.rollback()
            if _LOCKED.search(str(exc.orig)):
                raise Conflict("the database was busy with a concurrent change; try again") from exc
            if exc.connection_invalidated or _DROPPED.search(str(exc.orig)):
                raise Unavailable("the connection to the database dropped; nothing was written, try again "
                                  f"({str(exc.orig).splitlines()[0][:200]})") from exc
            raise ConfigurationError(f"database error: {str(exc.orig).splitlines()[0]}") from exc
        except DBAPIError as exc:
            conn.rollback()
            if _LOCKED.search(str(exc.orig)):
                raise Conflict("concurrent change; try again") from exc
            raise
        except BaseException:
            conn.rollback()
            raise
        finally:
            conn.close()

    def dispose(self) -> None:
        self.write_engine.dispose()
        if self.read_engine is not self.write_engine:
            self.read_engine.dispose()
