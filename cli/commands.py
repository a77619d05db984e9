"""The ``krabuan`` commands. Each parses its arguments, calls one engine method, prints."""
from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

import click

from engine import BANGKOK, Completion, DeployError, IntegrityViolation, Krabuan, TaskView

from . import emit_json, engine_command, get_engine, main, parse_json_object

json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON (a stable contract for scripts).")
as_option = click.option("--as", "username", required=True, metavar="USER", help="Act as this user.")


_STATUS = {"on_time": "on time", "due_soon": "due soon", "overdue": "OVERDUE"}


def _task_line(t: TaskView) -> str:
    who = t.assignee or "(unclaimed: " + (", ".join(t.candidate_groups) or "anyone") + ")"
    due = (f"  due {t.due_at.astimezone(BANGKOK):%Y-%m-%d %H:%M} ({_STATUS.get(t.due_status or '', 'open')})"
           if t.due_at else "  no deadline")
    return f"{t.id:>6}  {t.process_id}#{t.instance_id}  {t.element_id}  {t.name}  {who}{due}"


@main.command()
@engine_command
def init(k: Krabuan) -> None:
    """Create or upgrade the schema, load the organisation, deploy processes/bpmn."""
    results, failing = k.init()
    users = len(k.people.users())
    created = sum(r.created for r in results)
    click.echo(f"schema up to date; {users} users; {len(results)} processes ({created} new versions)")
    click.echo(f"server key: {k.settings.server_key_path} (the history's key: back it up apart from the database)")
    for source, problems in failing.items():
        click.echo(f"not deployed: {source} ({len(problems)} problem(s); see krabuan processes check)", err=True)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--as", "username", required=True, help="An administrator (role admin in the organisation file).")
@json_option
@engine_command
def deploy(k: Krabuan, paths: tuple[Path, ...], username: str, as_json: bool) -> None:
    """Deploy BPMN/DMN files or folders (all or nothing); administrators only."""
    results = k.repository.deploy_as(username, list(paths))
    if as_json:
        emit_json([r.to_json() for r in results])
        return
    for r in results:
        state = "deployed as" if r.created else "unchanged, still"
        click.echo(f"{r.process_id}: {state} version {r.version} ({r.sha256[:12]}, {r.source})")


@main.group(invoke_without_command=True)
@json_option
@click.pass_context
def processes(ctx: click.Context, as_json: bool) -> None:
    """List deployed processes with their versions."""
    if ctx.invoked_subcommand is not None:
        return
    versions = get_engine(ctx).repository.versions()
    if as_json:
        emit_json([v.to_json() for v in versions])
        return
    by_process: dict[str, list[int]] = {}
    names: dict[str, str] = {}
    for v in versions:
        by_process.setdefault(v.process_id, []).append(v.version)
        names[v.process_id] = v.name
    for pid, vs in by_process.items():
        click.echo(f"{pid}  v{max(vs)}  (versions {', '.join(map(str, vs))})  {names[pid]}")


@processes.command(name="check")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@json_option
@engine_command
def processes_check(k: Krabuan, paths: tuple[Path, ...], as_json: bool) -> None:
    """Check process models (default: processes/bpmn); exit 6 if any has a problem."""
    report = k.repository.check(list(paths) or [k.settings.bpmn_dir])
    if as_json:
        emit_json({"ok": not any(report.values()), "files": report})
    else:
        for source, problems in report.items():
            click.echo(f"{source}: {'ok' if not problems else f'{len(problems)} problem(s)'}")
            for problem in problems:
                click.echo(f"  - {problem}")
    failing = sum(1 for problems in report.values() if problems)
    if failing:
        raise DeployError(f"{failing} of {len(report)} file(s) have problems")


@processes.command(name="show")
@click.argument("process_id")
@click.option("--version", type=int, help="This version instead of the latest.")
@json_option
@engine_command
def processes_show(k: Krabuan, process_id: str, version: int | None, as_json: bool) -> None:
    """Each step of a deployed process with its metadata."""
    v, model = k.repository.process_model(process_id, version)
    if as_json:
        emit_json({"process_id": v.process_id, "version": v.version, "name": v.name, "sha256": v.sha256,
                   "lanes": {lane: list(groups) for lane, groups in model.lanes.items()},
                   "start_form": model.start_form,
                   "steps": [{"element_id": s.element_id, "name": s.name, "lane": s.lane,
                              "candidate_groups": list(s.candidate_groups), "documentation": s.documentation,
                              "multi_instance": s.multi_instance, **asdict(s.meta)} for s in model.steps.values()]})
        return
    click.echo(f"{v.process_id} v{v.version}: {v.name}")
    for s in model.steps.values():
        m = s.meta
        parts = (m.duration_minutes is not None and f"{m.duration_minutes} min",
                 m.duration_working_days is not None and f"{m.duration_working_days:g} working days")
        duration = ", ".join(p for p in parts if p)
        click.echo(f"- {s.element_id}: {s.name}  [lane {s.lane}; form {m.form_key}; {duration or 'no duration'}"
                   + (f"; system {m.system}" if m.system else "") + (f"; kind {m.kind}" if m.kind else "") + "]")
        if m.deadline:
            click.echo(f"    deadline: {m.deadline}")
        for c in m.controls:
            click.echo(f"    control {c.id}: {c.th} / {c.en}")
        for r in m.risks:
            click.echo(f"    risk ({r.likelihood}x{r.impact}={r.score} {r.level}): {r.th} / {r.en}")
        for d in m.documents:
            click.echo(f"    document {d.direction}: {d.th} / {d.en}")
        if m.inferred:
            click.echo(f"    inferred: {m.inferred}")


@main.command()
@click.argument("process_id")
@click.option("--data", help="Start data as a JSON object (or @file.json).")
@click.option("--version", type=int, help="Start this version instead of the latest.")
@as_option
@json_option
@engine_command
def start(k: Krabuan, process_id: str, data: str | None, version: int | None, username: str, as_json: bool) -> None:
    """Start a case of a deployed process."""
    started = k.cases.start(process_id, username, parse_json_object(data), version)
    if as_json:
        emit_json(started.to_json())
    else:
        click.echo(f"started instance {started.instance_id} of {process_id}")


@main.command(name="tasks")
@as_option
@json_option
@engine_command
def tasks_cmd(k: Krabuan, username: str, as_json: bool) -> None:
    """My tasks and my groups' unclaimed tasks."""
    items = k.tasks.worklist(username)
    if as_json:
        emit_json([t.to_json() for t in items])
        return
    if not items:
        click.echo("no tasks")
    for t in items:
        click.echo(_task_line(t))


@main.command()
@click.argument("task_id", type=int)
@as_option
@json_option
@engine_command
def claim(k: Krabuan, task_id: int, username: str, as_json: bool) -> None:
    """Claim a task of one of my groups."""
    task = k.tasks.claim(task_id, username)
    emit_json(task.to_json()) if as_json else click.echo(f"task {task_id} claimed by {username}")


@main.command()
@click.argument("task_id", type=int)
@as_option
@json_option
@engine_command
def unclaim(k: Krabuan, task_id: int, username: str, as_json: bool) -> None:
    """Hand a claimed task back to its groups."""
    task = k.tasks.unclaim(task_id, username)
    emit_json(task.to_json()) if as_json else click.echo(f"task {task_id} handed back")


@main.command()
@click.argument("task_id", type=int)
@click.option("--data", help="Form data as a JSON object (or @file.json).")
@click.option("--confirm", "confirmed", multiple=True, metavar="CONTROL_ID",
              help="A control point of the step that you confirm (repeat for each).")
@click.option("--claim", is_flag=True, help="Claim the task first if it is still unclaimed (one transaction).")
@as_option
@json_option
@engine_command
def complete(k: Krabuan, task_id: int, data: str | None, confirmed: tuple[str, ...], claim: bool, username: str,
             as_json: bool) -> None:
    """Complete a task I have claimed, with its form data and confirmed control points."""
    done = k.cases.complete(task_id, username, parse_json_object(data), confirmed, how=Completion(claim=claim))
    if as_json:
        emit_json(done.to_json())
        return
    click.echo(f"task {task_id} completed; case {done.instance_id} is {done.status}")
    for t in done.open_tasks:
        click.echo("  next: " + _task_line(t))


@main.group()
def instance() -> None:
    """Look at cases."""


@instance.command(name="show")
@click.argument("instance_id", type=int)
@json_option
@engine_command
def instance_show(k: Krabuan, instance_id: int, as_json: bool) -> None:
    """State, open tasks and history of a case."""
    view = k.cases.show(instance_id)
    if as_json:
        emit_json(view.to_json())
        return
    click.echo(f"instance {view.id}: {view.process_id} v{view.version}, {view.status}, started by {view.started_by}")
    click.echo("open tasks:" if view.open_tasks else "open tasks: none")
    for t in view.open_tasks:
        click.echo("  " + _task_line(t))
    click.echo("history:")
    for e in view.history:
        click.echo(f"  {e.seq:>4}  {e.occurred_at}  {e.event_type:<18} {e.actor or '-'}")


@main.group()
def audit() -> None:
    """Check the tamper-evident history."""


@audit.command(name="verify")
@click.option("--instance", "instance_id", type=int, help="Verify one instance only.")
@json_option
@engine_command
def audit_verify(k: Krabuan, instance_id: int | None, as_json: bool) -> None:
    """Recompute the hash chains; exit 0 only when all verify."""
    reports = list(k.audit.verify(instance_id))
    bad = [r for r in reports if not r.ok]
    if as_json:
        emit_json({"ok": not bad, "instances": len(reports), "events": sum(r.events for r in reports),
                   "failures": [r.to_json() for r in bad]})
    else:
        for r in bad:
            click.echo(f"instance {r.instance_id}: first bad seq {r.first_bad_seq}: {r.reason}")
        click.echo(f"{len(reports)} instances, {sum(r.events for r in reports)} events: "
                   + ("all verify" if not bad else f"{len(bad)} do not verify"))
    if bad:
        raise IntegrityViolation(f"the history of {len(bad)} case(s) does not verify")


@audit.command(name="checkpoint")
@engine_command
def audit_checkpoint(k: Krabuan) -> None:
    """Sign every case's chain head into checkpoints.jsonl (the scheduler does it every few minutes)."""
    click.echo(f"checkpoint of {k.audit.checkpoint()} case(s) written")


def _limits(field: Any) -> str:
    """A field's constraints for the text view: ``, 0..10000``, ``, at most 50 characters``, ``, pattern …``."""
    parts = []
    if field.min is not None or field.max is not None:
        parts.append(f"{'' if field.min is None else field.min}..{'' if field.max is None else field.max}")
    if field.max_length:
        parts.append(f"at most {field.max_length} characters")
    if field.pattern:
        parts.append(f"pattern {field.pattern}")
    if field.group:
        parts.append(f"group {field.group}")
    return "".join(f", {p}" for p in parts)


@main.group()
def forms() -> None:
    """Look at form definitions."""


@forms.command(name="show")
@click.argument("key")
@json_option
@engine_command
def forms_show(k: Krabuan, key: str, as_json: bool) -> None:
    """Print one form definition."""
    form = k.repository.form(key)
    controls = k.repository.form_controls(key)
    if as_json:
        emit_json({**form.to_json(), "control_points": [c.to_json() for c in controls]})
        return
    click.echo(f"{form.key}: {form.title.th} / {form.title.en}")
    for field in form.fields:
        click.echo(f"  {field.name} ({field.type}{', required' if field.required else ''}{_limits(field)}): "
                   f"{field.label.th}")
        if field.options:
            click.echo(f"    one of: {', '.join(o.value for o in field.options)}")
    for rule in form.rules:
        click.echo(f"  [rule on {rule.field}] {rule.check}: {rule.message.th}")
    for control in controls:
        click.echo(f"  [control {control.id}] {control.th}")
