"""``krabuan processes diff | propose | publish | reject | changes``: what process owners and
approvers do in the browser's editor, from the command line (engine.services.authoring)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from engine import InvalidInput, Krabuan, parse_date

from . import emit_json, engine_command
from .commands import json_option, processes

as_option = click.option("--as", "username", required=True, metavar="USER", help="Act as this user.")


@processes.command(name="diff")
@click.argument("process_id")
@click.argument("from_version", type=int)
@click.argument("to_version", type=int)
@click.option("--lang", type=click.Choice(["th", "en"]), default="th", show_default=True, help="Language of the lines.")
@json_option
@engine_command
def processes_diff(k: Krabuan, process_id: str, from_version: int, to_version: int, lang: str,
                   as_json: bool) -> None:
    """What changed from one version of a procedure to another, one line per change (not XML)."""
    diff = k.changes.version_diff(process_id, from_version, to_version)
    if as_json:
        emit_json(diff.to_json())
        return
    click.echo(f"{process_id}: v{from_version} -> v{to_version}: {len(diff.changes)} change(s)")
    for change in diff.changes:
        click.echo(f"- [{change.kind}] {change.th if lang == 'th' else change.en}")


@processes.command(name="propose")
@click.argument("process_id")
@click.argument("bpmn_file", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--forms", "forms_file", type=click.Path(path_type=Path, exists=True, dir_okay=False),
              help="A forms file (forms: [...]) with the forms edited with this change.")
@click.option("--effective", required=True, metavar="YYYY-MM-DD",
              help="The day new cases start on it (a Buddhist-era year, 2570-10-01, is read as such).")
@click.option("--note", required=True, help="Why the procedure changes.")
@as_option
@json_option
@engine_command
def processes_propose(k: Krabuan, process_id: str, bpmn_file: Path, forms_file: Path | None, effective: str,
                      note: str, username: str, as_json: bool) -> None:
    """Save BPMN_FILE as PROCESS_ID's draft and submit it for approval (an owner of the procedure)."""
    from engine import DraftInput, SubmitInput  # the authoring service: loaded only by this command

    draft = k.changes.draft(username, process_id)
    forms = _forms_of(forms_file) if forms_file else draft.forms
    saved = k.changes.save(username, process_id, DraftInput(bpmn_file.read_text(encoding="utf-8"), forms,
                                                            draft.lock_version))
    validation = k.changes.validate(username, process_id)
    if not validation.ok:
        for p in validation.problems:
            if p.severity == "error":
                click.echo(f"  - {p.element_id or process_id}: {p.en}", err=True)
    change = k.changes.submit(username, process_id, SubmitInput(parse_date(effective), note, saved.lock_version))
    if as_json:
        emit_json(change.to_json())
        return
    click.echo(f"change {change.id} of {process_id} submitted: {len(change.diff.changes) if change.diff else 0} "
               f"change(s), effective {change.effective_from}; an approver publishes it with "
               f"`krabuan processes publish {change.id} --as USER`")


@processes.command(name="publish")
@click.argument("change_id", type=int)
@click.option("--note", default="", help="The approver's note.")
@as_option
@json_option
@engine_command
def processes_publish(k: Krabuan, change_id: int, note: str, username: str, as_json: bool) -> None:
    """Approve a submitted change and publish it as the next version (an approver who did not edit it)."""
    change = k.changes.approve(username, change_id, note)
    if as_json:
        emit_json(change.to_json())
        return
    click.echo(f"{change.process_id}: version {change.published_version} published, effective "
               f"{change.effective_from} (change {change.id}, by {change.submitted_by}, approved by {username})")


@processes.command(name="reject")
@click.argument("change_id", type=int)
@click.option("--reason", required=True, help="Why it goes back to its owners.")
@as_option
@json_option
@engine_command
def processes_reject(k: Krabuan, change_id: int, reason: str, username: str, as_json: bool) -> None:
    """Return a submitted change to its owners as a draft, with the reason."""
    change = k.changes.reject(username, change_id, reason)
    if as_json:
        emit_json(change.to_json())
        return
    click.echo(f"change {change.id} of {change.process_id} returned to its owners: {reason}")


@processes.command(name="changes")
@click.argument("process_id", required=False)
@as_option
@json_option
@engine_command
def processes_changes(k: Krabuan, process_id: str | None, username: str, as_json: bool) -> None:
    """Changes of the procedures USER owns or approves, newest first."""
    found = k.changes.changes(username, process_id)
    if as_json:
        emit_json([c.to_json() for c in found])
        return
    for c in found:
        published = f"\tv{c.published_version}" if c.published_version else ""
        click.echo(f"{c.id}\t{c.process_id}\tv{c.base_version}\t{c.status}\t{','.join(c.authors)}\t"
                   f"effective {c.effective_from or '-'}{published}")


def _forms_of(path: Path) -> dict[str, Any]:
    """{key: form} of a forms file, as written (the engine checks each form)."""
    import yaml

    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise InvalidInput(f"{path}: cannot read the forms file: {exc}") from None
    forms = raw.get("forms") if isinstance(raw, dict) else None
    if not isinstance(forms, list) or not all(isinstance(f, dict) and isinstance(f.get("key"), str) for f in forms):
        raise InvalidInput(f"{path}: expected 'forms:' with a list of forms, each with its key")
    return {f["key"]: f for f in forms}
