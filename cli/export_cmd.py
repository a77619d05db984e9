"""``krabuan export``: a procedure's event log for process mining, streamed to a file or stdout
with the progress on stderr: ``xes`` (IEEE 1849-2016) and ``ocel`` (OCEL 2.0 JSON)."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import IO

import click

from engine import EventLogExport, Krabuan, LogQuery, parse_date

from . import engine_command, main


@main.group(name="export")
def export_group() -> None:
    """Event logs of a procedure for process-mining tools (auditors and administrators)."""


def _query(process_id: str, since: str | None, until: str | None) -> LogQuery:
    return LogQuery(process_id, parse_date(since) if since else None, parse_date(until) if until else None)


def _write(export: EventLogExport, out: Path | None) -> None:
    """Stream the export; ``events read / total`` on stderr as it goes (once a second at most)."""
    import time

    target: IO[bytes]
    handle = open(out, "wb") if out is not None else None  # noqa: SIM115 - closed below
    target = handle if handle is not None else sys.stdout.buffer
    last, read, written = 0.0, 0, 0
    try:
        for chunk in export.chunks:
            target.write(chunk.data)
            read, written = chunk.events_read, written + len(chunk.data)
            if time.monotonic() - last >= 1.0:
                click.echo(f"\r{read}/{export.events} events read, {written} bytes", nl=False, err=True)
                last = time.monotonic()
        target.flush()
    finally:
        if handle is not None:
            handle.close()
    click.echo(f"\r{read}/{export.events} events read, {written} bytes: {export.cases} case(s)"
               + (f" written to {out}" if out is not None else ""), err=True)


@export_group.command(name="xes")
@click.argument("process_id", metavar="PROCESS")
@click.option("--from", "since", metavar="DATE", help="Cases started on or after (YYYY-MM-DD, CE or BE).")
@click.option("--to", "until", metavar="DATE", help="Cases started on or before (YYYY-MM-DD, CE or BE).")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file (default: standard output).")
@click.option("--as", "username", required=True, metavar="USER", help="An auditor or administrator.")
@engine_command
def export_xes(k: Krabuan, process_id: str, since: str | None, until: str | None, out: Path | None,
               username: str) -> None:
    """The XES event log of PROCESS's cases started in the period."""
    _write(k.event_logs.xes(_query(process_id, since, until), username, "cli"), out)


@export_group.command(name="ocel")
@click.argument("process_id", metavar="PROCESS")
@click.option("--from", "since", metavar="DATE", help="Cases started on or after (YYYY-MM-DD, CE or BE).")
@click.option("--to", "until", metavar="DATE", help="Cases started on or before (YYYY-MM-DD, CE or BE).")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file (default: standard output).")
@click.option("--as", "username", required=True, metavar="USER", help="An auditor or administrator.")
@engine_command
def export_ocel(k: Krabuan, process_id: str, since: str | None, until: str | None, out: Path | None,
                username: str) -> None:
    """The OCEL 2.0 (JSON) log of PROCESS's cases started in the period: cases, people, documents and
    register numbers as objects."""
    _write(k.event_logs.ocel(_query(process_id, since, until), username, "cli"), out)
