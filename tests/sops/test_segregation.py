"""Segregation of duties declared per process (issue 12): every rule of processes/bpmn blocks with
its message, in Thai and English, and the person it does not bar passes.

The demo organisation gives nobody two of the roles a rule keeps apart, so this module deploys the
real processes with the demo organisation plus people who hold both: a borrower who is also an
executive, a supplies officer who is also on the inspection committee's group, a member of both
internal-control committees' groups, budget requesters who are also an evidence checker and a
director, and a contractor who is also in the inspection committee's group.
"""
from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from engine import BANGKOK, Completion
from engine.errors import Forbidden, InvalidInput
from engine.settings import PROJECT_ROOT

TWO_HATS = {"borrower_exec": ["borrower_staff", "executive"],
            "officer_inspector": ["supplies_officer", "audit_committee"],
            "ic_both": ["ic_setup_committee", "ic_monitoring_committee"],
            "requester_checker": ["budget_requester", "finance_evidence_checker"],
            "requester_director": ["budget_requester", "it_group_director"],
            "contractor_inspector": ["contractor", "inspection_committee"]}


@pytest.fixture(scope="module")
def organisation_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo organisation and the people with two roles (conftest's project loads it)."""
    org = yaml.safe_load((PROJECT_ROOT / "processes" / "organisation.yaml").read_text(encoding="utf-8"))
    org["users"] += [{"username": u, "name": {"th": u, "en": u}, "groups": g} for u, g in TWO_HATS.items()]
    path = tmp_path_factory.mktemp("segregation") / "organisation.yaml"
    path.write_text(yaml.safe_dump(org, allow_unicode=True), encoding="utf-8")
    return path


def _task(c: Any, element_id: str) -> Any:
    return next(t for t in c.k.tasks.of_case(c.id) if t.element_id == element_id)


def _refused_claim(c: Any, element_id: str, user: str, rule: str) -> Forbidden:
    """``user`` may neither claim the step nor complete it (claiming on the way); nothing is written."""
    task = _task(c, element_id)
    events = len(c.k.cases.show(c.id).history)
    with pytest.raises(Forbidden) as claimed:
        c.k.tasks.claim(task.id, user)
    with pytest.raises(Forbidden):
        c.k.cases.complete(task.id, user, {}, how=Completion(claim=True))
    assert _task(c, element_id).assignee is None and len(c.k.cases.show(c.id).history) == events
    details = claimed.value.details
    assert details["reason"] == "segregation" and details["rule"] == rule and details["person"] == user
    return claimed.value


# ---------------------------------------------------------------- advance-loan

ASSIGNMENT = {"advance_purpose": "meeting_training", "activity_title": "อบรมการใช้งานระบบสารสนเทศ",
              "activity_date": "2026-12-15", "borrower_name": "นายสองหน้าที่", "estimated_amount": "20000"}
MEETING_DRAFT = {"meeting_request_file": "files/meeting-request.pdf", "project_file": "files/project.pdf"}
LOAN = {"loan_contract_number": "ยม 25/2570", "advance_amount": "20000.00", "cost_estimate_file": "files/est.pdf",
        "loan_memo_number": "สธ 0710/ย 25"}


KEEPER_ADVANCE = {"smart_advance_reference": "SM-ADV-0099", "smart_advance_recorded_on": "2026-12-01"}
SMART = {"advance_sent_to_finance_on": "2026-12-01"}
PAID = {"advance_money_received": "2026-12-05", "amount_paid": "20000.00", "payment_reference": "PAY-0099"}
BORROWER_EVIDENCE = {"borrower_evidence_file": "files/receipts.pdf", "borrower_spent_amount": "20000.00"}
EVIDENCE = {"amount_spent": "20000.00", "leftover_cash": "no", "settlement_evidence_file": "files/evidence.pdf"}
AFTER_THE_ACTIVITY = datetime(2026, 12, 22, 17, 0, tzinfo=BANGKOK)


def _to_loan_signature(case: Any, borrower: str | None) -> Any:
    c = case("advance-loan", "clerk1")
    c.do("receive_assignment", "clerk1", {**ASSIGNMENT, **({"borrower": borrower} if borrower else {})})
    c.do("draft_meeting_training_request", "clerk1", MEETING_DRAFT)
    return c


def test_the_borrower_cannot_approve_their_own_loan(case):
    c = _to_loan_signature(case, "borrower_exec")
    refused = _refused_claim(c, "approve_activity", "borrower_exec", "borrower_not_loan_approver")
    assert "ผู้ยืมไม่สามารถอนุมัติหรือลงนามอนุมัติเงินยืมของตนเอง" in refused.message
    assert refused.details["th"] == "ผู้ยืมไม่สามารถอนุมัติหรือลงนามอนุมัติเงินยืมของตนเอง"
    assert refused.details["en"] == "The borrower cannot approve or sign the approval of their own advance"
    c.do("approve_activity", "executive1", {"activity_decision": "approve"})  # another executive may
    c.do("prepare_loan_documents", "clerk1", LOAN)
    c.do("borrower_signs_loan_contract", "borrower_exec", {"contract_signed_on": "2026-11-30"})
    _refused_claim(c, "sign_loan_documents", "borrower_exec", "borrower_not_loan_approver")
    c.do("sign_loan_documents", "executive2", {"loan_decision": "approve"})
    assert c.open() == ["budget_keeper_records_advance"]


def test_whoever_signs_as_borrower_is_the_borrower(case):
    """No borrower named: the staff member who signs the loan contract as the borrower is barred."""
    c = _to_loan_signature(case, None)
    c.do("approve_activity", "borrower_exec", {"activity_decision": "approve"})  # not (yet) the borrower
    c.do("prepare_loan_documents", "clerk1", LOAN)
    with pytest.raises(Forbidden) as refused:  # who approved the loan cannot then sign for it as the borrower
        c.do("borrower_signs_loan_contract", "borrower_exec", {"contract_signed_on": "2026-11-30"})
    assert refused.value.details["rule"] == "borrower_not_loan_approver"
    c.do("borrower_signs_loan_contract", "borrower_staff1", {"contract_signed_on": "2026-11-30"})
    c.do("sign_loan_documents", "borrower_exec", {"loan_decision": "approve"})  # not the borrower: may sign
    assert c.open() == ["budget_keeper_records_advance"]


def test_a_step_is_not_delegated_to_the_borrower(case):
    c = _to_loan_signature(case, "borrower_exec")
    task = _task(c, "approve_activity")
    c.k.tasks.claim(task.id, "executive1")
    with pytest.raises(Forbidden) as refused:
        c.k.tasks.delegate(task.id, "executive1", "borrower_exec", "ไปราชการ")
    assert refused.value.details["rule"] == "borrower_not_loan_approver"
    assert _task(c, "approve_activity").assignee == "executive1"
    assert c.k.tasks.delegate(task.id, "executive1", "executive2", "ไปราชการ").assignee == "executive2"


def test_the_borrower_cannot_certify_the_settlement(case):
    c = _to_loan_signature(case, "borrower_exec")
    c.do("approve_activity", "executive1", {"activity_decision": "approve"})
    c.do("prepare_loan_documents", "clerk1", LOAN)
    c.do("borrower_signs_loan_contract", "borrower_exec", {"contract_signed_on": "2026-11-30"})
    c.do("sign_loan_documents", "executive2", {"loan_decision": "approve"})
    c.do("budget_keeper_records_advance", "budget_keeper1", KEEPER_ADVANCE)
    c.do("record_smart_and_send_to_finance", "clerk1", SMART)
    c.do("pay_out_advance", "finance_group1", PAID)
    c.wait_until(AFTER_THE_ACTIVITY)
    c.do("borrower_submits_evidence", "borrower_exec", BORROWER_EVIDENCE)
    c.do("collect_settlement_evidence", "clerk2", EVIDENCE)
    refused = _refused_claim(c, "sign_settlement", "borrower_exec", "borrower_not_settlement_certifier")
    assert "ผู้ยืมไม่สามารถลงนามรับรองการชดใช้เงินยืมของตนเอง" in refused.message
    c.do("sign_settlement", "executive1", {"settlement_decision": "approve"})
    assert c.open() == ["budget_keeper_records_settlement"]


def test_the_default_rules_of_approvals_name_their_rule(case):
    """Whoever started the case cannot approve it: the implicit rule of every approval step."""
    c = case("advance-loan", "executive3")  # an executive who also works as a clerk
    c.do("receive_assignment", "executive3", ASSIGNMENT)
    c.do("draft_meeting_training_request", "clerk1", MEETING_DRAFT)
    task = _task(c, "approve_activity")
    c.k.tasks.claim(task.id, "executive3")  # may take it (and return it), not approve it
    with pytest.raises(Forbidden) as refused:
        c.k.cases.complete(task.id, "executive3", {"activity_decision": "approve"})
    details = refused.value.details
    assert details["reason"] == "started_case" and details["rule"] == "starter_not_approver"
    assert details["th"] == "ผู้เริ่มเรื่องไม่สามารถอนุมัติเรื่องที่ตนเริ่มเอง"


# ---------------------------------------------------------------- asset-audit

def test_a_supplies_officer_cannot_sit_on_the_inspection_committee(case):
    c = case("asset-audit", "supplies_officer1")
    task = _task(c, "draft_committee_order")
    c.k.tasks.claim(task.id, "supplies_officer1")
    events = len(c.k.cases.show(c.id).history)
    controls = [cp.id for cp in c.model.steps["draft_committee_order"].meta.controls]
    with pytest.raises(InvalidInput) as refused:  # refused when the list is entered, naming who and the rule
        c.k.cases.complete(task.id, "supplies_officer1",
                           {"fiscal_year": 2569, "audit_committee_members": ["audit_committee1", "officer_inspector"]},
                           controls)
    exc = refused.value
    assert exc.details["field"] == "audit_committee_members" and exc.details["rule"] == "supplies_officer_not_inspector"
    assert exc.details["person"] == "officer_inspector" and "officer_inspector may not be named" in exc.message
    [problem] = exc.details["problems"]
    assert problem["code"] == "segregation"
    assert problem["params"]["th"] == "เจ้าหน้าที่พัสดุต้องไม่เป็นกรรมการตรวจสอบพัสดุประจำปี"
    assert c.open() == ["draft_committee_order"] and len(c.k.cases.show(c.id).history) == events
    c.k.cases.complete(task.id, "supplies_officer1",
                       {"fiscal_year": 2569, "audit_committee_members": ["audit_committee1"]}, controls)
    assert c.open() == ["submit_order_for_signature"]


def test_the_officer_may_not_name_themselves(case):
    """Whoever does the officer's step is a supplies officer of the case, also when naming the committee."""
    c = case("asset-audit", "officer_inspector")
    with pytest.raises(InvalidInput) as refused:
        c.do("draft_committee_order", "officer_inspector",
             {"fiscal_year": 2569, "audit_committee_members": ["officer_inspector"]})
    assert refused.value.details["person"] == "officer_inspector"
    c.do("draft_committee_order", "officer_inspector",
         {"fiscal_year": 2569, "audit_committee_members": ["audit_committee2"]})
    assert c.data["audit_committee_members"] == ["audit_committee2"]


# ---------------------------------------------------------------- internal-control

def _appointment(setup: list[str], monitoring: list[str]) -> dict[str, Any]:
    return {"fiscal_year": 2568, "setup_order_number": "คส 1/2568", "monitoring_order_number": "คส 2/2568",
            "ic_setup_members": setup, "ic_monitoring_members": monitoring, "participating_staff": ["all_staff1"]}


def test_nobody_sits_on_both_internal_control_committees(case):
    c = case("internal-control", "assigned_officer1")
    with pytest.raises(InvalidInput, match="ic_monitoring_members"):  # one name on both lists
        c.do("appoint_committees", "assigned_officer1", _appointment(["ic_both"], ["ic_both"]))
    c.do("appoint_committees", "assigned_officer1", _appointment(["ic_setup_committee1"], ["ic_both"]))
    c.do("write_process_flowcharts", "all_staff1", {"flowchart_count": 2, "flowchart_processes": "งานสารบรรณ"})
    c.do("assess_components_subunits", "all_staff1", {"subunit_name": "ส่วนงานย่อย 1", "component_comments": "ครบ"})
    c.do("questionnaire_evaluation", "ic_setup_committee1", {"questionnaire_finding": "ข้อค้นพบ"})
    # a monitoring member may not do the set-up committee's work that the monitoring committee evaluates
    refused = _refused_claim(c, "risk_analysis", "ic_both", "ic_committees_disjoint")
    assert refused.details["th"].startswith("บุคคลทั้งสองคณะต้องไม่มีชื่อซ้ำกัน")
    c.do("risk_analysis", "ic_setup_committee2", {"risks_analysed": 7, "high_risks_found": "no"})
    assert c.open() == ["pk4_summary"]


# ---------------------------------------------------------------- smart-budget-disbursement

DISBURSEMENT_CLAIM = {"project_name": "โครงการพัฒนาระบบสารสนเทศ", "claim_amount": "12500.00",
                      "evidence_file": "claim.pdf"}
CLAIM_APPROVED = {"claim_approval": "approve", "approved_on": "2025-11-03"}


def test_the_requester_does_not_check_the_evidence_of_their_own_claim(case):
    c = case("smart-budget-disbursement", "requester_checker")
    c.do("prepare_claim", "requester_checker", DISBURSEMENT_CLAIM)
    refused = _refused_claim(c, "check_financial_evidence", "requester_checker", "requester_not_evidence_checker")
    assert refused.details["th"] == "ผู้ขอเบิกไม่สามารถตรวจสอบหลักฐานการเบิกจ่ายของตนเอง"
    assert refused.details["en"] == "The requester cannot check the evidence of their own disbursement claim"
    c.do("check_financial_evidence", "finance_evidence_checker1", {"evidence_check": "correct"})
    assert c.open() == ["director_approves_claim"]
    other = case("smart-budget-disbursement", "budget_requester1")  # another's claim: the checker may check it
    other.do("prepare_claim", "budget_requester1", DISBURSEMENT_CLAIM)
    other.do("check_financial_evidence", "requester_checker", {"evidence_check": "correct"})
    assert other.open() == ["director_approves_claim"]


def test_whoever_prepared_the_claim_does_not_approve_it(case):
    """The rule binds the requester who prepared the claim, not only whoever started the case."""
    c = case("smart-budget-disbursement", "budget_requester1")
    c.do("prepare_claim", "requester_director", DISBURSEMENT_CLAIM)
    c.do("check_financial_evidence", "finance_evidence_checker1", {"evidence_check": "correct"})
    refused = _refused_claim(c, "director_approves_claim", "requester_director", "requester_not_claim_approver")
    assert "ผู้ขอเบิกไม่สามารถลงนามอนุมัติการเบิกจ่ายของตนเอง" in refused.message
    assert refused.details["en"] == "The requester cannot approve their own disbursement claim"
    c.do("director_approves_claim", "it_group_director1", CLAIM_APPROVED)
    assert c.open() == ["submit_approved_claim"]
    other = case("smart-budget-disbursement", "budget_requester1")  # another's claim: the director may approve it
    other.do("prepare_claim", "budget_requester1", DISBURSEMENT_CLAIM)
    other.do("check_financial_evidence", "finance_evidence_checker1", {"evidence_check": "correct"})
    other.do("director_approves_claim", "requester_director", CLAIM_APPROVED)
    assert other.open() == ["submit_approved_claim"]


# ---------------------------------------------------------------- system-maintenance

HIRING = {"project_title": "จ้างบำรุงรักษาระบบฐานข้อมูลและเครือข่าย ปี 2569",
          "hiring_specification": "เครื่องแม่ข่ายและอุปกรณ์เครือข่าย", "estimated_budget": "1000000.00",
          "approval_request_number": "สธ 0701.09/321", "bid_committee_members": ["bid_committee1"]}
MAINTAINED = {"maintenance_period": "2025-10", "maintenance_summary": "ปกติ"}


def test_the_contractor_does_not_inspect_their_own_work(case):
    """A contractor named on the inspection committee may not do the contractor's work it checks."""
    c = case("system-maintenance", "it_officer1")
    c.do("survey_needs_and_inventory", "it_officer1", {"system_problems": "เครื่องแม่ข่ายอายุเกิน 5 ปี",
                                                        "computer_count": 850, "network_device_count": 120,
                                                        "inventory_file": "inventory-2569.xlsx"})
    c.do("prepare_hiring_project", "it_officer1",
         {**HIRING, "inspection_committee_members": ["inspection_committee1", "contractor_inspector"]})
    c.do("approve_hiring_project", "executives2", {"approval": "approve"})
    c.do("bid_opening", "bid_committee1", {"recommended_bidder": "บริษัท ดูแลระบบ จำกัด", "offered_price": "960000.00"})
    c.do("sign_contract", "procurement_officer1",
         {"contract_number": "5/2569", "contractor_name": "บริษัท ดูแลระบบ จำกัด", "contract_value": "960000.00",
          "contract_start_date": "2025-10-01", "contract_end_date": "2026-09-30", "covered_devices": "แม่ข่าย 20"})
    c.do("maintenance_plan", "it_officer2", {"plan_summary": "บำรุงรักษาเชิงป้องกันทุกเดือน", "devices_to_replace": 6,
                                             "plan_file": "maintenance-plan.pdf"})
    refused = _refused_claim(c, "preventive_maintenance", "contractor_inspector", "contractor_not_inspector")
    assert refused.details["th"] == "ผู้รับจ้างต้องไม่เป็นกรรมการตรวจรับพัสดุที่ตรวจสอบรายงานของตนเอง"
    assert refused.details["en"] == ("The contractor may not sit on the inspection committee that checks "
                                     "their own reports")
    c.do("preventive_maintenance", "contractor1", MAINTAINED)  # a contractor not on the committee may
    assert "preventive_maintenance" not in c.open()


# ---------------------------------------------------------------- the rules are listed

def test_processes_show_lists_each_process_rules(project, case):
    case("advance-loan", "clerk1")
    _, model = project.repository.process_model("advance-loan")
    described = model.describe()
    assert [r["id"] for r in described["segregation"]] == ["borrower_not_loan_approver",
                                                           "borrower_not_settlement_certifier"]
    assert described["segregation"][1]["not"] == ["step:sign_settlement"]
    defaults = {r["id"]: r for r in described["default_segregation"]}
    assert "sign_settlement" in defaults["preparer_not_approver"]["steps"]
