"""``krabuan signatures verify``: re-verify the signatures of signature steps."""
from __future__ import annotations

import click

from engine import Krabuan

from . import emit_json, engine_command, main


@main.group(name="signatures")
def signatures_group() -> None:
    """Signatures of signature steps (signed with the signer's password; engine.services.signatures)."""


@signatures_group.command(name="verify")
@click.option("--instance", "instance_id", type=int, metavar="ID", help="Only this case's signatures.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (a stable contract for scripts).")
@engine_command
def verify(k: Krabuan, instance_id: int | None, as_json: bool) -> None:
    """Check every signature (or a case's): its key, its signature, and that neither the signed
    fields nor the attached files changed since. Exits 1 naming the case, the step and what changed."""
    checked = k.signatures.verify(instance_id)
    broken = [s for s in checked if not s.valid]
    if as_json:
        emit_json([s.to_json() for s in checked])
    else:
        for s in checked:
            head = f"case {s.instance_id} step {s.element_id} ({s.step_name}), signed by {s.signer} at " \
                   f"{s.signed_at:%Y-%m-%d %H:%M}Z, digest {s.digest[:16]}"
            if s.valid:
                click.echo(f"ok      {head}")
            else:
                click.echo(f"BROKEN  {head}: " + "; ".join(p.message for p in s.problems))
        click.echo(f"{len(checked)} signature(s), {len(broken)} broken")
    if broken:
        raise SystemExit(1)
