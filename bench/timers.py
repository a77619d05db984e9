"""Timer benchmark: N timers due at once, and a steady stream, fired by two scheduler processes
on PostgreSQL. Run by bench/run.py (or alone: ``python bench/timers.py [--timers N]``).

Backlog: N cases (tests/data/timed_wait.bpmn: start -> timer -> end) whose timers are all due at
the same instant while two ``krabuan scheduler`` processes run: time until all fired, lateness
(fired_at - due_at, both on the database clock) p50/p99/max, duplicates (a case with more than
one timer_fired event) and lost timers (still pending).
Steady: M timers due evenly over S seconds while the schedulers run: lateness p50/p99/max.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pg  # noqa: E402

from engine import Krabuan  # noqa: E402
from engine.settings import Settings  # noqa: E402
from engine.store.db import db_now  # noqa: E402
from engine.store.tables import HistoryEvent, Timer  # noqa: E402

DATA = ROOT / "tests" / "data"
SCHEDULER = [sys.executable, "-c", "from cli import main; main()", "scheduler"]


def _engine(folder: Path, url: str) -> Krabuan:
    settings = Settings().with_overrides(data_dir=folder / "data", database_url=url, forms_dir=DATA / "forms",
                                         processes_dir=folder / "processes",
                                         organisation_file=DATA / "organisation.yaml",
                                         schedules_file=folder / "none.yaml")
    k = Krabuan(settings)
    k.init()
    k.repository.deploy([DATA / "timed_wait.bpmn"])
    return k


def _now(k: Krabuan) -> datetime:
    with k.ctx.db.unit_of_work(write=False) as conn:
        return db_now(conn)


def _start_all(k: Krabuan, wakes: list[str]) -> float:
    began = time.monotonic()
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda w: k.cases.start("timed_wait", "clerk1", {"wake_at": w}).instance_id, wakes))
    return time.monotonic() - began


def _wait_fired(k: Krabuan, since_id: int, total: int, limit: float) -> None:
    stop = time.monotonic() + limit
    while time.monotonic() < stop:
        with k.ctx.db.unit_of_work(write=False) as conn:
            left = conn.scalar(select(func.count()).select_from(Timer)
                                  .where(Timer.c.id > since_id, Timer.c.state == "pending"))
        if left == 0:
            return
        time.sleep(0.2)
    raise SystemExit(f"timers still pending after {limit:.0f} s")


def _lateness(k: Krabuan, since_id: int) -> dict[str, Any]:
    with k.ctx.db.unit_of_work(write=False) as conn:
        rows = conn.execute(select(Timer.c.due_at, Timer.c.fired_at, Timer.c.state).where(Timer.c.id > since_id)).all()
        dup = conn.scalar(select(func.count()).select_from(
            select(HistoryEvent.c.instance_id).where(HistoryEvent.c.event_type == "timer_fired")
            .group_by(HistoryEvent.c.instance_id).having(func.count() > 1).subquery()))
    late = sorted((r.fired_at - r.due_at).total_seconds() for r in rows if r.fired_at is not None)
    q = statistics.quantiles(late, n=100, method="inclusive") if len(late) >= 2 else late * 99
    return {"count": len(rows), "fired": len(late), "pending": sum(r.state == "pending" for r in rows),
            "p50": q[49], "p99": q[98], "max": late[-1] if late else 0.0,
            "drain": late[-1] if late else 0.0, "duplicates": dup}


def measure(url: str, backlog: int, steady: int, steady_seconds: float,
            lead_seconds: float | None = None) -> dict[str, Any]:
    """Both runs on the database at ``url``. Timers come due ``lead_seconds`` after they are
    created (default: enough time to create them all first)."""
    folder = Path(tempfile.mkdtemp(prefix="krabuan-timers-"))
    k = _engine(folder, url)
    env = dict(os.environ, KRABUAN_DATABASE_URL=url, KRABUAN_DATA_DIR=str(folder / "data"),
               KRABUAN_FORMS_DIR=str(DATA / "forms"), KRABUAN_PROCESSES_DIR=str(folder / "processes"),
               KRABUAN_ORGANISATION_FILE=str(DATA / "organisation.yaml"),
               KRABUAN_SCHEDULES_FILE=str(folder / "none.yaml"), KRABUAN_SCHEDULER_INTERVAL_MS="100",
               KRABUAN_SCHEDULER_BATCH="50")
    schedulers = [subprocess.Popen(SCHEDULER + ["--owner", f"bench{i}"], env=env, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL) for i in range(2)]
    results: dict[str, Any] = {}
    try:
        # Steady stream: timers due evenly over steady_seconds, starting once all are created.
        lead = steady / 100 + 5 if lead_seconds is None else lead_seconds
        base = _now(k) + timedelta(seconds=lead)
        wakes = [(base + timedelta(seconds=steady_seconds * i / steady)).isoformat() for i in range(steady)]
        _start_all(k, wakes)
        _wait_fired(k, 0, steady, steady_seconds + 120)
        results["steady"] = _lateness(k, 0)
        with k.ctx.db.unit_of_work(write=False) as conn:
            last_id = conn.scalar(select(func.max(Timer.c.id))) or 0
        # Backlog: all due at the same instant.
        lead = backlog / 100 + 10 if lead_seconds is None else lead_seconds
        due = (_now(k) + timedelta(seconds=lead)).isoformat()
        results["create_seconds"] = _start_all(k, [due] * backlog)
        _wait_fired(k, last_id, backlog, backlog / 10 + 300)
        results["backlog"] = _lateness(k, last_id)
    finally:
        for p in schedulers:
            p.terminate()
            p.wait(timeout=30)
        k.close()
        shutil.rmtree(folder, ignore_errors=True)
    return results


def report(results: dict[str, Any], backlog: int, steady: int, steady_seconds: float) -> str:
    b, s = results["backlog"], results["steady"]
    return "\n".join([
        f"### Timers: two scheduler processes on PostgreSQL ({time.strftime('%Y-%m-%d')})\n",
        f"`bench/run.py` (timer part: {backlog} timers due at once, then {steady} due evenly over "
        f"{steady_seconds:.0f} s); each timer ends one case (tests/data/timed_wait.bpmn), fired in its own "
        "engine transaction; lateness = fired_at - due_at on the database clock.\n",
        "| | timers | fired | lost (still pending) | duplicates | lateness p50 | p99 | max | all fired after |",
        "|---|---|---|---|---|---|---|---|---|",
        f"| {backlog} due at once | {b['count']} | {b['fired']} | {b['pending']} | {b['duplicates']} | "
        f"{b['p50']:.2f} s | {b['p99']:.2f} s | {b['max']:.2f} s | {b['drain']:.1f} s |",
        f"| {steady} due over {steady_seconds:.0f} s | {s['count']} | {s['fired']} | {s['pending']} | "
        f"{s['duplicates']} | {s['p50']:.3f} s | {s['p99']:.3f} s | {s['max']:.3f} s | - |",
        f"\nFiring rate draining the backlog: {b['fired'] / max(b['drain'], 1e-9):.0f} timers/s with two "
        "schedulers (the timer, the workflow step, the state and the history event in one transaction each).",
    ])


def run(admin_url: str | None, backlog: int, steady: int, steady_seconds: float,
        lead_seconds: float | None = None) -> str | None:
    """Both timer runs on a throw-away database; None if no PostgreSQL server answers."""
    admin = pg.admin_engine(admin_url)
    if admin is None:
        return None
    with pg.temp_database(admin, "krabuan_timers") as url:
        results = measure(url, backlog, steady, steady_seconds, lead_seconds)
    admin.dispose()
    return report(results, backlog, steady, steady_seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--timers", type=int, default=10_000)
    parser.add_argument("--steady", type=int, default=2_000)
    parser.add_argument("--steady-seconds", type=float, default=60.0)
    parser.add_argument("--pg")
    args = parser.parse_args()
    out = run(args.pg, args.timers, args.steady, args.steady_seconds)
    print(out or "PostgreSQL is not reachable: no timer benchmark")


if __name__ == "__main__":
    main()
