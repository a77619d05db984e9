"""smart-budget-disbursement: every path, as the users of the right lanes."""
from __future__ import annotations

import pytest

from engine.errors import InvalidInput

CLAIM = {"project_name": "โครงการพัฒนาระบบสารสนเทศ", "claim_amount": "12500.00",
         "evidence_checked_by": "finance_evidence_checker1", "approved_by": "it_group_director1",
         "approved_on": "2025-11-03"}
RECORDED = {"claim_check": "correct", "budget_code": "2100123456", "main_activity_code": "P1", "sub_activity_code": "P1.2",
            "output": "ผลผลิตที่ 1", "amount": "12500.00", "smart_transaction_number": "SM-68-00042"}
LEDGER = {"ledger_entry_number": "42", "ledger_date": "2025-11-05", "ledger_project": "โครงการพัฒนาระบบสารสนเทศ"}
AFTER_CHECK = ["return_to_requester", "record_daily_ledger"]


def finish(c) -> None:
    c.do("return_to_requester", "policy_analyst2", {"papers_returned_on": "2025-11-05"}, outsider="finance_group1")
    c.do("record_daily_ledger", "policy_analyst1", LEDGER, outsider="it_group_director1")


def test_happy_path(case):
    """Claim correct on first check; recorded in Smart, papers returned, entered in the daily ledger."""
    c = case("smart-budget-disbursement", "budget_requester1")
    c.do("submit_approved_claim", "budget_requester1", CLAIM, outsider="policy_analyst1")
    c.do("check_and_record_in_smart", "policy_analyst1", RECORDED, outsider="budget_requester1")
    finish(c)
    assert c.done == ["submit_approved_claim", "check_and_record_in_smart"] + AFTER_CHECK
    assert c.status == "completed"
    assert c.data["smart_transaction_number"] == "SM-68-00042" and c.data["amount"] == 12500.0
    assert c.data["approved_by"] == "it_group_director1"


def test_claim_returned_for_correction_twice(case):
    """The analyst's check fails twice (over budget, then wrong codes); the requester corrects and resubmits."""
    c = case("smart-budget-disbursement", "budget_requester2")
    c.do("submit_approved_claim", "budget_requester2", {**CLAIM, "claim_amount": "15000.00"})
    for note in ("เกินวงเงินโครงการ", "รหัสกิจกรรมย่อยไม่ตรงผลผลิต"):
        c.do("check_and_record_in_smart", "policy_analyst2", {"claim_check": "return", "check_note": note},
             outsider="finance_evidence_checker1")
        assert c.open() == ["submit_approved_claim"]
        c.do("submit_approved_claim", "budget_requester2", {**CLAIM, "correction_note": "แก้ไขแล้ว"},
             outsider="policy_analyst2")
    c.do("check_and_record_in_smart", "policy_analyst1", RECORDED)
    finish(c)
    assert c.done == (["submit_approved_claim", "check_and_record_in_smart"] * 3) + AFTER_CHECK
    assert c.status == "completed"
    assert c.data["claim_check"] == "correct" and c.data["claim_amount"] == 12500.0


def test_preconditions_name_real_checker_and_director(case):
    """The claim must name a real financial-evidence checker and IT Group director (the preconditions)."""
    c = case("smart-budget-disbursement", "budget_requester1")
    with pytest.raises(InvalidInput, match="not member"):
        c.do("submit_approved_claim", "budget_requester1", {**CLAIM, "approved_by": "policy_analyst1"})
    c.do("submit_approved_claim", "budget_requester1", CLAIM)
    c.do("check_and_record_in_smart", "policy_analyst1", RECORDED, outsider="it_group_director2")
    finish(c)
    assert c.done == ["submit_approved_claim", "check_and_record_in_smart"] + AFTER_CHECK
    assert c.status == "completed"
    assert c.data["evidence_checked_by"] == "finance_evidence_checker1"
