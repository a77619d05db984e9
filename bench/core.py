"""The engine-core variants: one SOP-shaped case run to completion, N times, by

(a) raw SpiffWorkflow in memory (the speed limit);
(b) a raw durable loop storing the whole workflow with SpiffWorkflow's stock serializer, which
    embeds (and on every load rebuilds) the process spec; SQLite WAL, synchronous=NORMAL;
(s) the same raw loop storing only the workflow state with the engine's own
    ``StateSerializer``: the spec is stored once and restored once, every step loads and
    saves only the state; SQLite WAL, synchronous=NORMAL (the engine's default);
(p) the (s) loop on PostgreSQL, one commit per step at the server's durability
    (``synchronous_commit=on``, as the engine runs);
(c) Krabuan through its engine API on SQLite: per step a claim and a complete, two transactions;
(d) Krabuan on PostgreSQL;
(e), (f) Krabuan on SQLite, on PostgreSQL, one request per step as the raw loops: a complete
    that claims the still unclaimed task in the same transaction (``complete(..., how=Completion(claim=True))``,
    the web form's "claim and complete"; not in code before it existed).

Every raw durable step is one request: load the row, deserialize, complete the task, run the
engine steps, serialize, update, commit. Like the engine's complete, the request ends knowing
the case's next tasks, so no extra read is needed to see that a case has ended.
Also: per-step cost as a user task loops, and bytes stored per completed case.
Import this module only after the code tree's root is first on ``sys.path``.
"""
from __future__ import annotations

import os
import statistics
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from compat import EngineApi
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import (
    Column,
    Engine,
    ForeignKey,
    Integer,
    MetaData,
    Table,
    Text,
    create_engine,
    event,
    func,
    insert,
    select,
    update,
)

from engine.spiff.serializer import StateSerializer

API = EngineApi()
DATA = API.root / "tests" / "data"
SOP = DATA / "sop_bench.bpmn"
LOOP = DATA / "review_loop.bpmn"
STEPS_PER_CASE = 9

FORMS: dict[str, dict[str, Any]] = {
    "register_application": {"applicant": "นายสมชาย ใจดี", "subject": "ขอใช้ห้องประชุมใหญ่ ชั้น 5", "amount": "1500.50"},
    "check_documents": {"documents_complete": True},
    "prepare_draft": {"draft_text": "ร่างหนังสืออนุมัติการใช้ห้องประชุม " * 4},
    "director_review": {"decision": "approve", "committee": ["a", "b", "c"], "comment": "เห็นชอบ"},
    "committee_vote": {"vote": "yes"},
    "sign_decision": {"signed": True},
    "notify_applicant": {"notified_on": "2026-11-20"},
}
RAW_FORMS = {**FORMS, "register_application": {**FORMS["register_application"], "amount": 1500.5}}
USER = {"clerk": "clerk1", "director": "director1"}


@dataclass
class Variant:
    """One way of running N cases; ``run(n)`` returns the seconds it took."""

    key: str
    label: str
    run: Callable[[int], float]
    close: Callable[[], None] = field(default=lambda: None)


# ----------------------------------------------------------------------------- raw SpiffWorkflow

def raw_specs(path: Path, process_id: str) -> tuple[Any, dict[str, Any]]:
    """Parse a BPMN file into SpiffWorkflow's spec and subprocess specs."""
    parser = SpiffBpmnParser()
    parser.add_bpmn_file(str(path))
    return parser.get_spec(process_id), parser.get_subprocess_specs(process_id)


def ready(workflow: BpmnWorkflow) -> list[Any]:
    return workflow.get_tasks(state=TaskState.READY, manual=True)


def sop_forms(task: Any) -> dict[str, Any]:
    return RAW_FORMS[task.task_spec.bpmn_id]


def run_task(workflow: BpmnWorkflow, task: Any, data: dict[str, Any]) -> None:
    """Complete one user task with its form data and run the workflow to its next wait state."""
    task.data.update(data)
    task.run()
    workflow.do_engine_steps()


def in_memory_variant() -> Variant:
    """(a): no persistence at all."""
    spec, subs = raw_specs(SOP, "sop_bench")

    def run(n: int) -> float:
        start = time.perf_counter()
        for _ in range(n):
            wf = BpmnWorkflow(spec, subs)
            wf.do_engine_steps()
            steps = 0
            while tasks := ready(wf):
                run_task(wf, tasks[0], sop_forms(tasks[0]))
                steps += 1
            check_case(wf.is_completed(), steps)
        return time.perf_counter() - start

    return Variant("a", "raw SpiffWorkflow, in memory", run)


def check_case(completed: bool, steps: int) -> None:
    if not completed or steps != STEPS_PER_CASE:
        raise RuntimeError(f"case ended after {steps} steps (completed: {completed}); expected {STEPS_PER_CASE}")


def sqlite_engine(path: Path) -> Engine:
    """SQLite as the engine runs it by default: WAL, synchronous=NORMAL."""
    engine = create_engine(f"sqlite:///{path}")

    @event.listens_for(engine, "connect")
    def _pragmas(conn: Any, _record: Any) -> None:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")

    return engine


def postgres_engine(url: str) -> Engine:
    """PostgreSQL as the engine runs it: the server's durability (``synchronous_commit=on`` by
    default), one commit per transaction, nothing tuned."""
    return create_engine(url)


class WholeStore:
    """Rows hold the whole serialized workflow, spec included (SpiffWorkflow's stock serializer)."""

    def __init__(self, engine: Engine, spec: Any, subs: dict[str, Any]) -> None:
        self.spec, self.subs = spec, subs
        self.serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))
        meta = MetaData()
        self.table = Table("workflow_instance", meta, Column("id", Integer, primary_key=True),
                           Column("state_json", Text))
        meta.create_all(engine)

    def insert(self, conn: Any, workflow: BpmnWorkflow) -> int:
        row = self.serializer.serialize_json(workflow)
        return int(conn.execute(insert(self.table).values(state_json=row)).inserted_primary_key[0])

    def load(self, conn: Any, row_id: int) -> BpmnWorkflow:
        text = conn.execute(select(self.table.c.state_json).where(self.table.c.id == row_id)).scalar_one()
        return self.serializer.deserialize_json(text)

    def save(self, conn: Any, row_id: int, workflow: BpmnWorkflow) -> None:
        conn.execute(update(self.table).where(self.table.c.id == row_id)
                     .values(state_json=self.serializer.serialize_json(workflow)))


class StateStore:
    """Rows hold only the workflow state (the engine's StateSerializer); the spec is stored once
    in its own row and restored from it once, as the engine's process-wide spec cache does."""

    def __init__(self, engine: Engine, spec: Any, subs: dict[str, Any]) -> None:
        self.serializer = StateSerializer()
        meta = MetaData()
        specs = Table("process_spec", meta, Column("id", Integer, primary_key=True), Column("spec_json", Text))
        self.table = Table("workflow_state", meta, Column("id", Integer, primary_key=True),
                           Column("spec_id", ForeignKey("process_spec.id")), Column("state_json", Text))
        meta.create_all(engine)
        with engine.begin() as conn:
            self.spec_id = conn.execute(insert(specs).values(
                spec_json=self.serializer.specs_to_json(spec, subs))).inserted_primary_key[0]
            stored = conn.execute(select(specs.c.spec_json).where(specs.c.id == self.spec_id)).scalar_one()
        self.spec, self.subs = self.serializer.specs_from_json(stored)

    def insert(self, conn: Any, workflow: BpmnWorkflow) -> int:
        row = self.serializer.state_to_json(workflow)
        return int(conn.execute(insert(self.table).values(spec_id=self.spec_id, state_json=row))
                   .inserted_primary_key[0])

    def load(self, conn: Any, row_id: int) -> BpmnWorkflow:
        text = conn.execute(select(self.table.c.state_json).where(self.table.c.id == row_id)).scalar_one()
        return self.serializer.state_from_json(text, self.spec, self.subs)

    def save(self, conn: Any, row_id: int, workflow: BpmnWorkflow) -> None:
        conn.execute(update(self.table).where(self.table.c.id == row_id)
                     .values(state_json=self.serializer.state_to_json(workflow)))


Store = WholeStore | StateStore


def durable_step(engine: Engine, store: Store, row_id: int, data: Callable[[Any], dict[str, Any]]) -> bool:
    """One stateless request: load, deserialize, complete the first ready task, serialize, commit.
    Returns whether the case has tasks left."""
    with engine.begin() as conn:
        wf = store.load(conn, row_id)
        task = ready(wf)[0]
        run_task(wf, task, data(task))
        store.save(conn, row_id, wf)
    return bool(ready(wf))


def durable_start(engine: Engine, store: Store) -> tuple[int, bool]:
    """Create a case and store it; returns its row id and whether it has tasks to do."""
    wf = BpmnWorkflow(store.spec, store.subs)
    wf.do_engine_steps()
    with engine.begin() as conn:
        row_id = store.insert(conn, wf)
    return row_id, bool(ready(wf))


def durable_variant(key: str, label: str, engine: Engine, store_class: type[Store]) -> Variant:
    """(b), (s) or (p): the raw durable loop on one database with one kind of row."""
    store = store_class(engine, *raw_specs(SOP, "sop_bench"))

    def run(n: int) -> float:
        start = time.perf_counter()
        for _ in range(n):
            row_id, more = durable_start(engine, store)
            steps = 0
            while more:
                more = durable_step(engine, store, row_id, sop_forms)
                steps += 1
            check_case(True, steps)
        return time.perf_counter() - start

    return Variant(key, label, run, engine.dispose)


# ----------------------------------------------------------------------------- Krabuan

def make_krabuan(folder: Path, database_url: str = "") -> Any:
    """A Krabuan with its own data folder (and database), the test organisation and the two
    benchmark processes deployed."""
    settings = API.Settings().with_overrides(
        data_dir=folder / f"k-{uuid.uuid4().hex[:6]}", database_url=database_url, forms_dir=DATA / "forms",
        processes_dir=folder / "none", organisation_file=DATA / "organisation.yaml")
    k = API.Krabuan(settings)
    k.init()
    API.deploy(k, [SOP, LOOP])
    return k


def krabuan_case(k: Any, one_request: bool = False) -> int:
    """One SOP case as users do it: take the first open task, claim it, complete it, until none
    is left; with ``one_request`` the complete claims the task itself (one transaction per step,
    as the raw loops do). The open tasks come back from start and complete (read separately on
    the flat API)."""
    instance_id, tasks = API.start(k, "sop_bench", "clerk1")
    steps = 0
    while tasks:
        task = tasks[0]
        user = USER[task.candidate_groups[0]]
        if not one_request:
            API.claim(k, task.id, user)
        tasks = API.complete(k, task.id, user, FORMS[task.element_id], instance_id, claim=one_request)
        steps += 1
    check_case(True, steps)
    return instance_id


def krabuan_variant(key: str, label: str, folder: Path, database_url: str = "",
                    one_request: bool = False) -> tuple[Variant, Any]:
    """(c), (d), (e) or (f); also returns the Krabuan, for the bytes-per-case measurement."""
    k = make_krabuan(folder, database_url)

    def run(n: int) -> float:
        start = time.perf_counter()
        for _ in range(n):
            krabuan_case(k, one_request)
        return time.perf_counter() - start

    return Variant(key, label, run, k.close), k


def statements_per_step(k: Any, one_request: bool = False) -> float:
    """SQL statements Krabuan sends per user-task step, over one SOP case (its start included);
    BEGIN, COMMIT and the pool's liveness pings are not counted. The raw loops send two."""
    db = k.ctx.db
    engines = {id(e): e for e in (db.write_engine, getattr(db, "read_engine", db.write_engine))}.values()
    count = 0

    def counter(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        nonlocal count
        count += not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK"))

    for engine in engines:
        event.listen(engine, "before_cursor_execute", counter)
    try:
        krabuan_case(k, one_request)
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", counter)
    return count / STEPS_PER_CASE


# ----------------------------------------------------------------------------- per-step cost as a task loops

def krabuan_loop_step_ms(k: Any, rounds: int, sample: int = 5) -> float:
    """Median ms of one claim + complete at the given loop round (review_loop.bpmn)."""
    instance_id, _ = API.start(k, "review_loop", "clerk1")
    costs = []
    for r in range(1, rounds + sample + 1):
        task = API.of_case(k, instance_id)[0]
        t0 = time.perf_counter()
        API.claim(k, task.id, "clerk1")
        API.complete(k, task.id, "clerk1", {"done": False, "note": f"round {r}"}, instance_id)
        if r > rounds:
            costs.append((time.perf_counter() - t0) * 1000)
    return statistics.median(costs)


def raw_loop_step_ms(engine: Engine, store: Store, rounds: int, sample: int = 5) -> float:
    """Median ms of one raw durable request at the given loop round."""
    row_id, _ = durable_start(engine, store)
    costs = []
    for r in range(1, rounds + sample + 1):
        t0 = time.perf_counter()
        durable_step(engine, store, row_id, lambda _task, r=r: {"done": False, "note": f"round {r}"})
        if r > rounds:
            costs.append((time.perf_counter() - t0) * 1000)
    return statistics.median(costs)


def loop_growth(folder: Path, round_counts: list[int], repeats: int) -> list[dict[str, float]]:
    """Per-step cost at each loop round for Krabuan, raw whole-workflow and raw state-only (all
    SQLite), interleaved ``repeats`` times; the median of the repeats."""
    k = make_krabuan(folder)
    spec = raw_specs(LOOP, "review_loop")
    whole_db = sqlite_engine(folder / f"loop-whole-{uuid.uuid4().hex[:6]}.sqlite3")
    state_db = sqlite_engine(folder / f"loop-state-{uuid.uuid4().hex[:6]}.sqlite3")
    whole, state = WholeStore(whole_db, *spec), StateStore(state_db, *spec)
    rows = []
    for rounds in round_counts:
        runs: dict[str, list[float]] = {"krabuan": [], "whole": [], "state": []}
        for _ in range(repeats):
            runs["krabuan"].append(krabuan_loop_step_ms(k, rounds))
            runs["whole"].append(raw_loop_step_ms(whole_db, whole, rounds))
            runs["state"].append(raw_loop_step_ms(state_db, state, rounds))
        rows.append({"rounds": rounds, **{name: statistics.median(v) for name, v in runs.items()}})
    k.close()
    whole_db.dispose()
    state_db.dispose()
    return rows


# ----------------------------------------------------------------------------- bytes per case

def stored_bytes(k: Any, instance_id: int) -> int:
    """Bytes of every row the instance owns (text lengths plus fixed-width columns)."""
    inst_t, h, cand, e = (API.table(n).c for n in ("Instance", "HumanTask", "TaskCandidate", "HistoryEvent"))
    with k.ctx.db.unit_of_work(write=False) as s:
        inst = s.execute(select(func.length(inst_t.state_json) + func.length(inst_t.data_json))
                         .where(inst_t.id == instance_id)).scalar_one() + 80
        tasks = s.execute(select(func.count(), func.coalesce(func.sum(
            func.length(h.element_id) + func.length(h.name) + func.length(h.spiff_task_id)
            + func.coalesce(func.length(h.form_key), 0) + func.coalesce(func.length(h.lane), 0)
            + func.coalesce(func.length(h.assignee), 0)), 0)).where(h.instance_id == instance_id)).one()
        cands = s.scalar(select(func.coalesce(func.sum(func.length(cand.group_id) + 8), 0))
                         .join_from(API.table("TaskCandidate"), API.table("HumanTask"), h.id == cand.task_id)
                         .where(h.instance_id == instance_id))
        events = s.execute(select(func.count(), func.coalesce(func.sum(
            func.length(e.payload) + func.length(e.event_type) + func.length(e.occurred_at)
            + func.coalesce(func.length(e.actor), 0) + 128), 0)).where(e.instance_id == instance_id)).one()
    return int(inst + tasks[1] + tasks[0] * 60 + cands + events[1] + events[0] * 24)


def bytes_per_case(k: Any) -> tuple[float, float]:
    """(row data of one more completed SOP case, SQLite file size per case after a checkpoint),
    in KB, on a Krabuan that ran only SOP cases. Closes the Krabuan."""
    row_bytes = stored_bytes(k, krabuan_case(k))
    db_file = k.settings.data_dir / "krabuan.sqlite3"
    k.close()
    checkpoint = create_engine(f"sqlite:///{db_file}")
    with checkpoint.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        cases = conn.exec_driver_sql("SELECT count(*) FROM instances").scalar_one()
    checkpoint.dispose()
    return row_bytes / 1024, os.path.getsize(db_file) / cases / 1024
