"""performance-agreement: every path, as the users of the right lanes."""
from __future__ import annotations

EXPLAIN = {"fiscal_year": 2564, "briefing_date": "2020-10-05", "framework_reference": "สบส. ว 12/2563"}
DRAFT = {"draft_kpi_count": 8, "kpi_template_file": "kpi-template-2564.xlsx"}
NEGOTIATE = {"negotiation_date": "2020-10-27", "agreed_kpi_count": 7}
SUBMIT = {"submitted_on": "2020-11-02", "submitted_documents": "agreement-2564-v1.pdf"}
SIGN = {"agreement_signed_on": "2020-11-20", "signed_agreement_file": "agreement-2564-signed.pdf"}
MONITOR = {"kpis_on_target": 5, "monitoring_summary": "ตัวชี้วัดที่ 3 ต้องเร่งรัด"}
ROUNDS = {"round_5_months": ("2021-03-05", "4.2500"), "round_6_months": ("2021-09-10", "4.6000")}
ARCHIVE = {"archive_location": "แฟ้มคำรับรอง 2564", "backup_location": "NAS/กลุ่มเทคโนโลยีสารสนเทศ/2564"}

BEFORE_SIGN = ["explain_kpi_guidelines", "analyse_and_draft_kpis", "negotiate_kpis"]
ROUND = ["cascade_and_report_online", "monitor_and_coach", "score_summary"]


def _prepare(c) -> None:
    c.do("explain_kpi_guidelines", "gen_admin_unit1", EXPLAIN, outsider="admin_dev_group1")
    c.do("analyse_and_draft_kpis", "gen_admin_unit1", DRAFT, outsider="kpi_owners1")
    c.do("negotiate_kpis", "gen_admin_unit2", NEGOTIATE, outsider="it_group_director1")


def _round(c, name: str) -> None:
    reported_on, score = ROUNDS[name]
    c.do("cascade_and_report_online", "gen_admin_unit1",
         {"reporting_round": name, "round_reported_on": reported_on,
          "psdg_report_reference": f"OPDC-{name}", "smart_report_reference": f"SMART-{name}"},
         outsider="kpi_owners2")
    c.do("monitor_and_coach", "gen_admin_unit2", MONITOR, outsider="admin_dev_group2")
    c.do("score_summary", "admin_dev_group1", {"round_score": score, "score_notified_on": reported_on},
         outsider="gen_admin_unit1")


def test_happy_path(case):
    """กพร. accepts the KPIs at the first check; the director signs; 5-month then 6-month round; evidence filed."""
    c = case("performance-agreement", "gen_admin_unit1")
    _prepare(c)
    c.do("submit_kpi_details_for_check", "gen_admin_unit1", SUBMIT, outsider="admin_dev_group1")
    c.do("review_kpi_details", "admin_dev_group2", {"kpi_review_result": "accept"}, outsider="gen_admin_unit2")
    c.do("director_signs_agreement", "gen_admin_unit1", SIGN, outsider="it_group_director1")
    _round(c, "round_5_months")
    assert c.open() == ["cascade_and_report_online"]
    _round(c, "round_6_months")
    c.do("archive_evidence", "gen_admin_unit2", ARCHIVE, outsider="kpi_owners1")
    assert c.done == BEFORE_SIGN + ["submit_kpi_details_for_check", "review_kpi_details",
                                    "director_signs_agreement"] + ROUND * 2 + ["archive_evidence"]
    assert c.status == "completed"
    assert c.data["reporting_round"] == "round_6_months" and c.data["round_score"] == "4.6000"
    assert c.data["kpi_review_result"] == "accept"


def test_kpis_revised_twice_per_suggestions(case):
    """กพร. returns suggestions twice (inferred check task); the unit revises and resubmits, then it is accepted."""
    c = case("performance-agreement", "gen_admin_unit1")
    _prepare(c)
    c.do("submit_kpi_details_for_check", "gen_admin_unit1", SUBMIT)
    for i in range(2):
        c.do("review_kpi_details", "admin_dev_group1",
             {"kpi_review_result": "revise", "kpi_review_suggestions": f"ปรับค่าเป้าหมาย ครั้งที่ {i + 1}"},
             outsider="kpi_owners1")
        assert c.open() == ["submit_kpi_details_for_check"]
        c.do("submit_kpi_details_for_check", "gen_admin_unit2",
             {**SUBMIT, "submitted_documents": f"agreement-2564-v{i + 2}.pdf", "revision_note": "ปรับแล้ว"},
             outsider="admin_dev_group2")
    c.do("review_kpi_details", "admin_dev_group2", {"kpi_review_result": "accept"})
    c.do("director_signs_agreement", "gen_admin_unit1", SIGN)
    _round(c, "round_5_months")
    _round(c, "round_6_months")
    c.do("archive_evidence", "gen_admin_unit1", ARCHIVE)
    assert c.done == BEFORE_SIGN + ["submit_kpi_details_for_check", "review_kpi_details"] * 3 + [
        "director_signs_agreement"] + ROUND * 2 + ["archive_evidence"]
    assert c.status == "completed"
    assert c.data["submitted_documents"] == "agreement-2564-v3.pdf" and c.data["kpi_review_result"] == "accept"
