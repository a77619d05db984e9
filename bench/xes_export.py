"""XES (and OCEL) export time at 10,000 and 100,000 completed cases on PostgreSQL (issue 14).

Twenty cases of the SOP-shaped test process are driven to the end through the engine (some with
one or two rounds of revision); then their instance and history rows are copied with SQL, under
new case ids, until the database holds the number of completed cases asked for (the export reads
only those rows; the copies' chains do not verify under their new ids, which the export does not
check). Each export is consumed to the end as ``krabuan export`` does; the time, the size, the
events read and the peak memory of the process are printed.

    .venv/bin/python bench/xes_export.py [--pg ADMIN_URL] [--cases 10000 100000] [--ocel]
"""
from __future__ import annotations

import argparse
import resource
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
from sqlalchemy import text  # noqa: E402

from engine import Krabuan, LogQuery, Settings  # noqa: E402

SEEDS = 20
INSTANCE_COLUMNS = ("definition_id, process_id, status, state_json, data_json, version, history_seq, history_head, "
                    "started_by, created_at, updated_at, completed_at, title, urgency")
EVENT_COLUMNS = "seq, event_type, actor, occurred_at, payload, prev_hash, hash"


def _grow(k: Krabuan, target: int) -> None:
    """Copy the seed cases (ids 1..SEEDS) with their histories until ``target`` cases exist."""
    with k.ctx.db.write_engine.connect() as conn, conn.begin():
        have = conn.execute(text("SELECT count(*) FROM instances")).scalar_one()
        if have >= target:
            return
        conn.execute(text("CREATE TEMP TABLE copies (new_id bigint, seed_id bigint) ON COMMIT DROP"))
        missing = target - have
        for seed in range(1, SEEDS + 1):
            n = missing // SEEDS + (1 if seed <= missing % SEEDS else 0)
            conn.execute(text(f"""
                WITH made AS (
                  INSERT INTO instances ({INSTANCE_COLUMNS})
                  SELECT {INSTANCE_COLUMNS} FROM instances i, generate_series(1, :n) g WHERE i.id = :seed
                  RETURNING id)
                INSERT INTO copies SELECT id, :seed FROM made"""), {"n": n, "seed": seed})
        conn.execute(text(f"""
            INSERT INTO history_events (instance_id, {EVENT_COLUMNS})
            SELECT c.new_id, {", ".join("e." + col.strip() for col in EVENT_COLUMNS.split(","))}
            FROM copies c JOIN history_events e ON e.instance_id = c.seed_id"""))
    with k.ctx.db.write_engine.connect() as conn:
        conn.execute(text("ANALYZE"))
        conn.commit()


def _export(k: Krabuan, kind: str) -> tuple[float, int, int, int]:
    """(seconds, bytes, events read, cases) of one export consumed to the end."""
    started = time.perf_counter()
    logs = k.event_logs
    export = (logs.xes if kind == "xes" else logs.ocel)(LogQuery("sop_bench"), "auditor1")
    size, read = 0, 0
    for chunk in export.chunks:
        size, read = size + len(chunk.data), chunk.events_read
    return time.perf_counter() - started, size, read, export.cases


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", default=None, help="An admin URL (default: the local test server).")
    parser.add_argument("--cases", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--ocel", action="store_true", help="Time the OCEL export too.")
    args = parser.parse_args()
    admin = pg.admin_engine(args.pg)
    if admin is None:
        sys.exit("no PostgreSQL server reachable (give --pg)")
    print("server:", pg.server_settings(admin))
    with tempfile.TemporaryDirectory() as folder, pg.temp_database(admin, "krabuan_xes") as url:
        values = http_api.settings_values(Path(folder) / f"k-{uuid.uuid4().hex[:6]}", url)
        k = Krabuan(Settings().with_overrides(**values))
        k.init()
        k.repository.deploy([DATA / "sop_bench.bpmn"])
        for i in range(SEEDS):
            drive_sop(k, rejections=i % 3, roundtrip=False)
        print("| completed cases | export | time (s) | MB | history events read | peak RSS (MB) |")
        print("|---:|---|---:|---:|---:|---:|")
        for target in sorted(args.cases):
            _grow(k, target)
            for kind in ("xes", "ocel") if args.ocel else ("xes",):
                seconds, size, read, cases = _export(k, kind)
                rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
                print(f"| {cases:,} | {kind} | {seconds:.1f} | {size / 1e6:.0f} | {read:,} | {rss:.0f} |", flush=True)
        k.close()


if __name__ == "__main__":
    main()
