"""Helpers shared by the registers' tests: the real project's letter processes driven to the step
that takes a number from a register."""
from __future__ import annotations

from typing import Any

from engine import Completion, Krabuan
from engine.settings import PROJECT_ROOT

LETTERS = [PROJECT_ROOT / "processes" / "bpmn" / f"{p}.bpmn" for p in ("send-letter", "receive-letter")]
RECEIVE = {"originating_unit": "งานพัฒนาระบบ", "letter_subject": "ขอความอนุเคราะห์ข้อมูลสถิติ",
           "receipt_register_number": "รับ 12"}
NUMBER = {"letter_date": "2026-11-20", "addressee": "ผู้อำนวยการศูนย์อนามัยที่ 1"}


def open_step(k: Krabuan, instance_id: int, element_id: str) -> Any:
    return next(t for t in k.cases.show(instance_id).open_tasks if t.element_id == element_id)


def do(k: Krabuan, instance_id: int, element_id: str, user: str, data: dict[str, Any]) -> Any:
    task = open_step(k, instance_id, element_id)
    controls = [c.id for c in k.tasks.open(task.id, _account(k, user)).controls]
    return k.cases.complete(task.id, user, data, controls, Completion(claim=True))


def _account(k: Krabuan, user: str) -> Any:
    from engine.store import accounts

    with k.ctx.db.unit_of_work(write=False) as conn:
        return accounts.account(conn, user)


def send_letter_to_numbering(k: Krabuan, subject: str = "ขอความอนุเคราะห์ข้อมูลสถิติ") -> int:
    """A send-letter case checked and waiting at issue_number (ออกเลข); its id."""
    instance_id = k.cases.start("send-letter", "clerk1").instance_id
    do(k, instance_id, "receive_outgoing_letter", "clerk1", {**RECEIVE, "letter_subject": subject})
    do(k, instance_id, "check_letter", "clerk1", {"check_result": "correct"})
    return instance_id


def issue_sent_number(k: Krabuan, subject: str = "ขอความอนุเคราะห์ข้อมูลสถิติ", **number: Any) -> tuple[int, str]:
    """A send-letter case taken through ออกเลข; (its id, the letter number issued)."""
    instance_id = send_letter_to_numbering(k, subject)
    do(k, instance_id, "issue_number", "clerk1", {**NUMBER, **number})
    return instance_id, k.cases.show(instance_id).data["letter_number"]
