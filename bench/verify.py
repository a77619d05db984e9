"""How long verifying every case takes (issue 14: the auditor's verify page), on SQLite and PostgreSQL.

Cases of the SOP-shaped test process are driven to the end through the engine (a third of them with
one round of revision), since only real chains verify; then ``k.audit.summary()`` — what a
background run does (engine.services.audit) — is timed at each size. Verification is linear in the
history, so the time per case and per event tells what a database of 100,000 cases would take.

    .venv/bin/python bench/verify.py [--pg ADMIN_URL] [--cases 250 1000]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
import uuid
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH.parent), str(BENCH.parent / "tests"), str(BENCH)]

import http_api  # noqa: E402
import pg  # noqa: E402
from helpers import DATA, drive_sop  # noqa: E402

from engine import Krabuan, Settings  # noqa: E402


def _time(k: Krabuan, sizes: list[int], name: str) -> None:
    k.init()
    k.repository.deploy([DATA / "sop_bench.bpmn"])
    made = 0
    for target in sorted(sizes):
        while made < target:
            drive_sop(k, rejections=1 if made % 3 == 0 else 0, roundtrip=False)
            made += 1
        started = time.perf_counter()
        found = k.audit.summary()
        seconds = time.perf_counter() - started
        assert found.ok, found.findings[:3]
        print(f"| {name} | {found.cases:,} | {found.events:,} | {seconds:.2f} | {1000 * seconds / found.cases:.2f} | "
              f"{1e6 * seconds / found.events:.0f} | {seconds * 100_000 / found.cases / 60:.1f} |", flush=True)
    k.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", default=None, help="An admin URL (default: the local test server).")
    parser.add_argument("--cases", type=int, nargs="+", default=[250, 1000])
    args = parser.parse_args()
    print("| database | cases | events | verify every case (s) | ms a case | µs an event | "
          "100,000 cases at that rate (min) |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as folder:
        values = http_api.settings_values(Path(folder) / "sqlite", f"sqlite:///{folder}/k.db")
        _time(Krabuan(Settings().with_overrides(**values)), args.cases, "SQLite")
        admin = pg.admin_engine(args.pg)
        if admin is None:
            sys.exit("no PostgreSQL server reachable (give --pg)")
        with pg.temp_database(admin, "krabuan_verify") as url:
            values = http_api.settings_values(Path(folder) / f"k-{uuid.uuid4().hex[:6]}", url)
            _time(Krabuan(Settings().with_overrides(**values)), args.cases, "PostgreSQL")


if __name__ == "__main__":
    main()
