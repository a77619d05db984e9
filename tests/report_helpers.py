"""The auditors' reports' seeded data set (tests/engine/services/test_reports.py, the browser's
on-time report): one send-letter case run through the engine step by step, then the volume inserted
with SQL through the store's tables (see ``seed``)."""
from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import insert

from engine import Completion, Krabuan
from engine.settings import PROJECT_ROOT
from engine.store.tables import FAR_FUTURE, HistoryEvent, HumanTask, Instance

BPMN = PROJECT_ROOT / "processes" / "bpmn"
LETTER_STEPS = [
    ("clerk1", "receive_outgoing_letter", {"originating_unit": "งานพัฒนาระบบสารสนเทศ",
                                           "letter_subject": "ขอความอนุเคราะห์ข้อมูลสถิติ",
                                           "receipt_register_number": "รับ 101"}),
    ("clerk2", "check_letter", {"check_result": "correct"}),
    ("clerk2", "issue_number", {"letter_date": date.today().isoformat(), "addressee": "ผู้อำนวยการศูนย์อนามัยที่ 1"}),
    ("clerk1", "dispatch_letter", {"dispatch_method": "post", "dispatch_register_number": "ส 55"}),
]
MAINTENANCE_PATH = ["survey_needs_and_inventory", "prepare_hiring_project", "approve_hiring_project", "sign_contract",
                    "maintenance_plan", "preventive_maintenance", "monthly_report_and_payment",
                    "inspection_committee_check", "request_payment"]
LETTER_PATH = ["receive_outgoing_letter", "check_letter", "issue_number", "dispatch_letter"]
BREACHES = 7  # system-maintenance cases where the contractor also checked their own report
NAMED_BREACHES = 3  # ... and cases where the contractor sits on the inspection committee (a case variable)
ACTING = {"kind": "acting", "for_position": "it_group_director", "for_user": "it_group_director1",
          "order_ref": "คำสั่ง 12/2569"}


@dataclass
class Seeded:
    real_case: int
    breaches: set[int] = field(default_factory=set)
    named_breaches: set[int] = field(default_factory=set)  # by the committee variable
    overdue: set[int] = field(default_factory=set)  # open task ids past due
    cases: int = 0


def _run_letter(k: Krabuan) -> int:
    instance_id = k.cases.start("send-letter", "clerk1").instance_id
    _, model = k.repository.process_model("send-letter")
    for user, element_id, data in LETTER_STEPS:
        task = next(t for t in k.tasks.of_case(instance_id) if t.element_id == element_id)
        k.cases.complete(task.id, user, data, [c.id for c in model.steps[element_id].meta.controls],
                         how=Completion(claim=True))
    assert k.cases.show(instance_id).status == "completed"
    return instance_id


def seed(k: Krabuan, n_cases: int = 2000, breaches: int = BREACHES,  # noqa: C901
         named: int = NAMED_BREACHES) -> Seeded:
    """The real case, then ``n_cases`` completed cases and 60 running ones, by SQL (see the module)."""
    seeded = Seeded(_run_letter(k), cases=n_cases)
    rnd = random.Random(14)
    models = {pid: k.repository.process_model(pid)[1] for pid in ("send-letter", "system-maintenance")}
    def_ids = {v.process_id: v.definition_id for v in k.repository.versions()}
    instances: list[dict[str, Any]] = []
    tasks: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    next_task = 1_000_000
    base = datetime(2025, 10, 1, 1, 0, tzinfo=UTC)
    for n in range(n_cases + 60):
        iid = 500_000 + n
        pid = "system-maintenance" if n % 2 else "send-letter"
        path = MAINTENANCE_PATH if pid == "system-maintenance" else LETTER_PATH
        running = n >= n_cases
        started = base + timedelta(days=rnd.randrange(0, 330), hours=rnd.randrange(0, 23), minutes=rnd.randrange(60))
        moment, seq = started, 0
        steps = path[:rnd.randrange(1, len(path))] if running else path
        doers: dict[str, str] = {}
        for j, element_id in enumerate(steps):
            step = models[pid].steps[element_id]
            open_now = running and j == len(steps) - 1
            created = moment
            took = timedelta(days=rnd.choice([0, 0, 1, 2, 3, 5, 8, 13, 21]), hours=rnd.randrange(0, 20))
            done = created + took
            due = None
            if rnd.random() < 0.7:
                due = created + timedelta(days=rnd.choice([1, 3, 5, 10, 20]), hours=9)
            user = f"{step.lane}_{rnd.randrange(10)}"
            if element_id == "inspection_committee_check" and pid == "system-maintenance" and n < 2 * breaches \
                    and n % 2:
                user = doers["preventive_maintenance"]  # the contractor checks their own work
                seeded.breaches.add(iid)
            doers[element_id] = user
            if open_now:
                due = datetime.now(UTC) - timedelta(days=rnd.randrange(1, 40)) if n % 3 else \
                    datetime.now(UTC) + timedelta(days=5)
                tasks.append(_task(next_task, iid, pid, step, (created, None, due, None)))
                if n % 3:
                    seeded.overdue.add(next_task)
            else:
                seq += 1
                confirmed = [c.id for c in step.meta.controls] if rnd.random() < 0.9 else []
                payload: dict[str, Any] = {"task_id": next_task, "element_id": element_id,
                                           "confirmed_controls": confirmed, "data": {}}
                if rnd.random() < 0.02:
                    payload["capacity"] = ACTING
                tasks.append({**_task(next_task, iid, pid, step, (created, done, due, user)),
                              "controls_confirmed": len(confirmed), "acting": "capacity" in payload})
                events.append({"instance_id": iid, "seq": seq, "event_type": "task_completed", "actor": user,
                               "occurred_at": done.isoformat(timespec="microseconds"),
                               "payload": json.dumps(payload, ensure_ascii=False), "prev_hash": "0" * 64,
                               "hash": f"{iid:032d}{seq:032d}"})
            next_task += 1
            moment = done + timedelta(hours=rnd.randrange(1, 30))
        data: dict[str, Any] = {}
        if pid == "system-maintenance" and "inspection_committee_check" in doers:
            committee = [doers["inspection_committee_check"], "inspection_committee_9"]
            if 2 * breaches <= n < 2 * (breaches + named) and not running:
                committee.append(doers["preventive_maintenance"])  # the contractor named on the committee
                seeded.named_breaches.add(iid)
            data["inspection_committee_members"] = committee
        instances.append({"id": iid, "definition_id": def_ids[pid], "process_id": pid,
                          "status": "running" if running else "completed", "state_json": "{}",
                          "data_json": json.dumps(data, ensure_ascii=False),
                          "started_by": f"user{rnd.randrange(30)}", "created_at": started,
                          "updated_at": moment, "completed_at": None if running else moment, "title": f"เรื่อง {n}"})
        if len(instances) >= 5000 or n == n_cases + 59:  # in chunks, so that 100,000 cases fit in memory
            _insert(k, instances, tasks, events)
            instances, tasks, events = [], [], []
    return seeded


def _insert(k: Krabuan, instances: list[dict[str, Any]], tasks: list[dict[str, Any]],
            events: list[dict[str, Any]]) -> None:
    with k.ctx.db.unit_of_work(True) as conn:
        conn.execute(insert(Instance), instances)
        conn.execute(insert(HumanTask), tasks)
        conn.execute(insert(HistoryEvent), events)


def _task(task_id: int, iid: int, pid: str, step: Any, times: tuple[Any, Any, Any, Any]) -> dict[str, Any]:
    created, done, due, user = times
    return {"id": task_id, "instance_id": iid, "process_id": pid, "spiff_task_id": f"{task_id:036d}",
            "element_id": step.element_id, "name": step.name, "lane": step.lane, "candidate_groups": step.lane,
            "assignee": user, "state": "completed" if done else "open", "created_at": created, "completed_at": done,
            "completed_by": user, "due_at": due, "due_sort": due or FAR_FUTURE, "controls_confirmed": None,
            "acting": None}
