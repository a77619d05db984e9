"""digital-strategy-plan: every path, as the users of the right lanes."""
from __future__ import annotations

FORM_GROUP = {"working_group_order_number": "สบส 123/2563",
              "working_group_members": ["plan_working_group1", "plan_working_group2"], "appointed_on": "2020-01-15"}
STUDY = {"policy_analysis": "แผนพัฒนารัฐบาลดิจิทัล พ.ศ. 2563-2565 และแผนดิจิทัลสาธารณสุข"}
DIRECTION = {"direction_meeting_date": "2020-02-10", "experts_consulted": "ผู้ทรงคุณวุฒิด้านสุขภาพดิจิทัล 3 ท่าน",
             "organisation_direction": "บริการสุขภาพดิจิทัลเพื่อประชาชน"}
WORKSHOP = {"workshop_date": "2020-03-02", "units_attending": 14}
DRAFT = {"projects_received": 31, "cio_submission_date": "2026-02-20", "expert_critique": "ควรเพิ่มตัวชี้วัดเชิงผลลัพธ์",
         "draft_plan_file": "draft-plan-v1.pdf"}
PRESENT = {"presentation_date": "2020-03-20", "internal_review_comments": "ปรับลำดับความสำคัญของโครงการ"}
BOOK = {"plan_book_file": "digital-plan-2563-2565.pdf", "ebook_url": "https://example.go.th/ebook/digital-plan"}
CIRCULATE = {"circular_letter_number": "สธ 0701.09/ว 45", "circulated_on": "2020-05-08"}

SETUP = ["form_working_group", "study_national_policies", "direction_meeting", "unit_planning_workshop",
         "compile_draft_plan", "present_draft_internally", "cio_approval"]
PUBLISH = ["produce_plan_book", "disseminate_plan"]
YEAR = ["monitor_and_evaluate", "annual_summary_to_cio"]


def _prepare(c, returns: int = 0) -> None:
    c.do("form_working_group", "innovation_staff1", FORM_GROUP, outsider="plan_working_group1")
    c.do("study_national_policies", "plan_working_group1", STUDY, outsider="innovation_staff1")
    c.do("direction_meeting", "plan_working_group2", DIRECTION, outsider="experts1")
    c.do("unit_planning_workshop", "plan_working_group1", WORKSHOP, outsider="dhss_units1")
    c.do("compile_draft_plan", "plan_working_group1", DRAFT, outsider="experts2")
    c.do("present_draft_internally", "plan_working_group2", PRESENT, outsider="it_group_director1")
    for i in range(returns):
        c.do("cio_approval", "cio1", {"approval": "return", "approval_note": "เพิ่มแผนความมั่นคงปลอดภัยไซเบอร์"},
             outsider="plan_working_group1")
        assert c.open() == ["compile_draft_plan"]
        c.do("compile_draft_plan", "plan_working_group2", {**DRAFT, "draft_plan_file": f"draft-plan-v{i + 2}.pdf"})
        c.do("present_draft_internally", "plan_working_group1", PRESENT)
    c.do("cio_approval", "cio2", {"approval": "approve", "signed_on": "2020-04-01"}, outsider="it_staff1")
    c.do("produce_plan_book", "plan_working_group1", BOOK, outsider="cio1")
    c.do("disseminate_plan", "plan_working_group2", CIRCULATE, outsider="dhss_units2")


def _year(c, fiscal_year: int, status: str) -> None:
    c.do("monitor_and_evaluate", "plan_working_group1",
         {"fiscal_year": fiscal_year, "units_evaluated": 14, "evaluation_summary": "ดำเนินการตามแผนร้อยละ 85"},
         outsider="dhss_units1")
    c.do("annual_summary_to_cio", "plan_working_group2",
         {"annual_summary_file": f"summary-{fiscal_year}.pdf", "policy_recommendations": "เร่งรัดระบบนัดหมายออนไลน์",
          "summary_submitted_on": f"{fiscal_year - 543}-09-15", "plan_period_status": status},
         outsider="cio1")


def test_happy_path(case):
    """The CIO approves the plan on first submission; one annual summary and the plan period ends."""
    c = case("digital-strategy-plan", "innovation_staff1")
    _prepare(c)
    _year(c, 2565, "ended")
    assert c.done == SETUP + PUBLISH + YEAR
    assert c.status == "completed"
    assert c.data["approval"] == "approve" and c.data["plan_period_status"] == "ended"
    assert c.data["working_group_members"] == ["plan_working_group1", "plan_working_group2"]


def test_cio_returns_plan_for_revision(case):
    """The CIO returns the plan (inferred) twice; the group revises the draft and presents it again each time."""
    c = case("digital-strategy-plan", "innovation_staff2")
    _prepare(c, returns=2)
    _year(c, 2565, "ended")
    assert c.done == (SETUP + ["compile_draft_plan", "present_draft_internally", "cio_approval"] * 2
                      + PUBLISH + YEAR)
    assert c.status == "completed"
    assert c.data["draft_plan_file"] == "draft-plan-v3.pdf"
    assert c.data["approval"] == "approve" and c.data["approval_note"] == "เพิ่มแผนความมั่นคงปลอดภัยไซเบอร์"


def test_yearly_monitoring_over_the_plan_period(case):
    """Monitoring and the 15 September summary repeat every year (inferred loop) for the three plan years."""
    c = case("digital-strategy-plan", "innovation_staff1")
    _prepare(c)
    _year(c, 2563, "continues")
    assert c.open() == ["monitor_and_evaluate"]
    _year(c, 2564, "continues")
    _year(c, 2565, "ended")
    assert c.done == SETUP + PUBLISH + YEAR * 3
    assert c.status == "completed"
    assert c.data["fiscal_year"] == 2565 and c.data["annual_summary_file"] == "summary-2565.pdf"
