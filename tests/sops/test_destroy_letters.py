"""destroy-letters: every path, as the users of the right lanes."""
from __future__ import annotations

import pytest

from engine.errors import Conflict, Forbidden, InvalidInput

SURVEY_DUE = {"survey_date": "2026-10-01", "letters_due_found": "yes", "letters_due_count": 120,
              "survey_list": "หนังสือปี 2555-2560"}
SURVEY_NONE = {"survey_date": "2026-10-01", "letters_due_found": "no", "letters_due_count": 0}
MEMO = {"destruction_memo_number": "สธ 0710/ท 1", "destruction_memo_date": "2026-10-02"}
SIGN = {"memo_decision": "approve"}
RETURN = {"memo_decision": "return", "supervisor_comment": "แนบบัญชีหนังสือขอทำลายให้ครบ"}
REPORT = {"report_memo_number": "สธ 0710/ท 2", "report_memo_date": "2026-10-20"}
ACK = {"report_acknowledged_on": "2026-10-21"}
COMMITTEE = "committee_certifies_destruction"
THREE = ["destruction_committee2", "destruction_committee3", "destruction_committee1"]  # a chair and two members


def appoint(members: list[str]) -> dict:
    return {"appointment_order_number": "คำสั่ง 5/2569", "appointment_order_date": "2026-10-05",
            "destruction_committee_members": members}


def destroy(undue: str) -> dict:
    return {"letters_destroyed": 100, "undue_letters_found": undue, "destruction_method": "shredding",
            "destruction_date": "2026-10-15"}


def committee_certifies(c, members: list[str], outsider: str) -> None:
    """Every member gets a personal task; nobody else may take or complete it; all must sign."""
    tasks = [t for t in c.k.tasks.of_case(c.id) if t.element_id == COMMITTEE]
    assert sorted(t.reserved_for for t in tasks) == sorted(members)
    with pytest.raises(Forbidden, match="claimed by"):
        c.k.cases.complete(tasks[0].id, outsider, {"certified_on": "2026-10-16"}, [])
    with pytest.raises(Conflict):  # already assigned to its member
        c.k.tasks.claim(tasks[0].id, outsider)
    c.k.tasks.unclaim(tasks[0].id, tasks[0].reserved_for)
    with pytest.raises(Forbidden, match="personal to"):
        c.k.tasks.claim(tasks[0].id, outsider)
    for i, member in enumerate(members):
        assert c.open().count(COMMITTEE) == len(members) - i
        c.do(COMMITTEE, member, {"certified_on": f"2026-10-1{6 + i}"})
    assert COMMITTEE not in c.open()


def test_nothing_due(case):
    """The calendar survey finds no letter due; the case ends without destruction."""
    c = case("destroy-letters", "clerk1")
    c.do("survey_expired_letters", "clerk1", SURVEY_NONE, outsider="supervisor1")
    assert c.done == ["survey_expired_letters"]
    assert c.status == "completed"
    assert c.data["letters_due_found"] == "no"


def test_happy_path_smallest_committee(case):
    """Letters due; supervisor signs at once; a committee of two is refused, a chair and two members certify."""
    c = case("destroy-letters", "clerk1")
    c.do("survey_expired_letters", "clerk1", SURVEY_DUE, outsider="destruction_committee1")
    c.do("memo_to_supervisor", "clerk1", MEMO, outsider="supervisor1")
    c.do("supervisor_signs_memo", "supervisor1", SIGN, outsider="clerk1")
    with pytest.raises(InvalidInput, match="chair and at least two other members") as refused:
        c.do("appoint_destruction_committee", "clerk2", appoint(["destruction_committee2", "destruction_committee1"]))
    assert refused.value.details["field"] == "destruction_committee_members"
    c.do("appoint_destruction_committee", "clerk2", appoint(THREE), outsider="authorized_official1")
    c.do("sort_and_destroy", "clerk2", destroy("no"), outsider="destruction_committee2")
    committee_certifies(c, THREE, outsider="supervisor1")
    c.do("report_destruction", "clerk1", REPORT, outsider="authorized_official1")
    c.do("official_acknowledges_report", "authorized_official1", ACK, outsider="clerk1")
    assert c.done == ["survey_expired_letters", "memo_to_supervisor", "supervisor_signs_memo",
                      "appoint_destruction_committee", "sort_and_destroy", COMMITTEE, COMMITTEE, COMMITTEE,
                      "report_destruction", "official_acknowledges_report"]
    assert c.status == "completed"
    assert c.data["committee_certifications"] == ["2026-10-16", "2026-10-17", "2026-10-18"]
    assert c.data["report_memo_number"] == "สธ 0710/ท 2"


def test_memo_returned_several_members_some_not_due(case):
    """Supervisor returns the memo once; a three-member committee; letters not yet due go back to storage."""
    c = case("destroy-letters", "clerk1")
    c.do("survey_expired_letters", "clerk1", SURVEY_DUE)
    c.do("memo_to_supervisor", "clerk1", MEMO)
    c.do("supervisor_signs_memo", "supervisor2", RETURN, outsider="destruction_committee1")
    assert c.open() == ["memo_to_supervisor"]
    c.do("memo_to_supervisor", "clerk1", {**MEMO, "destruction_memo_number": "สธ 0710/ท 1 (แก้ไข)"})
    c.do("supervisor_signs_memo", "supervisor2", SIGN)
    members = ["destruction_committee1", "destruction_committee2", "destruction_committee3"]
    c.do("appoint_destruction_committee", "clerk1", appoint(members))
    c.do("sort_and_destroy", "clerk1", destroy("yes"))
    assert c.open() == ["return_undue_letters"]
    c.do("return_undue_letters", "clerk2", {"undue_letters_count": 20, "undue_letters_location": "ตู้ 1"},
         outsider="supervisor1")
    committee_certifies(c, members, outsider="clerk1")
    c.do("report_destruction", "clerk1", REPORT)
    c.do("official_acknowledges_report", "authorized_official2", {**ACK, "official_note": "เก็บบันทึกไว้ที่สารบรรณ"})
    assert c.done == ["survey_expired_letters", "memo_to_supervisor", "supervisor_signs_memo",
                      "memo_to_supervisor", "supervisor_signs_memo", "appoint_destruction_committee",
                      "sort_and_destroy", "return_undue_letters", COMMITTEE, COMMITTEE, COMMITTEE,
                      "report_destruction", "official_acknowledges_report"]
    assert c.status == "completed"
    assert c.data["committee_certifications"] == ["2026-10-16", "2026-10-17", "2026-10-18"]
    assert c.data["memo_decision"] == "approve" and c.data["undue_letters_count"] == 20


def test_several_members_all_due(case):
    """Supervisor signs at once; a three-member committee certifies; every letter was due."""
    c = case("destroy-letters", "clerk2")
    c.do("survey_expired_letters", "clerk2", SURVEY_DUE)
    c.do("memo_to_supervisor", "clerk2", MEMO)
    c.do("supervisor_signs_memo", "supervisor1", SIGN)
    members = ["destruction_committee3", "destruction_committee2", "destruction_committee1"]
    c.do("appoint_destruction_committee", "clerk2", appoint(members))
    c.do("sort_and_destroy", "clerk2", destroy("no"))
    committee_certifies(c, members, outsider="supervisor2")
    c.do("report_destruction", "clerk2", REPORT)
    c.do("official_acknowledges_report", "authorized_official1", ACK)
    assert c.done == ["survey_expired_letters", "memo_to_supervisor", "supervisor_signs_memo",
                      "appoint_destruction_committee", "sort_and_destroy", COMMITTEE, COMMITTEE, COMMITTEE,
                      "report_destruction", "official_acknowledges_report"]
    assert c.status == "completed"
    assert len(c.data["committee_certifications"]) == 3 and c.data["letters_destroyed"] == 100


def test_the_authorized_official_receives_the_report_in_their_own_task(case):
    """The step-5 report reaches the authorized official, who acknowledges it; the clerk who wrote it cannot."""
    c = case("destroy-letters", "clerk1")
    for element_id, data in (("survey_expired_letters", SURVEY_DUE), ("memo_to_supervisor", MEMO)):
        c.do(element_id, "clerk1", data)
    c.do("supervisor_signs_memo", "supervisor1", SIGN)
    c.do("appoint_destruction_committee", "clerk1", appoint(THREE))
    c.do("sort_and_destroy", "clerk1", destroy("no"))
    for member in THREE:
        c.do(COMMITTEE, member, {"certified_on": "2026-10-16"})
    c.do("report_destruction", "clerk1", REPORT)
    assert c.open() == ["official_acknowledges_report"] and c.status == "running"
    (task,) = c.k.tasks.of_case(c.id)
    assert task.candidate_groups == ("authorized_official",)
    with pytest.raises(Forbidden, match="not in the lane"):
        c.k.tasks.claim(task.id, "clerk1")
    c.do("official_acknowledges_report", "authorized_official2", ACK)
    assert c.status == "completed" and c.data["report_acknowledged_on"] == "2026-10-21"
