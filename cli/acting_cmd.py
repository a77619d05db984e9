"""``krabuan acting``: acting appointments (an administrator records who acts for which position);
``krabuan absence``: a user's absences and the deputy who gets their new tasks."""
from __future__ import annotations

from datetime import date, datetime

import click

from engine import ACTING_KINDS as KINDS
from engine import AbsenceRequest, AppointmentRequest, Krabuan

from . import emit_json, engine_command, main

as_option = click.option("--as", "username", required=True, metavar="USER", help="Act as this user.")
json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON.")
DAY = click.DateTime(formats=["%Y-%m-%d"])


def _day(value: datetime) -> date:
    return value.date()


@main.group(name="acting")
def acting_group() -> None:
    """Acting officials (รักษาราชการแทน / ปฏิบัติราชการแทน / รักษาการในตำแหน่ง) for the positions of
    the organisation file: during the period they see, claim, complete and sign the position's tasks."""


@acting_group.command(name="add")
@click.argument("official", metavar="USER")
@click.option("--position", "position_id", required=True, metavar="ID", help="The position acted for.")
@click.option("--kind", type=click.Choice(list(KINDS)), required=True,
              help="acting: รักษาราชการแทน; delegated: ปฏิบัติราชการแทน; caretaker: รักษาการในตำแหน่ง.")
@click.option("--from", "starts_on", type=DAY, required=True, help="First day (YYYY-MM-DD, Bangkok).")
@click.option("--to", "ends_on", type=DAY, required=True, help="Last day, inclusive (YYYY-MM-DD).")
@click.option("--order", "order_ref", required=True, help="The order's reference (เลขที่คำสั่ง).")
@json_option
@as_option
@engine_command
def acting_add(k: Krabuan, official: str, position_id: str, kind: str, starts_on: datetime, ends_on: datetime,
               order_ref: str, as_json: bool, username: str) -> None:
    """Appoint USER to act for a position (administrators only)."""
    view = k.acting.appoint(username, AppointmentRequest(official, position_id, kind,
                                                         (_day(starts_on), _day(ends_on)), order_ref))
    if as_json:
        emit_json(view.to_json())
        return
    click.echo(f"appointment {view.id}: {view.username} {view.kind_th} {view.position.title_th} "
               f"{view.starts_on.isoformat()} to {view.ends_on.isoformat()} ({view.order_ref}); {view.status}")


@acting_group.command(name="list")
@json_option
@as_option
@engine_command
def acting_list(k: Krabuan, as_json: bool, username: str) -> None:
    """Every appointment (an administrator), or your own."""
    views = k.acting.appointments(username)
    if as_json:
        emit_json([v.to_json() for v in views])
        return
    for v in views:
        click.echo(f"{v.id}\t{v.username}\t{v.kind_th}\t{v.position.id}\t{v.starts_on.isoformat()}\t"
                   f"{v.ends_on.isoformat()}\t{v.order_ref}\t{v.status}")


@acting_group.command(name="end")
@click.argument("appointment_id", type=int, metavar="ID")
@json_option
@as_option
@engine_command
def acting_end(k: Krabuan, appointment_id: int, as_json: bool, username: str) -> None:
    """End an appointment now (administrators only)."""
    view = k.acting.end(username, appointment_id)
    if as_json:
        emit_json(view.to_json())
        return
    click.echo(f"appointment {view.id} ended")


@acting_group.command(name="positions")
@json_option
@engine_command
def acting_positions(k: Krabuan, as_json: bool) -> None:
    """The positions of the organisation file."""
    views = k.acting.positions()
    if as_json:
        emit_json([v.to_json() for v in views])
        return
    for v in views:
        click.echo(f"{v.id}\t{v.title_th}\t{' '.join(v.groups)}\t{v.holder or '-'}")


@main.group(name="absence")
def absence_group() -> None:
    """Your absences (ลา): new tasks that would go to you go to your deputy meanwhile."""


@absence_group.command(name="add")
@click.option("--from", "starts_on", type=DAY, required=True, help="First day (YYYY-MM-DD, Bangkok).")
@click.option("--to", "ends_on", type=DAY, required=True, help="Last day, inclusive (YYYY-MM-DD).")
@click.option("--deputy", required=True, metavar="USER", help="A colleague of your group.")
@click.option("--reason", default="", help="Why (optional).")
@json_option
@as_option
@engine_command
def absence_add(k: Krabuan, starts_on: datetime, ends_on: datetime, deputy: str, reason: str, as_json: bool,
                username: str) -> None:
    """Record an absence of USER."""
    view = k.absences.add(username, AbsenceRequest((_day(starts_on), _day(ends_on)), deputy, reason))
    if as_json:
        emit_json(view.to_json())
        return
    click.echo(f"absence {view.id}: {view.starts_on.isoformat()} to {view.ends_on.isoformat()}, deputy {view.deputy}")


@absence_group.command(name="list")
@json_option
@as_option
@engine_command
def absence_list(k: Krabuan, as_json: bool, username: str) -> None:
    """USER's absences."""
    views = k.absences.absences(username)
    if as_json:
        emit_json([v.to_json() for v in views])
        return
    for v in views:
        click.echo(f"{v.id}\t{v.starts_on.isoformat()}\t{v.ends_on.isoformat()}\t{v.deputy}\t{v.status}\t{v.reason}")


@absence_group.command(name="cancel")
@click.argument("absence_id", type=int, metavar="ID")
@json_option
@as_option
@engine_command
def absence_cancel(k: Krabuan, absence_id: int, as_json: bool, username: str) -> None:
    """Cancel an absence: new tasks go to USER again."""
    view = k.absences.cancel(username, absence_id)
    if as_json:
        emit_json(view.to_json())
        return
    click.echo(f"absence {view.id} cancelled")


@absence_group.command(name="hand-over")
@json_option
@as_option
@engine_command
def absence_hand_over(k: Krabuan, as_json: bool, username: str) -> None:
    """Hand every task USER has claimed to the deputy of their absence, in one action."""
    result = k.absences.hand_over(username)
    if as_json:
        emit_json(result.to_json())
        return
    click.echo(f"handed {len(result.handed_over)} task(s) over to {result.deputy}"
               + "".join(f"\nkept task {t}: {why}" for t, why in result.kept.items()))
