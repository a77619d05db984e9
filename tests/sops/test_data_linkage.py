"""data-linkage: every path, as the users of the right lanes."""
from __future__ import annotations

import pytest

from engine.errors import Forbidden

DESIGN = {"linkage_design_document": "linkage-design.pdf"}
MANUAL = {"linkage_manual_file": "linkage-manual.pdf"}
USE = {"usage_start_date": "2026-03-01"}
BUILD = ["design_linkage", "develop_linkage", "test_linkage"]
END = ["write_manual", "use_linkage"]


def needs(members: list[str]) -> dict:
    return {"requester_name": "สำนักงานหลักประกันสุขภาพแห่งชาติ", "requester_type": "external",
            "datasets_requested": "ทะเบียนสถานพยาบาล", "linkage_purpose": "ตรวจสอบสิทธิ",
            "governance_members": members}


def _committee(c, votes: dict[str, str], outsider: str) -> None:
    """Every chosen member gets a personal task (already theirs) and votes; an outsider cannot vote."""
    tasks = c.k.open_tasks(c.id)
    assert sorted(t.reserved_for for t in tasks) == sorted(votes)
    assert all(t.element_id == "data_governance_approval" and t.assignee == t.reserved_for for t in tasks)
    with pytest.raises(Forbidden):
        c.k.complete(tasks[0].id, outsider, {"governance_vote": "approve"}, [])
    for member, vote in votes.items():
        c.do("data_governance_approval", member, {"governance_vote": vote})


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


def test_split_vote_is_not_approved(case):
    """Two members split (one approves, one rejects): not more than half approve, so the request ends."""
    c = case("data-linkage", "it_officer1")
    votes = {"data_governance_committee1": "approve", "data_governance_committee2": "reject"}
    c.do("study_linkage_needs", "it_officer1", needs(list(votes)))
    _committee(c, votes, outsider="user_units1")
    assert c.done == ["study_linkage_needs", "data_governance_approval", "data_governance_approval"]
    assert c.open() == []
    assert c.status == "completed"
    assert c.data["governance_votes"] == ["approve", "reject"]


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
