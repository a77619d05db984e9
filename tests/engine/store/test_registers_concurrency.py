"""R-COR-02: numbers issued at the same instant by many clerks are distinct and consecutive, on
SQLite and on PostgreSQL: 2 processes x 8 threads take 2,000 numbers from one register, each in
its own transaction (some of which roll back after taking one), and the register holds 1..2,000
with no gap and no number twice."""
from __future__ import annotations

import multiprocessing
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime

from engine import Conflict
from engine.settings import Settings

PROCESSES, THREADS, NUMBERS = 2, 8, 2_000
PER_THREAD = NUMBERS // (PROCESSES * THREADS)


def _issue(settings: Settings, worker: int) -> list[int]:
    """One process: THREADS threads each taking PER_THREAD numbers (retrying a busy database);
    every 10th transaction of a thread rolls back after taking a number, which must give it back."""
    from engine.store import registers as store
    from engine.store.db import Database
    from engine.store.registers import ISSUED, Letter, NewEntry

    db = Database(settings)
    now = datetime.now(UTC)

    def thread(t: int) -> list[int]:
        taken: list[int] = []
        attempt = 0
        while len(taken) < PER_THREAD:
            attempt += 1
            try:
                with db.unit_of_work() as conn:
                    number = store.next_number(conn, "sent", 2569)
                    if attempt % 10 == 0:
                        raise _RolledBack
                    store.append(conn, NewEntry("sent", 2569, number, ISSUED, f"สธ 0701/{number}",
                                                Letter(subject=f"p{worker} t{t}"), now, f"clerk{worker}",
                                                date(2026, 12, 5)))
                taken.append(number)
            except (_RolledBack, Conflict):
                continue
        return taken

    try:
        with ThreadPoolExecutor(THREADS) as pool:
            return [n for chunk in pool.map(thread, range(THREADS)) for n in chunk]
    finally:
        db.dispose()


class _RolledBack(Exception):
    pass


def test_two_processes_of_eight_threads_take_2000_distinct_consecutive_numbers(k, settings):
    with multiprocessing.get_context("spawn").Pool(PROCESSES) as pool:
        results = pool.starmap(_issue, [(settings, w) for w in range(PROCESSES)])
    numbers = sorted(n for chunk in results for n in chunk)
    assert numbers == list(range(1, NUMBERS + 1))
    from engine.store import registers as store

    with k.ctx.db.unit_of_work(write=False) as conn:
        rows = store.rows_of(conn, "sent", 2569)
        assert [r.number for r in rows] == list(range(1, NUMBERS + 1))
        assert store.last_number(conn, "sent", 2569) == NUMBERS
        assert {r.issued_by for r in rows} == {"clerk0", "clerk1"}  # both processes took numbers
