"""salary-step-promotion: every path, as the users of the right lanes.

Step 6 (verify the promotion order) is a four-eyes check: every verifier named when the order
is received (at least two) gets a personal task, and the step ends only when all have checked it.
When a verifier finds errors, the corrected order goes through step 6 again, as a new round.
Every civil servant fills in their own evaluation form, and every member of the evaluation
committee endorses the meeting's minutes in a personal task (issue 11, section 4)."""
from __future__ import annotations

import pytest

from engine.errors import Conflict, Forbidden, InvalidInput, NotFound

VERIFIERS = ["verifiers1", "verifiers2"]
HEADCOUNT = {"civil_servant_count": 42, "ineligible_count": 3, "salary_base_total": "1250000.00",
             "promotion_budget_ceiling": "37500.00"}
ORDER = {"promotion_order_number": "กรม 512/2568", "promotion_order_date": "2025-10-10",
         "promotion_order_received_on": "2025-10-15", "order_verifiers": VERIFIERS}
NOTIFY = {"individual_notices_sent_on": "2025-10-24", "announcement_posted_on": "2025-10-24",
          "announcement_location": "บอร์ดประชาสัมพันธ์กลุ่มเทคโนโลยีสารสนเทศ", "outstanding_count": 6}
SERVANTS = ["civil_servants1", "civil_servants2"]
MEMBERS = ["evaluation_committee1", "evaluation_committee2"]
PREPARE = ["study_rules", "announce_evaluation_criteria", "civil_servant_self_evaluation",
           "civil_servant_self_evaluation", "prepare_headcount_and_budget_ceiling", "hr_check_headcount"]
COMMITTEE = ["appoint_evaluation_committee", "supervisor_sign_committee_order", "evaluation_committee_meeting",
             "committee_members_endorse_evaluation", "committee_members_endorse_evaluation"]
VERIFY = ["receive_promotion_order", "verify_promotion_order", "verify_promotion_order"]


def each_person(c, element_id: str, answers: dict[str, dict]) -> None:
    """Every person named acts in their own task; the unit's clerk cannot act for them."""
    tasks = [t for t in c.k.tasks.of_case(c.id) if t.element_id == element_id]
    assert sorted(t.reserved_for for t in tasks) == sorted(answers)
    for person, data in answers.items():
        task = next(t for t in tasks if t.reserved_for == person)
        with pytest.raises(Forbidden):
            c.k.cases.complete(task.id, "gen_admin_unit1", data)
        c.do(element_id, person, data)
    assert element_id not in c.open()


def verify_all(c, results: dict[str, str]) -> None:
    """Every named verifier checks the order in their own task; nobody else can."""
    tasks = [t for t in c.k.tasks.of_case(c.id) if t.element_id == "verify_promotion_order"]
    assert sorted(t.reserved_for for t in tasks) == sorted(results)
    for verifier, result in results.items():
        task = next(t for t in c.k.tasks.of_case(c.id) if t.reserved_for == verifier)
        with pytest.raises((Forbidden, Conflict, NotFound)):
            c.k.tasks.claim(task.id, "gen_admin_unit1")
        with pytest.raises(Forbidden):
            c.k.cases.complete(task.id, "gen_admin_unit1", {"verification_result": "correct"})
        c.do("verify_promotion_order", verifier, {"verification_result": result})
    assert "verify_promotion_order" not in c.open()


def prepare(c, hr_returns: int = 0) -> None:
    c.do("study_rules", "gen_admin_unit1",
         {"promotion_round": "1 ตุลาคม 2568", "rules_summary": "กฎ ก.พ. ว่าด้วยการเลื่อนเงินเดือน"}, outsider="hr_group1")
    c.do("announce_evaluation_criteria", "gen_admin_unit2",
         {"criteria_announcement_reference": "ว 15/2568", "criteria_announced_on": "2025-08-01",
          "evaluated_civil_servants": SERVANTS}, outsider="civil_servants1")
    each_person(c, "civil_servant_self_evaluation",
                {"civil_servants1": {"self_rating": "very_good", "self_evaluation_form_file": "pe-1.pdf"},
                 "civil_servants2": {"self_rating": "good", "self_evaluation_form_file": "pe-2.pdf"}})
    for i in range(hr_returns + 1):
        # a returned step goes back to who did it (issue 11, section 5): the outsider check on the first pass
        c.do("prepare_headcount_and_budget_ceiling", "gen_admin_unit1", HEADCOUNT, outsider=None if i else "hr_group2")
        if i < hr_returns:
            c.do("hr_check_headcount", "hr_group1", {"hr_check_result": "return", "hr_check_note": "ขาดผู้ช่วยราชการ"},
                 outsider="gen_admin_unit1")
            assert c.open() == ["prepare_headcount_and_budget_ceiling"]
    c.do("hr_check_headcount", "hr_group2", {"hr_check_result": "approve"}, outsider="gen_admin_unit2")


def committee(c, returns: int = 0) -> None:
    for i in range(returns + 1):
        c.do("appoint_evaluation_committee", "gen_admin_unit1",
             {"evaluation_committee_members": MEMBERS,
              "committee_order_draft_reference": f"ร่าง {i + 1}"}, outsider=None if i else "supervisor1")
        if i < returns:
            c.do("supervisor_sign_committee_order", "supervisor1",
                 {"committee_order_approval": "return", "committee_order_return_reason": "เพิ่มกรรมการ"},
                 outsider="gen_admin_unit1")
            assert c.open() == ["appoint_evaluation_committee"]
    c.do("supervisor_sign_committee_order", "supervisor2",
         {"committee_order_approval": "approve", "committee_order_number": "88/2568",
          "committee_order_signed_on": "2025-09-01"}, outsider="evaluation_committee1")
    c.do("evaluation_committee_meeting", "gen_admin_unit2",
         {"committee_meeting_date": "2025-09-10", "meeting_minutes_reference": "รายงานการประชุม 1/2568"},
         outsider="evaluation_committee1")
    each_person(c, "committee_members_endorse_evaluation",
                {"evaluation_committee1": {"committee_endorsement": "endorse"},
                 "evaluation_committee2": {"committee_endorsement": "endorse_with_remarks",
                                           "committee_member_remarks": "ควรแนบหลักฐานผลงานเพิ่ม"}})


def test_happy_path_two_verifiers(case):
    """Data and committee order accepted first time; both verifiers find the promotion order correct."""
    c = case("salary-step-promotion", "gen_admin_unit1")
    prepare(c)
    committee(c)
    c.do("receive_promotion_order", "gen_admin_unit1", ORDER, outsider="verifiers1")
    verify_all(c, {"verifiers1": "correct", "verifiers2": "correct"})
    c.do("notify_results_and_announce", "gen_admin_unit2", NOTIFY, outsider="civil_servants2")
    assert c.done == PREPARE + COMMITTEE + VERIFY + ["notify_results_and_announce"]
    assert c.status == "completed"
    assert c.data["order_verifiers"] == VERIFIERS and c.data["verification_results"] == ["correct", "correct"]
    assert c.data["promotion_budget_ceiling"] == 37500.0 and c.data["committee_order_number"] == "88/2568"
    assert c.data["self_evaluation_ratings"] == ["very_good", "good"]
    assert c.data["committee_endorsements"] == ["endorse", "endorse_with_remarks"]


def test_hr_returns_headcount_for_correction(case):
    """The HR group returns the headcount and budget ceiling once; corrected and accepted."""
    c = case("salary-step-promotion", "gen_admin_unit1")
    prepare(c, hr_returns=1)
    committee(c)
    c.do("receive_promotion_order", "gen_admin_unit1", ORDER)
    verify_all(c, {"verifiers1": "correct", "verifiers2": "correct"})
    c.do("notify_results_and_announce", "gen_admin_unit1", NOTIFY)
    assert c.done == (PREPARE[:5] + ["hr_check_headcount", "prepare_headcount_and_budget_ceiling",
                                     "hr_check_headcount"] + COMMITTEE + VERIFY + ["notify_results_and_announce"])
    assert c.status == "completed"
    assert c.data["hr_check_result"] == "approve"


def test_supervisor_returns_committee_order(case):
    """The supervisor returns the evaluation-committee order once; revised and signed."""
    c = case("salary-step-promotion", "gen_admin_unit1")
    prepare(c)
    committee(c, returns=1)
    c.do("receive_promotion_order", "gen_admin_unit1", ORDER)
    verify_all(c, {"verifiers2": "correct", "verifiers1": "correct"})
    c.do("notify_results_and_announce", "gen_admin_unit1", NOTIFY)
    assert c.done == (PREPARE + ["appoint_evaluation_committee", "supervisor_sign_committee_order"] + COMMITTEE
                      + VERIFY + ["notify_results_and_announce"])
    assert c.status == "completed"
    assert c.data["committee_order_draft_reference"] == "ร่าง 2"
    assert c.data["committee_order_approval"] == "approve"


def correct_order(c, user: str, round_no: int, verifiers: list[str], outsider: str | None = None) -> None:
    """The unit records the corrected order and names who checks it again (step 6 sits again)."""
    assert c.open() == ["obtain_corrected_order"]
    c.do("obtain_corrected_order", user,
         {"corrected_order_number": f"กรม 512/2568 (แก้ไขครั้งที่ {round_no})",
          "corrected_order_received_on": f"2025-10-1{6 + round_no}", "correction_summary": "แก้อัตราเงินเดือน",
          "order_verifiers": verifiers}, outsider=outsider)


def test_verifier_finds_error_corrected_order_verified_again(case):
    """One verifier finds an error; the unit obtains a corrected order, which both verifiers check again."""
    c = case("salary-step-promotion", "gen_admin_unit1")
    prepare(c)
    committee(c)
    c.do("receive_promotion_order", "gen_admin_unit1", ORDER, outsider="supervisor1")
    verify_all(c, {"verifiers1": "correct", "verifiers2": "errors_found"})
    assert c.data["verification_results"] == ["correct", "errors_found"]
    correct_order(c, "gen_admin_unit2", 1, VERIFIERS, outsider="verifiers1")
    verify_all(c, {"verifiers1": "correct", "verifiers2": "correct"})
    c.do("notify_results_and_announce", "gen_admin_unit1", NOTIFY)
    assert c.done == PREPARE + COMMITTEE + VERIFY + ["obtain_corrected_order"] + VERIFY[1:] + [
        "notify_results_and_announce"]
    assert c.status == "completed"
    assert c.data["verification_results"] == ["correct", "correct"]  # the last round's results only
    assert c.data["corrected_order_number"] == "กรม 512/2568 (แก้ไขครั้งที่ 1)" and "verifier" not in c.data


def test_errors_found_twice_before_the_order_is_correct(case):
    """Both verifiers find errors, then one does again; the third check of the corrected order passes."""
    c = case("salary-step-promotion", "gen_admin_unit2")
    prepare(c)
    committee(c)
    c.do("receive_promotion_order", "gen_admin_unit2", ORDER)
    verify_all(c, {"verifiers2": "errors_found", "verifiers1": "errors_found"})
    correct_order(c, "gen_admin_unit1", 1, ["verifiers2", "verifiers1"], outsider="hr_group1")
    verify_all(c, {"verifiers1": "correct", "verifiers2": "errors_found"})
    correct_order(c, "gen_admin_unit2", 2, VERIFIERS, outsider="civil_servants1")
    verify_all(c, {"verifiers2": "correct", "verifiers1": "correct"})
    c.do("notify_results_and_announce", "gen_admin_unit1", NOTIFY, outsider="supervisor2")
    assert c.done == PREPARE + COMMITTEE + VERIFY + (["obtain_corrected_order"] + VERIFY[1:]) * 2 + [
        "notify_results_and_announce"]
    assert c.status == "completed"
    assert c.data["verification_results"] == ["correct", "correct"]
    assert c.data["corrected_order_number"] == "กรม 512/2568 (แก้ไขครั้งที่ 2)"


def test_a_single_verifier_is_refused(case):
    """Four eyes: naming only one verifier for the order (or the corrected order) is refused."""
    c = case("salary-step-promotion", "gen_admin_unit1")
    prepare(c)
    committee(c)
    task = next(t for t in c.k.tasks.of_case(c.id) if t.element_id == "receive_promotion_order")
    c.k.tasks.claim(task.id, "gen_admin_unit1")
    with pytest.raises(InvalidInput, match="at least 2"):
        c.k.cases.complete(task.id, "gen_admin_unit1", {**ORDER, "order_verifiers": ["verifiers1"]})
    c.do("receive_promotion_order", "gen_admin_unit1", ORDER)
    verify_all(c, {"verifiers1": "errors_found", "verifiers2": "correct"})
    task = next(t for t in c.k.tasks.of_case(c.id) if t.element_id == "obtain_corrected_order")
    c.k.tasks.claim(task.id, "gen_admin_unit2")
    with pytest.raises(InvalidInput, match="at least 2"):
        c.k.cases.complete(task.id, "gen_admin_unit2",
                     {"corrected_order_number": "กรม 514/2568", "corrected_order_received_on": "2025-10-18",
                      "correction_summary": "แก้ชื่อ", "order_verifiers": ["verifiers2"]})
    correct_order(c, "gen_admin_unit2", 1, VERIFIERS)
    verify_all(c, {"verifiers1": "correct", "verifiers2": "correct"})
    c.do("notify_results_and_announce", "gen_admin_unit2", NOTIFY, outsider="verifiers2")
    assert c.done == PREPARE + COMMITTEE + VERIFY + ["obtain_corrected_order"] + VERIFY[1:] + [
        "notify_results_and_announce"]
    assert c.status == "completed"
    assert c.data["order_verifiers"] == VERIFIERS
