"""Worklist latency with a big office: 100,000 open tasks among 10,000 users (issue 9).

The rows are written straight into the tables (a realistic spread, not one case at a time):
1,000 groups of 10 users; the *big* user's group holds 10,000 unclaimed tasks, the *small*
user's group 100; every other group about 90; a fifth of all tasks are claimed by someone (the
big user holds 200 of them, the small user 5). Urgency and due dates vary. Then the saved
"all" view (mine + my groups' unclaimed, by urgency then due date) is timed through the
engine API and, when a server is given, through ``GET /api/v1/tasks``: the first page, and a
deep page (page 40 for the big user, reached by following the cursors).

    .venv/bin/python bench/worklist.py [--pg URL | --no-pg] [--repeat 200]
"""
from __future__ import annotations

import argparse
import http.client
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH.parent), str(BENCH)]

from sqlalchemy import insert, text  # noqa: E402

import http_api  # noqa: E402
import pg  # noqa: E402
from engine import Krabuan, Settings  # noqa: E402
from engine.store import tables as t  # noqa: E402

USERS, GROUP_SIZE, OPEN_TASKS = 10_000, 10, 100_000
BIG, SMALL = "big_user", "small_user"
DATA = BENCH.parent / "tests" / "data"


def _krabuan(folder: Path, url: str) -> tuple[Krabuan, dict[str, Any]]:
    """A Krabuan on its own data folder (and database); also its settings, for the server."""
    values = http_api.settings_values(folder / f"k-{uuid.uuid4().hex[:6]}", url)
    k = Krabuan(Settings().with_overrides(**values))
    k.init()
    k.repository.deploy([DATA / "sop_bench.bpmn"])
    return k, values


def populate(k: Krabuan, seed: int = 9) -> None:
    """Users, groups, cases and open tasks as described in the module docstring."""
    rnd = random.Random(seed)
    now = datetime.now(UTC)
    groups = [f"g{i:04d}" for i in range(USERS // GROUP_SIZE)]
    users = [f"u{i:05d}" for i in range(USERS - 2)] + [BIG, SMALL]
    member_of = {u: groups[i // GROUP_SIZE] for i, u in enumerate(users)}
    member_of[BIG], member_of[SMALL] = "g_big", "g_small"
    with k.ctx.db.unit_of_work() as conn:
        definition_id = conn.execute(t.ProcessDefinition.select()).first().id  # type: ignore[union-attr]
        conn.execute(insert(t.Group), [{"id": g, "name_th": g, "name_en": g, "organisation": "bench"}
                                       for g in [*groups, "g_big", "g_small"]])
        conn.execute(insert(t.User), [{"username": u, "name_th": u, "name_en": u, "active": True} for u in users])
        conn.execute(insert(t.Membership), [{"username": u, "group_id": g} for u, g in member_of.items()])
        plan: list[tuple[str, str | None]] = [("g_big", None)] * 10_000 + [("g_small", None)] * 100
        plan += [("g_big", BIG)] * 200 + [("g_small", SMALL)] * 5
        while len(plan) < OPEN_TASKS:
            g = rnd.choice(groups)
            plan.append((g, rnd.choice(users[:-2]) if rnd.random() < 0.2 else None))
        rnd.shuffle(plan)
        cases = OPEN_TASKS // 5
        conn.execute(insert(t.Instance), [
            {"id": i + 1, "definition_id": definition_id, "process_id": "sop_bench", "status": "running",
             "state_json": "{}", "data_json": "{}", "version": 1, "history_seq": 0, "history_head": "0" * 64,
             "started_by": "clerk1", "created_at": now, "updated_at": now, "title": f"เรื่องที่ {i + 1}",
             "urgency": rnd.choice((1, 2, 3, 4, 4, 4, 4, 4))} for i in range(cases)])
        rows, candidates = [], []
        for n, (group, assignee) in enumerate(plan, start=1):
            due = now + timedelta(hours=rnd.randint(-200, 2000)) if rnd.random() < 0.9 else None
            rows.append({"id": n, "instance_id": (n % cases) + 1, "process_id": "sop_bench",
                         "spiff_task_id": str(uuid.UUID(int=n)), "element_id": "review", "name": "ตรวจสอบ",
                         "lane": group, "form_key": None, "candidate_groups": group, "assignee": assignee,
                         "reserved_for": None, "state": "open", "version": 1, "created_at": now, "due_at": due,
                         "title": f"เรื่องที่ {(n % cases) + 1}", "urgency": rnd.choice((1, 2, 3, 4, 4, 4, 4, 4)),
                         "due_sort": due or t.FAR_FUTURE})
            candidates.append({"task_id": n, "group_id": group, "queued": assignee is None,
                               "urgency": rows[-1]["urgency"], "due_sort": due or t.FAR_FUTURE})
        for i in range(0, len(rows), 10_000):
            conn.execute(insert(t.HumanTask), rows[i:i + 10_000])
            conn.execute(insert(t.TaskCandidate), candidates[i:i + 10_000])
    with k.ctx.db.unit_of_work() as conn:  # as autovacuum / a DBA would have by now
        conn.execute(text("ANALYZE"))


def timed(fn: Callable[[], Any], repeat: int) -> dict[str, float]:
    fn()  # warm
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return {"median_ms": statistics.median(samples), "p95_ms": samples[int(len(samples) * 0.95) - 1]}


def deep_cursor(k: Krabuan, user: str, pages: int) -> str | None:
    cursor = None
    for _ in range(pages):
        page = k.tasks.page(user, "all", cursor)
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    return cursor


def measure(k: Krabuan, repeat: int) -> dict[str, dict[str, float]]:
    out = {}
    for user in (BIG, SMALL):
        out[f"{user} first page"] = timed(lambda u=user: k.tasks.page(u, "all"), repeat)  # type: ignore[misc]
    cursor = deep_cursor(k, BIG, 40)
    out[f"{BIG} page 41"] = timed(lambda: k.tasks.page(BIG, "all", cursor), repeat)
    out["user with no tasks, first page"] = timed(lambda: k.tasks.page("u00001", "mine"), repeat)
    # The whole list at once (`krabuan tasks`): 10,200 tasks for the big user, none for the other.
    out[f"{BIG}, whole list (krabuan tasks)"] = timed(lambda: k.tasks.worklist(BIG), max(3, repeat // 20))
    out["user with no tasks, whole list (krabuan tasks)"] = timed(lambda: k.tasks.worklist("u00001"), repeat)
    return out


def measure_http(k: Krabuan, values: dict[str, Any], repeat: int, log: Path) -> dict[str, dict[str, float]]:
    """The same pages through ``GET /api/v1/tasks`` of the production server (gunicorn, 2 workers),
    one kept-alive connection, bearer tokens."""
    tokens = {user: k.accounts.create_token(user, "bench", actor=user).secret for user in (BIG, SMALL, "u00001")}
    deep = deep_cursor(k, BIG, 40)
    out = {}
    with http_api.server(values, log) as port:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

        def get(user: str, query: str) -> None:
            conn.request("GET", "/api/v1/tasks" + query, headers={"Authorization": f"Bearer {tokens[user]}"})
            response = conn.getresponse()
            body = response.read()
            if response.status != 200:
                raise RuntimeError(f"GET /api/v1/tasks{query} as {user}: {response.status} {body[:200]!r}")

        for user in (BIG, SMALL):
            out[f"{user} first page (HTTP)"] = timed(lambda u=user: get(u, ""), repeat)  # type: ignore[misc]
        out[f"{BIG} page 41 (HTTP)"] = timed(lambda: get(BIG, f"?cursor={deep}"), repeat)
        out["user with no tasks, first page (HTTP)"] = timed(lambda: get("u00001", "?view=mine"), repeat)
        conn.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pg", help="admin URL of a PostgreSQL server")
    parser.add_argument("--no-pg", action="store_true")
    parser.add_argument("--repeat", type=int, default=100)
    args = parser.parse_args()
    results: dict[str, dict[str, dict[str, float]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        k, values = _krabuan(Path(tmp), "")
        started = time.perf_counter()
        populate(k)
        print(f"SQLite populated in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        results["SQLite"] = measure(k, args.repeat) | measure_http(k, values, args.repeat, Path(tmp) / "sqlite.log")
        k.close()
        admin = None if args.no_pg else pg.admin_engine(args.pg)
        if admin is not None:
            with pg.temp_database(admin) as url:
                k, values = _krabuan(Path(tmp), url)
                populate(k)
                results["PostgreSQL"] = (measure(k, args.repeat)
                                         | measure_http(k, values, args.repeat, Path(tmp) / "pg.log"))
                k.close()
    print("| database | what | median ms | p95 ms |\n|---|---|---:|---:|")
    for db, rows in results.items():
        for what, r in rows.items():
            print(f"| {db} | {what} | {r['median_ms']:.1f} | {r['p95_ms']:.1f} |")


if __name__ == "__main__":
    main()
