"""Races: claims, completions and stale writes (SQLite and PostgreSQL)."""
from __future__ import annotations

from engine import Completion

import multiprocessing
from datetime import datetime, timezone
import random
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from engine import Krabuan
from engine.errors import Conflict, Forbidden
from engine.store.tables import HistoryEvent, HumanTask, Instance
from helpers import FORM_DATA, do_task, open_tasks

THREADS = 8


def _start_many(k: Krabuan, n: int) -> list[int]:
    return [open_tasks(k, k.cases.start("sop_bench", "clerk1").instance_id)[0].id for _ in range(n)]


def test_claim_race_exactly_one_winner_per_task(k):
    task_ids = _start_many(k, 100)
    attempts = [(task_ids[i % 100], ("clerk1", "clerk2")[i % 2]) for i in range(1000)]
    random.Random(7).shuffle(attempts)
    barrier = threading.Barrier(THREADS)
    chunks = [attempts[i::THREADS] for i in range(THREADS)]

    def worker(chunk):
        barrier.wait()
        won, lost = [], 0
        for task_id, user in chunk:
            try:
                k.tasks.claim(task_id, user)
                won.append((task_id, user))
            except Conflict:
                lost += 1
        return won, lost

    with ThreadPoolExecutor(THREADS) as pool:
        results = list(pool.map(worker, chunks))
    winners = [w for won, _ in results for w in won]
    assert len(winners) == 100
    assert sum(lost for _, lost in results) == 900
    assert Counter(t for t, _ in winners) == Counter({t: 1 for t in task_ids})
    with k.ctx.db.unit_of_work(write=False) as s:
        assignees = dict(s.execute(select(HumanTask.c.id, HumanTask.c.assignee).where(HumanTask.c.id.in_(task_ids))).all())
        claims = s.scalar(select(func.count()).select_from(HistoryEvent)
                          .where(HistoryEvent.c.event_type == "task_claimed"))
    assert assignees == dict(winners)
    assert claims == 100
    assert all(r.ok for r in k.audit.verify())


def test_completion_race_each_task_completes_once(k):
    task_ids = _start_many(k, 40)
    for task_id in task_ids:
        k.tasks.claim(task_id, "clerk1")
    attempts = [t for t in task_ids for _ in range(4)]
    random.Random(3).shuffle(attempts)
    barrier = threading.Barrier(THREADS)

    def worker(chunk):
        barrier.wait()
        ok = 0
        for task_id in chunk:
            try:
                k.cases.complete(task_id, "clerk1", FORM_DATA["register_application"])
                ok += 1
            except Conflict:
                pass
        return ok

    with ThreadPoolExecutor(THREADS) as pool:
        assert sum(pool.map(worker, [attempts[i::THREADS] for i in range(THREADS)])) == 40
    with k.ctx.db.unit_of_work(write=False) as s:
        completed = s.scalar(select(func.count()).select_from(HistoryEvent)
                             .where(HistoryEvent.c.event_type == "task_completed"))
        versions = set(s.scalars(select(Instance.c.version)))
    assert completed == 40
    assert versions == {2}  # every instance moved exactly one step
    assert all(r.ok for r in k.audit.verify())



def test_claim_and_complete_race_one_winner_per_task(k):
    task_ids = _start_many(k, 40)
    attempts = [(t, ("clerk1", "clerk2")[i % 2]) for t in task_ids for i in range(4)]
    random.Random(5).shuffle(attempts)
    barrier = threading.Barrier(THREADS)

    def worker(chunk):
        barrier.wait()
        won, lost = [], 0
        for task_id, user in chunk:
            try:
                k.cases.complete(task_id, user, FORM_DATA["register_application"], how=Completion(claim=True))
                won.append((task_id, user))
            except (Conflict, Forbidden):  # lost the row, or found it already taken by the other clerk
                lost += 1
        return won, lost

    with ThreadPoolExecutor(THREADS) as pool:
        results = list(pool.map(worker, [attempts[i::THREADS] for i in range(THREADS)]))
    winners = dict(w for won, _ in results for w in won)
    assert len([w for won, _ in results for w in won]) == 40 and sum(lost for _, lost in results) == 120
    with k.ctx.db.unit_of_work(write=False) as s:
        done = dict(s.execute(select(HumanTask.c.id, HumanTask.c.completed_by).where(HumanTask.c.id.in_(task_ids))).all())
        claims = s.scalar(select(func.count()).select_from(HistoryEvent)
                          .where(HistoryEvent.c.event_type == "task_claimed"))
    assert done == winners
    assert claims == 40
    assert all(r.ok for r in k.audit.verify())

def _to_committee(k: Krabuan) -> int:
    instance_id = k.cases.start("sop_bench", "clerk1").instance_id
    for element in ("register_application", "check_documents", "prepare_draft"):
        do_task(k, open_tasks(k, instance_id)[0].id, "clerk1", FORM_DATA[element])
    do_task(k, open_tasks(k, instance_id)[0].id, "director1", {"decision": "approve", "committee": ["a", "b", "c"]})
    return instance_id


def test_concurrent_committee_votes_lose_nothing(k):
    instance_id = _to_committee(k)
    votes = open_tasks(k, instance_id)
    for t in votes:
        k.tasks.claim(t.id, "director1")
    barrier = threading.Barrier(len(votes))

    def vote(task_id):
        barrier.wait()
        for _ in range(50):
            try:
                k.cases.complete(task_id, "director1", {"vote": "yes"})
                return True
            except Conflict:
                continue  # a lost race: reload and try again, as a user would
        return False

    with ThreadPoolExecutor(len(votes)) as pool:
        assert all(pool.map(vote, [t.id for t in votes]))
    view = k.cases.show(instance_id)
    assert view.data["votes"] == ["yes", "yes", "yes"]
    assert [t.element_id for t in view.open_tasks] == ["sign_decision"]


def _stale_writer(settings, instance_id, loaded, go, result):  # runs in a second process
    from engine import Krabuan as K
    from engine.store import instances
    from engine.store.history import Recorder
    from engine.store.instances import LockedInstance, StateValues
    from engine.store.tables import Instance as I
    k2 = K(settings)
    try:
        with k2.ctx.db.unit_of_work(write=False) as s:
            row = s.execute(select(I).where(I.c.id == instance_id)).one()
            locked = LockedInstance(row.id, row.version, row.definition_id, row.state_json, row.history_seq,
                                    row.history_head)
            definition = k2.ctx.definition(s, locked.definition_id)
        workflow = k2.ctx.runtime.restore(definition.id, definition.spec_json, locked.state_json)
        loaded.set()
        go.wait(30)
        try:
            with k2.ctx.db.unit_of_work() as s:
                now = datetime.now(timezone.utc)
                instances.write(s, locked, Recorder(s, locked.id, (locked.history_seq, locked.history_head), k2.ctx.server_key.chain),
                                StateValues(workflow.to_json(), "{}", "running", now, None))
            result.put("written")
        except Conflict:
            result.put("conflict")
    finally:
        k2.close()


def test_stale_state_from_a_second_process_is_refused(k, settings):
    instance_id = _to_committee(k)
    spawn = multiprocessing.get_context("spawn")
    loaded, go, result = spawn.Event(), spawn.Event(), spawn.Queue()
    proc = spawn.Process(target=_stale_writer, args=(settings, instance_id, loaded, go, result))
    proc.start()
    try:
        assert loaded.wait(60)
        vote = open_tasks(k, instance_id)[0]
        do_task(k, vote.id, "director1", {"vote": "no"})
        with k.ctx.db.unit_of_work(write=False) as s:
            state_after = s.execute(select(Instance).where(Instance.c.id == instance_id)).one().state_json
        go.set()
        assert result.get(timeout=60) == "conflict"
    finally:
        proc.join(60)
    with k.ctx.db.unit_of_work(write=False) as s:
        assert s.execute(select(Instance).where(Instance.c.id == instance_id)).one().state_json == state_after
    assert len(open_tasks(k, instance_id)) == 2
