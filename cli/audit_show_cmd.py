"""``krabuan audit show ID``: a case replayed step by step, as text (what the auditor's replay page
shows): for each event of its history who acted, in what capacity, when (Bangkok, Buddhist era),
the step, its actual duration in working days against the standard, the control points confirmed,
signatures and whether they verify, comments; then what was done (with loop counts), what waits,
the data and files as the history leaves them, and who viewed the case as an auditor."""
from __future__ import annotations

import getpass
from typing import Any

import click

from engine import Account, CaseReplay, Krabuan, ReplayStep

from . import emit_json, engine_command
from .commands import audit


def _operator() -> Account:
    """Whoever runs the command on the server without --as: they hold the database (as for
    ``audit verify``), so they read as an auditor; the view is logged under ``cli:<their login>``."""
    try:
        login = getpass.getuser()
    except (KeyError, OSError):
        login = "unknown"
    return Account(f"cli:{login}"[:100], "", "", (), ("auditor",))


def _capacity(cap: dict[str, Any]) -> str:
    if cap.get("kind", "self") == "self":
        return ""
    title = (cap.get("position_title") or {}).get("th", "")
    return f" [{cap.get('kind_th', cap.get('kind', ''))} {title}]".rstrip() if title else f" [{cap.get('kind')}]"


def _timing(step: ReplayStep) -> str:
    t = step.timing
    if t is None:
        return ""
    standard = "no standard" if t.standard_working_days is None else f"standard {t.standard_working_days:g}"
    return f"  ({t.working_days} working day(s), {standard}{', LATE' if t.late else ''})"


def _lines(replay: CaseReplay) -> list[str]:
    out = [f"case {replay.instance_id}: {replay.process_name} ({replay.process_id} v{replay.version}), "
           f"{replay.status}{' - ' + replay.title if replay.title else ''}", "steps:"]
    signatures = {s.id: s for s in replay.signatures}
    for s in replay.steps:
        step = f" {s.step_name or s.element_id}" if (s.step_name or s.element_id) else ""
        out.append(f"  {s.seq:>4}  {s.be_date} {s.be_time}  {s.actor or '(system)'}{_capacity(s.capacity)}  "
                   f"{s.event_type}{step}{_timing(s)}")
        for c in s.controls_confirmed:
            out.append(f"        control confirmed by {c['by']}: {c['label']['th']}")
        for sid in s.signature_ids:
            sig = signatures.get(sid)
            if sig is not None:
                state = "verifies" if sig.valid else "DOES NOT VERIFY: " + "; ".join(p.message for p in sig.problems)
                out.append(f"        signature {sid} by {sig.signer}: {state}")
        if s.comment:
            out.append(f"        comment: {s.comment}")
    if replay.states:
        last = replay.states[-1]
        out.append("done: " + (", ".join(f"{e} x{n}" for e, n in last.done.items()) or "nothing"))
        out.append("waiting: " + (", ".join(last.active) or "nothing"))
        out.append("data:")
        out += [f"  {key}: {value}" for key, value in last.data.items()]
        names = {f.sha256: f.name for f in replay.files}
        out.append("files: " + (", ".join(names.get(sha, sha[:12]) for sha in last.files) or "none"))
    out.append("viewed by (auditors): " + ("" if replay.viewed_by else "nobody"))
    out += [f"  {v.viewed_at:%Y-%m-%d %H:%M}Z  {v.viewer}  {v.what} ({v.surface})" for v in replay.viewed_by]
    return out


@audit.command(name="show")
@click.argument("instance_id", type=int)
@click.option("--as", "username", metavar="USER",
              help="View as this user (an auditor, or someone who may see the case); default: the operator.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (a stable contract for scripts).")
@engine_command
def audit_show(k: Krabuan, instance_id: int, username: str | None, as_json: bool) -> None:
    """A case step by step from its history (logged as an auditor's view)."""
    viewer = k.accounts.account(username) if username else _operator()
    replay = k.case_replay.replay(instance_id, viewer, surface="cli")
    if as_json:
        emit_json(replay.to_json())
        return
    click.echo("\n".join(_lines(replay)))
