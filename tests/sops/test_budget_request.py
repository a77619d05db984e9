"""budget-request: every path, as the users of the right lanes.

The general administration and planning unit collects the request details in its own task
(issue 11, section 4)."""
from __future__ import annotations

import pytest

from engine.errors import InvalidInput

P = "budget-request"
GATHER = {"request_fiscal_year": 2570, "strategy_summary": "ยุทธศาสตร์กรม ด้านดิจิทัล"}
MEETING = {"meeting_date": "2026-01-15", "reviewed_targets": "ตัวชี้วัด 5 ตัว", "preliminary_projects": "4 โครงการ"}
DETAILS = {"minimum_expenditure_amount": "1200000", "operating_amount": "800000", "investment_amount": "450000.50",
           "investment_item_count": 2, "request_details_file": "request-2570.xlsx",
           "specifications_file": "spec.pdf", "quotations_file": "quotes-3.pdf"}
SEND = {"letter_number": "สบส 0211/120", "sent_on": "2026-02-10", "copy_file_location": "แฟ้มคำของบ 2570"}
FRONT = ["gather_and_analyse", "review_targets_meeting", "prepare_request_details", "collect_request_details",
         "compile_and_check"]
COLLECTED = {"details_received_on": "2026-01-30"}


def _front(c):
    c.do("gather_and_analyse", "policy_analyst1", GATHER, outsider="it_staff1")
    c.do("review_targets_meeting", "policy_analyst1", MEETING)
    c.do("prepare_request_details", "request_preparers1", DETAILS, outsider="policy_analyst1")
    c.do("collect_request_details", "gen_admin_unit1", COLLECTED, outsider="policy_analyst1")


def test_happy_path(case):
    """Details complete on the first check; the director approves and signs; request sent and filed."""
    c = case(P, "policy_analyst1")
    _front(c)
    c.do("compile_and_check", "policy_analyst2", {"details_check": "complete", "total_request_amount": "2450000.50"},
         outsider="request_preparers1")
    c.do("director_signs_request", "it_group_director1", {"director_decision": "approve"}, outsider="policy_analyst2")
    c.do("submit_budget_request", "policy_analyst1", SEND, outsider="planning_group1")
    assert c.done == FRONT + ["director_signs_request", "submit_budget_request"]
    assert c.status == "completed"
    assert c.data["investment_amount"] == 450000.5 and c.data["letter_number"] == "สบส 0211/120"


def test_incomplete_details_returned_to_preparers(case):
    """The analyst's check finds the details incomplete (e.g. missing quotations); the preparers redo them."""
    c = case(P, "policy_analyst1")
    _front(c)
    c.do("compile_and_check", "policy_analyst1", {"details_check": "incomplete", "check_note": "ใบเสนอราคาไม่ครบ 3 ราย"})
    assert c.open() == ["prepare_request_details"]
    c.do("prepare_request_details", "request_preparers2", {**DETAILS, "quotations_file": "quotes-3-v2.pdf"},
         outsider="gen_admin_unit1")
    c.do("collect_request_details", "gen_admin_unit2", COLLECTED, outsider="request_preparers2")
    c.do("compile_and_check", "policy_analyst1", {"details_check": "complete"})
    c.do("director_signs_request", "it_group_director2", {"director_decision": "approve"}, outsider="gen_admin_unit1")
    c.do("submit_budget_request", "policy_analyst2", SEND)
    assert c.done == FRONT + ["prepare_request_details", "collect_request_details", "compile_and_check",
                              "director_signs_request",
                              "submit_budget_request"]
    assert c.status == "completed"
    assert c.data["quotations_file"] == "quotes-3-v2.pdf" and c.data["details_check"] == "complete"


def test_director_returns_request(case):
    """The director returns the consolidated request; the analyst re-checks it and the director signs."""
    c = case(P, "policy_analyst1")
    _front(c)
    c.do("compile_and_check", "policy_analyst1", {"details_check": "complete"})
    c.do("director_signs_request", "it_group_director1", {"director_decision": "return", "director_comment": "ทบทวน"},
         outsider="request_preparers1")
    assert c.open() == ["compile_and_check"]
    c.do("compile_and_check", "policy_analyst1", {"details_check": "complete", "check_note": "ปรับตามความเห็น"})
    c.do("director_signs_request", "it_group_director1", {"director_decision": "approve"})
    c.do("submit_budget_request", "policy_analyst1", SEND)
    assert c.done == FRONT + ["director_signs_request", "compile_and_check", "director_signs_request",
                              "submit_budget_request"]
    assert c.status == "completed"
    assert c.data["director_decision"] == "approve" and c.data["check_note"] == "ปรับตามความเห็น"


def test_quotations_control_point_must_be_confirmed(case):
    """Preparing the details requires confirming the price criteria and the three quotations."""
    c = case(P, "policy_analyst1")
    c.do("gather_and_analyse", "policy_analyst1", GATHER)
    c.do("review_targets_meeting", "policy_analyst1", MEETING)
    with pytest.raises(InvalidInput, match="control point cp1 must be confirmed"):
        c.do("prepare_request_details", "request_preparers1", DETAILS, confirm=False)
    assert c.open() == ["prepare_request_details"] and c.status == "running"
