"""Users, passwords and API tokens: ``krabuan users``, ``krabuan users passwd``, ``krabuan tokens``."""
from __future__ import annotations

import sys

import click

from engine import InvalidInput, Krabuan

from . import emit_json, engine_command, get_engine, main

json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON (a stable contract for scripts).")
as_option = click.option("--as", "actor", required=True, metavar="USER",
                         help="An administrator (role admin in the organisation file), or USER themselves.")


@main.group(invoke_without_command=True)
@json_option
@click.pass_context
def users(ctx: click.Context, as_json: bool) -> None:
    """List users with their groups (and set passwords: users passwd)."""
    if ctx.invoked_subcommand is not None:
        return
    people = [u for u in get_engine(ctx).people.users() if u.active]
    if as_json:
        emit_json([u.to_json() for u in people])
        return
    for u in people:
        click.echo(f"{u.username:<24} {', '.join(u.groups):<40} {u.name_th}")


@users.command()
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of standard input.")
@click.option("--current-password-stdin", is_flag=True,
              help="Your own change: read your current password from the first line of standard input (the "
                   "new one from the second with --password-stdin), to keep your signing key.")
@as_option
@engine_command
def passwd(k: Krabuan, username: str, password_stdin: bool, current_password_stdin: bool, actor: str) -> None:
    """Set a user's password (asked twice at a prompt); ends the user's browser sessions.
    Administrators, or the user themselves. A user who signs keeps their signing key by giving
    the current password (asked at the prompt); without it (an administrator's reset) the key is
    retired and their next signature makes a new one."""
    k.accounts.check_may_manage(username, actor=actor, what="set the password")  # before asking for it
    signs = any(key.valid_to is None for key in k.signatures.keys(username))  # has a signing key
    current = None
    if current_password_stdin:
        current = sys.stdin.readline().rstrip("\r\n")
    elif signs and actor == username and not password_stdin:
        current = click.prompt("current password (it keeps your signing key)", hide_input=True)
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("new password", hide_input=True, confirmation_prompt=True)
    if not password:
        raise InvalidInput("no password given")
    k.accounts.set_password(username, password, actor=actor, current=current)
    click.echo(f"password of {username} set")
    if signs and current is None:
        click.echo(f"the signing key of {username} was retired: their next signature makes a new one", err=True)


@main.group()
def tokens() -> None:
    """API tokens for scripts (Authorization: Bearer … on /api/v1)."""


@tokens.command("create")
@click.argument("username")
@click.option("--name", default="script", show_default=True, help="What the token is for (one live token per name).")
@as_option
@json_option
@engine_command
def create_token(k: Krabuan, username: str, name: str, actor: str, as_json: bool) -> None:
    """Create a token and print it once (only its hash is stored). Administrators, or the user themselves."""
    token = k.accounts.create_token(username, name, actor=actor)
    if as_json:
        emit_json(token.to_json())
        return
    click.echo(token.secret)
    click.echo(f"token {name!r} of {username}: shown once, keep it secret", err=True)


@tokens.command("revoke")
@click.argument("username")
@click.option("--name", default="script", show_default=True)
@as_option
@engine_command
def revoke_token(k: Krabuan, username: str, name: str, actor: str) -> None:
    """Revoke a user's token by name; it stops working at once. Administrators, or the user themselves."""
    k.accounts.revoke_token(username, name, actor=actor)
    click.echo(f"token {name!r} of {username} revoked")


@tokens.command("list")
@click.argument("username")
@as_option
@json_option
@engine_command
def list_tokens(k: Krabuan, username: str, actor: str, as_json: bool) -> None:
    """A user's tokens (names and dates; never the secrets). Administrators, or the user themselves."""
    found = k.accounts.tokens(username, actor=actor)
    if as_json:
        emit_json([t.to_json() for t in found])
        return
    for t in found:
        state = f"revoked {t.revoked_at:%Y-%m-%d}" if t.revoked_at else "live"
        click.echo(f"{t.name:<24} created {t.created_at:%Y-%m-%d}  {state}")
