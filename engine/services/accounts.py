"""Accounts: passwords (Argon2id), browser sessions and API tokens.

A password is stored only as an Argon2id hash (argon2-cffi, its default parameters: RFC 9106's
second recommended option). A sign-in that fails says the same thing whether the user or the
password was wrong, and costs the same time (an unknown user is checked against a dummy hash).
A browser session is a random secret in the cookie and its SHA-256 here: it rotates on every
sign-in (a new secret), ends at sign-out (the row is deleted), after ``session_idle_minutes``
without a request and ``session_hours`` after sign-in; a new password ends every session of
the user. API tokens are shown once and stored as SHA-256; revoked ones stop at once.

Who may manage a user's password and tokens (``set_password``, ``create_token``, ``revoke_token``,
``tokens``; the ``actor``): that user, or an administrator (role ``admin`` in the organisation
file), either active. Anyone else, and an unknown or inactive actor, is Forbidden (as for a
deploy), checked in the transaction that writes, so nothing is written.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta
from functools import cached_property
from typing import TYPE_CHECKING

from ..context import Context
from ..errors import Conflict, Forbidden, InvalidInput, NotFound, Unauthorized
from ..operation import work
from ..results import Account, SignedIn, TokenView
from ..store import accounts

if TYPE_CHECKING:
    from argon2 import PasswordHasher
    from sqlalchemy import Connection

MIN_PASSWORD = 10
MAX_PASSWORD = 256
WRONG = "wrong username or password"
ENDED = "your session has ended; sign in again"
_TOUCH_EVERY = timedelta(minutes=1)  # a session's last-seen time is written at most this often


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _may_manage(conn: Connection, actor: str, username: str, what: str) -> None:
    """Refuse unless ``actor`` is the active user ``username`` or an active administrator."""
    acting = accounts.account(conn, actor)
    if acting is None or (actor != username and not acting.has_role("admin")):
        raise Forbidden(f"{actor} may not {what} of {username} (only {username} or an administrator, role admin in "
                        "the organisation file)")


class Accounts:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    @cached_property
    def _hasher(self) -> PasswordHasher:
        from argon2 import PasswordHasher

        return PasswordHasher()

    @cached_property
    def _dummy_hash(self) -> str:
        return self._hasher.hash(secrets.token_urlsafe(16))

    def hash_password(self, username: str, password: str) -> str:
        """The stored form of a password that meets the rules (for set-ups that give many users one)."""
        if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
            raise InvalidInput(f"a password has {MIN_PASSWORD} to {MAX_PASSWORD} characters", field="password")
        if password.strip().lower() == username.lower():
            raise InvalidInput("the password must not be the username", field="password")
        return self._hasher.hash(password)

    def check_may_manage(self, username: str, *, actor: str, what: str = "manage the password and tokens") -> None:
        """Raise Forbidden unless ``actor`` may manage ``username``'s password and tokens (e.g. before
        asking for a new password); every method that does so checks again as it writes."""
        with self.ctx.db.unit_of_work(write=False) as conn:
            _may_manage(conn, actor, username, what)

    def set_password(self, username: str, password: str, *, actor: str, stored_hash: str | None = None,
                     current: str | None = None) -> None:
        """Give an active user a new password (ending all their sessions); ``actor``: who asks (the
        user or an administrator); ``stored_hash``: one made by ``hash_password`` for the same
        password, reused. The user's signing key (engine.services.signatures) is re-wrapped under
        the new password when the ``current`` one is given and opens it (a ``current`` that is
        wrong, for the key or, without one, for the account: InvalidInput, nothing written); without
        it (an administrator's reset), the key pair is retired and the next signature makes a new one."""
        from .signatures import rewrap_for, store_new_password

        self.check_may_manage(username, actor=actor, what="set the password")  # before the (slow) hash is made
        new_hash = stored_hash or self.hash_password(username, password)
        rewrapped = rewrap_for(self.ctx, username, current, password) if current is not None else None
        with work(self.ctx) as w:
            _may_manage(w.conn, actor, username, "set the password")
            if not accounts.set_password_hash(w.conn, username, new_hash, w.now):
                raise NotFound(f"user {username!r} does not exist or is not active")
            accounts.delete_sessions_of(w.conn, username)
            store_new_password(w.conn, username, rewrapped, w.now)

    def sign_in(self, username: str, password: str, address: str = "") -> SignedIn:
        """Check the password and open a browser session."""
        from argon2.exceptions import InvalidHashError, VerificationError

        with work(self.ctx) as w:
            found = accounts.credentials(w.conn, username)
            known = found is not None and found.active and found.password_hash is not None
            stored = found.password_hash if known and found and found.password_hash else self._dummy_hash
            try:
                self._hasher.verify(stored, password)
            except (VerificationError, InvalidHashError):
                raise Unauthorized(WRONG) from None
            if not known:
                raise Unauthorized(WRONG)
            if self._hasher.check_needs_rehash(stored):
                accounts.set_password_hash(w.conn, username, self._hasher.hash(password), w.now)
            account = accounts.account(w.conn, username)
            if account is None:
                raise Unauthorized(WRONG)
            secret = secrets.token_urlsafe(32)
            expires = w.now + timedelta(hours=self.ctx.settings.session_hours)
            accounts.insert_session(w.conn, _digest(secret), username, (w.now, expires), address)
            return SignedIn(secret, account)

    def session(self, secret: str) -> Account:
        """The account of a live browser session. A read; the session's last activity is written
        only when the one recorded is older than a minute (idle sessions end all the same)."""
        with work(self.ctx, write=False) as w:
            idle_since = w.now - timedelta(minutes=self.ctx.settings.session_idle_minutes)
            live = accounts.live_session(w.conn, _digest(secret), w.now, idle_since)
            if live is None:
                raise Unauthorized(ENDED)
            username, last_seen = live
            account = accounts.account(w.conn, username)
            now = w.now
        if account is None:
            raise Unauthorized(ENDED)
        if now - last_seen >= _TOUCH_EVERY:
            with work(self.ctx) as w:
                accounts.touch_session(w.conn, _digest(secret), w.now)
        return account

    def sign_out(self, secret: str) -> None:
        with work(self.ctx) as w:
            accounts.delete_session(w.conn, _digest(secret))

    def account(self, username: str) -> Account:
        with work(self.ctx, write=False) as w:
            found = accounts.account(w.conn, username)
        if found is None:
            raise NotFound(f"user {username!r} does not exist or is not active")
        return found

    def set_preferences(self, username: str, language: str | None = None, thai_digits: bool = False) -> Account:
        """How the app speaks to this user: "th" or "en" (None: the default, Thai), and whether
        numbers on screen use Thai digits."""
        if language not in (None, "th", "en"):
            raise InvalidInput(f"language {language!r} is not one of th, en", field="language")
        with work(self.ctx) as w:
            if not accounts.set_preferences(w.conn, username, language, thai_digits):
                raise NotFound(f"user {username!r} does not exist or is not active")
            found = accounts.account(w.conn, username)
        assert found is not None
        return found

    def create_token(self, username: str, name: str, *, actor: str) -> TokenView:
        """A new API token; its secret is in the result and nowhere else. ``actor``: who asks (the
        user or an administrator)."""
        name = name.strip()
        if not 1 <= len(name) <= 100:
            raise InvalidInput("a token needs a name of 1 to 100 characters", field="name")
        secret = "kb_" + secrets.token_urlsafe(32)
        with work(self.ctx) as w:
            _may_manage(w.conn, actor, username, "create tokens")
            if accounts.account(w.conn, username) is None:
                raise NotFound(f"user {username!r} does not exist or is not active")
            if accounts.token_named(w.conn, username, name) is not None:
                raise Conflict(f"{username} already has a token named {name!r}; revoke it first")
            token_id = accounts.insert_token(w.conn, username, name, _digest(secret), w.now)
            return TokenView(token_id, username, name, w.now, secret=secret)

    def revoke_token(self, username: str, name: str, *, actor: str) -> None:
        """Revoke a user's live token by name; ``actor``: who asks (the user or an administrator)."""
        with work(self.ctx) as w:
            _may_manage(w.conn, actor, username, "revoke tokens")
            token_id = accounts.token_named(w.conn, username, name)
            if token_id is None:
                raise NotFound(f"{username} has no live token named {name!r}")
            accounts.revoke_token(w.conn, token_id, w.now)

    def tokens(self, username: str, *, actor: str) -> list[TokenView]:
        """A user's tokens, never their secrets; ``actor``: who asks (the user or an administrator)."""
        with work(self.ctx, write=False) as w:
            _may_manage(w.conn, actor, username, "list the tokens")
            return accounts.tokens_of(w.conn, username)

    def token(self, secret: str) -> Account:
        """The account of a live API token. A read: its last use is written only when the one
        recorded is older than a minute, so a script's requests do not each commit twice (a
        revoked token is refused at once all the same)."""
        digest = _digest(secret)
        with self.ctx.db.unit_of_work(write=False) as conn:
            live = accounts.token_account(conn, digest)
        if live is None:
            raise Unauthorized("the API token is not valid")
        found, last_used = live
        if last_used is None or datetime.now(UTC) - last_used >= _TOUCH_EVERY:
            with work(self.ctx) as w:
                accounts.touch_token(w.conn, digest, w.now)
        return found

    def sweep_sessions(self) -> int:
        """Delete ended sessions (the scheduler does it now and then); returns how many."""
        with work(self.ctx) as w:
            idle_since = w.now - timedelta(minutes=self.ctx.settings.session_idle_minutes)
            return accounts.delete_dead_sessions(w.conn, w.now, idle_since)
