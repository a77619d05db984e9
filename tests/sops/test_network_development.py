"""network-development: every path, as the users of the right lanes."""
from __future__ import annotations

import pytest

from engine.errors import Conflict, Forbidden, InvalidInput, NotFound

STUDY = {"network_problems": "อินเทอร์เน็ตชั้น 3 หลุดบ่อย", "user_needs": "Wi-Fi ห้องประชุมทุกชั้น"}


def project(members: list[str]) -> dict:
    return {"project_title": "พัฒนาระบบเครือข่ายไร้สาย อาคาร 7", "hiring_specification": "จุดกระจายสัญญาณ 40 จุด",
            "estimated_budget": "1250000.00", "approval_request_number": "สธ 0701.09/123",
            "bid_committee_members": members}


CONTRACT = {"contract_number": "12/2569", "contractor_name": "บริษัท เน็ตเวิร์ค จำกัด", "contract_value": "1180000.00",
            "contract_date": "2026-01-15", "contract_end_date": "2026-04-15"}
DESIGN = {"design_summary": "Core 2 ชุด, Access switch 12 ชุด, AP 40 จุด", "design_file": "network-design-v1.pdf"}
INSTALL = {"installation_date": "2026-03-01"}
MANUAL = {"manual_type": "both", "manual_file": "network-manual.pdf"}
USE = {"usage_start_date": "2026-03-20", "usage_problems": "ไม่มี"}

SETUP = ["study_network_needs", "prepare_hiring_project", "approve_hiring_project"]
AFTER_BID = ["sign_contract", "design_network", "install_network", "test_network", "write_manual_or_diagram",
             "use_network"]


def bid(member: str) -> dict:
    return {"recommended_bidder": "บริษัท เน็ตเวิร์ค จำกัด", "offered_price": "1180000.00",
            "member_remarks": f"ความเห็นของ {member}"}


def _hire(c, members: list[str], returns: int = 0) -> None:
    c.do("study_network_needs", "it_officer1", STUDY, outsider="contractor1")
    c.do("prepare_hiring_project", "it_officer1", project(members), outsider="executives1")
    for _ in range(returns):
        c.do("approve_hiring_project", "executives1", {"approval": "return", "approval_note": "เพิ่มขอบเขตงาน"},
             outsider="it_officer1")
        assert c.open() == ["prepare_hiring_project"]  # back to the officer who prepared it
        c.do("prepare_hiring_project", "it_officer1", project(members), outsider="it_officer2")
    c.do("approve_hiring_project", "executives2", {"approval": "approve"}, outsider="procurement_officer1")


def _bid_opening(c, members: list[str]) -> None:
    """Every appointed member gets a personal task; nobody else can take one."""
    tasks = [t for t in c.k.tasks.of_case(c.id) if t.element_id == "bid_opening"]
    assert sorted(t.reserved_for for t in tasks) == sorted(members)
    controls = [cp.id for cp in c.model.steps["bid_opening"].meta.controls]
    for outsider in ("it_officer1", *(m for m in ("bid_committee1", "bid_committee2") if m not in members)):
        with pytest.raises((Forbidden, Conflict, NotFound)):
            c.k.tasks.claim(tasks[0].id, outsider)
        with pytest.raises(Forbidden):
            c.k.cases.complete(tasks[0].id, outsider, bid(outsider), controls)
    for i, member in enumerate(members):
        c.do("bid_opening", member, bid(member))
        if i < len(members) - 1:
            assert c.open() == ["bid_opening"] * (len(members) - 1 - i)  # the step waits for the others


def _build(c, failed_tests: int = 0) -> None:
    c.do("sign_contract", "procurement_officer1", CONTRACT, outsider="bid_committee1")
    c.do("design_network", "it_officer2", DESIGN, outsider="user_units1")
    c.do("install_network", "contractor1", INSTALL, outsider="it_officer1")
    for _ in range(failed_tests):
        c.do("test_network", "contractor2",
             {"test_result": "failed", "installation_problems": "Switch ชั้น 5 ไม่ตอบสนอง"}, outsider="user_units2")
        assert c.open() == ["install_network"]
        c.do("install_network", "contractor1",
             {"installation_date": "2026-03-08", "installation_note": "เปลี่ยน Switch"})
    c.do("test_network", "contractor2", {"test_result": "passed"}, outsider="user_units2")
    c.do("write_manual_or_diagram", "contractor1", MANUAL, outsider="procurement_officer2")
    c.do("use_network", "user_units1", USE, outsider="contractor1")


def test_happy_path_one_committee_member(case):
    """Hiring approved on first review; a one-member bid committee; the network passes its first test."""
    c = case("network-development", "it_officer1")
    _hire(c, ["bid_committee1"])
    _bid_opening(c, ["bid_committee1"])
    _build(c)
    assert c.done == SETUP + ["bid_opening"] + AFTER_BID
    assert c.status == "completed"
    assert c.data["bid_recommendations"] == ["บริษัท เน็ตเวิร์ค จำกัด"]
    assert c.data["test_result"] == "passed" and c.data["contract_number"] == "12/2569"


def test_committee_with_several_members(case):
    """Hiring approved; every member of a two-member bid committee records the result before the contract."""
    c = case("network-development", "it_officer1")
    members = ["bid_committee1", "bid_committee2"]
    _hire(c, members)
    _bid_opening(c, members)
    _build(c)
    assert c.done == SETUP + ["bid_opening", "bid_opening"] + AFTER_BID
    assert c.status == "completed"
    assert c.data["bid_recommendations"] == ["บริษัท เน็ตเวิร์ค จำกัด"] * 2
    assert c.data["bid_committee_members"] == members


def test_hiring_returned_for_revision(case):
    """The executives return the hiring request (inferred) to the IT officer, then approve it."""
    c = case("network-development", "it_officer1")
    _hire(c, ["bid_committee2"], returns=1)
    _bid_opening(c, ["bid_committee2"])
    _build(c)
    assert c.done == (["study_network_needs", "prepare_hiring_project", "approve_hiring_project",
                       "prepare_hiring_project", "approve_hiring_project", "bid_opening"] + AFTER_BID)
    assert c.status == "completed"
    assert c.data["approval"] == "approve" and c.data["approval_note"] == "เพิ่มขอบเขตงาน"


def test_failed_network_test_goes_back_to_installation(case):
    """The network fails its test twice (inferred loop); the contractor fixes the installation each time."""
    c = case("network-development", "it_officer1")
    _hire(c, ["bid_committee1"])
    _bid_opening(c, ["bid_committee1"])
    _build(c, failed_tests=2)
    assert c.done == (SETUP + ["bid_opening", "sign_contract", "design_network", "install_network"]
                      + ["test_network", "install_network"] * 2
                      + ["test_network", "write_manual_or_diagram", "use_network"])
    assert c.status == "completed"
    assert c.data["test_result"] == "passed" and c.data["installation_note"] == "เปลี่ยน Switch"


def test_control_point_must_be_confirmed(case):
    """Happy path in which the design is first refused until its control point is confirmed."""
    c = case("network-development", "it_officer1")
    _hire(c, ["bid_committee1"])
    _bid_opening(c, ["bid_committee1"])
    c.do("sign_contract", "procurement_officer1", CONTRACT, outsider="bid_committee1")
    with pytest.raises(InvalidInput, match="control point cp1 must be confirmed"):
        c.do("design_network", "it_officer1", DESIGN, confirm=False)
    assert c.open() == ["design_network"] and c.status == "running"
    c.do("design_network", "it_officer1", DESIGN)  # still claimed by it_officer1 from the refused attempt
    c.do("install_network", "contractor1", INSTALL, outsider="it_officer1")
    c.do("test_network", "contractor2", {"test_result": "passed"}, outsider="user_units2")
    c.do("write_manual_or_diagram", "contractor1", MANUAL, outsider="procurement_officer2")
    c.do("use_network", "user_units1", USE, outsider="contractor1")
    assert c.done == SETUP + ["bid_opening"] + AFTER_BID
    assert c.status == "completed"
    assert c.data["design_file"] == "network-design-v1.pdf"
