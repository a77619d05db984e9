"""advance-loan: every path, as the users of the right lanes."""
from __future__ import annotations

from datetime import datetime

import pytest

from engine import BANGKOK
from engine.errors import Forbidden


def assignment(purpose: str) -> dict:
    return {"advance_purpose": purpose, "activity_title": "อบรมการใช้งานระบบสารสนเทศ", "activity_date": "2026-12-15",
            "borrower_name": "นางสาวสมหญิง ใจดี", "borrower": "borrower_staff1", "estimated_amount": "20000"}


MEETING_DRAFT = {"meeting_request_file": "files/meeting-request.pdf", "project_file": "files/project.pdf"}
TRAVEL_DRAFT = {"travel_request_file": "files/travel-request.pdf", "travel_invitation_file": "files/invite.pdf",
                "travel_destination": "จังหวัดเชียงใหม่", "return_date": "2026-12-18"}
APPROVE_ACTIVITY = {"activity_decision": "approve"}
LOAN = {"loan_contract_number": "ยม 25/2570", "advance_amount": "20000.00", "cost_estimate_file": "files/est.pdf",
        "loan_memo_number": "สธ 0710/ย 25"}
SIGN_LOAN = {"loan_decision": "approve"}
KEEPER_ADVANCE = {"smart_advance_reference": "SM-ADV-0099", "smart_advance_recorded_on": "2026-12-01"}
SMART = {"advance_sent_to_finance_on": "2026-12-01"}
CONTRACT = {"contract_signed_on": "2026-11-30"}
BORROWER_EVIDENCE = {"borrower_evidence_file": "files/receipts.pdf", "borrower_spent_amount": "20000.00"}
PAID = {"advance_money_received": "2026-12-05", "amount_paid": "20000.00", "payment_reference": "PAY-0099"}
SIGN_SETTLEMENT = {"settlement_decision": "approve"}
KEEPER_SETTLEMENT = {"smart_settlement_reference": "SM-SET-0100", "smart_settlement_recorded_on": "2026-12-20"}
SETTLE = {"settlement_sent_on": "2026-12-20"}
RECEIPT = {"cash_returned": "1500.00", "cash_receipt_number": "ใบเสร็จ 77/2570"}
# Every activity of these cases is over (the trips back) by Tue 22 Dec 2026: the settlement evidence
# step waits for the end of the activity or the day of return (issue 11, section 2).
AFTER_THE_ACTIVITY = datetime(2026, 12, 22, 17, 0, tzinfo=BANGKOK)
FILED = {"settlement_file_location": "แฟ้มเงินยืมทดรองราชการ ปีงบประมาณ 2570"}


def evidence(leftover: str) -> dict:
    spent = "20000.00" if leftover == "no" else "18500.00"
    data = {"amount_spent": spent, "leftover_cash": leftover, "settlement_evidence_file": "files/evidence.pdf"}
    if leftover == "yes":
        data["leftover_amount"] = "1500.00"
    return data


def returned(field: str) -> dict:
    return {field: "return", field.replace("decision", "comment"): "เอกสารไม่ครบ"}


def test_meeting_happy_path(case):
    """Meeting/training advance approved and signed at once; no leftover cash."""
    c = case("advance-loan", "clerk1")
    c.do("receive_assignment", "clerk1", assignment("meeting_training"), outsider="supervisor1")
    assert c.open() == ["draft_meeting_training_request"]
    c.do("draft_meeting_training_request", "clerk1", MEETING_DRAFT, outsider="borrower_staff1")
    c.do("approve_activity", "executive1", APPROVE_ACTIVITY, outsider="clerk1")
    c.do("prepare_loan_documents", "clerk1", LOAN)
    c.do("borrower_signs_loan_contract", "borrower_staff1", CONTRACT)
    c.do("sign_loan_documents", "executive2", SIGN_LOAN, outsider="it_group_director1")
    c.do("budget_keeper_records_advance", "budget_keeper1", KEEPER_ADVANCE)
    c.do("record_smart_and_send_to_finance", "clerk1", SMART, outsider="budget_keeper1")
    c.do("pay_out_advance", "finance_group1", PAID, outsider="clerk1")
    c.wait_until(AFTER_THE_ACTIVITY)  # the evidence is collected once the activity is over
    c.do("borrower_submits_evidence", "borrower_staff1", BORROWER_EVIDENCE)
    c.do("collect_settlement_evidence", "clerk2", evidence("no"), outsider="borrower_staff2")
    c.do("sign_settlement", "executive1", SIGN_SETTLEMENT, outsider="secretary_general1")
    c.do("budget_keeper_records_settlement", "budget_keeper2", KEEPER_SETTLEMENT)
    c.do("submit_settlement", "clerk2", SETTLE, outsider="finance_group1")
    c.do("file_settlement_documents", "clerk2", FILED)
    assert c.done == ["receive_assignment", "draft_meeting_training_request", "approve_activity",
                      "prepare_loan_documents", "borrower_signs_loan_contract", "sign_loan_documents",
                      "budget_keeper_records_advance", "record_smart_and_send_to_finance", "pay_out_advance",
                      "borrower_submits_evidence", "collect_settlement_evidence", "sign_settlement",
                      "budget_keeper_records_settlement", "submit_settlement", "file_settlement_documents"]
    assert c.status == "completed"
    assert c.data["advance_purpose"] == "meeting_training" and c.data["advance_money_received"] == "2026-12-05"
    assert "cash_receipt_number" not in c.data


def test_travel_with_leftover_cash(case):
    """Official-travel advance approved and signed at once; unspent cash returned against a receipt."""
    c = case("advance-loan", "clerk2")
    c.do("receive_assignment", "clerk2", assignment("official_travel"))
    assert c.open() == ["draft_travel_request"]
    c.do("draft_travel_request", "clerk2", TRAVEL_DRAFT, outsider="executive1")
    c.do("approve_activity", "executive2", APPROVE_ACTIVITY)
    c.do("prepare_loan_documents", "clerk2", LOAN)
    c.do("borrower_signs_loan_contract", "borrower_staff1", CONTRACT)
    c.do("sign_loan_documents", "executive2", SIGN_LOAN)
    c.do("budget_keeper_records_advance", "budget_keeper1", KEEPER_ADVANCE)
    c.do("record_smart_and_send_to_finance", "clerk2", SMART)
    c.do("pay_out_advance", "finance_group2", PAID)
    c.wait_until(AFTER_THE_ACTIVITY)  # the evidence is collected once the activity is over
    c.do("borrower_submits_evidence", "borrower_staff1", BORROWER_EVIDENCE)
    c.do("collect_settlement_evidence", "clerk2", evidence("yes"))
    c.do("sign_settlement", "executive2", SIGN_SETTLEMENT)
    c.do("budget_keeper_records_settlement", "budget_keeper2", KEEPER_SETTLEMENT)
    c.do("submit_settlement", "clerk2", SETTLE)
    assert c.open() == ["issue_cash_receipt"]
    c.do("issue_cash_receipt", "finance_group1", RECEIPT, outsider="budget_keeper2")
    c.do("file_settlement_documents", "clerk2", FILED)
    assert c.done == ["receive_assignment", "draft_travel_request", "approve_activity", "prepare_loan_documents",
                      "borrower_signs_loan_contract", "sign_loan_documents", "budget_keeper_records_advance",
                      "record_smart_and_send_to_finance", "pay_out_advance", "borrower_submits_evidence",
                      "collect_settlement_evidence", "sign_settlement", "budget_keeper_records_settlement",
                      "submit_settlement", "issue_cash_receipt", "file_settlement_documents"]
    assert c.status == "completed"
    assert c.data["cash_receipt_number"] == "ใบเสร็จ 77/2570" and c.data["leftover_amount"] == 1500


def test_meeting_request_returned(case):
    """The authority returns the meeting/training request once; it is redrafted and approved; no leftover."""
    c = case("advance-loan", "clerk1")
    c.do("receive_assignment", "clerk1", assignment("meeting_training"))
    c.do("draft_meeting_training_request", "clerk1", MEETING_DRAFT)
    c.do("approve_activity", "executive1", returned("activity_decision"), outsider="finance_group1")
    assert c.open() == ["draft_meeting_training_request"]
    c.do("draft_meeting_training_request", "clerk1", {**MEETING_DRAFT, "project_file": "files/project-v2.pdf"})
    c.do("approve_activity", "executive1", APPROVE_ACTIVITY)
    c.do("prepare_loan_documents", "clerk1", LOAN)
    c.do("borrower_signs_loan_contract", "borrower_staff1", CONTRACT)
    c.do("sign_loan_documents", "executive1", SIGN_LOAN)
    c.do("budget_keeper_records_advance", "budget_keeper1", KEEPER_ADVANCE)
    c.do("record_smart_and_send_to_finance", "clerk1", SMART)
    c.do("pay_out_advance", "finance_group1", PAID)
    c.wait_until(AFTER_THE_ACTIVITY)  # the evidence is collected once the activity is over
    c.do("borrower_submits_evidence", "borrower_staff1", BORROWER_EVIDENCE)
    c.do("collect_settlement_evidence", "clerk1", evidence("no"))
    c.do("sign_settlement", "executive1", SIGN_SETTLEMENT)
    c.do("budget_keeper_records_settlement", "budget_keeper2", KEEPER_SETTLEMENT)
    c.do("submit_settlement", "clerk1", SETTLE)
    c.do("file_settlement_documents", "clerk1", FILED)
    assert c.done == ["receive_assignment", "draft_meeting_training_request", "approve_activity",
                      "draft_meeting_training_request", "approve_activity", "prepare_loan_documents",
                      "borrower_signs_loan_contract", "sign_loan_documents", "budget_keeper_records_advance",
                      "record_smart_and_send_to_finance", "pay_out_advance", "borrower_submits_evidence",
                      "collect_settlement_evidence", "sign_settlement", "budget_keeper_records_settlement",
                      "submit_settlement", "file_settlement_documents"]
    assert c.status == "completed"
    assert c.data["project_file"] == "files/project-v2.pdf" and c.data["activity_decision"] == "approve"


def test_travel_returned_at_every_approval(case):
    """Travel: the permission request, the advance documents and the settlement are each returned once; no leftover."""
    c = case("advance-loan", "clerk1")
    c.do("receive_assignment", "clerk1", assignment("official_travel"))
    c.do("draft_travel_request", "clerk1", TRAVEL_DRAFT)
    c.do("approve_activity", "executive2", returned("activity_decision"))
    assert c.open() == ["draft_travel_request"]  # the return goes back to the travel branch
    c.do("draft_travel_request", "clerk1", TRAVEL_DRAFT)
    c.do("approve_activity", "executive2", APPROVE_ACTIVITY)
    c.do("prepare_loan_documents", "clerk1", LOAN)
    c.do("borrower_signs_loan_contract", "borrower_staff1", CONTRACT)
    c.do("sign_loan_documents", "executive2", returned("loan_decision"), outsider="clerk2")
    assert c.open() == ["prepare_loan_documents"]
    c.do("prepare_loan_documents", "clerk1", {**LOAN, "advance_amount": "18000.00"})
    c.do("borrower_signs_loan_contract", "borrower_staff1", CONTRACT)
    c.do("sign_loan_documents", "executive2", SIGN_LOAN)
    c.do("budget_keeper_records_advance", "budget_keeper1", KEEPER_ADVANCE)
    c.do("record_smart_and_send_to_finance", "clerk1", SMART)
    c.do("pay_out_advance", "finance_group2", {**PAID, "amount_paid": "18000.00"}, outsider="executive2")
    c.wait_until(AFTER_THE_ACTIVITY)  # the evidence is collected once the activity is over
    c.do("borrower_submits_evidence", "borrower_staff1", BORROWER_EVIDENCE)
    c.do("collect_settlement_evidence", "clerk1", evidence("no"))
    c.do("sign_settlement", "executive2", returned("settlement_decision"), outsider="budget_keeper1")
    assert c.open() == ["collect_settlement_evidence"]  # the clerk's step, not the borrower's
    c.do("collect_settlement_evidence", "clerk1", evidence("no"))
    c.do("sign_settlement", "executive2", SIGN_SETTLEMENT)
    c.do("budget_keeper_records_settlement", "budget_keeper2", KEEPER_SETTLEMENT)
    c.do("submit_settlement", "clerk1", SETTLE)
    c.do("file_settlement_documents", "clerk1", FILED)
    assert c.done == ["receive_assignment", "draft_travel_request", "approve_activity", "draft_travel_request",
                      "approve_activity", "prepare_loan_documents", "borrower_signs_loan_contract",
                      "sign_loan_documents", "prepare_loan_documents", "borrower_signs_loan_contract",
                      "sign_loan_documents", "budget_keeper_records_advance", "record_smart_and_send_to_finance",
                      "pay_out_advance", "borrower_submits_evidence", "collect_settlement_evidence",
                      "sign_settlement", "collect_settlement_evidence", "sign_settlement",
                      "budget_keeper_records_settlement", "submit_settlement", "file_settlement_documents"]
    assert c.status == "completed"
    assert c.data["advance_amount"] == 18000 and c.data["settlement_decision"] == "approve"


def test_meeting_loan_returned_twice_with_leftover(case):
    """Meeting: the advance documents are returned twice; unspent cash is returned against a receipt."""
    c = case("advance-loan", "clerk2")
    c.do("receive_assignment", "clerk2", assignment("meeting_training"))
    c.do("draft_meeting_training_request", "clerk2", MEETING_DRAFT)
    c.do("approve_activity", "executive1", APPROVE_ACTIVITY)
    for _ in range(2):
        c.do("prepare_loan_documents", "clerk2", LOAN)
        c.do("borrower_signs_loan_contract", "borrower_staff1", CONTRACT)
        c.do("sign_loan_documents", "executive1", returned("loan_decision"))
    c.do("prepare_loan_documents", "clerk2", LOAN)
    c.do("borrower_signs_loan_contract", "borrower_staff1", CONTRACT)
    c.do("sign_loan_documents", "executive1", SIGN_LOAN)
    c.do("budget_keeper_records_advance", "budget_keeper1", KEEPER_ADVANCE)
    c.do("record_smart_and_send_to_finance", "clerk2", SMART)
    c.do("pay_out_advance", "finance_group1", PAID)
    c.wait_until(AFTER_THE_ACTIVITY)  # the evidence is collected once the activity is over
    c.do("borrower_submits_evidence", "borrower_staff1", BORROWER_EVIDENCE)
    c.do("collect_settlement_evidence", "clerk2", evidence("yes"))
    c.do("sign_settlement", "executive1", SIGN_SETTLEMENT)
    c.do("budget_keeper_records_settlement", "budget_keeper2", KEEPER_SETTLEMENT)
    c.do("submit_settlement", "clerk2", SETTLE)
    c.do("issue_cash_receipt", "finance_group2", RECEIPT, outsider="clerk2")
    c.do("file_settlement_documents", "clerk2", FILED, outsider="finance_group2")
    assert c.done == ["receive_assignment", "draft_meeting_training_request", "approve_activity",
                      *["prepare_loan_documents", "borrower_signs_loan_contract", "sign_loan_documents"] * 3,
                      "budget_keeper_records_advance", "record_smart_and_send_to_finance", "pay_out_advance",
                      "borrower_submits_evidence", "collect_settlement_evidence", "sign_settlement",
                      "budget_keeper_records_settlement", "submit_settlement", "issue_cash_receipt",
                      "file_settlement_documents"]
    assert c.status == "completed"
    assert c.data["cash_returned"] == 1500 and c.data["loan_decision"] == "approve"


def _due_day(c, element_id: str) -> str:
    from engine.time import calendar as cal
    task = next(t for t in c.k.tasks.of_case(c.id) if t.element_id == element_id)
    return cal.local_date(task.due_at).isoformat()


def test_deadlines_count_from_what_the_rules_name(case):
    """Worked example (issue 11, section 1): a travel advance is settled within 15 days after the
    return (back Fri 11 Dec 2026 -> Sat 26 Dec, rolled to Mon 28 Dec), not after the money's
    receipt; Smart and the finance group at least 5 working days before the departure (Mon 7 Dec
    -> Mon 30 Nov)."""
    c = case("advance-loan", "clerk1")
    c.do("receive_assignment", "clerk1", {**assignment("official_travel"), "activity_date": "2026-12-07"})
    c.do("draft_travel_request", "clerk1", {**TRAVEL_DRAFT, "return_date": "2026-12-11"})
    c.do("approve_activity", "executive1", APPROVE_ACTIVITY)
    c.do("prepare_loan_documents", "clerk1", LOAN)
    c.do("borrower_signs_loan_contract", "borrower_staff1", CONTRACT)
    c.do("sign_loan_documents", "executive1", SIGN_LOAN)
    assert _due_day(c, "budget_keeper_records_advance") == "2026-11-30"  # the Smart entry is due by then too
    c.do("budget_keeper_records_advance", "budget_keeper1", KEEPER_ADVANCE)
    assert _due_day(c, "record_smart_and_send_to_finance") == "2026-11-30"
    c.do("record_smart_and_send_to_finance", "clerk1", SMART)
    c.do("pay_out_advance", "finance_group1", {**PAID, "advance_money_received": "2026-12-01"})
    c.wait_until(AFTER_THE_ACTIVITY)  # the evidence is collected once the activity is over
    c.do("borrower_submits_evidence", "borrower_staff1", BORROWER_EVIDENCE)
    c.do("collect_settlement_evidence", "clerk1", evidence("no"))
    c.do("sign_settlement", "executive1", SIGN_SETTLEMENT)
    c.do("budget_keeper_records_settlement", "budget_keeper2", KEEPER_SETTLEMENT)
    assert _due_day(c, "submit_settlement") == "2026-12-28"


def test_a_meeting_advance_is_settled_30_days_after_the_money(case):
    """A meeting advance is settled within 30 days after the money was received; Smart 5 working
    days before a meeting on Mon 21 Dec 2026 is Mon 14 Dec (sop-review.md, section 1.4)."""
    c = case("advance-loan", "clerk1")
    c.do("receive_assignment", "clerk1", {**assignment("meeting_training"), "activity_date": "2026-12-21"})
    c.do("draft_meeting_training_request", "clerk1", MEETING_DRAFT)
    c.do("approve_activity", "executive1", APPROVE_ACTIVITY)
    c.do("prepare_loan_documents", "clerk1", LOAN)
    c.do("borrower_signs_loan_contract", "borrower_staff1", CONTRACT)
    c.do("sign_loan_documents", "executive1", SIGN_LOAN)
    assert _due_day(c, "budget_keeper_records_advance") == "2026-12-14"  # the Smart entry is due by then too
    c.do("budget_keeper_records_advance", "budget_keeper1", KEEPER_ADVANCE)
    assert _due_day(c, "record_smart_and_send_to_finance") == "2026-12-14"
    c.do("record_smart_and_send_to_finance", "clerk1", SMART)
    c.do("pay_out_advance", "finance_group1", PAID)  # received Sat 5 Dec 2026 -> Mon 4 Jan 2027
    c.wait_until(AFTER_THE_ACTIVITY)  # the evidence is collected once the activity is over
    c.do("borrower_submits_evidence", "borrower_staff1", BORROWER_EVIDENCE)
    c.do("collect_settlement_evidence", "clerk1", evidence("no"))
    c.do("sign_settlement", "executive1", SIGN_SETTLEMENT)
    c.do("budget_keeper_records_settlement", "budget_keeper2", KEEPER_SETTLEMENT)
    assert _due_day(c, "submit_settlement") == "2027-01-04"


def test_the_settlement_evidence_waits_for_the_return(case):
    """Issue 11, section 2: the evidence step opens on the day of return, not right after the
    pay-out, so it is never due before the trip has begun."""
    c = case("advance-loan", "clerk1")
    c.k.ctx.fixed_now = datetime(2026, 12, 4, 9, 0, tzinfo=BANGKOK)
    c.do("receive_assignment", "clerk1", {**assignment("official_travel"), "activity_date": "2026-12-14"})
    c.do("draft_travel_request", "clerk1", {**TRAVEL_DRAFT, "return_date": "2026-12-17"})
    c.do("approve_activity", "executive1", APPROVE_ACTIVITY)
    c.do("prepare_loan_documents", "clerk1", LOAN)
    c.do("borrower_signs_loan_contract", "borrower_staff1", CONTRACT)
    c.do("sign_loan_documents", "executive1", SIGN_LOAN)
    c.do("budget_keeper_records_advance", "budget_keeper1", KEEPER_ADVANCE)
    c.do("record_smart_and_send_to_finance", "clerk1", SMART)
    c.do("pay_out_advance", "finance_group1", PAID)
    assert c.open() == []
    c.wait_until(datetime(2026, 12, 17, 8, 0, tzinfo=BANGKOK))
    assert c.open() == []  # not yet: 08:30 on the day of return
    c.wait_until(datetime(2026, 12, 17, 8, 31, tzinfo=BANGKOK))
    assert c.open() == ["borrower_submits_evidence"]


def test_each_role_does_its_own_step(case):
    """Issue 11, section 4: the borrower named in step 1 signs the contract and hands in the evidence
    in personal tasks (another borrower and the clerk cannot), and the budget keeper, not the clerk,
    records the Smart entries."""
    def task_of(element_id):
        return next(t for t in c.k.tasks.of_case(c.id) if t.element_id == element_id)

    c = case("advance-loan", "clerk1")
    c.do("receive_assignment", "clerk1", {**assignment("official_travel"), "borrower": "borrower_staff2"})
    c.do("draft_travel_request", "clerk1", TRAVEL_DRAFT)
    c.do("approve_activity", "executive1", APPROVE_ACTIVITY)
    c.do("prepare_loan_documents", "clerk1", LOAN)
    contract = task_of("borrower_signs_loan_contract")
    assert contract.reserved_for == "borrower_staff2"
    for other in ("borrower_staff1", "clerk1"):
        with pytest.raises(Forbidden, match="claimed by borrower_staff2"):
            c.k.cases.complete(contract.id, other, CONTRACT)
    c.do("borrower_signs_loan_contract", "borrower_staff2", CONTRACT)
    c.do("sign_loan_documents", "executive1", SIGN_LOAN)
    keeper = task_of("budget_keeper_records_advance")
    assert keeper.candidate_groups == ("budget_keeper",)
    with pytest.raises(Forbidden, match="not in the lane"):
        c.k.tasks.claim(keeper.id, "clerk1")
    c.do("budget_keeper_records_advance", "budget_keeper2", KEEPER_ADVANCE)
    c.do("record_smart_and_send_to_finance", "clerk1", SMART)
    c.do("pay_out_advance", "finance_group1", PAID)
    c.wait_until(AFTER_THE_ACTIVITY)
    with pytest.raises(Forbidden, match="claimed by borrower_staff2"):
        c.k.cases.complete(task_of("borrower_submits_evidence").id, "clerk1", BORROWER_EVIDENCE)
    c.do("borrower_submits_evidence", "borrower_staff2", BORROWER_EVIDENCE)
    c.do("collect_settlement_evidence", "clerk1", evidence("no"))
    c.do("sign_settlement", "executive2", SIGN_SETTLEMENT)
    with pytest.raises(Forbidden, match="not in the lane"):
        c.k.tasks.claim(task_of("budget_keeper_records_settlement").id, "clerk1")
    c.do("budget_keeper_records_settlement", "budget_keeper1", KEEPER_SETTLEMENT)
    assert c.open() == ["submit_settlement"]
    assert (c.data["smart_advance_reference"], c.data["smart_settlement_reference"]) == ("SM-ADV-0099", "SM-SET-0100")
