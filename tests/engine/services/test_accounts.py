"""Accounts: Argon2id passwords, browser sessions that rotate and end, API tokens (SQLite and PostgreSQL)."""
from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from engine.errors import Conflict, Forbidden, InvalidInput, NotFound, Unauthorized
from engine.store.tables import ApiToken, User, WebSession

PASSWORD = "correct horse battery"


def _digest(secret):
    return hashlib.sha256(secret.encode()).hexdigest()


def test_passwords_are_stored_as_argon2id_and_checked(k):
    k.accounts.set_password("clerk1", PASSWORD, actor="clerk1")
    with k.ctx.db.unit_of_work(write=False) as conn:
        stored = conn.scalar(select(User.c.password_hash).where(User.c.username == "clerk1"))
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    signed_in = k.accounts.sign_in("clerk1", PASSWORD, "127.0.0.1")
    assert signed_in.account.username == "clerk1" and signed_in.account.groups == ("clerk",)
    assert k.accounts.session(signed_in.secret) == signed_in.account


@pytest.mark.parametrize("username, password", [("clerk1", "wrong password!"), ("nobody", PASSWORD),
                                                ("clerk2", PASSWORD)])  # clerk2 has no password
def test_a_failed_sign_in_never_says_which_part_was_wrong(k, username, password):
    k.accounts.set_password("clerk1", PASSWORD, actor="clerk1")
    with pytest.raises(Unauthorized) as info:
        k.accounts.sign_in(username, password)
    assert info.value.message == "wrong username or password"


def test_password_rules(k):
    with pytest.raises(InvalidInput, match="10 to 256 characters"):
        k.accounts.set_password("clerk1", "short", actor="admin1")
    with pytest.raises(InvalidInput, match="not be the username"):
        k.accounts.set_password("clerk12345", "Clerk12345", actor="admin1")  # checked before the user is looked up
    with pytest.raises(NotFound):
        k.accounts.set_password("nobody", PASSWORD, actor="admin1")


def test_sessions_rotate_and_end(k):
    k.accounts.set_password("clerk1", PASSWORD, actor="clerk1")
    first = k.accounts.sign_in("clerk1", PASSWORD)
    second = k.accounts.sign_in("clerk1", PASSWORD)
    assert first.secret != second.secret
    k.accounts.sign_out(first.secret)
    with pytest.raises(Unauthorized, match="session has ended"):
        k.accounts.session(first.secret)
    assert k.accounts.session(second.secret).username == "clerk1"
    k.accounts.set_password("clerk1", PASSWORD + "!", actor="clerk1")  # a new password ends every session
    with pytest.raises(Unauthorized):
        k.accounts.session(second.secret)
    with k.ctx.db.unit_of_work(write=False) as conn:
        assert conn.scalar(select(WebSession.c.id_hash)) is None  # only hashes were ever stored


def test_idle_and_expired_sessions_end(k):
    k.accounts.set_password("clerk1", PASSWORD, actor="clerk1")
    idle, old = k.accounts.sign_in("clerk1", PASSWORD), k.accounts.sign_in("clerk1", PASSWORD)
    now = datetime.now(UTC)
    idle_for = timedelta(minutes=k.settings.session_idle_minutes, seconds=5)
    with k.ctx.db.unit_of_work() as conn:  # one idle past the limit, one past its end
        conn.execute(update(WebSession).where(WebSession.c.id_hash == _digest(idle.secret))
                     .values(last_seen_at=now - idle_for))
        conn.execute(update(WebSession).where(WebSession.c.id_hash == _digest(old.secret))
                     .values(expires_at=now - timedelta(seconds=5)))
    with pytest.raises(Unauthorized):
        k.accounts.session(idle.secret)
    with pytest.raises(Unauthorized):
        k.accounts.session(old.secret)
    assert k.accounts.sweep_sessions() == 2


def test_inactive_users_cannot_sign_in(k, tmp_path):
    k.accounts.set_password("clerk2", PASSWORD, actor="admin1")
    session = k.accounts.sign_in("clerk2", PASSWORD)
    org = tmp_path / "org.yaml"
    org.write_text("groups: [{id: clerk, name: {th: ธุรการ, en: Clerk}}]\n"
                   "users: [{username: clerk1, name: {th: หนึ่ง, en: One}, groups: [clerk]}]\n", encoding="utf-8")
    k.people.load_organisation(org)
    with pytest.raises(Unauthorized):
        k.accounts.sign_in("clerk2", PASSWORD)
    with pytest.raises(Unauthorized):
        k.accounts.session(session.secret)


def test_api_tokens_are_shown_once_and_stop_when_revoked(k):
    token = k.accounts.create_token("clerk1", "nightly report", actor="clerk1")
    assert token.secret.startswith("kb_") and len(token.secret) > 40
    assert k.accounts.token(token.secret).username == "clerk1"
    with pytest.raises(Conflict):
        k.accounts.create_token("clerk1", "nightly report", actor="clerk1")
    listed = k.accounts.tokens("clerk1", actor="clerk1")
    assert [t.name for t in listed] == ["nightly report"] and listed[0].secret is None
    assert listed[0].last_used_at is not None and "token" not in listed[0].to_json()
    with k.ctx.db.unit_of_work(write=False) as conn:
        assert token.secret not in str(conn.execute(select(ApiToken)).all())
    k.accounts.revoke_token("clerk1", "nightly report", actor="clerk1")
    with pytest.raises(Unauthorized):
        k.accounts.token(token.secret)
    with pytest.raises(Unauthorized):
        k.accounts.token("kb_made-up")


@pytest.mark.parametrize("actor", ["admin1", "clerk1"])  # an administrator, or the user themselves
def test_the_user_or_an_administrator_manages_passwords_and_tokens(k, actor):
    k.accounts.set_password("clerk1", PASSWORD, actor=actor)
    assert k.accounts.sign_in("clerk1", PASSWORD).account.username == "clerk1"
    token = k.accounts.create_token("clerk1", "report", actor=actor)
    assert k.accounts.token(token.secret).username == "clerk1"
    assert [t.name for t in k.accounts.tokens("clerk1", actor=actor)] == ["report"]
    k.accounts.revoke_token("clerk1", "report", actor=actor)
    with pytest.raises(Unauthorized):
        k.accounts.token(token.secret)


def _token_rows(k):
    with k.ctx.db.unit_of_work(write=False) as conn:
        return conn.execute(select(ApiToken.c.username, ApiToken.c.name, ApiToken.c.revoked_at)).all()


# Another user, the auditor role (not admin), an unknown user (Forbidden, as for a deploy).
@pytest.mark.parametrize("actor", ["clerk2", "auditor1", "nobody"])
def test_anyone_else_is_forbidden_and_nothing_changes(k, actor):
    k.accounts.set_password("clerk1", PASSWORD, actor="clerk1")
    session = k.accounts.sign_in("clerk1", PASSWORD)
    token = k.accounts.create_token("clerk1", "report", actor="clerk1")
    before = _token_rows(k)
    calls = [lambda: k.accounts.set_password("clerk1", "another password", actor=actor),
             lambda: k.accounts.set_password("clerk1", "short", actor=actor),  # refused before the rules
             lambda: k.accounts.create_token("clerk1", "mine now", actor=actor),
             lambda: k.accounts.revoke_token("clerk1", "report", actor=actor),
             lambda: k.accounts.tokens("clerk1", actor=actor),
             lambda: k.accounts.check_may_manage("clerk1", actor=actor)]
    for call in calls:
        with pytest.raises(Forbidden, match=f"^{actor} may not .* of clerk1 "):
            call()
    assert _token_rows(k) == before
    assert k.accounts.token(token.secret).username == "clerk1"  # still live
    assert k.accounts.session(session.secret).username == "clerk1"  # the sessions did not end
    assert k.accounts.sign_in("clerk1", PASSWORD).account.username == "clerk1"  # the old password still works


def test_an_administrator_no_longer_active_is_forbidden(k, tmp_path):
    org = tmp_path / "org.yaml"
    org.write_text("groups: [{id: clerk, name: {th: ธุรการ, en: Clerk}}]\n"
                   "users: [{username: clerk1, name: {th: หนึ่ง, en: One}, groups: [clerk]}]\n", encoding="utf-8")
    k.people.load_organisation(org)  # admin1 (and clerk2) are inactive now
    with pytest.raises(Forbidden):
        k.accounts.set_password("clerk1", PASSWORD, actor="admin1")
    with pytest.raises(Forbidden):
        k.accounts.create_token("clerk2", "report", actor="clerk2")
    assert _token_rows(k) == []


def test_roles_come_from_the_organisation_file(k, tmp_path):
    org = tmp_path / "org.yaml"
    org.write_text("groups: [{id: clerk, name: {th: ธุรการ, en: Clerk}}]\n"
                   "users:\n- {username: audit1, name: {th: ผู้ตรวจ, en: Auditor}, roles: [auditor]}\n"
                   "- {username: clerk1, name: {th: หนึ่ง, en: One}, groups: [clerk]}\n", encoding="utf-8")
    k.people.load_organisation(org)
    assert k.accounts.account("audit1").roles == ("auditor",)
    assert k.accounts.account("clerk1").roles == ()
    org.write_text("groups: []\nusers:\n- {username: x1, name: {th: x, en: x}, roles: [root]}\n", encoding="utf-8")
    with pytest.raises(Exception, match="roles is a list of: admin, auditor"):
        k.people.load_organisation(org)
