"""The ``krabuan`` commands. Each parses its arguments, calls one engine method, prints."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from engine import BANGKOK, Completion, DeployError, IntegrityViolation, Krabuan, StepModel, TaskView

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
@click.option("--new-version-of", "new_version_of", multiple=True, metavar="PROCESS_ID",
              help="This deployment's file for PROCESS_ID is a new version of the process already deployed from "
                   "another file (e.g. renamed). Without it, a process id deployed from another file is refused.")
@json_option
@engine_command
def deploy(k: Krabuan, paths: tuple[Path, ...], username: str, new_version_of: tuple[str, ...],
           as_json: bool) -> None:
    """Deploy BPMN/DMN files or folders (all or nothing); administrators only."""
    results = k.repository.deploy_as(username, list(paths), new_version_of)
    if as_json:
        emit_json([r.to_json() for r in results])
        return
    for r in results:
        state = "deployed as" if r.created else "unchanged, still"
        click.echo(f"{r.process_id}: {state} version {r.version} ({r.sha256[:12]}, {r.source})")
        for warning in r.warnings:
            click.echo(f"warning: {r.process_id}: {warning}", err=True)


@main.group(invoke_without_command=True)
@click.option("--as", "username", metavar="USER",
              help="The newest version of each process, with whether this user may start it (can_start).")
@json_option
@click.pass_context
def processes(ctx: click.Context, username: str | None, as_json: bool) -> None:
    """List deployed processes with their versions and the groups that may start them."""
    if ctx.invoked_subcommand is not None:
        return
    repository = get_engine(ctx).repository
    versions = repository.newest(for_user=username) if username else repository.versions()
    if as_json:
        emit_json([v.to_json() for v in versions])
        return
    by_process: dict[str, list[int]] = {}
    for v in versions:
        by_process.setdefault(v.process_id, []).append(v.version)
    newest = {v.process_id: v for v in versions}
    for pid, vs in by_process.items():
        v = newest[pid]
        may = "" if v.can_start is None else ("  [may start]" if v.can_start else "  [may not start]")
        click.echo(f"{pid}  v{max(vs)}  (versions {', '.join(map(str, vs))})  {v.name}  "
                   f"started by: {', '.join(v.start_groups) or 'anyone'}{may}")


@processes.command(name="check")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@json_option
@engine_command
def processes_check(k: Krabuan, paths: tuple[Path, ...], as_json: bool) -> None:
    """Check process models (default: processes/bpmn); exit 6 if any has a problem."""
    report = k.repository.lint(list(paths) or [k.settings.bpmn_dir])
    if as_json:
        emit_json({"ok": not any(r.problems for r in report.values()),
                   "files": {source: list(r.problems) for source, r in report.items()},
                   "warnings": {source: list(r.warnings) for source, r in report.items() if r.warnings}})
    else:
        for source, r in report.items():
            verdict = "ok" if not r.problems else f"{len(r.problems)} problem(s)"
            click.echo(f"{source}: {verdict}{f', {len(r.warnings)} warning(s)' if r.warnings else ''}")
            for problem in r.problems:
                click.echo(f"  - {problem}")
            for warning in r.warnings:
                click.echo(f"  - warning: {warning}")
    failing = sum(1 for r in report.values() if r.problems)
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
        emit_json({**v.to_json(), **model.describe()})
        return
    click.echo(f"{v.process_id} v{v.version}: {v.name}")
    for s in model.steps.values():
        for line in _step_lines(s):
            click.echo(line)
    if model.inferred_flows:
        click.echo("inferred flows (not drawn in the source):")
    for f in model.inferred_flows:
        click.echo(f"- {f.element_id}: {f.source} -> {f.target}" + (f" ({f.name})" if f.name else "")
                   + f"; inferred: {f.inferred}")
    for line in _segregation_lines(model.describe()):
        click.echo(line)


def _segregation_lines(described: dict[str, Any]) -> list[str]:
    """The process's segregation of duties: its declared rules, then the implicit ones of approvals."""
    rules, defaults = described["segregation"], described["default_segregation"]
    lines = ["segregation of duties (nobody holds both sides in one case):"] if rules or defaults else []
    for r in rules:
        lines += [f"- {r['id']}: {' '.join(r['who'])} ≠ {' '.join(r['not'])}", f"    {r['th']} / {r['en']}"]
        lines += [f"    why: {r['why']}"] if r["why"] else []
    for r in defaults:
        lines += [f"- {r['id']} (every approval and signature step: {', '.join(r['steps'])}): {r['th']} / {r['en']}"]
    return lines


def _step_lines(s: StepModel) -> list[str]:
    """A step as `processes show` prints it, saying what is inferred or corrected from the source."""
    m = s.meta
    parts = (m.duration_minutes is not None and f"{m.duration_minutes} min",
             m.duration_working_days is not None and f"{m.duration_working_days:g} working days")
    duration = ", ".join(p for p in parts if p) or "no duration"
    if m.duration_inferred:
        duration += " (duration inferred)"
    lines = [f"- {s.element_id}: {s.name}  [lane {s.lane}; form {m.form_key}; {duration}"
             + (f"; system {m.system}" if m.system else "") + (f"; kind {m.kind}" if m.kind else "") + "]"]
    if m.source_name:
        lines.append(f"    name corrected from the source: {m.source_name}")
    if m.deadline:
        lines.append(f"    deadline: {m.deadline}")
        if m.deadline.get("corrected"):
            lines.append(f"    deadline corrected from the source: {m.deadline['corrected']}")
    for c in m.controls:
        lines.append(f"    control {c.id}: {c.th} / {c.en}")
        if c.corrected:
            lines.append(f"      corrected from the source ({c.source}): {c.corrected}")
    lines += [f"    risk ({r.likelihood}x{r.impact}={r.score} {r.level}): {r.th} / {r.en}" for r in m.risks]
    lines += [f"    document {d.direction}: {d.th} / {d.en}" for d in m.documents]
    if m.inferred:
        lines.append(f"    inferred: {m.inferred}")
    return lines


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
@click.option("--password-stdin", is_flag=True,
              help="Read your password from the first line of standard input: a signature step signs with it.")
@as_option
@json_option
@engine_command
def complete(k: Krabuan, task_id: int, data: str | None, confirmed: tuple[str, ...], claim: bool,
             password_stdin: bool, username: str, as_json: bool) -> None:
    """Complete a task I have claimed, with its form data and confirmed control points (a signature
    step also needs your password: --password-stdin)."""
    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else None
    done = k.cases.complete(task_id, username, parse_json_object(data), confirmed,
                            how=Completion(claim=claim, password=password or None))
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
