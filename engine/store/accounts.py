"""Accounts: password hashes, browser sessions and API tokens (all secrets stored as hashes)."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, delete, func, insert, select, update

from ..results import Account, TokenView
from .db import affected
from .tables import ApiToken, Membership, User, WebSession


@dataclass(frozen=True)
class Credentials:
    username: str
    active: bool
    password_hash: str | None


def credentials(conn: Connection, username: str) -> Credentials | None:
    row = conn.execute(select(User.c.username, User.c.active, User.c.password_hash)
                       .where(User.c.username == username)).first()
    return Credentials(row.username, row.active, row.password_hash) if row else None


def set_password_hash(conn: Connection, username: str, password_hash: str, now: datetime) -> bool:
    """Store a new hash for an active user; False if there is none by that name."""
    result = conn.execute(update(User).where(User.c.username == username, User.c.active.is_(True))
                          .values(password_hash=password_hash, password_changed_at=now))
    return affected(result) == 1


_ACCOUNT = (select(User.c.username, User.c.name_th, User.c.name_en, User.c.roles, User.c.language,
                   User.c.thai_digits, Membership.c.group_id)
            .select_from(User).outerjoin(Membership, Membership.c.username == User.c.username)
            .where(User.c.username == bindparam("username"), User.c.active.is_(True))
            .order_by(Membership.c.group_id))


def account(conn: Connection, username: str) -> Account | None:
    """An active user with their groups and roles."""
    rows = conn.execute(_ACCOUNT, {"username": username}).all()
    return _account_of(rows) if rows else None


def _account_of(rows: Sequence[Any]) -> Account:
    """An Account from a user's rows joined with their memberships (one row per group)."""
    first = rows[0]
    return Account(first.username, first.name_th, first.name_en,
                   tuple(r.group_id for r in rows if r.group_id is not None), tuple(first.roles.split()),
                   first.language, bool(first.thai_digits))


def set_preferences(conn: Connection, username: str, language: str | None, thai_digits: bool) -> bool:
    result = conn.execute(update(User).where(User.c.username == username, User.c.active.is_(True))
                          .values(language=language, thai_digits=thai_digits))
    return affected(result) == 1


# ----------------------------------------------------------------------------- browser sessions

def insert_session(conn: Connection, id_hash: str, username: str, times: tuple[datetime, datetime],
                   address: str) -> None:
    """``times`` is (now, expires at)."""
    now, expires = times
    conn.execute(insert(WebSession).values(id_hash=id_hash, username=username, created_at=now, last_seen_at=now,
                                           expires_at=expires, address=address[:100]))


def live_session(conn: Connection, id_hash: str, now: datetime, idle_since: datetime) -> tuple[str, datetime] | None:
    """(username, last seen) of a session neither expired nor idle since ``idle_since``."""
    row = conn.execute(select(WebSession.c.username, WebSession.c.last_seen_at)
                       .where(WebSession.c.id_hash == id_hash, WebSession.c.expires_at > now,
                              WebSession.c.last_seen_at > idle_since)).first()
    return (row.username, row.last_seen_at) if row else None


def touch_session(conn: Connection, id_hash: str, now: datetime) -> None:
    conn.execute(update(WebSession).where(WebSession.c.id_hash == id_hash).values(last_seen_at=now))


def delete_session(conn: Connection, id_hash: str) -> None:
    conn.execute(delete(WebSession).where(WebSession.c.id_hash == id_hash))


def delete_sessions_of(conn: Connection, username: str) -> None:
    conn.execute(delete(WebSession).where(WebSession.c.username == username))


def delete_dead_sessions(conn: Connection, now: datetime, idle_since: datetime) -> int:
    result = conn.execute(delete(WebSession).where((WebSession.c.expires_at <= now)
                                                   | (WebSession.c.last_seen_at <= idle_since)))
    return affected(result)


# ----------------------------------------------------------------------------- API tokens

def insert_token(conn: Connection, username: str, name: str, token_hash: str, now: datetime) -> int:
    return int(conn.execute(insert(ApiToken).values(username=username, name=name, token_hash=token_hash,
                                                    created_at=now).returning(ApiToken.c.id)).scalar_one())


def token_named(conn: Connection, username: str, name: str) -> int | None:
    """The id of the user's live token of that name."""
    return conn.scalar(select(ApiToken.c.id).where(ApiToken.c.username == username, ApiToken.c.name == name,
                                                   ApiToken.c.revoked_at.is_(None)))


_TOKEN_ACCOUNT = (select(ApiToken.c.last_used_at, User.c.username, User.c.name_th, User.c.name_en, User.c.roles,
                         User.c.language, User.c.thai_digits, Membership.c.group_id)
                  .select_from(ApiToken).join(User, User.c.username == ApiToken.c.username)
                  .outerjoin(Membership, Membership.c.username == User.c.username)
                  .where(ApiToken.c.token_hash == bindparam("token_hash"), ApiToken.c.revoked_at.is_(None),
                         User.c.active.is_(True))
                  .order_by(Membership.c.group_id))


def token_account(conn: Connection, token_hash: str) -> tuple[Account, datetime | None] | None:
    """The active account of a live token and when the token was last used, in one statement
    (every API request asks it)."""
    rows = conn.execute(_TOKEN_ACCOUNT, {"token_hash": token_hash}).all()
    return (_account_of(rows), rows[0].last_used_at) if rows else None


def touch_token(conn: Connection, token_hash: str, now: datetime) -> None:
    conn.execute(update(ApiToken).where(ApiToken.c.token_hash == token_hash).values(last_used_at=now))


def revoke_token(conn: Connection, token_id: int, now: datetime) -> None:
    conn.execute(update(ApiToken).where(ApiToken.c.id == token_id).values(revoked_at=now))


def tokens_of(conn: Connection, username: str) -> list[TokenView]:
    rows = conn.execute(select(ApiToken.c.id, ApiToken.c.username, ApiToken.c.name, ApiToken.c.created_at,
                               ApiToken.c.last_used_at, ApiToken.c.revoked_at)
                        .where(ApiToken.c.username == username).order_by(ApiToken.c.id))
    return [TokenView(*r) for r in rows]


def count_sessions(conn: Connection, username: str) -> int:
    return int(conn.scalar(select(func.count()).select_from(WebSession).where(WebSession.c.username == username))
               or 0)
