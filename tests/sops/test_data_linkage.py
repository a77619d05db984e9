"""data-linkage: every path, as the users of the right lanes."""
from __future__ import annotations

import pytest

from engine.errors import Forbidden, NotFound

DESIGN = {"linkage_design_document": "linkage-design.pdf"}
MANUAL = {"linkage_manual_file": "linkage-manual.pdf"}
USE = {"usage_start_date": "2026-03-01"}
REVISION = {"request_revision_note": "ลดชุดข้อมูลให้เหลือเฉพาะที่จำเป็น",
            "datasets_requested": "ทะเบียนสถานพยาบาล (เฉพาะรหัสและชื่อ)"}
BUILD = ["design_linkage", "develop_linkage", "test_linkage"]
END = ["write_manual", "use_linkage"]


def needs(members: list[str]) -> dict:
    return {"requester_name": "สำนักงานหลักประกันสุขภาพแห่งชาติ", "requester_type": "external",
            "datasets_requested": "ทะเบียนสถานพยาบาล", "linkage_purpose": "ตรวจสอบสิทธิ",
            "governance_members": members}


def _committee(c, votes: dict[str, str], outsider: str) -> None:
    """Every chosen member gets a personal task (already theirs) and votes; an outsider cannot vote."""
    tasks = c.k.tasks.of_case(c.id)
    assert sorted(t.reserved_for for t in tasks) == sorted(votes)
    assert all(t.element_id == "data_governance_approval" and t.assignee == t.reserved_for for t in tasks)
    with pytest.raises((Forbidden, NotFound)):  # NotFound: not their case to see
        c.k.cases.complete(tasks[0].id, outsider, {"governance_vote": "approve"}, [])
    for member, vote in votes.items():  # a return or a rejection says why
        comment = {} if vote == "approve" else {"governance_comment": "ขอบเขตข้อมูลกว้างเกินความจำเป็น"}
        c.do("data_governance_approval", member, {"governance_vote": vote, **comment})


def _build(c, failed_tests: int = 0) -> None:
    c.do("design_linkage", "it_officer1", DESIGN, outsider="data_requesters1")
    for attempt in range(failed_tests + 1):
        c.do("develop_linkage", "it_officer2", {"linkage_reference": f"https://api.example/hss/v1.{attempt}"},
             outsider="user_units1")
        passed = attempt == failed_tests
        c.do("test_linkage", "it_officer1", {"linkage_test_result": "pass" if passed else "fail"},
             outsider="data_governance_committee1")
        if not passed:
            assert c.open() == ["develop_linkage"]
    c.do("write_manual", "it_officer2", MANUAL)
    c.do("use_linkage", "user_units2", USE, outsider="it_officer1")


def test_happy_path_two_members_approve(case):
    """Both committee members approve; the linkage passes its first test, gets a manual and is used."""
    c = case("data-linkage", "it_officer1")
    members = {"data_governance_committee1": "approve", "data_governance_committee2": "approve"}
    c.do("study_linkage_needs", "it_officer1", needs(list(members)), outsider="data_governance_committee1")
    _committee(c, members, outsider="it_officer1")
    _build(c)
    assert c.done == ["study_linkage_needs", "data_governance_approval", "data_governance_approval"] + BUILD + END
    assert c.status == "completed"
    assert c.data["governance_votes"] == ["approve", "approve"] and c.data["linkage_test_result"] == "pass"


def _revise(c, user: str, outsider: str) -> None:
    """The requester revises the returned request; the committee then sits again."""
    assert c.open() == ["revise_linkage_request"]
    c.do("revise_linkage_request", user, REVISION, outsider=outsider)


def test_one_member_returns_then_approves(case):
    """A one-member committee returns the request; the requester revises it and the member then approves."""
    c = case("data-linkage", "it_officer1")
    member = ["data_governance_committee1"]
    c.do("study_linkage_needs", "it_officer1", needs(member), outsider="data_requesters1")
    _committee(c, {"data_governance_committee1": "return"}, outsider="it_officer1")
    assert c.data["governance_votes"] == ["return"]
    _revise(c, "data_requesters1", outsider="it_officer1")
    _committee(c, {"data_governance_committee1": "approve"}, outsider="data_requesters1")
    _build(c)
    assert c.done == (["study_linkage_needs", "data_governance_approval", "revise_linkage_request",
                       "data_governance_approval"] + BUILD + END)
    assert c.status == "completed"
    assert c.data["governance_votes"] == ["approve"] and "governance_member" not in c.data
    assert c.data["request_revision_note"] == REVISION["request_revision_note"]
    assert c.data["datasets_requested"] == REVISION["datasets_requested"]


def test_two_members_one_returns_then_both_approve(case):
    """Two members, one approves and one returns: no majority, so the request is revised and both then approve."""
    c = case("data-linkage", "it_officer1")
    members = ["data_governance_committee1", "data_governance_committee2"]
    c.do("study_linkage_needs", "it_officer2", needs(members), outsider="user_units1")
    _committee(c, dict(zip(members, ["approve", "return"])), outsider="data_requesters2")
    _revise(c, "data_requesters2", outsider="data_governance_committee1")
    _committee(c, dict(zip(members, ["approve", "approve"])), outsider="it_officer2")
    _build(c)
    assert c.done == (["study_linkage_needs"] + ["data_governance_approval"] * 2 + ["revise_linkage_request"]
                      + ["data_governance_approval"] * 2 + BUILD + END)
    assert c.status == "completed"
    assert c.data["governance_votes"] == ["approve", "approve"]  # this round's votes only


def test_split_vote_returned_then_rejected(case):
    """Two members split (approve / reject): no majority, so the request is revised; both then reject it."""
    c = case("data-linkage", "it_officer1")
    members = ["data_governance_committee1", "data_governance_committee2"]
    c.do("study_linkage_needs", "it_officer1", needs(members))
    _committee(c, dict(zip(members, ["approve", "reject"])), outsider="user_units1")
    _revise(c, "data_requesters1", outsider="user_units2")
    _committee(c, dict(zip(members, ["reject", "reject"])), outsider="data_requesters1")
    assert c.done == (["study_linkage_needs"] + ["data_governance_approval"] * 2 + ["revise_linkage_request"]
                      + ["data_governance_approval"] * 2)
    assert c.open() == []
    assert c.status == "completed"
    assert c.data["governance_votes"] == ["reject", "reject"] and "linkage_design_document" not in c.data


def test_one_member_rejects(case):
    """A one-member committee rejects the linkage: the request ends without development."""
    c = case("data-linkage", "it_officer1")
    c.do("study_linkage_needs", "it_officer2", needs(["data_governance_committee1"]), outsider="user_units2")
    _committee(c, {"data_governance_committee1": "reject"}, outsider="it_officer2")
    assert c.done == ["study_linkage_needs", "data_governance_approval"]
    assert c.status == "completed" and c.data["governance_votes"] == ["reject"]


def test_committee_majority_rejects(case):
    """Both members reject the linkage: the request ends without development (inferred end)."""
    c = case("data-linkage", "it_officer1")
    members = {"data_governance_committee1": "reject", "data_governance_committee2": "reject"}
    c.do("study_linkage_needs", "it_officer2", needs(list(members)), outsider="user_units1")
    _committee(c, members, outsider="data_requesters2")
    assert c.done == ["study_linkage_needs", "data_governance_approval", "data_governance_approval"]
    assert c.open() == []
    assert c.status == "completed"
    assert c.data["governance_votes"] == ["reject", "reject"]


def test_failed_test_sends_linkage_back_to_development(case):
    """Approved by a one-member committee; the linkage fails its test twice (inferred branch), then passes."""
    c = case("data-linkage", "it_officer1")
    c.do("study_linkage_needs", "it_officer1", needs(["data_governance_committee2"]))
    _committee(c, {"data_governance_committee2": "approve"}, outsider="user_units1")
    _build(c, failed_tests=2)
    assert c.done == ["study_linkage_needs", "data_governance_approval", "design_linkage"] + BUILD[1:] * 3 + END
    assert c.status == "completed"
    assert c.data["linkage_reference"] == "https://api.example/hss/v1.2" and c.data["linkage_test_result"] == "pass"
