"""annual-action-plan: every path, as the users of the right lanes.

Every IT staff member named proposes their projects in a personal task before the meeting, and the
Planning Group director forwards the projects to the Director-General in their own task (issue 11,
section 4)."""
from __future__ import annotations

import pytest

from engine.errors import Forbidden, InvalidInput

P = "annual-action-plan"
STAFF = ["it_staff1", "it_staff2"]
GATHER = {"plan_fiscal_year": 2569, "strategy_summary": "ยุทธศาสตร์ชาติด้านสาธารณสุขดิจิทัล", "staff_invited": STAFF}
MEETING = {"meeting_date": "2026-08-05", "agreed_projects": "โครงการพัฒนาระบบสารสนเทศ 3 โครงการ",
           "allocated_budget": "2500000", "planned_budget": "2450000"}
SMART = {"budget_code": "21004", "main_activity": "พัฒนาระบบสารสนเทศ", "sub_activity": "บำรุงรักษาเครือข่าย",
         "smart_record_reference": "SM-2569-0042", "plan_book_file": "action-plan-2569.pdf"}
PUBLISH = {"circular_letter_number": "สบส 0211/ว 9", "website_url": "https://it.hss.moph.go.th/plan2569"}


def _projects(c):
    c.do("gather_and_analyse", "policy_analyst1", GATHER, outsider="it_staff1")
    _propose(c)
    c.do("budget_and_project_meeting", "policy_analyst2", MEETING)


def _propose(c):
    """Every staff member named proposes their projects; the analyst cannot do it for them."""
    tasks = [t for t in c.k.tasks.of_case(c.id) if t.element_id == "staff_propose_projects"]
    assert sorted(t.reserved_for for t in tasks) == STAFF
    for person in STAFF:
        proposal = {"proposed_projects": f"โครงการของ {person}", "proposed_budget": "500000"}
        with pytest.raises(Forbidden):  # the analyst cannot propose for a staff member
            c.k.cases.complete(next(t.id for t in tasks if t.reserved_for == person), "policy_analyst1", proposal)
        c.do("staff_propose_projects", person, proposal)
    assert c.data["staff_project_proposals"] == ["โครงการของ it_staff1", "โครงการของ it_staff2"]


def _forward(c):
    """Only the Planning Group director forwards the projects to the Director-General."""
    c.do("planning_director_forwards_projects", "planning_group_director1", {"forwarded_to_dg_on": "2026-08-12"},
         outsider="policy_analyst1")


def _plan(c, returned=False):
    # a returned plan book goes back to who prepared it (issue 11, section 5): no outsider check then
    c.do("prepare_action_plan_in_smart", "policy_analyst1", SMART, outsider=None if returned else "it_group_director1")
    c.do("director_endorses_plan", "it_group_director1",
         {"director_plan_decision": "approve", "request_letter_number": "สบส 0211/55"})
    c.do("dg_approves_plan", "director_general1", {"dg_plan_decision": "approve", "plan_approved_on": "2026-09-20"},
         outsider="planning_group_director1")
    c.do("publish_action_plan", "policy_analyst2", PUBLISH)


FRONT = ["gather_and_analyse", "staff_propose_projects", "staff_propose_projects", "budget_and_project_meeting"]
TO_DG = ["planning_director_forwards_projects", "dg_approves_projects"]
PLAN = ["prepare_action_plan_in_smart", "director_endorses_plan", "dg_approves_plan", "publish_action_plan"]


def test_happy_path(case):
    """Projects and plan approved first time by the director and the Director-General; plan published."""
    c = case(P, "policy_analyst1")
    _projects(c)
    c.do("director_reviews_projects", "it_group_director2", {"director_project_decision": "approve"},
         outsider="policy_analyst1")
    _forward(c)
    c.do("dg_approves_projects", "director_general2", {"dg_project_decision": "approve"}, outsider="it_group_director1")
    _plan(c)
    assert c.done == FRONT + ["director_reviews_projects", "planning_director_forwards_projects",
                              "dg_approves_projects"] + PLAN
    assert c.status == "completed"
    assert c.data["smart_record_reference"] == "SM-2569-0042" and c.data["dg_plan_decision"] == "approve"


def test_projects_returned_by_director_and_by_dg(case):
    """The director, then the Director-General, return the projects; the analyst revises them each time."""
    c = case(P, "policy_analyst1")
    _projects(c)
    c.do("director_reviews_projects", "it_group_director1",
         {"director_project_decision": "return", "director_project_comment": "ลดงบกิจกรรม 2"},
         outsider="director_general1")
    assert c.open() == ["revise_projects"]
    c.do("revise_projects", "policy_analyst1", {"project_revision_note": "ลดงบแล้ว"}, outsider="it_group_director1")
    c.do("director_reviews_projects", "it_group_director1", {"director_project_decision": "approve"})
    _forward(c)
    c.do("dg_approves_projects", "director_general1",
         {"dg_project_decision": "return", "dg_project_comment": "ทบทวนตัวชี้วัดโครงการ"})
    c.do("revise_projects", "policy_analyst1", {"project_revision_note": "ปรับตามความเห็นอธิบดี"})
    c.do("director_reviews_projects", "it_group_director2", {"director_project_decision": "approve"})
    _forward(c)
    c.do("dg_approves_projects", "director_general1", {"dg_project_decision": "approve"})
    _plan(c)
    assert c.done == FRONT + ["director_reviews_projects", "revise_projects", "director_reviews_projects", *TO_DG,
                              "revise_projects", "director_reviews_projects", *TO_DG] + PLAN
    assert c.status == "completed"
    assert c.data["project_revision_note"] == "ปรับตามความเห็นอธิบดี"


def test_plan_book_returned_by_director_and_by_dg(case):
    """The director, then the Director-General, return the plan book to the Smart / plan-book step."""
    c = case(P, "policy_analyst1")
    _projects(c)
    c.do("director_reviews_projects", "it_group_director1", {"director_project_decision": "approve"})
    _forward(c)
    c.do("dg_approves_projects", "director_general1", {"dg_project_decision": "approve"})
    c.do("prepare_action_plan_in_smart", "policy_analyst1", SMART)
    c.do("director_endorses_plan", "it_group_director1",
         {"director_plan_decision": "return", "director_plan_comment": "แก้ไขเล่มแผนบทที่ 2"},
         outsider="director_general1")
    assert c.open() == ["prepare_action_plan_in_smart"]
    c.do("prepare_action_plan_in_smart", "policy_analyst1", {**SMART, "plan_book_file": "plan-v2.pdf"})
    c.do("director_endorses_plan", "it_group_director1", {"director_plan_decision": "approve"})
    c.do("dg_approves_plan", "director_general2", {"dg_plan_decision": "return", "dg_plan_comment": "เพิ่มตัวชี้วัด"})
    assert c.open() == ["prepare_action_plan_in_smart"]
    _plan(c, returned=True)
    assert c.done == FRONT + ["director_reviews_projects", *TO_DG, "prepare_action_plan_in_smart",
                              "director_endorses_plan", "prepare_action_plan_in_smart", "director_endorses_plan",
                              "dg_approves_plan"] + PLAN
    assert c.status == "completed"
    assert c.data["plan_book_file"] == "action-plan-2569.pdf" and c.data["website_url"].startswith("https://")


def test_budget_ceiling_must_be_confirmed(case):
    """The meeting step requires confirming the budget ceiling and disbursement measures."""
    c = case(P, "policy_analyst1")
    c.do("gather_and_analyse", "policy_analyst1", GATHER)
    _propose(c)
    with pytest.raises(InvalidInput, match="control point cp1 must be confirmed"):
        c.do("budget_and_project_meeting", "policy_analyst1", MEETING, confirm=False)
    assert c.open() == ["budget_and_project_meeting"] and c.status == "running"
