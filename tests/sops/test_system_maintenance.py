"""system-maintenance: every path, as the users of the right lanes."""
from __future__ import annotations

import pytest

from engine.errors import Conflict, Forbidden, NotFound

SURVEY = {"system_problems": "เครื่องแม่ข่ายอายุเกิน 5 ปี", "computer_count": 850, "network_device_count": 120,
          "inventory_file": "inventory-2569.xlsx"}
CONTRACT = {"contract_number": "5/2569", "contractor_name": "บริษัท ดูแลระบบ จำกัด", "contract_value": "960000.00",
            "contract_start_date": "2025-10-01", "contract_end_date": "2026-09-30",
            "covered_devices": "เครื่องแม่ข่าย 20 เครื่อง, อุปกรณ์เครือข่าย 120 ชุด"}
PLAN = {"plan_summary": "บำรุงรักษาเชิงป้องกันทุกเดือน", "devices_to_replace": 6, "plan_file": "maintenance-plan.pdf"}
PAYMENT = {"payment_request_number": "สธ 0701.09/555", "payment_amount": "80000.00"}
PROPOSAL = {"proposal_summary": "จัดหาเครื่องแม่ข่ายทดแทน 6 เครื่อง", "presented_on": "2026-10-10"}
NO_MORE = {"repair_request": "none"}

SETUP = ["survey_needs_and_inventory", "prepare_hiring_project", "approve_hiring_project"]
CONTRACTED = ["sign_contract", "maintenance_plan"]


def project(bidders: list[str], inspectors: list[str]) -> dict:
    return {"project_title": "จ้างบำรุงรักษาระบบฐานข้อมูลและเครือข่าย ปี 2569",
            "hiring_specification": "เครื่องแม่ข่ายและอุปกรณ์เครือข่าย, ตอบสนองภายใน 4 ชั่วโมง",
            "estimated_budget": "1000000.00", "approval_request_number": "สธ 0701.09/321",
            "bid_committee_members": bidders, "inspection_committee_members": inspectors}


BID = {"recommended_bidder": "บริษัท ดูแลระบบ จำกัด", "offered_price": "960000.00"}


def request(kind: str) -> dict:
    return {"repair_request": kind, "reporting_unit": "กองสถานพยาบาล", "device": "PC-2563-0012",
            "fault_description": "เปิดไม่ติด"}


def committee(c, element: str, members: list[str], data: dict, outsiders: tuple[str, ...]) -> None:
    """Every chosen member gets a personal task that nobody else can take; the step waits for all."""
    tasks = [t for t in c.k.tasks.of_case(c.id) if t.element_id == element]
    assert sorted(t.reserved_for for t in tasks) == sorted(members)
    controls = [cp.id for cp in c.model.steps[element].meta.controls]
    for outsider in outsiders:
        with pytest.raises((Forbidden, Conflict, NotFound)):
            c.k.tasks.claim(tasks[0].id, outsider)
        with pytest.raises((Forbidden, NotFound)):  # NotFound: not their case to see
            c.k.cases.complete(tasks[0].id, outsider, data, controls)
    for i, member in enumerate(members):
        c.do(element, member, data)
        if i < len(members) - 1:
            assert c.open().count(element) == len(members) - 1 - i


def contract(c, bidders=("bid_committee1",), returns: int = 0, inspectors=("inspection_committee1",)) -> None:
    """Steps 1-5: survey, hiring project (returned `returns` times), bid opening, contract, plan."""
    bidders, inspectors = list(bidders), list(inspectors)
    c.do("survey_needs_and_inventory", "it_officer1", SURVEY, outsider="requesting_unit1")
    c.do("prepare_hiring_project", "it_officer1", project(bidders, inspectors), outsider="executives1")
    for _ in range(returns):
        c.do("approve_hiring_project", "executives1", {"approval": "return", "approval_note": "แยกรายการอุปกรณ์"},
             outsider="it_officer2")
        assert c.open() == ["prepare_hiring_project"]
        c.do("prepare_hiring_project", "it_officer1", project(bidders, inspectors))  # back to who prepared it
    c.do("approve_hiring_project", "executives2", {"approval": "approve"}, outsider="cio1")
    others = tuple(m for m in ("bid_committee1", "bid_committee2") if m not in bidders)
    committee(c, "bid_opening", bidders, BID, ("procurement_officer1", "inspection_committee1") + others)
    c.do("sign_contract", "procurement_officer1", CONTRACT, outsider="bid_committee1")
    c.do("maintenance_plan", "it_officer2", PLAN, outsider="contractor1")


def maintain(c, month: str) -> None:
    c.do("preventive_maintenance", "contractor1", {"maintenance_period": month, "maintenance_summary": "ปกติ"},
         outsider="it_officer1")


def inspect(c, month: str, results: dict[str, str]) -> None:
    """The inspection committee sits: every member checks the report in a personal task nobody else can take."""
    tasks = [t for t in c.k.tasks.of_case(c.id) if t.element_id == "inspection_committee_check"]
    assert c.open() == ["inspection_committee_check"] * len(results)
    assert sorted(t.reserved_for for t in tasks) == sorted(results)
    controls = [cp.id for cp in c.model.steps["inspection_committee_check"].meta.controls]
    for outsider in ("contractor1", "procurement_officer1"):
        with pytest.raises((Forbidden, Conflict, NotFound)):
            c.k.tasks.claim(tasks[0].id, outsider)
        with pytest.raises((Forbidden, NotFound)):  # NotFound: not their case to see
            c.k.cases.complete(tasks[0].id, outsider, {"inspection_meeting_date": f"{month}-28",
                                                 "inspection_result": "accept"}, controls)
    for member, result in results.items():
        note = {"inspection_note": "ขาดบันทึกการซ่อม"} if result == "return" else {}
        c.do("inspection_committee_check", member,
             {"inspection_meeting_date": f"{month}-28", "inspection_result": result, **note})
    assert c.data["inspection_results"] == list(results.values())  # this round's results only
    assert "inspector" not in c.data


def close_period(c, month: str, status: str = "ended", returns: int = 0,
                 inspectors=("inspection_committee1",)) -> None:
    """Step 10, the committee's monthly check (the last member returns the report `returns` times), payment,
    step 11."""
    report = {"report_month": month, "monthly_report_file": f"report-{month}.pdf", "repairs_count": 1}
    c.do("monthly_report_and_payment", "contractor2", report, outsider="inspection_committee1")
    for i in range(returns):
        inspect(c, month, {m: "return" if m == inspectors[-1] else "accept" for m in inspectors})
        assert c.open() == ["monthly_report_and_payment"]
        c.do("monthly_report_and_payment", "contractor2",
             {**report, "monthly_report_file": f"report-{month}-v{i + 2}.pdf"})
    inspect(c, month, {m: "accept" for m in inspectors})
    c.do("request_payment", "procurement_officer2", PAYMENT, outsider="contractor1")
    c.do("periodic_summary_report", "contractor1",
         {"report_period": "monthly", "summary_report_file": f"summary-{month}.pdf", "contract_status": status},
         outsider="it_officer1")


def finish(c) -> None:
    """The officer proposes; the CIO considers the proposal in the CIO's own task (an officer cannot)."""
    c.do("propose_improvements_to_cio", "it_officer1", PROPOSAL, outsider="cio1")
    c.do("cio_considers_improvements", "cio1", {"cio_decision": "next_plan", "cio_instructions": "บรรจุแผนปี 2570"},
         outsider="it_officer1")
    assert c.data["cio_decision"] == "next_plan"


FINISH = ["propose_improvements_to_cio", "cio_considers_improvements"]
CLOSE = ["monthly_report_and_payment", "inspection_committee_check", "request_payment", "periodic_summary_report"]
TWO = ("inspection_committee1", "inspection_committee2")
CLOSE2 = CLOSE[:2] + ["inspection_committee_check"] + CLOSE[2:]  # a two-member inspection committee


def test_happy_path_one_member_committee(case):
    """Hiring approved; one-member bid and inspection committees; one period without repair requests; contract ends."""
    c = case("system-maintenance", "it_officer1")
    contract(c)
    assert sorted(c.open()) == ["log_repair_request", "preventive_maintenance"]
    maintain(c, "2025-10")
    c.do("log_repair_request", "it_officer1", NO_MORE, outsider="contractor2")
    close_period(c, "2025-10")
    finish(c)
    assert c.done == (SETUP + ["bid_opening"] + CONTRACTED + ["preventive_maintenance", "log_repair_request"]
                      + CLOSE + FINISH)
    assert c.status == "completed"
    assert c.data["inspection_results"] == ["accept"] and c.data["bid_recommendations"] == ["บริษัท ดูแลระบบ จำกัด"]
    assert c.data["contract_status"] == "ended" and c.data["repair_request"] == "none"


def test_committee_with_several_members(case):
    """Two-member bid and inspection committees: every member records the bid result, and checks the report."""
    c = case("system-maintenance", "it_officer1")
    contract(c, bidders=("bid_committee1", "bid_committee2"), inspectors=TWO)
    c.do("log_repair_request", "it_officer2", NO_MORE, outsider="requesting_unit1")
    maintain(c, "2025-10")
    close_period(c, "2025-10", inspectors=TWO)
    finish(c)
    assert c.done == (SETUP + ["bid_opening"] * 2 + CONTRACTED + ["log_repair_request", "preventive_maintenance"]
                      + CLOSE2 + FINISH)
    assert c.status == "completed"
    assert c.data["bid_recommendations"] == ["บริษัท ดูแลระบบ จำกัด"] * 2
    assert c.data["inspection_results"] == ["accept", "accept"]


def test_hiring_returned_for_revision(case):
    """The executives return the hiring request (inferred) to the IT officer, then approve it."""
    c = case("system-maintenance", "it_officer1")
    contract(c, returns=1)
    maintain(c, "2025-10")
    c.do("log_repair_request", "it_officer1", NO_MORE, outsider="contractor2")
    close_period(c, "2025-10")
    finish(c)
    assert c.done == (SETUP + ["prepare_hiring_project", "approve_hiring_project", "bid_opening"] + CONTRACTED
                      + ["preventive_maintenance", "log_repair_request"] + CLOSE + FINISH)
    assert c.status == "completed"
    assert c.data["approval"] == "approve" and c.data["approval_note"] == "แยกรายการอุปกรณ์"


def test_repair_covered_by_contract(case):
    """A repair request for a device covered by the contract: the contractor repairs it and logs the fix."""
    c = case("system-maintenance", "it_officer1")
    contract(c)
    c.do("log_repair_request", "it_officer1", request("covered"), outsider="requesting_unit2")
    assert sorted(c.open()) == ["contractor_repair", "preventive_maintenance"]
    c.do("contractor_repair", "contractor2", {"repair_log": "เปลี่ยน power supply", "repaired_on": "2025-10-08"},
         outsider="it_officer2")
    c.do("log_repair_request", "it_officer1", NO_MORE)
    maintain(c, "2025-10")
    close_period(c, "2025-10")
    finish(c)
    assert c.done == (SETUP + ["bid_opening"] + CONTRACTED
                      + ["log_repair_request", "contractor_repair", "log_repair_request", "preventive_maintenance"]
                      + CLOSE + FINISH)
    assert c.status == "completed"
    assert c.data["repair_log"] == "เปลี่ยน power supply"


def test_software_problem_outside_contract(case):
    """Device not covered, software problem: IT applies a first fix and the requesting unit arranges the repair."""
    c = case("system-maintenance", "it_officer1")
    contract(c)
    maintain(c, "2025-10")
    c.do("log_repair_request", "it_officer2", request("not_covered"), outsider="contractor1")
    c.do("diagnose_problem", "it_officer2", {"problem_type": "software", "diagnosis": "ระบบปฏิบัติการเสีย"},
         outsider="requesting_unit1")
    c.do("software_first_fix", "it_officer2", {"first_fix": "กู้คืนระบบปฏิบัติการ"}, outsider="contractor1")
    c.do("unit_arranges_repair", "requesting_unit1", {"unit_repair_action": "repaired"}, outsider="it_officer1")
    c.do("log_repair_request", "it_officer2", NO_MORE)
    close_period(c, "2025-10")
    finish(c)
    assert c.done == (SETUP + ["bid_opening"] + CONTRACTED
                      + ["preventive_maintenance", "log_repair_request", "diagnose_problem", "software_first_fix",
                         "unit_arranges_repair", "log_repair_request"] + CLOSE + FINISH)
    assert c.status == "completed"
    assert c.data["problem_type"] == "software" and c.data["first_fix"] == "กู้คืนระบบปฏิบัติการ"


def test_hardware_problem_outside_contract(case):
    """Device not covered, hardware problem (not described in the source): the requesting unit arranges the repair."""
    c = case("system-maintenance", "it_officer1")
    contract(c)
    c.do("log_repair_request", "it_officer1", request("not_covered"), outsider="procurement_officer1")
    c.do("diagnose_problem", "it_officer1", {"problem_type": "hardware", "diagnosis": "เมนบอร์ดเสีย"})
    assert sorted(c.open()) == ["preventive_maintenance", "unit_arranges_repair"]
    c.do("unit_arranges_repair", "requesting_unit2", {"unit_repair_action": "replacement_requested",
                                                      "unit_repair_note": "ขอจัดหาทดแทน"}, outsider="contractor2")
    c.do("log_repair_request", "it_officer1", NO_MORE)
    maintain(c, "2025-10")
    close_period(c, "2025-10")
    finish(c)
    assert c.done == (SETUP + ["bid_opening"] + CONTRACTED
                      + ["log_repair_request", "diagnose_problem", "unit_arranges_repair", "log_repair_request",
                         "preventive_maintenance"] + CLOSE + FINISH)
    assert c.status == "completed"
    assert c.data["unit_repair_action"] == "replacement_requested" and "first_fix" not in c.data


def test_inspection_committee_returns_report(case):
    """One member of a two-member inspection committee returns the report twice (inferred); it is checked again."""
    c = case("system-maintenance", "it_officer1")
    contract(c, inspectors=TWO)
    maintain(c, "2025-10")
    c.do("log_repair_request", "it_officer1", NO_MORE, outsider="contractor2")
    close_period(c, "2025-10", returns=2, inspectors=TWO)
    finish(c)
    assert c.done == (SETUP + ["bid_opening"] + CONTRACTED + ["preventive_maintenance", "log_repair_request"]
                      + ["monthly_report_and_payment"] + ["inspection_committee_check"] * 2
                      + ["monthly_report_and_payment"] + ["inspection_committee_check"] * 2 + CLOSE2
                      + FINISH)
    assert c.status == "completed"
    assert c.data["inspection_results"] == ["accept", "accept"]
    assert c.data["monthly_report_file"] == "report-2025-10-v3.pdf"


def test_one_member_committee_returns_report(case):
    """A one-member inspection committee returns the monthly report once; the contractor corrects it."""
    c = case("system-maintenance", "it_officer1")
    contract(c)
    c.do("log_repair_request", "it_officer2", NO_MORE, outsider="contractor1")
    maintain(c, "2025-10")
    close_period(c, "2025-10", returns=1)
    finish(c)
    assert c.done == (SETUP + ["bid_opening"] + CONTRACTED + ["log_repair_request", "preventive_maintenance"]
                      + ["monthly_report_and_payment", "inspection_committee_check"] + CLOSE
                      + FINISH)
    assert c.status == "completed"
    assert c.data["inspection_results"] == ["accept"] and c.data["monthly_report_file"] == "report-2025-10-v2.pdf"


def test_contract_continues_for_another_period(case):
    """Two periods (inferred monthly loop), the committee sits each month; month 2 has two repairs and a return."""
    c = case("system-maintenance", "it_officer1")
    contract(c, inspectors=TWO)
    maintain(c, "2025-10")
    c.do("log_repair_request", "it_officer1", NO_MORE, outsider="contractor2")
    close_period(c, "2025-10", status="continues", inspectors=TWO)
    assert sorted(c.open()) == ["log_repair_request", "preventive_maintenance"]
    c.do("log_repair_request", "it_officer1", request("covered"))
    c.do("contractor_repair", "contractor1", {"repair_log": "เปลี่ยนสาย LAN", "repaired_on": "2025-11-03"})
    c.do("log_repair_request", "it_officer1", request("not_covered"))
    c.do("diagnose_problem", "it_officer1", {"problem_type": "software", "diagnosis": "ไวรัส"})
    c.do("software_first_fix", "it_officer1", {"first_fix": "สแกนไวรัส"})
    c.do("unit_arranges_repair", "requesting_unit1", {"unit_repair_action": "repaired"}, outsider="it_officer2")
    c.do("log_repair_request", "it_officer1", NO_MORE)
    maintain(c, "2025-11")
    close_period(c, "2025-11", returns=1, inspectors=TWO)
    finish(c)
    assert c.done == (SETUP + ["bid_opening"] + CONTRACTED + ["preventive_maintenance", "log_repair_request"] + CLOSE2
                      + ["log_repair_request", "contractor_repair", "log_repair_request", "diagnose_problem",
                         "software_first_fix", "unit_arranges_repair", "log_repair_request",
                         "preventive_maintenance", "monthly_report_and_payment"] + ["inspection_committee_check"] * 2
                      + CLOSE2 + FINISH)
    assert c.status == "completed"
    assert c.data["report_month"] == "2025-11" and c.data["maintenance_period"] == "2025-11"
    assert c.data["contract_status"] == "ended" and c.data["repair_log"] == "เปลี่ยนสาย LAN"
