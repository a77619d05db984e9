"""``krabuan scheduler``, ``krabuan triggers``, ``krabuan timers``, ``krabuan notifications``."""
from __future__ import annotations

import click

from engine import BANGKOK, Krabuan

from . import configure_logging, emit_json, engine_command, get_engine, main


@main.command()
@click.option("--once", is_flag=True, help="Run one tick (fire what is due, check triggers) and exit.")
@click.option("--owner", help="Name of this scheduler in leases (default host:pid:random).")
@engine_command
def scheduler(k: Krabuan, once: bool, owner: str | None) -> None:
    """Fire due timers, escalate deadlines and start calendar triggers, until stopped."""
    from scheduler import Scheduler  # imported only by this command

    configure_logging()
    runner = Scheduler(k, owner)
    if once:
        report = runner.tick()
        click.echo(f"fired {report.fired}, lost {report.lost}, failed {report.failed}, "
                   f"started {len(report.started)}, mailed {report.mailed}")
        return
    runner.run()


@main.group(name="triggers", invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def triggers_group(ctx: click.Context, as_json: bool) -> None:
    """List the calendar triggers (per process, from processes/schedules.yaml)."""
    if ctx.invoked_subcommand is not None:
        return
    items = get_engine(ctx).jobs.triggers()
    if as_json:
        emit_json([t.to_json() for t in items])
        return
    if not items:
        click.echo("no triggers")
    for t in items:
        last = f"last {t.last_period} (case {t.last_instance_id})" if t.last_period else "never run"
        click.echo(f"{t.process_id}/{t.trigger_id}: {t.when}; next {t.next_occurrence or '-'}; {last}")


@triggers_group.command(name="run")
@engine_command
def triggers_run(k: Krabuan) -> None:
    """Start what is due now (what the scheduler does on its own)."""
    started = k.jobs.run_triggers()
    for s in started:
        click.echo(f"started {s.process_id} case {s.instance_id} for {s.period} ({s.trigger_id})")
    if not started:
        click.echo("nothing due")


@main.command()
@click.option("--instance", "instance_id", type=int, help="Only this case's timers.")
@click.option("--state", default="pending", show_default=True,
              type=click.Choice(["pending", "fired", "cancelled", "failed", "all"]))
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@engine_command
def timers(k: Krabuan, instance_id: int | None, state: str, as_json: bool) -> None:
    """Timers: BPMN timer events, step deadlines (overdue) and reminders."""
    items = k.jobs.timers(instance_id, None if state == "all" else state)
    if as_json:
        emit_json([t.to_json() for t in items])
        return
    if not items:
        click.echo("no timers")
    for t in items:
        due = t.due_at.astimezone(BANGKOK).strftime("%Y-%m-%d %H:%M")
        what = f"task {t.task_id}" if t.task_id else t.element_id
        click.echo(f"{t.id:>7}  {t.kind:<8} case {t.instance_id}  {what}  due {due}  {t.state}"
                   + (f"  (fired by {t.fired_by})" if t.fired_by else ""))


@main.command()
@click.option("--as", "username", required=True, help="Whose notifications.")
@click.option("--unread", is_flag=True, help="Only unread ones.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@engine_command
def notifications(k: Krabuan, username: str, unread: bool, as_json: bool) -> None:
    """A user's notifications (overdue steps, reminders)."""
    items = k.inbox.notifications(username, unread)
    if as_json:
        emit_json([n.to_json() for n in items])
        return
    if not items:
        click.echo("no notifications")
    for n in items:
        click.echo(f"{n.id:>6}  {n.created_at.astimezone(BANGKOK):%Y-%m-%d %H:%M}  {n.title_en}"
                   + ("" if n.read_at else "  [unread]"))
