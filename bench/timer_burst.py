"""Timer burst, code against code: N timers due at once fired by two scheduler processes on
PostgreSQL (bench/timers.py's measurement: fires/s, lateness, duplicates, lost), and the SQL
statements one fire runs.

Run from each code folder, one after the other, in one session (issue 10, section 5)::

    git worktree add /tmp/before 1f8aa5d
    for d in /tmp/before "$PWD"; do (cd "$d" && "$OLDPWD"/.venv/bin/python "$OLDPWD"/bench/timer_burst.py 10000); done

The code measured is the one in the current folder (its engine/, bench/timers.py and tests/data).
"""
from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(os.getcwd())
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import pg  # noqa: E402
import timers as bench  # noqa: E402


def _statements_per_fire(url: str) -> float:
    """Statements one fire runs (the commit not counted), over 10 fires of a fresh engine."""
    from sqlalchemy import event

    from engine import Krabuan
    from engine.settings import Settings

    data, folder = ROOT / "tests" / "data", Path(tempfile.mkdtemp())
    k = Krabuan(Settings().with_overrides(data_dir=folder / "data", database_url=url, forms_dir=data / "forms",
                                          processes_dir=folder / "processes",
                                          organisation_file=data / "organisation.yaml",
                                          schedules_file=folder / "none.yaml"))
    k.init()
    k.repository.deploy([data / "timed_wait.bpmn"])
    wake = (datetime.now(UTC) + timedelta(seconds=2)).isoformat()
    for _ in range(10):
        k.cases.start("timed_wait", "clerk1", {"wake_at": wake})
    time.sleep(3)
    timers = k.jobs.claim_timers("counter", 50, 30)
    seen: list[str] = []
    event.listen(k.ctx.db.write_engine, "before_cursor_execute", lambda *a: seen.append(a[2]))
    for timer in timers:
        k.jobs.fire_timer(timer, "counter")
    k.close()
    return len(seen) / max(len(timers), 1)


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    admin = pg.admin_engine(None)
    with pg.temp_database(admin, "krabuan_burst") as url:
        burst = bench.measure(url, count, 200, 10.0)["backlog"]
    with pg.temp_database(admin, "krabuan_count") as url:
        statements = _statements_per_fire(url)
    print(f"{ROOT.name}: {count} due at once: {burst['fired'] / max(burst['drain'], 1e-9):.0f} fires/s, "
          f"p50 {burst['p50']:.2f} s, p99 {burst['p99']:.2f} s, all fired after {burst['drain']:.1f} s, "
          f"duplicates {burst['duplicates']}, lost {burst['pending']}; {statements:.1f} statements per fire")


if __name__ == "__main__":
    main()
