"""Krabuan engine benchmark: one command, results printed as Markdown for docs/benchmarks.md.

    .venv/bin/python bench/run.py [--instances N] [--pg URL | --no-pg] [--timers N]

The same SOP-shaped process (tests/data/sop_bench.bpmn: 6 sequential user tasks in two
lanes, an approve/reject gateway that loops back, a 3-member multi-instance committee, a
non-interrupting boundary timer) is run to completion N times by:

(a) raw SpiffWorkflow in memory (the speed limit);
(b) raw SpiffWorkflow with the plainest durable persistence: load the row, deserialize,
    step, serialize, commit; SQLite WAL, synchronous=NORMAL; no engine code;
(c) Krabuan through its engine API on SQLite (same WAL/NORMAL default);
(d) Krabuan on PostgreSQL.

Also: per-step cost as a user task loops 10, 50 and 200 times (Krabuan vs (b)), and bytes
stored per completed instance; then the timer benchmark of bench/timers.py (PostgreSQL). This file imports SpiffWorkflow for (a) and (b) only: it is
a measuring tool, not product code.
"""
from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any, Callable

from sqlalchemy import Column, Integer, MetaData, Table, Text, create_engine, event, func, select, text, update
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.util.task import TaskState

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine import Krabuan  # noqa: E402
from engine.store.tables import HistoryEvent, HumanTask, Instance, TaskCandidate  # noqa: E402
from engine.settings import Settings  # noqa: E402

DATA = ROOT / "tests" / "data"
SOP = DATA / "sop_bench.bpmn"
LOOP = DATA / "review_loop.bpmn"

FORMS: dict[str, dict[str, Any]] = {
    "register_application": {"applicant": "นายสมชาย ใจดี", "subject": "ขอใช้ห้องประชุมใหญ่ ชั้น 5", "amount": "1500.50"},
    "check_documents": {"documents_complete": True},
    "prepare_draft": {"draft_text": "ร่างหนังสืออนุมัติการใช้ห้องประชุม " * 4},
    "director_review": {"decision": "approve", "committee": ["a", "b", "c"], "comment": "เห็นชอบ"},
    "committee_vote": {"vote": "yes"},
    "sign_decision": {"signed": True},
    "notify_applicant": {"notified_on": "2026-11-20"},
}
RAW_FORMS = {**FORMS, "register_application": {**FORMS["register_application"], "amount": 1500.5},
             "director_review": {**FORMS["director_review"]}}
USER = {"clerk": "clerk1", "director": "director1"}
STEPS_PER_INSTANCE = 9


# ----------------------------------------------------------------------------- raw SpiffWorkflow

def _raw_specs(path: Path, process_id: str):
    parser = SpiffBpmnParser()
    parser.add_bpmn_file(str(path))
    return parser.get_spec(process_id), parser.get_subprocess_specs(process_id)


def _ready(wf: BpmnWorkflow):
    return wf.get_tasks(state=TaskState.READY, manual=True)


def raw_in_memory(n: int) -> float:
    spec, subs = _raw_specs(SOP, "sop_bench")
    start = time.perf_counter()
    for _ in range(n):
        wf = BpmnWorkflow(spec, subs)
        wf.do_engine_steps()
        while tasks := _ready(wf):
            task = tasks[0]
            task.data.update(RAW_FORMS[task.task_spec.bpmn_id])
            task.run()
            wf.do_engine_steps()
        assert wf.is_completed()
    return time.perf_counter() - start


def _sqlite_engine(path: Path):
    engine = create_engine(f"sqlite:///{path}")

    @event.listens_for(engine, "connect")
    def _pragmas(conn, _):  # noqa: ANN001
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")

    return engine


def raw_durable(n: int, folder: Path, process: Path = SOP, process_id: str = "sop_bench",
                forms: Callable[[Any], dict[str, Any]] | None = None) -> float:
    """(b): every step is a request: SELECT, deserialize, complete, serialize, UPDATE, COMMIT."""
    spec, subs = _raw_specs(process, process_id)
    serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))
    engine = _sqlite_engine(folder / f"raw-{uuid.uuid4().hex}.sqlite3")
    meta = MetaData()
    table = Table("workflow_instance", meta, Column("id", Integer, primary_key=True), Column("state_json", Text))
    meta.create_all(engine)
    forms = forms or (lambda t: RAW_FORMS[t.task_spec.bpmn_id])
    start = time.perf_counter()
    for _ in range(n):
        wf = BpmnWorkflow(spec, subs)
        wf.do_engine_steps()
        with engine.begin() as conn:
            iid = conn.execute(table.insert().values(state_json=serializer.serialize_json(wf))).inserted_primary_key[0]
        while True:
            with engine.begin() as conn:
                state = conn.execute(select(table.c.state_json).where(table.c.id == iid)).scalar_one()
                wf = serializer.deserialize_json(state)
                tasks = _ready(wf)
                if not tasks:
                    break
                task = tasks[0]
                task.data.update(forms(task))
                task.run()
                wf.do_engine_steps()
                conn.execute(update(table).where(table.c.id == iid).values(state_json=serializer.serialize_json(wf)))
    elapsed = time.perf_counter() - start
    engine.dispose()
    return elapsed


# ----------------------------------------------------------------------------- Krabuan

def make_krabuan(folder: Path, database_url: str = "") -> Krabuan:
    settings = Settings().with_overrides(data_dir=folder / f"k-{uuid.uuid4().hex[:6]}", database_url=database_url,
                                         forms_dir=DATA / "forms", processes_dir=folder / "none",
                                         organisation_file=DATA / "organisation.yaml")
    k = Krabuan(settings)
    k.init()
    k.repository.deploy([SOP, LOOP])
    return k


def krabuan_case(k: Krabuan) -> int:
    """One SOP case as users do it: look at the case's open tasks, claim, complete."""
    instance_id = k.cases.start("sop_bench", "clerk1").instance_id
    while tasks := k.tasks.of_case(instance_id):
        task = tasks[0]
        user = USER[task.candidate_groups[0]]
        k.tasks.claim(task.id, user)
        k.cases.complete(task.id, user, FORMS[task.element_id])
    return instance_id


def krabuan_run(k: Krabuan, n: int) -> float:
    start = time.perf_counter()
    for _ in range(n):
        krabuan_case(k)
    return time.perf_counter() - start


def stored_bytes(k: Krabuan, instance_id: int) -> int:
    """Bytes of every row the instance owns (text lengths plus fixed-width columns)."""
    with k.ctx.db.unit_of_work(write=False) as s:
        inst = s.execute(select(func.length(Instance.state_json) + func.length(Instance.data_json))
                         .where(Instance.id == instance_id)).scalar_one() + 80
        tasks = s.execute(select(func.count(), func.coalesce(func.sum(
            func.length(HumanTask.element_id) + func.length(HumanTask.name) + func.length(HumanTask.spiff_task_id)
            + func.coalesce(func.length(HumanTask.form_key), 0) + func.coalesce(func.length(HumanTask.lane), 0)
            + func.coalesce(func.length(HumanTask.assignee), 0)), 0)).where(HumanTask.instance_id == instance_id)).one()
        cands = s.scalar(select(func.coalesce(func.sum(func.length(TaskCandidate.group_id) + 8), 0))
                         .join(HumanTask, HumanTask.id == TaskCandidate.task_id)
                         .where(HumanTask.instance_id == instance_id))
        events = s.execute(select(func.count(), func.coalesce(func.sum(
            func.length(HistoryEvent.payload) + func.length(HistoryEvent.event_type)
            + func.length(HistoryEvent.occurred_at) + func.coalesce(func.length(HistoryEvent.actor), 0) + 128), 0))
            .where(HistoryEvent.instance_id == instance_id)).one()
    return inst + tasks[1] + tasks[0] * 60 + cands + events[1] + events[0] * 24


def loop_case_cost(k: Krabuan, rounds: int, sample: int = 5) -> float:
    """Median ms of one claim+complete at the given loop round (Krabuan)."""
    instance_id = k.cases.start("review_loop", "clerk1").instance_id
    costs = []
    for r in range(1, rounds + sample + 1):
        task = k.tasks.of_case(instance_id)[0]
        t0 = time.perf_counter()
        k.tasks.claim(task.id, "clerk1")
        k.cases.complete(task.id, "clerk1", {"done": False, "note": f"round {r}"})
        if r > rounds:
            costs.append((time.perf_counter() - t0) * 1000)
    return statistics.median(costs)


def raw_loop_cost(folder: Path, rounds: int, sample: int = 5) -> float:
    """Median ms of one stateless raw request (deserialize, complete, serialize, commit) at that round."""
    spec, subs = _raw_specs(LOOP, "review_loop")
    serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))
    engine = _sqlite_engine(folder / f"rawloop-{uuid.uuid4().hex}.sqlite3")
    meta = MetaData()
    table = Table("workflow_instance", meta, Column("id", Integer, primary_key=True), Column("state_json", Text))
    meta.create_all(engine)
    wf = BpmnWorkflow(spec, subs)
    wf.do_engine_steps()
    with engine.begin() as conn:
        iid = conn.execute(table.insert().values(state_json=serializer.serialize_json(wf))).inserted_primary_key[0]
    costs = []
    for r in range(1, rounds + sample + 1):
        t0 = time.perf_counter()
        with engine.begin() as conn:
            wf = serializer.deserialize_json(conn.execute(select(table.c.state_json)
                                                          .where(table.c.id == iid)).scalar_one())
            task = _ready(wf)[0]
            task.data.update({"done": False, "note": f"round {r}"})
            task.run()
            wf.do_engine_steps()
            conn.execute(update(table).where(table.c.id == iid).values(state_json=serializer.serialize_json(wf)))
        if r > rounds:
            costs.append((time.perf_counter() - t0) * 1000)
    engine.dispose()
    return statistics.median(costs)


# ----------------------------------------------------------------------------- PostgreSQL

def pg_database(admin_url: str | None):
    urls = [admin_url] if admin_url else [f"postgresql+psycopg://{u}@127.0.0.1:5432/test" for u in ("postgres", "root")]
    for url in urls:
        try:
            admin = create_engine(url, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text("select 1"))
        except Exception:  # noqa: BLE001
            continue
        name = f"krabuan_bench_{uuid.uuid4().hex[:8]}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        return admin, url.rsplit("/", 1)[0] + "/" + name, name
    return None


# ----------------------------------------------------------------------------- main

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--instances", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--pg", help="admin URL of a PostgreSQL server (default: 127.0.0.1:5432/test)")
    parser.add_argument("--no-pg", action="store_true")
    parser.add_argument("--timers", type=int, default=10_000, help="timers due at once (PostgreSQL part)")
    parser.add_argument("--steady", type=int, default=2_000, help="timers due evenly over --steady-seconds")
    parser.add_argument("--steady-seconds", type=float, default=60.0)
    args = parser.parse_args()
    n, repeats = args.instances, args.repeats
    folder = Path(tempfile.mkdtemp(prefix="krabuan-bench-"))

    def best(fn: Callable[[], float]) -> float:
        fn()  # warm-up
        return min(fn() for _ in range(repeats))

    a = best(lambda: raw_in_memory(n))
    b = best(lambda: raw_durable(n, folder))
    k_sqlite = make_krabuan(folder)
    c = best(lambda: krabuan_run(k_sqlite, n))
    instance_id = krabuan_case(k_sqlite)
    sop_bytes = stored_bytes(k_sqlite, instance_id)
    db_file = k_sqlite.settings.data_dir / "krabuan.sqlite3"
    k_sqlite.ctx.db.write_engine.dispose()
    with create_engine(f"sqlite:///{db_file}").connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        instances = conn.exec_driver_sql("SELECT count(*) FROM instances").scalar_one()
    disk_per_instance = os.path.getsize(db_file) / instances

    d = None
    pg = None if args.no_pg else pg_database(args.pg)
    if pg:
        admin, url, name = pg
        k_pg = make_krabuan(folder, url)
        d = best(lambda: krabuan_run(k_pg, n))
        k_pg.close()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    growth = []
    k_loop = make_krabuan(folder)
    for rounds in (10, 50, 200):
        kc = min(loop_case_cost(k_loop, rounds) for _ in range(2))
        rc = min(raw_loop_cost(folder, rounds) for _ in range(2))
        growth.append((rounds, kc, rc))

    def ips(t: float) -> float:
        return n / t

    def step_ms(t: float) -> float:
        return t / (n * STEPS_PER_INSTANCE) * 1000

    print(f"## Engine core benchmark ({time.strftime('%Y-%m-%d')})\n")
    print(f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
          f"`bench/run.py --instances {n} --repeats {repeats}`; best of {repeats} runs after a warm-up.\n")
    print("| | instances/s | ms per user-task step | vs (b) |")
    print("|---|---|---|---|")
    print(f"| (a) raw SpiffWorkflow, in memory | {ips(a):.0f} | {step_ms(a):.3f} | {b / a:.2f} |")
    print(f"| (b) raw SpiffWorkflow, durable (SQLite WAL/NORMAL, stateless) | {ips(b):.1f} | {step_ms(b):.3f} | 1.00 |")
    print(f"| (c) Krabuan engine API, SQLite (claim + complete per step) | {ips(c):.1f} | {step_ms(c):.3f} | "
          f"{b / c:.2f} |")
    if d is not None:
        print(f"| (d) Krabuan engine API, PostgreSQL (claim + complete per step) | {ips(d):.1f} | {step_ms(d):.3f} | "
              f"{b / d:.2f} |")
    print("\nPer-step cost as a user task loops (median ms of one step at that round):\n")
    print("| loop round | Krabuan (claim + complete) | raw stateless request (b) | ratio |")
    print("|---|---|---|---|")
    for rounds, kc, rc in growth:
        print(f"| {rounds} | {kc:.2f} | {rc:.2f} | {kc / rc:.2f} |")
    print(f"\nStored per completed SOP instance: {sop_bytes / 1024:.1f} KB of row data "
          f"(instance state and case data, task rows, candidate rows, history events); "
          f"{disk_per_instance / 1024:.1f} KB of SQLite file per instance including indexes.")
    if not args.no_pg:
        import timers as timer_bench
        out = timer_bench.run(args.pg, args.timers, args.steady, args.steady_seconds)
        print("\n" + (out or "PostgreSQL is not reachable: no timer benchmark"))


if __name__ == "__main__":
    main()
