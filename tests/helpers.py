"""Helpers shared by tests: drive the SOP-shaped process, check state round trips."""
from __future__ import annotations

import json
from typing import Any

from pathlib import Path

from sqlalchemy import select

from engine import Krabuan
from engine.store.tables import Instance
from engine.settings import Settings

TESTS = Path(__file__).resolve().parent
DATA = TESTS / "data"
SOP_BENCH = DATA / "sop_bench.bpmn"

FORM_DATA: dict[str, dict[str, Any]] = {
    "register_application": {"applicant": "นายสมชาย ใจดี", "subject": "ขอใช้ห้องประชุม", "amount": "1500.50"},
    "check_documents": {"documents_complete": True},
    "prepare_draft": {"draft_text": "ร่างหนังสืออนุมัติ"},
    "sign_decision": {"signed": True},
    "notify_applicant": {"notified_on": "2026-11-20"},
}
LANE_USER = {"clerk": "clerk1", "director": "director1"}


def assert_roundtrip(k: Krabuan, instance_id: int) -> None:
    """The stored state restores and serializes back to the same state."""
    with k.ctx.db.unit_of_work(write=False) as conn:
        inst = conn.execute(select(Instance).where(Instance.c.id == instance_id)).one()
        assert inst is not None
        definition = k.ctx.definition(conn, inst.definition_id)
        state = inst.state_json
    workflow = k.ctx.runtime.restore(definition.id, definition.spec_json, state)
    assert json.loads(workflow.to_json()) == json.loads(state)


def do_task(k: Krabuan, task_id: int, user: str, data: dict[str, Any] | None = None) -> None:
    k.tasks.claim(task_id, user)
    k.cases.complete(task_id, user, data or {})


SIGNING_PASSWORD = "signing-tests-2569"  # what ``give_passwords`` sets: a signature step signs with it


def give_passwords(k: Krabuan, *users: str) -> None:
    """Set ``SIGNING_PASSWORD`` for these users (one Argon2id hash for all), so that they can sign."""
    stored = k.accounts.hash_password("tests", SIGNING_PASSWORD)
    for user in users:
        k.accounts.set_password(user, SIGNING_PASSWORD, actor=user, stored_hash=stored)


def open_tasks(k: Krabuan, instance_id: int) -> list[Any]:
    return list(k.cases.show(instance_id).open_tasks)


def drive_sop(k: Krabuan, rejections: int = 0, committee: tuple[str, ...] = ("a", "b", "c"),
              roundtrip: bool = True) -> tuple[int, list[str]]:
    """Run one SOP-shaped case to the end; returns (instance id, element ids in order done)."""
    instance_id = k.cases.start("sop_bench", "clerk1").instance_id
    done: list[str] = []
    rejections_left = rejections
    while True:
        if roundtrip:
            assert_roundtrip(k, instance_id)
        tasks = open_tasks(k, instance_id)
        if not tasks:
            break
        task = tasks[0]
        user = LANE_USER[task.candidate_groups[0]]
        if task.element_id == "director_review":
            if rejections_left:
                rejections_left -= 1
                data = {"decision": "reject", "comment": "แก้ไขย่อหน้าที่ 2"}
            else:
                data = {"decision": "approve", "committee": list(committee)}
        elif task.element_id == "committee_vote":
            data = {"vote": "yes"}
        else:
            data = FORM_DATA[task.element_id]
        do_task(k, task.id, user, data)
        done.append(task.element_id)
    return instance_id, done


def make_settings(tmp_path: Path, database_url: str = "", **overrides: object) -> Settings:
    base = dict(data_dir=tmp_path / "data", database_url=database_url, forms_dir=DATA / "forms",
                processes_dir=tmp_path / "processes", organisation_file=DATA / "organisation.yaml")
    base.update(overrides)
    return Settings().with_overrides(**base)


def check_roundtrips(engine: Krabuan) -> Krabuan:
    """After every successful start and complete, the stored state must restore and serialize
    back to the same state (SpiffWorkflow's own save_restore discipline)."""
    start, complete = engine.cases.start, engine.cases.complete

    def checked_start(*args, **kwargs):  # type: ignore[no-untyped-def]
        started = start(*args, **kwargs)
        assert_roundtrip(engine, started.instance_id)
        return started

    def checked_complete(task_id, *args, **kwargs):  # type: ignore[no-untyped-def]
        done = complete(task_id, *args, **kwargs)
        assert_roundtrip(engine, done.instance_id)
        return done

    engine.cases.start, engine.cases.complete = checked_start, checked_complete  # type: ignore[method-assign]
    return engine


def reset_pg(url: str) -> None:
    """Empty a PostgreSQL test database (drop and recreate its public schema)."""
    from sqlalchemy import create_engine, text
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


# The notify step of the SOP-shaped process with cross-field rules (one reads the amount the register
# step entered) and a month field: tests of the rules through the engine and the web use this copy.
NOTIFY_WITH_RULES = """
  - key: sop_bench.notify
    title: {th: แจ้งผู้ยื่น, en: Notify the applicant}
    fields:
      - {name: notified_on, type: date, required: true, label: {th: วันที่แจ้ง, en: Date notified}}
      - {name: reply_by, type: date, label: {th: วันครบกำหนดตอบ, en: Reply by}}
      - {name: fee, type: money, min: 0, label: {th: ค่าธรรมเนียม, en: Fee}}
      - {name: report_month, type: month, label: {th: เดือนที่รายงาน, en: Month reported}}
      - {name: letter_no, type: text, max_length: 20, pattern: "[0-9]+/[0-9]{4}", label: {th: เลขที่หนังสือ, en: Letter no.}}
      - {name: copies, type: integer, min: 1, max: 50, label: {th: จำนวนสำเนา, en: Copies}}
    rules:
      - check: "reply_by is None or reply_by >= notified_on"
        field: reply_by
        message: {th: วันครบกำหนดตอบต้องไม่ก่อนวันที่แจ้ง, en: The reply date cannot be before the date notified}
      - check: "fee <= amount"
        field: fee
        message: {th: ค่าธรรมเนียมต้องไม่เกินจำนวนเงินที่ขอ, en: The fee cannot be more than the amount applied for}
"""


def forms_with_rules(tmp_path: Path) -> Path:
    """A copy of the test forms whose notify form has cross-field rules (NOTIFY_WITH_RULES)."""
    folder = tmp_path / "forms"
    folder.mkdir(exist_ok=True)
    for source in (DATA / "forms").glob("*.yaml"):
        text = source.read_text(encoding="utf-8")
        if source.name == "sop_bench.yaml":
            start = text.index("  - key: sop_bench.notify")
            text = text[:start] + NOTIFY_WITH_RULES.lstrip("\n")
        (folder / source.name).write_text(text, encoding="utf-8")
    return folder
