"""``krabuan audit replay``: re-run cases from their recorded inputs only, on their recorded
versions, and report the first point where a re-run parts from its history (engine.services.replay).
Writes nothing."""
from __future__ import annotations

import click

from engine import Krabuan, ReplayReport

from . import emit_json, engine_command
from .commands import audit


@audit.command(name="replay")
@click.argument("instance_id", type=int, required=False)
@click.option("--process", "process_id", metavar="P", help="Every case of this process.")
@click.option("--all", "every", is_flag=True, help="Every case.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (a stable contract for scripts).")
@engine_command
def audit_replay(k: Krabuan, instance_id: int | None, process_id: str | None, every: bool, as_json: bool) -> None:
    """Re-run a case (ID), every case of a process (--process P) or every case (--all) from the
    recorded start data, completions, timer firings and migrations, at their recorded times, and
    check the same path, task rows, register numbers and final state. One line per case; exits 1
    on any divergence (the first, with what the history recorded and what the re-run produced)."""
    if [instance_id is not None, process_id is not None, every].count(True) != 1:
        raise click.UsageError("name one case ID, or --process P, or --all")
    reports: list[ReplayReport] = ([k.replays.replay(instance_id)] if instance_id is not None
                                   else k.replays.replay_many(process_id))
    diverged = [r for r in reports if not r.ok]
    if as_json:
        emit_json({"ok": not diverged, "cases": len(reports), "diverged": len(diverged),
                   "reports": [r.to_json() for r in reports]})
    else:
        for report in reports:
            click.echo(report.line())
        click.echo(f"{len(reports)} case(s) replayed: "
                   + ("all reproduce their history" if not diverged else f"{len(diverged)} diverge"))
    if diverged:
        raise SystemExit(1)
