"""smart-budget-disbursement: every path, as the users of the right lanes.

Step 1's preconditions are their roles' own tasks (issue 11, section 4): the unit's
financial-evidence checker checks the evidence and the IT Group director signs the approval
before the requester hands the claim in; the finance group receives the papers for payment."""
from __future__ import annotations

CLAIM = {"project_name": "โครงการพัฒนาระบบสารสนเทศ", "claim_amount": "12500.00", "evidence_file": "claim.pdf"}
CHECKED = {"evidence_check": "correct"}
APPROVED = {"claim_approval": "approve", "approved_on": "2025-11-03"}
RECORDED = {"claim_check": "correct", "budget_code": "2100123456", "main_activity_code": "P1",
            "sub_activity_code": "P1.2", "output": "ผลผลิตที่ 1", "amount": "12500.00",
            "smart_transaction_number": "SM-68-00042"}
LEDGER = {"ledger_entry_number": "42", "ledger_date": "2025-11-05", "ledger_project": "โครงการพัฒนาระบบสารสนเทศ"}
BEFORE_CHECK = ["prepare_claim", "check_financial_evidence", "director_approves_claim", "submit_approved_claim"]
AFTER_CHECK = ["return_to_requester", "finance_receives_claim", "record_daily_ledger"]


def hand_in(c, requester: str, claim: dict | None = None) -> None:
    """The requester prepares the claim; the checker and the director act in their own tasks (a
    requester or the analyst cannot); the requester hands it in."""
    c.do("prepare_claim", requester, claim or CLAIM, outsider="policy_analyst1")
    c.do("check_financial_evidence", "finance_evidence_checker1", CHECKED, outsider=requester)
    c.do("director_approves_claim", "it_group_director1", APPROVED, outsider="policy_analyst1")
    c.do("submit_approved_claim", requester, {"submitted_on": "2025-11-04"}, outsider="it_group_director1")


def finish(c) -> None:
    c.do("return_to_requester", "policy_analyst2", {"papers_returned_on": "2025-11-05"}, outsider="finance_group1")
    assert sorted(c.open()) == ["finance_receives_claim", "record_daily_ledger"]
    c.do("finance_receives_claim", "finance_group1", {"finance_received_on": "2025-11-06"},
         outsider="policy_analyst1")
    c.do("record_daily_ledger", "policy_analyst1", LEDGER, outsider="it_group_director1")


def test_happy_path(case):
    """Evidence checked, claim approved; recorded in Smart, papers returned to the requester and
    received by the finance group, entered in the daily ledger."""
    c = case("smart-budget-disbursement", "budget_requester1")
    hand_in(c, "budget_requester1")
    c.do("check_and_record_in_smart", "policy_analyst1", RECORDED, outsider="budget_requester1")
    finish(c)
    assert c.done == BEFORE_CHECK + ["check_and_record_in_smart"] + AFTER_CHECK
    assert c.status == "completed"
    assert c.data["smart_transaction_number"] == "SM-68-00042" and c.data["amount"] == 12500.0
    assert c.data["claim_approval"] == "approve" and c.data["finance_received_on"] == "2025-11-06"


def test_checker_and_director_return_the_claim(case):
    """The checker returns faulty evidence, then the director returns the claim; each correction is
    checked and approved again before it is handed in."""
    c = case("smart-budget-disbursement", "budget_requester2")
    c.do("prepare_claim", "budget_requester2", CLAIM)
    c.do("check_financial_evidence", "finance_evidence_checker2",
         {"evidence_check": "return", "evidence_check_note": "ขาดใบเสร็จ"}, outsider="budget_requester2")
    assert c.open() == ["prepare_claim"]
    c.do("prepare_claim", "budget_requester2", {**CLAIM, "correction_note": "แนบใบเสร็จแล้ว"})
    c.do("check_financial_evidence", "finance_evidence_checker1", CHECKED)
    c.do("director_approves_claim", "it_group_director2",
         {"claim_approval": "return", "claim_approval_comment": "ระบุกิจกรรมให้ชัด"}, outsider="budget_requester2")
    assert c.open() == ["prepare_claim"]
    hand_in(c, "budget_requester2")
    c.do("check_and_record_in_smart", "policy_analyst2", RECORDED)
    finish(c)
    assert c.done == (["prepare_claim", "check_financial_evidence"] * 2 + ["director_approves_claim"] + BEFORE_CHECK
                      + ["check_and_record_in_smart"] + AFTER_CHECK)
    assert c.status == "completed"


def test_claim_returned_for_correction_twice(case):
    """The analyst's check fails twice (over budget, then wrong codes); the requester corrects, and the
    corrected claim is checked and approved again."""
    c = case("smart-budget-disbursement", "budget_requester2")
    hand_in(c, "budget_requester2", {**CLAIM, "claim_amount": "15000.00"})
    for note in ("เกินวงเงินโครงการ", "รหัสกิจกรรมย่อยไม่ตรงผลผลิต"):
        c.do("check_and_record_in_smart", "policy_analyst2", {"claim_check": "return", "check_note": note},
             outsider="finance_evidence_checker1")
        assert c.open() == ["prepare_claim"]
        hand_in(c, "budget_requester2", {**CLAIM, "correction_note": "แก้ไขแล้ว"})
    c.do("check_and_record_in_smart", "policy_analyst1", RECORDED)
    finish(c)
    assert c.done == (BEFORE_CHECK + ["check_and_record_in_smart"]) * 3 + AFTER_CHECK
    assert c.status == "completed"
    assert c.data["claim_check"] == "correct" and c.data["claim_amount"] == 12500.0
