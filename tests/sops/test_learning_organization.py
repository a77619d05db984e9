"""learning-organization: every path, as the users of the right lanes.

The process has a single lane (it_group_planning); the outsider is a user of another group."""
from __future__ import annotations

SET_UP = ["assign_kpi_owners", "collect_information_and_knowledge", "analyse_key_knowledge", "drive_action_plan"]
REPORT = "monthly_kpi_report_to_website"
SUMMARIES = ["summarise_plan_results", "summarise_innovations"]
MONTHS = ["2021-11", "2021-12", "2022-01", "2022-02", "2022-03", "2022-04", "2022-05", "2022-06"]


def report(month, summary_due="none"):
    return {"report_month": month, "kpi_progress": f"ความก้าวหน้า {month}",
            "website_url": f"https://planning.anamai.moph.go.th/lo/{month}", "posted_on": f"{month}-28",
            "summary_due": summary_due}


def _set_up(c, outsider=None):
    c.do("assign_kpi_owners", "it_group_planning1", {"indicator_owners": ["it_group_planning1", "it_group_planning2"]},
         outsider=outsider)
    c.do("collect_information_and_knowledge", "it_group_planning2", {"knowledge_inventory": "รายการข้อมูล 25 รายการ"})
    c.do("analyse_key_knowledge", "it_group_planning2", {"key_knowledge": "ความรู้ด้าน Thai Stop COVID Plus"})
    c.do("drive_action_plan", "it_group_planning1", {"action_plan": "lo-plan-2565.pdf", "actions_started": "เริ่มแล้ว"})


def _summaries(c, which):
    c.do("summarise_plan_results", "it_group_planning1", {"plan_results_summary": f"สรุปผลรอบ {which}"},
         outsider="it_staff1")
    c.do("summarise_innovations", "it_group_planning2", {"innovations_summary": f"นวัตกรรมรอบ {which}"})


def test_happy_path_full_year(case):
    """Eight monthly reports (Nov 2021 - Jun 2022) with the February and July summaries."""
    c = case("learning-organization", "it_group_planning1")
    _set_up(c, outsider="data_dev_group1")
    for month in MONTHS:
        due = {"2022-01": "february", "2022-06": "july"}.get(month, "none")
        c.do(REPORT, "it_group_planning1", report(month, due), outsider="policy_analyst1")
        if due != "none":
            _summaries(c, due)
    assert c.done == SET_UP + [REPORT] * 3 + SUMMARIES + [REPORT] * 5 + SUMMARIES
    assert c.status == "completed"
    assert c.data["report_month"] == "2022-06" and c.data["innovations_summary"] == "นวัตกรรมรอบ july"
    assert c.data["indicator_owners"] == ["it_group_planning1", "it_group_planning2"]


def test_final_summary_straight_after_first_report(case):
    """The first monthly report is declared the last one; the July summaries end the case."""
    c = case("learning-organization", "it_group_planning2")
    _set_up(c, outsider="it_staff2")
    c.do(REPORT, "it_group_planning2", report("2022-06", "july"))
    _summaries(c, "july")
    assert c.done == SET_UP + [REPORT] + SUMMARIES
    assert c.status == "completed"
    assert c.data["summary_due"] == "july"


def test_february_summary_then_reports_resume(case):
    """February summaries after the first report; monthly reporting resumes, then the July summaries."""
    c = case("learning-organization", "it_group_planning1")
    _set_up(c, outsider="innovation_staff1")
    c.do(REPORT, "it_group_planning1", report("2022-01", "february"))
    _summaries(c, "february")
    assert c.open() == [REPORT]
    c.do(REPORT, "it_group_planning2", report("2022-02"))
    c.do(REPORT, "it_group_planning2", report("2022-06", "july"))
    _summaries(c, "july")
    assert c.done == SET_UP + [REPORT] + SUMMARIES + [REPORT] * 2 + SUMMARIES
    assert c.status == "completed"
    assert c.data["plan_results_summary"] == "สรุปผลรอบ july"
