"""The auditors' reports at 10,000 and 100,000 completed cases on PostgreSQL (issue 14).

The cases are those of the reports' test data set (tests/report_helpers.py ``seed``: send-letter
and system-maintenance, 4 and 9 steps, with their ``task_completed`` history events, a few acting
officials, unconfirmed control points and segregation breaches), written straight into the tables
of a throw-away database, then ANALYZEd. Each report (``k.reports``: on time, overdue, controls,
risks, and the on-time report's XLSX) is made ``--repeat`` times with the whole year as filter;
the table gives the median and the slowest. Target: each report under 2 s at 100,000 cases.

    .venv/bin/python bench/reports.py [--pg ADMIN_URL] [--sizes 10000 100000] [--repeat 3] [--sqlite]

``--sqlite``: the same on a SQLite file (the embedded default) instead of PostgreSQL.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH.parent), str(BENCH), str(BENCH.parent / "tests")]

import pg  # noqa: E402
from report_helpers import BPMN, seed  # noqa: E402
from sqlalchemy import text  # noqa: E402

from engine import Krabuan, ReportFilter, Settings  # noqa: E402
from engine.settings import PROJECT_ROOT  # noqa: E402

QUARTER = ReportFilter(process_id="system-maintenance", date_from=date(2026, 1, 1), date_to=date(2026, 3, 31))


def _settings(url: str, data: Path) -> Settings:
    return Settings().with_overrides(data_dir=data, database_url=url, processes_dir=PROJECT_ROOT / "processes",
                                     forms_dir=PROJECT_ROOT / "forms",
                                     organisation_file=PROJECT_ROOT / "processes" / "organisation.yaml")


def _time(call: Callable[[], Any], repeat: int) -> tuple[float, float]:
    seconds = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        seconds.append(time.perf_counter() - start)
    return statistics.median(seconds), max(seconds)


@contextmanager
def _database(admin: Any) -> Iterator[str]:
    """A throw-away PostgreSQL database, or a SQLite file when ``admin`` is None."""
    if admin is None:
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{folder}/reports.db"
    else:
        with pg.temp_database(admin, "krabuan_bench_reports") as url:
            yield url


def run_size(admin: Any, cases: int, repeat: int) -> dict[str, Any]:
    with _database(admin) as url, tempfile.TemporaryDirectory() as tmp:
        k = Krabuan(_settings(url, Path(tmp) / "data"))
        try:
            k.init()
            k.repository.deploy([BPMN / "send-letter.bpmn", BPMN / "system-maintenance.bpmn"])
            start = time.perf_counter()
            seed(k, cases)
            with k.ctx.db.unit_of_work(True) as conn:
                conn.execute(text("ANALYZE"))
                rows = {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar()
                        for t in ("instances", "tasks", "history_events")}
            seeded = time.perf_counter() - start
            who = k.accounts.account("auditor1")
            f = ReportFilter()
            reports = k.reports
            timings = {
                "on time": _time(lambda: reports.on_time(who, f), repeat),
                "overdue now": _time(lambda: reports.overdue(who, f), repeat),
                "controls (segregation, control points, acting)": _time(lambda: reports.controls(who, f), repeat),
                "risk register": _time(lambda: reports.risks(who, f), repeat),
                "on time as XLSX": _time(lambda: reports.export(who, "on-time", f, "xlsx"), repeat),
                "on time, one procedure and a quarter": _time(lambda: reports.on_time(who, QUARTER), repeat),
            }
        finally:
            k.close()
    return {"cases": cases, "rows": rows, "seed_s": seeded, "timings": timings}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", default=None, help="admin URL of a PostgreSQL server (default: 127.0.0.1:5432/test)")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sqlite", action="store_true", help="a SQLite file instead of PostgreSQL")
    args = parser.parse_args()
    admin = None if args.sqlite else pg.admin_engine(args.pg)
    if admin is None and not args.sqlite:
        sys.exit("PostgreSQL is not reachable")
    print("server:", "SQLite" if admin is None else pg.server_settings(admin))
    for size in args.sizes:
        result = run_size(admin, size, args.repeat)
        print(f"\n{result['cases']:,} completed cases (rows: {result['rows']}; seeded in {result['seed_s']:.0f} s)")
        print("| report | median (s) | slowest (s) |\n| --- | ---: | ---: |")
        for name, (median, slowest) in result["timings"].items():
            print(f"| {name} | {median:.3f} | {slowest:.3f} |")


if __name__ == "__main__":
    main()
