"""action-plan-monitoring: every path, as the users of the right lanes."""
from __future__ import annotations

GATHER = {"fiscal_year": 2569, "project_count": 12, "plan_analysis": "โครงการ 12 โครงการ เบิกจ่ายตามมาตรการเร่งรัด"}
MEETING = {"plan_meeting_date": "2025-10-15", "plan_meeting_attendees": 18,
           "monitoring_plan_file": "monitoring-plan-2569.pdf"}
PUBLISH = {"plan_circulated_on": "2025-10-25", "plan_circulation_reference": "สธ 0701.10/ว 15"}
TRAINING = {"training_date": "2025-11-03"}
RECORD = {"projects_recorded": 12, "smart_project_reference": "SMART-2569-IT-001"}


def report(month: str) -> dict:
    return {"report_month": month, "smart_report_reference": f"SMART-R-{month}"}


def follow_up(status: str, action: str = "on_track") -> dict:
    return {"follow_up_meeting_date": "2025-12-05", "disbursed_to_date": "150000.00",
            "follow_up_action": action, "fiscal_year_status": status}


def _until_publish(c, returns: int = 0) -> None:
    c.do("gather_plan_data", "policy_analyst1", GATHER, outsider="assignee1")
    c.do("monitoring_plan_meeting", "policy_analyst1", MEETING, outsider="it_group_director1")
    for _ in range(returns):
        c.do("director_approves_monitoring_plan", "it_group_director1",
             {"plan_approval": "return", "plan_approval_note": "เพิ่มกำหนดการรายงาน"}, outsider="policy_analyst1")
        assert c.open() == ["monitoring_plan_meeting"]
        c.do("monitoring_plan_meeting", "policy_analyst1", MEETING)  # back to who drew it up
    c.do("director_approves_monitoring_plan", "it_group_director2", {"plan_approval": "approve"},
         outsider="assignee2")
    c.do("publish_monitoring_plan", "policy_analyst2", PUBLISH, outsider="it_staff1")
    c.do("smart_reporting_training", "assignee1", TRAINING, outsider="policy_analyst1")
    c.do("record_projects_in_smart", "assignee1", RECORD, outsider="it_subunits1")


SETUP = ["gather_plan_data", "monitoring_plan_meeting", "director_approves_monitoring_plan",
         "publish_monitoring_plan", "smart_reporting_training", "record_projects_in_smart"]


def test_happy_path(case):
    """Plan approved on first review; one report in Smart and the follow-up meeting closes the fiscal year."""
    c = case("action-plan-monitoring", "policy_analyst1")
    _until_publish(c)
    c.do("report_progress_in_smart", "assignee2", report("2025-11"), outsider="it_group_director1")
    c.do("monthly_follow_up_meeting", "policy_analyst1", follow_up("year_end"), outsider="assignee1")
    assert c.done == SETUP + ["report_progress_in_smart", "monthly_follow_up_meeting"]
    assert c.status == "completed"
    assert c.data["plan_approval"] == "approve" and c.data["fiscal_year_status"] == "year_end"


def test_director_returns_plan_for_revision(case):
    """The director returns the draft monitoring plan (inferred) to the staff meeting, then approves it."""
    c = case("action-plan-monitoring", "policy_analyst1")
    _until_publish(c, returns=1)
    c.do("report_progress_in_smart", "assignee1", report("2025-11"))
    c.do("monthly_follow_up_meeting", "policy_analyst2", follow_up("year_end"))
    assert c.done == ["gather_plan_data", "monitoring_plan_meeting", "director_approves_monitoring_plan",
                      "monitoring_plan_meeting"] + SETUP[2:] + ["report_progress_in_smart",
                                                                 "monthly_follow_up_meeting"]
    assert c.status == "completed"
    assert c.data["plan_approval"] == "approve" and c.data["plan_approval_note"] == "เพิ่มกำหนดการรายงาน"


def test_monthly_loop_until_fiscal_year_end(case):
    """Three monthly cycles: each meeting sends assignees back to report the next month (inferred loop)."""
    c = case("action-plan-monitoring", "policy_analyst1")
    _until_publish(c)
    months = ["2025-11", "2025-12", "2026-01"]
    for i, month in enumerate(months):
        c.do("report_progress_in_smart", "assignee1", report(month), outsider="policy_analyst2")
        last = i == len(months) - 1
        c.do("monthly_follow_up_meeting", "policy_analyst1",
             follow_up("year_end" if last else "continue", "adjust_plan" if i == 1 else "on_track"),
             outsider="assignee2")
        if not last:
            assert c.open() == ["report_progress_in_smart"]
    assert c.done == SETUP + ["report_progress_in_smart", "monthly_follow_up_meeting"] * 3
    assert c.status == "completed"
    assert c.data["report_month"] == "2026-01" and c.data["smart_report_reference"] == "SMART-R-2026-01"


def test_lanes_without_a_task_are_declared_idle(case):
    """The staff and the sub-units act outside Krabuan (meetings, a circular), declared so (issue 11,
    section 4); every other lane has a step, and the sub-units cannot take the analyst's."""
    c = case("action-plan-monitoring", "policy_analyst1")
    assert set(c.model.idle_lanes) == {"it_staff", "it_subunits"}
    lanes_with_steps = {group for step in c.model.steps.values() for group in step.candidate_groups}
    assert lanes_with_steps == set(c.model.lanes) - set(c.model.idle_lanes)
    c.do("gather_plan_data", "policy_analyst1", GATHER, outsider="it_subunits1")
