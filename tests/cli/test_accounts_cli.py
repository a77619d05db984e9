"""``krabuan users passwd`` and ``krabuan tokens``: the user themselves or an administrator
(``--as``); anyone else gets one line and exit 4 (forbidden), and nothing changes."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from cli import main
from engine import Krabuan

PASSWORD = "correct horse battery"
FORBIDDEN = 4  # engine.errors.Forbidden.exit_code, documented in the README


@pytest.fixture
def cli(project_settings):
    env = {"KRABUAN_DATA_DIR": str(project_settings.data_dir), "KRABUAN_DATABASE_URL": project_settings.database_url}
    runner = CliRunner()

    def run(*args, ok=True, stdin=None):
        result = runner.invoke(main, list(args), env=env, input=stdin, catch_exceptions=False)
        if ok:
            assert result.exit_code == 0, result.output
        return result

    run("init")
    return run


@pytest.fixture
def engine(project_settings):
    k = Krabuan(project_settings)
    yield k
    k.close()


def _passwd(cli, user, actor, password=PASSWORD, ok=True):
    return cli("users", "passwd", user, "--password-stdin", "--as", actor, stdin=password + "\n", ok=ok)


def _tokens(cli, user, actor="admin1"):
    return json.loads(cli("tokens", "list", user, "--as", actor, "--json").stdout)


@pytest.mark.parametrize("actor", ["admin1", "clerk1"])  # an administrator, or the user themselves
def test_the_user_or_an_administrator_sets_the_password_and_tokens(cli, engine, actor):
    assert _passwd(cli, "clerk1", actor).stdout.strip() == "password of clerk1 set"
    assert engine.accounts.sign_in("clerk1", PASSWORD).account.username == "clerk1"
    created = json.loads(cli("tokens", "create", "clerk1", "--name", "report", "--as", actor, "--json").stdout)
    assert engine.accounts.token(created["token"]).username == "clerk1"
    listed = _tokens(cli, "clerk1", actor)
    assert [t["name"] for t in listed] == ["report"] and "token" not in listed[0]
    assert "report" in cli("tokens", "list", "clerk1", "--as", actor).stdout
    cli("tokens", "revoke", "clerk1", "--name", "report", "--as", actor)
    assert _tokens(cli, "clerk1", actor)[0]["revoked_at"] is not None


# Another clerk, the auditor role (not admin), an unknown user: refused as a deploy by them is.
@pytest.mark.parametrize("actor", ["clerk2", "auditor1", "nobody"])
def test_anyone_else_is_refused_in_one_line_and_nothing_changes(cli, engine, actor):
    _passwd(cli, "clerk1", "admin1")
    cli("tokens", "create", "clerk1", "--name", "report", "--as", "admin1")
    before = _tokens(cli, "clerk1")
    refused = [_passwd(cli, "clerk1", actor, "another password", ok=False),
               cli("users", "passwd", "clerk1", "--as", actor, ok=False),  # refused before the prompt
               cli("tokens", "create", "clerk1", "--name", "mine", "--as", actor, ok=False),
               cli("tokens", "revoke", "clerk1", "--name", "report", "--as", actor, ok=False),
               cli("tokens", "list", "clerk1", "--as", actor, ok=False)]
    for result in refused:
        assert result.exit_code == FORBIDDEN, result.output
        assert result.stderr.strip().count("\n") == 0 and "Traceback" not in result.output
        assert result.stderr.startswith(f"error: {actor} may not ") and "of clerk1" in result.stderr
        assert "new password" not in result.output
    assert _tokens(cli, "clerk1") == before  # no token created, none revoked
    assert engine.accounts.sign_in("clerk1", PASSWORD).account.username == "clerk1"  # the password still works


@pytest.mark.parametrize("args", [["users", "passwd", "clerk1", "--password-stdin"], ["tokens", "create", "clerk1"],
                                  ["tokens", "revoke", "clerk1"], ["tokens", "list", "clerk1"]])
def test_the_acting_user_is_required(cli, args):
    result = cli(*args, ok=False, stdin=PASSWORD + "\n")
    assert result.exit_code == 2 and "Missing option '--as'" in result.stderr
    assert "--as USER" in cli(*args[:2], "--help").stdout
