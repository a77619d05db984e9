"""``krabuan registers``: the official registers (list, issue a number outside a case, void a number,
export as PDF or XLSX)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from engine import Krabuan

from . import emit_json, engine_command, main, parse_json_object

as_option = click.option("--as", "username", required=True, metavar="USER", help="Act as this user.")


@main.group(name="registers")
def registers_group() -> None:
    """The official registers (ทะเบียน, processes/registers.yaml): numbers issued by the steps that need them."""


@registers_group.command(name="list")
@click.option("--register", "register_id", metavar="ID", help="One register's entries (default: list the registers).")
@click.option("--year", type=int, metavar="BE", help="The Buddhist-era year (default: the current one).")
@click.option("--q", "query", default="", help="Only entries containing this text.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@as_option
@engine_command
def registers_list(k: Krabuan, register_id: str | None, year: int | None, query: str, as_json: bool,
                   username: str) -> None:
    """The registers USER reads, or one register's entries for a year."""
    if register_id is None:
        views = k.registers.registers(username)
        if as_json:
            emit_json([v.to_json() for v in views])
            return
        for v in views:
            click.echo(f"{v.id}: {v.name_th} ({v.name_en}); {v.period_kind} year; {v.reference}"
                       + ("; you keep it" if v.may_keep else ""))
        return
    page = k.registers.through("cli").page(register_id, username, year, query)
    if as_json:
        emit_json(page.to_json())
        return
    click.echo(f"{page.register.name_th} ({page.register.name_en}) {page.period}: last number {page.last_number}")
    for e in page.entries:
        click.echo(_line(e))


def _line(e: Any) -> str:
    status = f" [CANCELLED: {e.cancel_reason}]" if e.status == "cancelled" else ""
    marks = "" if e.secrecy == "normal" else f" ({e.secrecy})"
    dated = e.dated.isoformat() if e.dated else "-"
    return (f"{e.number}\t{e.reference}\t{e.registered_on.isoformat()}\t{e.letter_reference}\t{dated}\t"
            f"{e.sender}\t{e.addressee}\t{e.subject}{marks}{status}")


@registers_group.command(name="issue")
@click.argument("register_id", metavar="ID")
@click.option("--data", help="The entry's columns as JSON: reference, dated, from, to, subject, action, remarks, "
                             "secrecy (or @file.json).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@as_option
@engine_command
def registers_issue(k: Krabuan, register_id: str, data: str | None, as_json: bool, username: str) -> None:
    """Take the next number of register ID outside any case (a circular, an order): a keeper's."""
    entry = k.registers.issue(register_id, username, parse_json_object(data))
    if as_json:
        emit_json(entry.to_json())
        return
    click.echo(f"issued {entry.reference} ({register_id} {entry.period})")


@registers_group.command(name="void")
@click.argument("register_id", metavar="ID")
@click.argument("number", type=int)
@click.option("--reason", required=True, help="Why the number is voided (kept with it).")
@click.option("--year", type=int, metavar="BE", help="The Buddhist-era year (default: the current one).")
@as_option
@engine_command
def registers_void(k: Krabuan, register_id: str, number: int, reason: str, year: int | None, username: str) -> None:
    """Void NUMBER of register ID: it stays in the register marked cancelled with the reason."""
    entry = k.registers.void(register_id, number, username, reason, year)
    click.echo(f"{entry.reference} ({register_id} {entry.period}) cancelled: {entry.cancel_reason}")


@registers_group.command(name="export")
@click.argument("register_id", metavar="ID")
@click.option("--year", type=int, metavar="BE", help="The Buddhist-era year (default: the current one).")
@click.option("--format", "fmt", type=click.Choice(["pdf", "xlsx"]), default="pdf", show_default=True)
@click.option("--q", "query", default="", help="Only entries containing this text.")
@click.option("--thai-digits", is_flag=True, help="Numbers in Thai digits (๑๒๓).")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="The file to write.")
@as_option
@engine_command
def registers_export(k: Krabuan, register_id: str, year: int | None, fmt: str, query: str, thai_digits: bool,
                     out: Path, username: str) -> None:
    """Write register ID's page for a year as its paper form (PDF or XLSX)."""
    registers = k.registers.through("cli")
    exported = registers.export(register_id, username, year, (fmt, query, thai_digits))
    out.write_bytes(exported.content)
    click.echo(f"wrote {out} ({len(exported.content)} bytes)")


@registers_group.command(name="views")
@click.argument("register_id", metavar="ID")
@click.option("--year", type=int, metavar="BE", help="The Buddhist-era year (default: the current one).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@as_option
@engine_command
def registers_views(k: Krabuan, register_id: str, year: int | None, as_json: bool, username: str) -> None:
    """Who viewed which secret entry of a register, when and through which surface (its keepers and auditors)."""
    seen = k.registers.viewings(register_id, username, year)
    if as_json:
        emit_json([v.to_json() for v in seen])
        return
    for v in seen:
        click.echo(f"{v.viewed_at.isoformat()}\t{v.viewer}\t{v.surface}\t{v.reference}\t{v.secrecy}")
