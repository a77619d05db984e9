"""data-warehouse: every path, as the users of the right lanes."""
from __future__ import annotations

import pytest

from engine.errors import Forbidden, NotFound

STUDY = {"system_name": "คลังข้อมูลสถานพยาบาล", "problems_found": "ข้อมูลกระจายหลายฐาน",
         "user_requirements": "รายงานสรุปรายเดือน"}
CONTRACT = {"contract_number": "จ 12/2569", "contractor_name": "บริษัท ข้อมูลดี จำกัด",
            "contract_amount": "1450000.00", "contract_signed_on": "2026-01-15", "contract_end_date": "2026-06-30"}
DESIGN = {"design_document": "dw-design-v1.pdf"}
INSTALL = {"installed_on": "2026-04-20"}
MANUAL = {"user_manual_file": "dw-manual.pdf"}
GO_LIVE = {"go_live_date": "2026-05-15"}

AFTER_CONTRACT = ["design_structure", "develop_system", "install_system", "test_system"]
END = ["write_user_manual", "go_live"]


def hiring(members: list[str], note: str | None = None) -> dict:
    data = {"project_title": "จ้างพัฒนาคลังข้อมูล", "estimated_budget": "1500000",
            "hiring_documents": "hiring-request.pdf", "bid_committee_members": members}
    if note:
        data["hiring_revision_note"] = note
    return data


BID = {"recommended_bidder": "บริษัท ข้อมูลดี จำกัด"}


def _bid_opening(c, members: list[str], outsider: str) -> None:
    """Every appointed member gets a personal task (already theirs); an outsider cannot complete one."""
    tasks = c.k.tasks.of_case(c.id)
    assert sorted(t.reserved_for for t in tasks) == sorted(members)
    assert all(t.assignee == t.reserved_for for t in tasks)
    with pytest.raises((Forbidden, NotFound)):  # NotFound: not their case to see
        c.k.cases.complete(tasks[0].id, outsider, BID, [])
    for member in members:
        c.do("bid_opening", member, BID)


def _build_and_go_live(c, failed_tests: int = 0) -> None:
    c.do("sign_contract", "procurement_officer1", CONTRACT, outsider="bid_committee1")
    c.do("design_structure", "it_officer1", DESIGN, outsider="contractor1")
    for attempt in range(failed_tests + 1):
        c.do("develop_system", "contractor1", {"delivered_version": f"1.{attempt}"}, outsider="it_officer1")
        c.do("install_system", "contractor2", INSTALL, outsider="user_units1")
        passed = attempt == failed_tests
        c.do("test_system", "contractor1",
             {"system_test_result": "pass" if passed else "fail", "test_findings": "" if passed else "รายงานช้า"},
             outsider="executives1")
        if not passed:
            assert c.open() == ["develop_system"]
    c.do("write_user_manual", "contractor2", MANUAL, outsider="procurement_officer2")
    c.do("go_live", "user_units1", GO_LIVE, outsider="contractor1")


def test_happy_path_with_two_member_committee(case):
    """Hiring approved at once; two bid-committee members each act; the system passes its first test."""
    c = case("data-warehouse", "it_officer1")
    c.do("study_requirements", "it_officer1", STUDY, outsider="executives1")
    members = ["bid_committee1", "bid_committee2"]
    c.do("prepare_hiring_project", "it_officer2", hiring(members), outsider="procurement_officer1")
    c.do("executives_approve_hiring", "executives1", {"hiring_approval": "approve"}, outsider="it_officer1")
    _bid_opening(c, members, outsider="procurement_officer1")
    _build_and_go_live(c)
    assert c.done == ["study_requirements", "prepare_hiring_project", "executives_approve_hiring",
                      "bid_opening", "bid_opening", "sign_contract"] + AFTER_CONTRACT + END
    assert c.status == "completed"
    assert c.data["bid_recommendations"] == ["บริษัท ข้อมูลดี จำกัด"] * 2
    assert c.data["system_test_result"] == "pass" and c.data["contract_amount"] == 1450000.0


def test_executives_return_hiring_request(case):
    """Executives return the hiring request once (inferred); revised and approved; a one-member committee."""
    c = case("data-warehouse", "it_officer1")
    c.do("study_requirements", "it_officer1", STUDY)
    c.do("prepare_hiring_project", "it_officer1", hiring(["bid_committee1", "bid_committee2"]))
    c.do("executives_approve_hiring", "executives2",
         {"hiring_approval": "return", "hiring_approval_note": "ปรับวงเงิน"}, outsider="contractor1")
    assert c.open() == ["prepare_hiring_project"]
    c.do("prepare_hiring_project", "it_officer1", hiring(["bid_committee2"], note="ปรับวงเงินแล้ว"),
         outsider="executives2")
    c.do("executives_approve_hiring", "executives1", {"hiring_approval": "approve"})
    _bid_opening(c, ["bid_committee2"], outsider="bid_committee1")
    _build_and_go_live(c)
    assert c.done == ["study_requirements", "prepare_hiring_project", "executives_approve_hiring",
                      "prepare_hiring_project", "executives_approve_hiring", "bid_opening",
                      "sign_contract"] + AFTER_CONTRACT + END
    assert c.status == "completed"
    assert c.data["bid_recommendations"] == ["บริษัท ข้อมูลดี จำกัด"]
    assert c.data["hiring_approval"] == "approve" and c.data["hiring_revision_note"] == "ปรับวงเงินแล้ว"


def test_failed_test_sends_system_back_to_development(case):
    """The system fails its test once (inferred branch): fixed, reinstalled and retested, then passes."""
    c = case("data-warehouse", "it_officer1")
    c.do("study_requirements", "it_officer2", STUDY)
    c.do("prepare_hiring_project", "it_officer2", hiring(["bid_committee1"]))
    c.do("executives_approve_hiring", "executives1", {"hiring_approval": "approve"})
    _bid_opening(c, ["bid_committee1"], outsider="bid_committee2")
    _build_and_go_live(c, failed_tests=1)
    assert c.done == ["study_requirements", "prepare_hiring_project", "executives_approve_hiring",
                      "bid_opening", "sign_contract", "design_structure"] + AFTER_CONTRACT[1:] * 2 + END
    assert c.status == "completed"
    assert c.data["delivered_version"] == "1.1" and c.data["system_test_result"] == "pass"
