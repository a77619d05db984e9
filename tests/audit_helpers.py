"""A real SOP case for the auditor's tests: advance-loan whose activity request is returned once
(a loop), whose loan documents take two working days against a standard of 60 minutes (late), with
a signature step and a control point (tests/engine/services/test_case_replay.py, the browser journey)."""
from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from engine import BANGKOK, Completion, Krabuan
from engine.settings import PROJECT_ROOT
from helpers import SIGNING_PASSWORD

BPMN = PROJECT_ROOT / "processes" / "bpmn" / "advance-loan.bpmn"
ASSIGNMENT = {"advance_purpose": "meeting_training", "activity_title": "อบรมการใช้งานระบบสารสนเทศ",
              "activity_date": "2026-12-15", "borrower_name": "นางสาวสมหญิง ใจดี", "borrower": "borrower_staff1",
              "estimated_amount": "20000"}
DRAFT = {"meeting_request_file": "meeting-request.pdf", "project_file": "project.pdf"}
RETURNED = {"activity_decision": "return", "activity_comment": "เอกสารไม่ครบ"}
LOAN = {"loan_contract_number": "ยม 25/2570", "advance_amount": "20000.00", "cost_estimate_file": "est.pdf",
        "loan_memo_number": "สธ 0710/ย 25"}
MONDAY = datetime(2026, 12, 7, 9, 0, tzinfo=BANGKOK)
SIGNERS = ("borrower_staff1",)  # give_passwords(k, *SIGNERS) before driving the case


def _files(k: Krabuan, form_key: str, data: dict[str, Any], user: str) -> dict[str, Any]:
    out = dict(data)
    for f in k.repository.form(form_key).fields:
        if f.type == "file" and isinstance(out.get(f.name), str) and not re.fullmatch(r"[0-9a-f]{64}", out[f.name]):
            name = out[f.name]
            out[f.name] = [k.files.upload(user, name, b"%PDF-1.4\n% " + name.encode() + b"\n%%EOF\n").sha256]
    return out


def do_step(k: Krabuan, case_id: int, element_id: str, user: str, data: dict[str, Any], at: datetime) -> None:
    """Claim and complete the case's open ``element_id`` as ``user`` at ``at`` (the engine's clock),
    confirming its control points (signing with SIGNING_PASSWORD at a signature step)."""
    k.ctx.fixed_now = at
    task = next(t for t in k.tasks.of_case(case_id) if t.element_id == element_id)
    step = k.repository.process_model("advance-loan")[1].steps[element_id]
    if task.assignee != user:
        k.tasks.claim(task.id, user)
    how = Completion(password=SIGNING_PASSWORD) if step.meta.kind == "signature" else Completion()
    k.cases.complete(task.id, user, _files(k, task.form_key, data, user), [c.id for c in step.meta.controls], how=how)


def late_loan_case(k: Krabuan) -> int:
    """The case, up to the director's signature of the loan documents (Mon 7 - Wed 9 Dec 2569 BE)."""
    k.ctx.fixed_now = MONDAY
    case_id = k.cases.start("advance-loan", "clerk1").instance_id
    do_step(k, case_id, "receive_assignment", "clerk1", ASSIGNMENT, MONDAY)
    do_step(k, case_id, "draft_meeting_training_request", "clerk1", DRAFT, MONDAY.replace(hour=10))
    do_step(k, case_id, "approve_activity", "executive1", RETURNED, MONDAY.replace(hour=11))
    do_step(k, case_id, "draft_meeting_training_request", "clerk1", {**DRAFT, "project_file": "project-v2.pdf"},
            MONDAY.replace(hour=13))
    do_step(k, case_id, "approve_activity", "executive1", {"activity_decision": "approve"}, MONDAY.replace(hour=14))
    # opened on Monday, done on Wednesday: 2 working days against a standard of 60 minutes (one day at most)
    do_step(k, case_id, "prepare_loan_documents", "clerk1", LOAN, datetime(2026, 12, 9, 10, 0, tzinfo=BANGKOK))
    do_step(k, case_id, "borrower_signs_loan_contract", "borrower_staff1", {"contract_signed_on": "2026-12-09"},
            datetime(2026, 12, 9, 11, 0, tzinfo=BANGKOK))
    do_step(k, case_id, "sign_loan_documents", "executive2", {"loan_decision": "approve"},
            datetime(2026, 12, 9, 14, 0, tzinfo=BANGKOK))
    return case_id
