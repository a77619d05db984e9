"""it-equipment-management: every path, as the users of the right lanes.

The department ICT committee decides on the project and on the allocation in its own tasks; the
secretariat presents, sends to the Ministry and records (issue 11, section 4)."""
from __future__ import annotations

import pytest

from engine.errors import Forbidden

P = "it-equipment-management"
REQUEST = {"requesting_unit_name": "กองแบบแผน", "project_name": "จัดหาเครื่องคอมพิวเตอร์สำนักงาน",
           "requested_items": "คอมพิวเตอร์ 20 เครื่อง", "estimated_budget": "340000",
           "request_letter_number": "สธ 0704/55"}
ICT_APPROVES = {"ict_project_decision": "approve", "ict_resolution_reference": "ICT 2/2567"}
ICT_OK = {"ict_ministry_result": "approved", "ministry_letter_reference": "สธ 0208/101"}
ICT = ["ict_committee_approves_project", "ict_and_ministry_cio_approval"]
PROCURED = {"contract_number": "ส 12/2567", "vendor_name": "บริษัท ตัวอย่าง จำกัด", "contract_amount": "335500.00",
            "delivery_date": "2026-12-01"}
ALLOCATION = {"allocation_details": "กองแบบแผน 10, กองสุขศึกษา 10", "allocation_meeting_date": "2026-12-10"}
INSTALLED = {"installed_units": "กองแบบแผน, กองสุขศึกษา", "installation_date": "2026-12-15"}

BACK = ["procurement", "allocation_plan", "ict_committee_approves_allocation", "install_equipment", "test_equipment",
        "manual_and_training"]


def _sit(c, members, opinions=None, meeting_date="2026-10-20"):
    """Steps 2-3: the secretariat pre-screens and chooses the members; each member gives an opinion on a
    personal task nobody else can complete."""
    c.do("secretariat_prescreen", "committee_secretariat1",
         {"preliminary_requirements": "ต้องการคอมพิวเตอร์ทดแทนเครื่องเก่า", "meeting_date": meeting_date,
          "dept_committee_members": members}, outsider="requesting_unit1")
    tasks = [t for t in c.k.tasks.of_case(c.id) if t.element_id == "dept_committee_meeting"]
    assert sorted(t.reserved_for for t in tasks) == sorted(members)
    with pytest.raises(Forbidden):
        c.k.cases.complete(tasks[0].id, "committee_secretariat1", {"dept_committee_opinion": "approve"})
    opinions = opinions or ["approve"] * len(members)
    for i, (member, opinion) in enumerate(zip(members, opinions, strict=True)):
        if i:
            assert c.open() == ["dept_committee_meeting"]  # the step waits for every member
        comment = {} if opinion == "approve" else {"dept_committee_comment": "ปรับคุณลักษณะเฉพาะให้ตรงเกณฑ์"}
        c.do("dept_committee_meeting", member, {"dept_committee_opinion": opinion, **comment})
    assert c.data["dept_committee_opinions"] == opinions  # this round's opinions only
    assert "member" not in c.data
    return ["secretariat_prescreen"] + ["dept_committee_meeting"] * len(members)


def _request(c, members, opinions=None):
    """Steps 1-3."""
    c.do("submit_procurement_request", "requesting_unit1", REQUEST, outsider="it_group1")
    return ["submit_procurement_request"] + _sit(c, members, opinions)


def _revise(c, user, note, outsider=None):
    assert c.open() == ["revise_project"]
    c.do("revise_project", user, {"revision_note": note}, outsider=outsider)
    return ["revise_project"]


def _ict_ok(c, user="committee_secretariat2"):
    """The ICT committee approves in its own task (the secretariat cannot); the secretariat sends the
    project to the Ministry and records its approval (the ICT committee cannot)."""
    c.do("ict_committee_approves_project", "dept_ict_committee1", ICT_APPROVES, outsider=user)
    c.do("ict_and_ministry_cio_approval", user, ICT_OK, outsider="dept_ict_committee1")


def _allocate(c, user="committee_secretariat2", result="approve", again=False):
    """The secretariat prepares the allocation; only the ICT committee approves it. A revision
    goes back to who prepared it (issue 11, section 5), so the outsider check is on the first pass."""
    c.do("allocation_plan", user, ALLOCATION, outsider=None if again else "dept_ict_committee1")
    decision = {"allocation_result": result} if result == "approve" else {
        "allocation_result": result, "allocation_comment": "เพิ่มให้กองสุขศึกษา"}
    c.do("ict_committee_approves_allocation", "dept_ict_committee2", decision, outsider=user)


def _approve(c):
    c.do("project_budget_approval", "dept_executives1", {"project_approval": "approved", "approved_budget": "340000"},
         outsider="committee_secretariat1")


def _deliver(c):
    c.do("procurement", "requesting_unit2", PROCURED, outsider="it_group1")
    _allocate(c)
    c.do("install_equipment", "it_group1", INSTALLED, outsider="equipment_users1")
    c.do("test_equipment", "it_group2", {"test_result": "passed"}, outsider="requesting_unit1")
    c.do("manual_and_training", "it_group1", {"training_date": "2026-12-20", "trainees_count": 25},
         outsider="equipment_users2")


def test_happy_path_one_committee_member(case):
    """Endorsed by a one-member committee, approved at every level, equipment passes its test."""
    c = case(P, "it_group1")
    front = _request(c, ["dept_computer_committee1"])
    _ict_ok(c)
    _approve(c)
    _deliver(c)
    assert c.done == front + ICT + ["project_budget_approval"] + BACK
    assert c.done[:3] == ["submit_procurement_request", "secretariat_prescreen", "dept_committee_meeting"]
    assert c.status == "completed"
    assert c.data["dept_committee_opinions"] == ["approve"]
    assert c.data["test_result"] == "passed" and c.data["contract_number"] == "ส 12/2567"


def test_several_committee_members_all_endorse(case):
    """A two-member committee: each member endorses on a personal task before the flow moves on."""
    c = case(P, "it_group1")
    _request(c, ["dept_computer_committee1", "dept_computer_committee2"])
    _ict_ok(c, "committee_secretariat1")
    _approve(c)
    _deliver(c)
    assert c.done == ["submit_procurement_request", "secretariat_prescreen", "dept_committee_meeting",
                      "dept_committee_meeting", *ICT, "project_budget_approval"] + BACK
    assert c.status == "completed"
    assert c.data["dept_committee_opinions"] == ["approve", "approve"]


def test_committee_corrections_loop(case):
    """One of two committee members asks for corrections: the unit revises and the committee sits again (one member)."""
    c = case(P, "it_group1")
    front = _request(c, ["dept_computer_committee1", "dept_computer_committee2"], ["approve", "revise"])
    assert c.open() == ["revise_project"]
    c.do("revise_project", "requesting_unit2", {"revision_note": "ปรับสเปกตามข้อเสนอแนะ", "revised_budget": "320000"},
         outsider="committee_secretariat1")
    assert c.open() == ["secretariat_prescreen"]
    again = _sit(c, ["dept_computer_committee2"], meeting_date="2026-11-03")
    _ict_ok(c)
    _approve(c)
    _deliver(c)
    assert c.done == front + ["revise_project"] + again + [
        "ict_committee_approves_project", "ict_and_ministry_cio_approval", "project_budget_approval"] + BACK
    assert c.status == "completed"
    assert c.data["dept_committee_opinions"] == ["approve"] and c.data["meeting_date"] == "2026-11-03"
    assert c.data["revision_note"] == "ปรับสเปกตามข้อเสนอแนะ"


def test_committee_asks_twice_then_ict_returns(case):
    """Committee corrections twice (one, then two members); later an ICT return goes back to ICT, not the committee."""
    c = case(P, "it_group1")
    done = _request(c, ["dept_computer_committee1"], ["revise"])
    done += _revise(c, "requesting_unit1", "แก้ครั้งที่ 1", outsider="dept_computer_committee1")
    done += _sit(c, ["dept_computer_committee1", "dept_computer_committee2"], ["revise", "revise"])
    done += _revise(c, "requesting_unit1", "แก้ครั้งที่ 2", outsider="it_group2")  # back to who revised it
    done += _sit(c, ["dept_computer_committee1", "dept_computer_committee2"])
    c.do("ict_committee_approves_project", "dept_ict_committee2",
         {"ict_project_decision": "return", "ict_project_comment": "ทบทวนคุณลักษณะเฉพาะ"},
         outsider="dept_computer_committee2")
    done += ["ict_committee_approves_project"] + _revise(c, "requesting_unit1", "แก้ตามมติ ICT")
    assert c.open() == ["ict_committee_approves_project"]
    _ict_ok(c)
    _approve(c)
    _deliver(c)
    assert c.done == done + ICT + ["project_budget_approval"] + BACK
    assert c.status == "completed"
    assert c.data["dept_committee_opinions"] == ["approve", "approve"]
    assert c.data["revision_note"] == "แก้ตามมติ ICT" and c.data["ict_ministry_result"] == "approved"


def test_returned_by_ict_then_by_ministry(case):
    """The department ICT committee, then the Ministry committee, return the project for revision."""
    c = case(P, "it_group1")
    front = _request(c, ["dept_computer_committee1"])
    c.do("ict_committee_approves_project", "dept_ict_committee1",
         {"ict_project_decision": "return", "ict_project_comment": "แก้งบประมาณ"}, outsider="committee_secretariat1")
    assert c.open() == ["revise_project"]
    c.do("revise_project", "requesting_unit1", {"revision_note": "แก้ตามมติ ICT"}, outsider="owner_staff1")
    c.do("ict_committee_approves_project", "dept_ict_committee2",
         {**ICT_APPROVES, "ict_resolution_reference": "ICT 3/2567"},
         outsider="requesting_unit1")
    c.do("ict_and_ministry_cio_approval", "committee_secretariat2", {"ict_ministry_result": "returned_by_ministry"},
         outsider="moph_computer_committee1")
    c.do("revise_project", "requesting_unit2", {"revision_note": "แก้ตามความเห็นกระทรวง"})
    _ict_ok(c, "committee_secretariat1")
    _approve(c)
    _deliver(c)
    assert c.done == front + ["ict_committee_approves_project", "revise_project"] + ICT + ["revise_project"] + ICT + [
        "project_budget_approval"] + BACK
    assert c.status == "completed"
    assert c.data["ict_ministry_result"] == "approved" and c.data["revision_note"] == "แก้ตามความเห็นกระทรวง"


def test_not_approved_rechecked_and_resubmitted(case):
    """Executives do not approve (5.1); the owning staff re-checks and resubmits; then approved (5.2)."""
    c = case(P, "it_group1")
    front = _request(c, ["dept_computer_committee2"])
    _ict_ok(c)
    c.do("project_budget_approval", "dept_executives2", {"project_approval": "not_approved"}, outsider="cio1")
    c.do("recheck_rejected_project", "owner_staff1", {"recheck_decision": "resubmit", "recheck_note": "ลดจำนวน"},
         outsider="requesting_unit1")
    _approve(c)
    _deliver(c)
    assert c.done == front + [*ICT, "project_budget_approval",
                              "recheck_rejected_project", "project_budget_approval"] + BACK
    assert c.status == "completed"
    assert c.data["project_approval"] == "approved" and c.data["recheck_decision"] == "resubmit"


def test_not_approved_and_withdrawn(case):
    """Executives do not approve; the owning staff withdraws the project and the case ends."""
    c = case(P, "it_group1")
    front = _request(c, ["dept_computer_committee1"])
    _ict_ok(c)
    c.do("project_budget_approval", "dept_executives1", {"project_approval": "not_approved"},
         outsider="owner_staff1")
    c.do("recheck_rejected_project", "owner_staff2", {"recheck_decision": "withdraw", "recheck_note": "ไม่มีงบ"},
         outsider="dept_executives1")
    assert c.done == front + [*ICT, "project_budget_approval",
                              "recheck_rejected_project"]
    assert c.status == "completed"
    assert c.data["recheck_decision"] == "withdraw" and "contract_number" not in c.data


def test_allocation_revised_and_test_failed(case):
    """The ICT committee asks for a revised allocation, and the first equipment test fails."""
    c = case(P, "it_group1")
    front = _request(c, ["dept_computer_committee1"])
    _ict_ok(c)
    _approve(c)
    c.do("procurement", "requesting_unit1", PROCURED, outsider="committee_secretariat1")
    _allocate(c, "committee_secretariat1", "return")
    assert c.open() == ["allocation_plan"]
    _allocate(c, "committee_secretariat1", again=True)
    c.do("install_equipment", "it_group1", INSTALLED, outsider="requesting_unit2")
    c.do("test_equipment", "it_group2", {"test_result": "failed", "test_note": "จอไม่ติด"}, outsider="requesting_unit1")
    assert c.open() == ["install_equipment"]
    c.do("install_equipment", "it_group1", {**INSTALLED, "installation_date": "2026-12-16"})
    c.do("test_equipment", "it_group2", {"test_result": "passed"})
    c.do("manual_and_training", "it_group2", {"trainees_count": 20}, outsider="equipment_users1")
    assert c.done == front + [*ICT, "project_budget_approval", "procurement",
                              "allocation_plan", "ict_committee_approves_allocation", "allocation_plan",
                              "ict_committee_approves_allocation", "install_equipment", "test_equipment",
                              "install_equipment", "test_equipment", "manual_and_training"]
    assert c.status == "completed"
    assert c.data["installation_date"] == "2026-12-16" and c.data["test_result"] == "passed"
