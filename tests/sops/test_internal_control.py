"""internal-control: every path, as the users of the right lanes.

Every member of the monitoring and evaluation committee evaluates the PK4/PK5 reports in a
personal task before the head signs (issue 11, section 4)."""
from __future__ import annotations

import pytest

from engine.errors import Forbidden, InvalidInput, NotFound

P = "internal-control"


def _appointment(staff, setup):
    return {"fiscal_year": 2568, "setup_order_number": "คส 1/2568", "monitoring_order_number": "คส 2/2568",
            "ic_setup_members": setup, "ic_monitoring_members": ["ic_monitoring_committee1"],
            "participating_staff": staff}


def _personal(c, element, owner, intruder, data):
    """A committee member's task is personal: another user cannot complete it."""
    task = next(t for t in c.k.tasks.of_case(c.id) if t.element_id == element and t.reserved_for == owner)
    with pytest.raises((Forbidden, NotFound)):  # NotFound: not their case to see
        c.k.cases.complete(task.id, intruder, data)


def _front(c, staff, setup):
    """Steps 1-4: appoint, then every staff member and every set-up committee member acts."""
    c.do("appoint_committees", "assigned_officer1", _appointment(staff, setup), outsider="all_staff1")
    _personal(c, "write_process_flowcharts", staff[0], "assigned_officer1",
              {"flowchart_count": 1, "flowchart_processes": "x"})
    for i, person in enumerate(staff):
        c.do("write_process_flowcharts", person,
             {"flowchart_count": i + 2, "flowchart_processes": "งานสารบรรณ; งานพัสดุ"})
    for i, person in enumerate(staff):
        c.do("assess_components_subunits", person,
             {"subunit_name": f"ส่วนงานย่อย {i + 1}", "component_comments": "ครบ ๕ องค์ประกอบ"})
    _personal(c, "questionnaire_evaluation", setup[0], "ic_monitoring_committee1", {"questionnaire_finding": "x"})
    for person in setup:
        c.do("questionnaire_evaluation", person, {"questionnaire_finding": f"ข้อค้นพบของ {person}"})
    return (["appoint_committees"] + ["write_process_flowcharts"] * len(staff)
            + ["assess_components_subunits"] * len(staff) + ["questionnaire_evaluation"] * len(setup))


def _reports(c):
    c.do("pk4_summary", "ic_setup_committee2", {"pk4_file": "pk4.pdf"}, outsider="head_of_agency1")
    c.do("pk5_summary", "ic_setup_committee1", {"pk5_file": "pk5.pdf"}, outsider="ic_monitoring_committee1")
    _monitoring(c)


def _monitoring(c):
    """The monitoring committee's member evaluates the reports; a set-up member cannot do it for them."""
    evaluation = {"monitoring_evaluation": "needs_improvement", "monitoring_observations": "ควรทบทวนองค์ประกอบที่ ๓"}
    _personal(c, "monitoring_committee_evaluates", "ic_monitoring_committee1", "ic_setup_committee1", evaluation)
    c.do("monitoring_committee_evaluates", "ic_monitoring_committee1", evaluation)
    assert c.data["monitoring_evaluations"] == ["needs_improvement"]


def _finish(c):
    c.do("head_signs_pk4_pk5", "head_of_agency1", {"head_signature": "sign", "signed_on": "2026-12-10"},
         outsider="ic_setup_committee1")
    c.do("submit_reports_to_secretary_office", "gen_admin_unit1",
         {"submission_letter_number": "สบส 0201/77", "submitted_on": "2026-12-20"}, outsider="secretary_office1")
    c.do("archive_evidence", "gen_admin_unit2", {"file_location": "แฟ้ม ICS 2568", "backup_location": "NAS/ics/2568"},
         outsider="assigned_officer1")


FRONT1 = ["appoint_committees", "write_process_flowcharts", "assess_components_subunits", "questionnaire_evaluation"]
BACK = ["pk4_summary", "pk5_summary", "monitoring_committee_evaluates", "head_signs_pk4_pk5",
        "submit_reports_to_secretary_office", "archive_evidence"]


def test_happy_path_high_risks_one_member_committees(case):
    """One staff member and a one-member set-up committee; high risks found go to the sub-unit PK5; signed."""
    c = case(P, "assigned_officer1")
    _front(c, ["all_staff1"], ["ic_setup_committee1"])
    c.do("risk_analysis", "ic_setup_committee1", {"risks_analysed": 7, "high_risks_found": "yes",
                                                  "high_risk_count": 2}, outsider="all_staff2")
    c.do("prepare_pk5_subunit", "ic_setup_committee2", {"pk5_subunit_risks": "ระบบสำรองข้อมูล; สิทธิ์การเข้าถึง"},
         outsider="gen_admin_unit1")
    _reports(c)
    _finish(c)
    assert c.done == FRONT1 + ["risk_analysis", "prepare_pk5_subunit"] + BACK
    assert c.status == "completed"
    assert c.data["flowchart_counts"] == [2] and c.data["assessed_subunits"] == ["ส่วนงานย่อย 1"]
    assert c.data["high_risks_found"] == "yes" and c.data["submission_letter_number"] == "สบส 0201/77"


def test_several_members_no_high_risks(case):
    """Two staff members and a two-member set-up committee each act; no high risks, so no sub-unit PK5."""
    c = case(P, "assigned_officer1")
    staff, setup = ["all_staff1", "all_staff2"], ["ic_setup_committee1", "ic_setup_committee2"]
    _front(c, staff, setup)
    c.do("risk_analysis", "ic_setup_committee2", {"risks_analysed": 3, "high_risks_found": "no"},
         outsider="all_staff2")
    _reports(c)
    _finish(c)
    assert c.done == ["appoint_committees"] + ["write_process_flowcharts"] * 2 + [
        "assess_components_subunits"] * 2 + ["questionnaire_evaluation"] * 2 + ["risk_analysis"] + BACK
    assert c.status == "completed"
    assert c.data["flowchart_counts"] == [2, 3]
    assert c.data["assessed_subunits"] == ["ส่วนงานย่อย 1", "ส่วนงานย่อย 2"]
    assert c.data["questionnaire_findings"] == ["ข้อค้นพบของ ic_setup_committee1", "ข้อค้นพบของ ic_setup_committee2"]
    assert "pk5_subunit_risks" not in c.data


def test_head_returns_reports_for_revision(case):
    """The head of agency returns PK4/PK5 once; the committee revises both and the head then signs."""
    c = case(P, "assigned_officer1")
    _front(c, ["all_staff2"], ["ic_setup_committee2"])
    c.do("risk_analysis", "ic_setup_committee1", {"risks_analysed": 4, "high_risks_found": "no"},
         outsider="gen_admin_unit2")
    _reports(c)
    c.do("head_signs_pk4_pk5", "head_of_agency2", {"head_signature": "return", "head_comment": "แก้องค์ประกอบที่ ๓"},
         outsider="gen_admin_unit1")
    assert c.open() == ["pk4_summary"]
    c.do("pk4_summary", "ic_setup_committee1", {"pk4_file": "pk4-v2.pdf", "pk4_note": "แก้แล้ว"})
    c.do("pk5_summary", "ic_setup_committee1", {"pk5_file": "pk5-v2.pdf"})
    _monitoring(c)
    _finish(c)
    assert c.done == FRONT1 + ["risk_analysis"] + BACK[:4] + BACK
    assert c.status == "completed"
    assert c.data["pk4_file"] == "pk4-v2.pdf" and c.data["head_signature"] == "sign"


def test_separation_of_duties_must_be_confirmed(case):
    """Appointing the committees requires confirming that they share no member."""
    c = case(P, "assigned_officer1")
    with pytest.raises(InvalidInput, match="control point no_common_member must be confirmed"):
        c.do("appoint_committees", "assigned_officer1", _appointment(["all_staff1"], ["ic_setup_committee1"]),
             confirm=False)
    assert c.open() == ["appoint_committees"] and c.status == "running"
