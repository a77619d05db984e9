"""asset-audit: every path, as the users of the right lanes.

Committee steps (4: sign for the order, 6: sign every page of the report, 8: sign the
fact-finding report) give every appointed member a personal task; the step ends only when all
members have signed."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from engine import BANGKOK
from engine.time.calendar import WorkCalendar

from engine.errors import Conflict, Forbidden, InvalidInput, NotFound

ORDER = ["draft_committee_order", "submit_order_for_signature", "sign_committee_order"]
DISPOSAL = ["propose_disposal", "decide_disposal", "appoint_disposal_committee", "sign_disposal_committee_order",
            "dispose_supplies", "write_off_records", "report_to_head_and_state_audit"]


def annual(members: int) -> list[str]:
    """Steps 1-6 as done: the committee steps once per member, then the head receives the report."""
    return ORDER + ["notify_committee_members"] + ["acknowledge_committee_order"] * members + [
        "inspect_supplies"] * members + ["report_inspection_results"] * members + ["head_receives_inspection_report"]


def inspection(i: int) -> dict:
    return {"inspection_finding": f"ตรวจคลังที่ {i + 1} ครบถ้วน", "receipts_issues_correct": "yes",
            "stock_matches_accounts": "yes", "damage_seen": "no"}


def inspect_all(c, members: list[str], outsider: str) -> None:
    """Every member inspects and records their own findings; nobody else can do a member's part."""
    for i, member in enumerate(members):
        task = next(t for t in c.k.tasks.of_case(c.id)
                    if t.element_id == "inspect_supplies" and t.reserved_for == member)
        with pytest.raises((Forbidden, Conflict, NotFound)):
            c.k.tasks.claim(task.id, outsider)
        assert c.open().count("inspect_supplies") == len(members) - i
        c.do("inspect_supplies", member, inspection(i))
    assert c.data["inspection_findings"] == [inspection(i)["inspection_finding"] for i in range(len(members))]


def fact_finding(members: int) -> list[str]:
    return ["appoint_fact_finding_committee"] + ["report_fact_finding"] * members

FILE = {"file_reference": "แฟ้มตรวจสอบพัสดุประจำปี 2569", "filed_on": "2025-11-20"}


def sign_all(c, step: str, members: list[str], field: str, outsider: str) -> None:
    """Every member signs their own personal task of a committee step; nobody else can."""
    tasks = [t for t in c.k.tasks.of_case(c.id) if t.element_id == step]
    assert sorted(t.reserved_for for t in tasks) == sorted(members)
    for i, member in enumerate(members):
        task = next(t for t in c.k.tasks.of_case(c.id) if t.element_id == step and t.reserved_for == member)
        with pytest.raises((Forbidden, Conflict, NotFound)):
            c.k.tasks.claim(task.id, outsider)
        with pytest.raises((Forbidden, NotFound)):  # NotFound: not their case to see
            c.k.cases.complete(task.id, outsider, {field: "2025-10-01"})
        assert c.status == "running"
        c.do(step, member, {field: f"2025-10-0{i + 1}"})
    assert step not in c.open()


def annual_inspection(c, members: list[str], damaged: bool, returns: int = 0) -> None:
    """Steps 1-6: order drafted (returned `returns` times), signed, acknowledged, inspection, report."""
    for i in range(returns + 1):
        c.do("draft_committee_order", "supplies_officer1",
             {"fiscal_year": 2569, "audit_committee_members": members, "order_draft_reference": f"ร่าง {i + 1}"},
             outsider="audit_committee1")
        c.do("submit_order_for_signature", "supplies_officer2", {"order_submitted_on": "2025-09-16"},
             outsider="authorized_official1")
        if i < returns:
            c.do("sign_committee_order", "authorized_official1",
                 {"order_approval": "return", "order_return_reason": "แก้รายชื่อกรรมการ"}, outsider="supplies_officer1")
            assert c.open() == ["draft_committee_order"]
    c.do("sign_committee_order", "authorized_official2",
         {"order_approval": "approve", "order_number": "123/2568", "order_signed_on": "2025-09-22"},
         outsider="supplies_officer1")
    c.do("notify_committee_members", "supplies_officer2", {"committee_notified_on": "2025-09-23"},
         outsider=members[0])
    sign_all(c, "acknowledge_committee_order", members, "acknowledged_on", outsider="supplies_officer1")
    c.wait_until()  # the first working day of FY 2569 (1 Oct 2025) has come: the inspection opens
    inspect_all(c, members, outsider="head_of_agency1")
    sign_all(c, "report_inspection_results", members, "report_signed_on", outsider="head_of_supplies1")
    c.do("head_receives_inspection_report", "head_of_agency1",
         {"damaged_supplies_found": "yes" if damaged else "no",
          "damaged_items": "เครื่องพิมพ์ 2 เครื่อง ชำรุด" if damaged else None}, outsider="supplies_officer1")


def fact_finding_and_disposal(c, fact_finders: list[str], disposal_returns: int = 0,
                              order_returns: int = 0) -> None:
    """Steps 7-13 with the inferred decisions of the head of the agency and the authorized official."""
    c.do("appoint_fact_finding_committee", "supplies_officer1",
         {"fact_finding_order_number": "140/2568", "fact_finding_order_date": "2025-11-03",
          "fact_finding_members": fact_finders}, outsider="fact_finding_committee1")
    c.wait_until(datetime(2027, 1, 11, 9, 0, tzinfo=BANGKOK))  # the report reaches the officer on a Monday
    sign_all(c, "report_fact_finding", fact_finders, "fact_report_signed_on", outsider="supplies_officer1")
    for i in range(disposal_returns + 1):
        # due 2 days from when this round's proposal step opened (not its 60-minute standard duration,
        # nor the first round's opening)
        [proposal] = [t for t in c.k.tasks.of_case(c.id) if t.element_id == "propose_disposal" and t.state == "open"]
        opened = proposal.created_at.astimezone(BANGKOK).date()
        assert proposal.due_at.astimezone(BANGKOK).date() == WorkCalendar().add_days(opened, 2)
        c.do("propose_disposal", "supplies_officer2",
             {"disposal_memo_number": f"บันทึก {i + 1}", "proposed_method": "auction",
              "disposal_items": "เครื่องพิมพ์ 2 เครื่อง"}, outsider="head_of_agency1")
        if i < disposal_returns:  # returned on a later Wednesday: the new round counts from then
            c.wait_until(datetime(2027, 1, 13, 9, 0, tzinfo=BANGKOK) + timedelta(days=7 * i))
            c.do("decide_disposal", "head_of_agency1",
                 {"disposal_approval": "return", "disposal_decision_note": "ให้พิจารณาโอนให้ส่วนราชการอื่น"},
                 outsider="supplies_officer1")
            assert c.open() == ["propose_disposal"]
    c.do("decide_disposal", "head_of_agency2", {"disposal_approval": "approve", "approved_method": "auction"},
         outsider="authorized_official1")
    for i in range(order_returns + 1):
        c.do("appoint_disposal_committee", "supplies_officer1",
             {"disposal_committee_members": ["disposal_committee1", "disposal_committee2"]},
             outsider="disposal_committee1")
        if i < order_returns:
            c.do("sign_disposal_committee_order", "authorized_official1",
                 {"disposal_order_approval": "return", "disposal_order_return_reason": "ขาดรายชื่อประธาน"},
                 outsider="supplies_officer1")
            assert c.open() == ["appoint_disposal_committee"]
    c.do("sign_disposal_committee_order", "authorized_official2",
         {"disposal_order_approval": "approve", "disposal_order_number": "150/2568",
          "disposal_order_signed_on": "2025-11-20"}, outsider="head_of_agency1")
    c.do("dispose_supplies", "disposal_committee2",
         {"disposal_method": "auction", "disposed_on": "2025-12-10", "disposal_proceeds": "1500.50",
          "revenue_remittance_reference": "นส 01/69"}, outsider="supplies_officer1")
    c.do("write_off_records", "supplies_officer1",
         {"written_off_on": "2025-12-11", "register_reference": "ทะเบียนคุมพัสดุ ลำดับ 45-46"},
         outsider="disposal_committee1")
    c.do("report_to_head_and_state_audit", "supplies_officer2",
         {"disposal_report_number": "รง 3/69", "state_audit_letter_number": "สธ 0710/88",
          "state_audit_notified_on": "2025-12-15"}, outsider="state_audit_office1")


def test_no_damage_one_member_committee(case):
    """No damaged supplies found; one-member inspection committee; order signed first time; report filed."""
    c = case("asset-audit", "supplies_officer1")
    annual_inspection(c, ["audit_committee2"], damaged=False)
    c.do("file_annual_audit_documents", "supplies_officer1", FILE, outsider="audit_committee2")
    assert c.done == annual(1) + ["file_annual_audit_documents"]
    assert c.status == "completed"
    assert c.data["damaged_supplies_found"] == "no"
    assert c.data["order_acknowledgements"] == ["2025-10-01"]
    assert c.data["report_signatures"] == ["2025-10-01"]
    assert "fact_finding_members" not in c.data


def test_damage_found_several_members(case):
    """Damaged supplies found; two-member inspection and fact-finding committees; everything approved first time."""
    c = case("asset-audit", "supplies_officer1")
    annual_inspection(c, ["audit_committee1", "audit_committee2"], damaged=True)
    fact_finding_and_disposal(c, ["fact_finding_committee1", "fact_finding_committee2"])
    c.do("file_annual_audit_documents", "supplies_officer2", FILE, outsider="disposal_committee1")
    assert c.done == annual(2) + fact_finding(2) + DISPOSAL + ["file_annual_audit_documents"]
    assert c.status == "completed"
    assert c.data["order_acknowledgements"] == ["2025-10-01", "2025-10-02"]
    assert c.data["report_signatures"] == ["2025-10-01", "2025-10-02"]
    assert c.data["fact_finding_signatures"] == ["2025-10-01", "2025-10-02"]
    assert c.data["disposal_method"] == "auction" and c.data["disposal_proceeds"] == 1500.5
    assert c.data["state_audit_letter_number"] == "สธ 0710/88"


def test_committee_order_returned_for_revision(case):
    """The authorized official returns the inspection-committee order once; revised and signed; no damage."""
    c = case("asset-audit", "supplies_officer1")
    annual_inspection(c, ["audit_committee1", "audit_committee2"], damaged=False, returns=1)
    c.do("file_annual_audit_documents", "supplies_officer1", FILE)
    assert c.done == ORDER + annual(2) + ["file_annual_audit_documents"]
    assert c.status == "completed"
    assert c.data["order_approval"] == "approve" and c.data["order_draft_reference"] == "ร่าง 2"


def test_disposal_proposal_returned_one_member_fact_finding(case):
    """Damaged supplies; one-member fact-finding committee; the head of the agency returns the disposal proposal once."""
    c = case("asset-audit", "supplies_officer1")
    annual_inspection(c, ["audit_committee1"], damaged=True)
    fact_finding_and_disposal(c, ["fact_finding_committee2"], disposal_returns=1)
    c.do("file_annual_audit_documents", "supplies_officer1", FILE)
    assert c.done == (annual(1) + fact_finding(1) + ["propose_disposal", "decide_disposal"] + DISPOSAL
                      + ["file_annual_audit_documents"])
    assert c.status == "completed"
    assert c.data["fact_finding_signatures"] == ["2025-10-01"]
    assert c.data["disposal_memo_number"] == "บันทึก 2" and c.data["disposal_approval"] == "approve"


def test_disposal_committee_order_returned(case):
    """Damaged supplies; the authorized official returns the disposal-committee order once, then signs it."""
    c = case("asset-audit", "supplies_officer1")
    annual_inspection(c, ["audit_committee2"], damaged=True)
    fact_finding_and_disposal(c, ["fact_finding_committee1", "fact_finding_committee2"], order_returns=1)
    c.do("file_annual_audit_documents", "supplies_officer1", FILE)
    expected = DISPOSAL[:2] + ["appoint_disposal_committee", "sign_disposal_committee_order"] + DISPOSAL[2:]
    assert c.done == annual(1) + fact_finding(2) + expected + ["file_annual_audit_documents"]
    assert c.status == "completed"
    assert c.data["disposal_order_approval"] == "approve" and c.data["disposal_order_number"] == "150/2568"


def test_report_waits_for_every_member_and_every_page_confirmed(case):
    """Every member must sign every page: the report step stays open until the last member confirms."""
    c = case("asset-audit", "supplies_officer1")
    members = ["audit_committee1", "audit_committee2"]
    c.do("draft_committee_order", "supplies_officer1", {"fiscal_year": 2569, "audit_committee_members": members},
         outsider="authorized_official1")
    c.do("submit_order_for_signature", "supplies_officer1", {"order_submitted_on": "2025-09-16"})
    c.do("sign_committee_order", "authorized_official1", {"order_approval": "approve"}, outsider="audit_committee1")
    c.do("notify_committee_members", "supplies_officer1", {"committee_notified_on": "2025-09-23"})
    for m in members:
        c.do("acknowledge_committee_order", m, {"acknowledged_on": "2025-09-24"})
    c.wait_until()
    inspect_all(c, members, outsider="supplies_officer2")
    with pytest.raises(InvalidInput, match="must be confirmed"):
        c.do("report_inspection_results", "audit_committee1", {"report_signed_on": "2025-10-20"}, confirm=False)
    c.do("report_inspection_results", "audit_committee1", {"report_signed_on": "2025-10-20", "report_pages": 12})
    assert [(t.element_id, t.reserved_for) for t in c.k.tasks.of_case(c.id)] == [
        ("report_inspection_results", "audit_committee2")]
    c.do("report_inspection_results", "audit_committee2", {"report_signed_on": "2025-10-21", "report_pages": 12})
    c.do("head_receives_inspection_report", "head_of_agency2", {"damaged_supplies_found": "no"},
         outsider="audit_committee1")
    assert c.open() == ["file_annual_audit_documents"]
    c.do("file_annual_audit_documents", "supplies_officer2", FILE, outsider="audit_committee1")
    assert c.done == annual(2) + ["file_annual_audit_documents"]
    assert c.status == "completed"
    assert c.data["report_signatures"] == ["2025-10-20", "2025-10-21"]


def test_the_report_is_due_30_working_days_from_the_inspections_start(case):
    """Regulation 2560 ข้อ 213 (issue 11, section 1): the report is due 30 working days from the
    inspection's start, the first working day of the fiscal year: FY 2571 starts Fri 1 Oct 2027,
    so the report is due Tue 16 Nov 2027 (not 30 working days from when the report task opened);
    and write-off -> report to the head and the State Audit Office within 30 days of the write-off."""
    from engine.time import calendar as cal

    def due(element_id):
        return {cal.local_date(t.due_at).isoformat() for t in c.k.tasks.of_case(c.id) if t.element_id == element_id}

    c = case("asset-audit", "supplies_officer1")
    c.k.ctx.fixed_now = datetime(2027, 9, 1, 9, 0, tzinfo=BANGKOK)  # the order is drafted in September 2027
    c.do("draft_committee_order", "supplies_officer1",
         {"fiscal_year": 2571, "audit_committee_members": ["audit_committee2"], "order_draft_reference": "ร่าง 1"})
    c.do("submit_order_for_signature", "supplies_officer2", {"order_submitted_on": "2027-09-16"})
    c.do("sign_committee_order", "authorized_official2",
         {"order_approval": "approve", "order_number": "123/2570", "order_signed_on": "2027-09-22"})
    c.do("notify_committee_members", "supplies_officer1", {"committee_notified_on": "2027-09-23"})
    c.do("acknowledge_committee_order", "audit_committee2", {"acknowledged_on": "2027-09-24"})
    # the inspection waits for the first working day of FY 2571 (issue 11, section 2): not open before
    assert c.open() == []
    c.wait_until(datetime(2027, 10, 1, 8, 31, tzinfo=BANGKOK))
    assert c.open() == ["inspect_supplies"]
    c.do("inspect_supplies", "audit_committee2", inspection(0))
    assert due("report_inspection_results") == {"2027-11-16"}


def test_each_role_does_its_own_step(case):
    """Issue 11, section 4: the supplies officer notifies, each member acknowledges and inspects in
    their own task (a member cannot act for another, the officer cannot act for a member), and the
    head of the agency, not the committee, receives the report and decides on fact-finding."""
    c = case("asset-audit", "supplies_officer1")
    members = ["audit_committee1", "audit_committee2"]
    c.do("draft_committee_order", "supplies_officer1", {"fiscal_year": 2569, "audit_committee_members": members})
    c.do("submit_order_for_signature", "supplies_officer1", {"order_submitted_on": "2025-09-16"})
    c.do("sign_committee_order", "authorized_official1", {"order_approval": "approve"})
    assert c.open() == ["notify_committee_members"]  # the officer's step, not the members'
    c.do("notify_committee_members", "supplies_officer2", {"committee_notified_on": "2025-09-23"},
         outsider="audit_committee1")
    acks = [t for t in c.k.tasks.of_case(c.id) if t.element_id == "acknowledge_committee_order"]
    assert sorted(t.reserved_for for t in acks) == members
    assert {t.name for t in acks} == {"รับทราบคำสั่งแต่งตั้งคณะกรรมการ"}
    with pytest.raises(Forbidden, match="claimed by audit_committee1"):
        c.k.cases.complete(next(t.id for t in acks if t.reserved_for == "audit_committee1"), "audit_committee2",
                           {"acknowledged_on": "2025-09-24"})
    for m in members:
        c.do("acknowledge_committee_order", m, {"acknowledged_on": "2025-09-24"})
    c.wait_until()
    inspect_all(c, members, outsider="supplies_officer1")
    sign_all(c, "report_inspection_results", members, "report_signed_on", outsider="supplies_officer1")
    (head,) = c.k.tasks.of_case(c.id)
    assert head.element_id == "head_receives_inspection_report" and head.candidate_groups == ("head_of_agency",)
    for not_head in ("supplies_officer1", "audit_committee1"):
        with pytest.raises((Forbidden, NotFound)):
            c.k.tasks.claim(head.id, not_head)
    c.do("head_receives_inspection_report", "head_of_agency1",
         {"damaged_supplies_found": "yes", "damaged_items": "เครื่องพิมพ์ 1 เครื่อง", "head_instruction": "สอบข้อเท็จจริง"})
    assert c.open() == ["appoint_fact_finding_committee"]
