"""``krabuan calendar …``: the working-day calendar for people and scripts (ISO dates in and
out; a Buddhist-era year is accepted on input, e.g. 2568-10-01)."""
from __future__ import annotations

import click

from engine import BANGKOK, DeadlineChange, Krabuan, ce_year, fiscal_year, parse_date

from . import emit_json, engine_command, main


@main.group(name="calendar")
def calendar_group() -> None:
    """Working days, holidays and fiscal years."""


@calendar_group.command(name="is-working-day")
@click.argument("day")
@engine_command
def is_working_day(k: Krabuan, day: str) -> None:
    """Print true or false (with the holiday's name when there is one)."""
    d = parse_date(day)
    cal = k.calendar.calendar()
    holiday = cal.holiday(d)
    if cal.is_working_day(d):
        click.echo("true")
    elif holiday is not None:
        click.echo(f"false {'; '.join(holiday.names)}")
    else:
        click.echo("false " + ("วันเสาร์" if d.weekday() == 5 else "วันอาทิตย์"))


@calendar_group.command(name="add-days", context_settings={"ignore_unknown_options": True})
@click.argument("day")
@click.argument("n", type=int)
@click.option("--working", is_flag=True, help="Count working days (from the day after DAY).")
@click.option("--no-roll", is_flag=True, help="Do not move a non-working end day to the next working day.")
@engine_command
def add_days(k: Krabuan, day: str, n: int, working: bool, no_roll: bool) -> None:
    """Print the ISO date N days (or working days) after DAY; a negative N counts back, N days
    (or working days) before DAY (`add-days 2025-04-20 -5`)."""
    cal = k.calendar.calendar()
    d = parse_date(day)
    click.echo((cal.add_working_days(d, n) if working else cal.add_days(d, n, roll=not no_roll)).isoformat())


@calendar_group.command(name="holidays")
@click.argument("year", type=int)
@click.option("--json", "as_json", is_flag=True)
@engine_command
def list_holidays(k: Krabuan, year: int, as_json: bool) -> None:
    """Government holidays of a year (CE, or BE from 2400)."""
    year = ce_year(year)
    days = k.calendar.calendar().holidays(year)
    if as_json:
        emit_json([{"date": h.date.isoformat(), "names": list(h.names), "source": h.source, "ref": h.ref}
                   for h in days])
        return
    for h in days:
        click.echo(f"{h.date.isoformat()}  {'; '.join(h.names)}" + (f"  [{h.source}: {h.ref}]" if h.ref else ""))


@calendar_group.command(name="add-holiday")
@click.argument("day")
@click.option("--name", required=True, help="The holiday's (Thai) name.")
@click.option("--ref", required=True, help="Its source, e.g. the cabinet resolution.")
@click.option("--as", "username", default="admin", show_default=True)
@engine_command
def add_holiday(k: Krabuan, day: str, name: str, ref: str, username: str) -> None:
    """Declare a special holiday."""
    d = parse_date(day)
    moved = k.calendar.add_holiday(d, name, ref, username)
    click.echo(f"{d.isoformat()} is now a holiday: {name}")
    _report_moved(moved)


@calendar_group.command(name="remove-holiday")
@click.argument("day")
@click.option("--ref", required=True, help="Why, e.g. the cabinet resolution.")
@click.option("--as", "username", default="admin", show_default=True)
@engine_command
def remove_holiday(k: Krabuan, day: str, ref: str, username: str) -> None:
    """Make a holiday a working day again."""
    d = parse_date(day)
    moved = k.calendar.remove_holiday(d, ref, username)
    click.echo(f"{d.isoformat()} is no longer a holiday")
    _report_moved(moved)


def _report_moved(moved: list[DeadlineChange]) -> None:
    click.echo(f"{len(moved)} open deadline(s) moved")
    for change in moved:
        old = change.old_due.astimezone(BANGKOK).strftime("%Y-%m-%d %H:%M") if change.old_due else "-"
        new = change.new_due.astimezone(BANGKOK).strftime("%Y-%m-%d %H:%M") if change.new_due else "-"
        click.echo(f"  task {change.task_id} (case {change.instance_id}, {change.element_id}): {old} -> {new}")


@calendar_group.command(name="fiscal-year")
@click.argument("day")
def fiscal_year_cmd(day: str) -> None:
    """Print the Buddhist-era fiscal year of DAY."""
    click.echo(str(fiscal_year(parse_date(day))))
