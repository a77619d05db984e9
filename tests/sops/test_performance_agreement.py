"""performance-agreement: every path, as the users of the right lanes.

The IT Group director signs the agreement in the director's own task, and each indicator owner
reports their indicator's results in a personal task each round (issue 11, section 4)."""
from __future__ import annotations

import pytest

from engine.errors import Forbidden

EXPLAIN = {"fiscal_year": 2564, "briefing_date": "2020-10-05", "framework_reference": "สบส. ว 12/2563"}
DRAFT = {"draft_kpi_count": 8, "kpi_template_file": "kpi-template-2564.xlsx"}
NEGOTIATE = {"negotiation_date": "2020-10-27", "agreed_kpi_count": 7}
SUBMIT = {"submitted_on": "2020-11-02", "submitted_documents": "agreement-2564-v1.pdf"}
PREPARED = {"agreement_submitted_on": "2020-11-18", "agreement_documents_file": "agreement-2564.pdf"}
SIGN = {"agreement_signature": "approve", "agreement_signed_on": "2020-11-20",
        "signed_agreement_file": "agreement-2564-signed.pdf"}
OWNERS = ["kpi_owners1", "kpi_owners2"]
MONITOR = {"kpis_on_target": 5, "monitoring_summary": "ตัวชี้วัดที่ 3 ต้องเร่งรัด"}
ROUNDS = {"round_5_months": ("2021-03-05", "4.2500"), "round_6_months": ("2021-09-10", "4.6000")}
ARCHIVE = {"archive_location": "แฟ้มคำรับรอง 2564", "backup_location": "NAS/กลุ่มเทคโนโลยีสารสนเทศ/2564"}

BEFORE_SIGN = ["explain_kpi_guidelines", "analyse_and_draft_kpis", "negotiate_kpis"]
ROUND = ["cascade_and_report_online", "owners_report_kpi_results", "owners_report_kpi_results", "monitor_and_coach",
         "score_summary"]
SIGNED = ["director_signs_agreement", "director_signs_performance_agreement"]


def _prepare(c) -> None:
    c.do("explain_kpi_guidelines", "gen_admin_unit1", EXPLAIN, outsider="admin_dev_group1")
    c.do("analyse_and_draft_kpis", "gen_admin_unit1", DRAFT, outsider="kpi_owners1")
    c.do("negotiate_kpis", "gen_admin_unit2", NEGOTIATE, outsider="it_group_director1")


def sign(c, returned: bool = False) -> None:
    """The unit prepares the agreement; only the IT Group director signs it. A returned agreement goes
    back to who prepared it (issue 11, section 5): the outsider check is on the first pass."""
    c.do("director_signs_agreement", "gen_admin_unit1", PREPARED, outsider=None if returned else "it_group_director1")
    c.do("director_signs_performance_agreement", "it_group_director1", SIGN, outsider="gen_admin_unit1")


def _round(c, name: str) -> None:
    reported_on, score = ROUNDS[name]
    c.do("cascade_and_report_online", "gen_admin_unit1",
         {"reporting_round": name, "round_reported_on": reported_on,
          "psdg_report_reference": f"OPDC-{name}", "smart_report_reference": f"SMART-{name}",
          "kpi_owners_assigned": OWNERS}, outsider="kpi_owners2")
    tasks = [t for t in c.k.tasks.of_case(c.id) if t.element_id == "owners_report_kpi_results"]
    assert sorted(t.reserved_for for t in tasks) == OWNERS
    for owner, result in zip(OWNERS, ("on_target", "below_target"), strict=True):
        data = {"kpi_owner_result": result, "kpi_owner_report": f"ผลของ {owner}"}
        task = next(t for t in tasks if t.reserved_for == owner)
        with pytest.raises(Forbidden):  # the unit cannot report for the owner
            c.k.cases.complete(task.id, "gen_admin_unit1", data)
        c.do("owners_report_kpi_results", owner, data)
    assert c.data["kpi_owner_results"] == ["on_target", "below_target"]
    c.do("monitor_and_coach", "gen_admin_unit2", MONITOR, outsider="admin_dev_group2")
    c.do("score_summary", "admin_dev_group1", {"round_score": score, "score_notified_on": reported_on},
         outsider="gen_admin_unit1")


def test_happy_path(case):
    """กพร. accepts the KPIs at the first check; the director signs; 5-month then 6-month round; evidence filed."""
    c = case("performance-agreement", "gen_admin_unit1")
    _prepare(c)
    c.do("submit_kpi_details_for_check", "gen_admin_unit1", SUBMIT, outsider="admin_dev_group1")
    c.do("review_kpi_details", "admin_dev_group2", {"kpi_review_result": "accept"}, outsider="gen_admin_unit2")
    sign(c)
    _round(c, "round_5_months")
    assert c.open() == ["cascade_and_report_online"]
    _round(c, "round_6_months")
    c.do("archive_evidence", "gen_admin_unit2", ARCHIVE, outsider="kpi_owners1")
    assert c.done == BEFORE_SIGN + ["submit_kpi_details_for_check", "review_kpi_details",
                                    ] + SIGNED + ROUND * 2 + ["archive_evidence"]
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
    sign(c)
    _round(c, "round_5_months")
    _round(c, "round_6_months")
    c.do("archive_evidence", "gen_admin_unit1", ARCHIVE)
    assert c.done == BEFORE_SIGN + ["submit_kpi_details_for_check", "review_kpi_details"] * 3 + SIGNED + ROUND * 2 + [
        "archive_evidence"]
    assert c.status == "completed"
    assert c.data["submitted_documents"] == "agreement-2564-v3.pdf" and c.data["kpi_review_result"] == "accept"


def test_director_returns_the_agreement(case):
    """The director returns the agreement once; the unit revises it and the director signs."""
    c = case("performance-agreement", "gen_admin_unit2")
    _prepare(c)
    c.do("submit_kpi_details_for_check", "gen_admin_unit1", SUBMIT)
    c.do("review_kpi_details", "admin_dev_group1", {"kpi_review_result": "accept"})
    c.do("director_signs_agreement", "gen_admin_unit1", PREPARED)
    c.do("director_signs_performance_agreement", "it_group_director2",
         {"agreement_signature": "return", "agreement_signature_comment": "แก้ค่าน้ำหนักตัวชี้วัด"},
         outsider="kpi_owners1")
    assert c.open() == ["director_signs_agreement"]
    sign(c, returned=True)
    _round(c, "round_5_months")
    _round(c, "round_6_months")
    c.do("archive_evidence", "gen_admin_unit1", ARCHIVE)
    assert c.done == BEFORE_SIGN + ["submit_kpi_details_for_check", "review_kpi_details"] + SIGNED * 2 + ROUND * 2 + [
        "archive_evidence"]
    assert c.status == "completed" and c.data["agreement_signature"] == "approve"
