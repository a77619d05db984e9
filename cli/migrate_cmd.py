"""``krabuan instances migrate``: move running cases to a newer version of their process."""
from __future__ import annotations

import click

from engine import Krabuan, MigrationDiff, MigrationOutcome, MigrationPlan

from . import emit_json, engine_command, main


@main.group(name="instances")
def instances_group() -> None:
    """The cases of a process, together (engine.services.migration)."""


@instances_group.command(name="migrate")
@click.option("--process", "process_id", required=True, metavar="ID", help="The process whose cases move.")
@click.option("--to", "to_version", required=True, type=int, metavar="V", help="The version they move to.")
@click.option("--dry-run", is_flag=True, help="Only say which cases can move and what would change; write nothing.")
@click.option("--case", "case_ids", multiple=True, type=int, metavar="N",
              help="Only this case (repeat for several); default: every running case of an older version.")
@click.option("--as", "username", required=True, metavar="USER", help="An administrator (role admin).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (a stable contract for scripts).")
@engine_command
def migrate(k: Krabuan, process_id: str, to_version: int, dry_run: bool, case_ids: tuple[int, ...], username: str,
            as_json: bool) -> None:
    """Move running cases of older versions of a process to version V, each in its own transaction
    (claims, deadlines, timers and history kept; an instance_migrated event each). A case that cannot
    move is reported with the reasons and left as it is. Exits 1 when a case asked to move did not."""
    if dry_run:
        plans = [p for p in k.migrations.candidates(username, process_id, to_version)
                 if not case_ids or p.instance_id in case_ids]
        if as_json:
            emit_json([p.to_json() for p in plans])
            return
        for plan in plans:
            click.echo(_plan_line(plan))
        click.echo(f"{len(plans)} case(s) on older versions, {sum(p.can_move for p in plans)} can move "
                   f"to version {to_version}")
        return
    ids = case_ids or tuple(p.instance_id for p in k.migrations.candidates(username, process_id, to_version))
    outcomes = k.migrations.migrate(username, process_id, to_version, ids)
    if as_json:
        emit_json([o.to_json() for o in outcomes])
    else:
        for outcome in outcomes:
            click.echo(_outcome_line(outcome))
        click.echo(f"{len(outcomes)} case(s): {sum(o.migrated for o in outcomes)} migrated to version {to_version}")
    if not all(o.migrated for o in outcomes):
        raise SystemExit(1)


def _changes(diff: MigrationDiff) -> str:
    parts = [f"waits in {', '.join(diff.waiting) or '-'}"]
    for word, ids in (("adds", diff.added), ("removes", diff.removed), ("changes", diff.changed)):
        if ids:
            parts.append(f"{word} {', '.join(ids)}")
    return "; ".join(parts)


def _plan_line(plan: MigrationPlan) -> str:
    head = f"case {plan.instance_id} v{plan.from_version} -> v{plan.to_version}"
    if plan.can_move:
        return f"{head}: can move ({_changes(plan.diff)})"
    return f"{head}: cannot move: " + "; ".join(plan.reasons)


def _outcome_line(outcome: MigrationOutcome) -> str:
    versions = f" v{outcome.from_version} -> v{outcome.to_version}" if outcome.from_version else ""
    head = f"case {outcome.instance_id}{versions}"
    if outcome.migrated:
        return f"{head}: migrated ({_changes(outcome.diff)})"
    return f"{head}: {'not moved' if outcome.outcome == 'refused' else 'conflict'}: " + "; ".join(outcome.reasons)
