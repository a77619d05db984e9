"""The ``krabuan`` command line: one click group.

Errors from the engine are mapped to one line on stderr and the error's exit code here,
and nowhere else. Every command that prints data takes ``--json`` (a stable contract).
"""
from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Callable
from typing import Any

import click

# No pydantic plugins are used: skip their discovery (an entry-point scan) at every start.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

from engine import ConfigurationError, EngineError, InvalidInput, Krabuan, Settings, Unavailable, load_json


class KrabuanGroup(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except EngineError as exc:
            click.echo(f"error: {exc.message}", err=True)
            sys.exit(exc.exit_code)
        except Exception as exc:
            from sqlalchemy.exc import OperationalError, SQLAlchemyError  # loaded whenever the database was used

            if not isinstance(exc, SQLAlchemyError):
                raise
            detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
            if isinstance(exc, OperationalError):  # outside an operation (e.g. init's migrations): unreachable
                click.echo(f"error: the database cannot be reached: {detail}", err=True)
                sys.exit(Unavailable.exit_code)
            click.echo(f"error: database: {detail}", err=True)
            sys.exit(ConfigurationError.exit_code)


def get_engine(ctx: click.Context) -> Krabuan:
    root = ctx.find_root()
    if root.obj is None:
        root.obj = Krabuan(Settings.from_env())
        root.call_on_close(root.obj.close)
    engine: Krabuan = root.obj
    return engine


def engine_command(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Decorator: give the command the engine as its first argument."""
    @click.pass_context
    def wrapper(ctx: click.Context, *args: Any, **kwargs: Any) -> Any:
        return fn(get_engine(ctx), *args, **kwargs)
    wrapper.__name__ = fn.__name__
    wrapper.__doc__ = fn.__doc__
    return wrapper


def parse_json_object(text: str | None, what: str = "--data") -> dict[str, Any]:
    if text is None or text == "":
        return {}
    if text.startswith("@"):
        try:
            with open(text[1:], encoding="utf-8") as fh:
                text = fh.read()
        except OSError as exc:
            raise InvalidInput(f"{what}: cannot read {text[1:]}: {exc.strerror}") from None
    value = load_json(text, what)
    if not isinstance(value, dict):
        raise InvalidInput(f"{what} must be a JSON object, e.g. '{{\"field\": \"value\"}}'")
    return value


def configure_logging() -> None:
    """The log of the long-running commands (``krabuan serve``, ``krabuan scheduler``), on stderr:
    Krabuan's own lines (``krabuan.*``) from INFO, everything else from WARNING; APScheduler's
    per-tick lines ("Running job ...", INFO) stay out."""
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    logging.getLogger("krabuan").setLevel(logging.INFO)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


def emit_json(value: Any) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=2, default=str))


@click.group(cls=KrabuanGroup, context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Krabuan (กระบวนการ): run Thai government SOPs as executable BPMN.

    Settings come from KRABUAN_* environment variables: KRABUAN_DATA_DIR (default ./data),
    KRABUAN_DATABASE_URL (PostgreSQL; default is a SQLite file in the data folder),
    KRABUAN_SQLITE_SYNCHRONOUS (NORMAL or FULL), KRABUAN_SETTINGS_FILE (TOML).
    """


# Importing the command modules registers their commands.
from . import (  # noqa: E402,F401
    accounts_cmd,
    acting_cmd,
    audit_show_cmd,
    calendar_cmd,
    changes_cmd,
    commands,
    demo,
    export_cmd,
    migrate_cmd,
    registers_cmd,
    replay_cmd,
    serve_cmd,
    signatures_cmd,
    time_cmd,
)
