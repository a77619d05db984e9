"""Committees: every member gets a personal task; the step ends when all have acted."""
from __future__ import annotations

import pytest

from helpers import DATA, SIGNING_PASSWORD, give_passwords
from engine import Completion
from engine.errors import Conflict, Forbidden, InvalidInput
from helpers import do_task, open_tasks

SIGN = Completion(password=SIGNING_PASSWORD)  # the members' step is a signature step


@pytest.fixture
def kc(k):
    k.repository.deploy([DATA / "committee.bpmn"])
    give_passwords(k, "director1", "director2", "director3")
    return k


def _appoint(k, members):
    instance_id = k.cases.start("committee", "clerk1").instance_id
    do_task(k, open_tasks(k, instance_id)[0].id, "clerk1", {"members": members})
    return instance_id


@pytest.mark.parametrize("members", [["director2"], ["director1", "director2", "director3"]])
def test_every_member_signs_their_own_task(kc, members):
    instance_id = _appoint(kc, members)
    tasks = open_tasks(kc, instance_id)
    assert sorted(t.reserved_for for t in tasks) == sorted(members)
    assert all(t.assignee == t.reserved_for for t in tasks)
    assert {t.id for t in kc.tasks.worklist(members[0])} >= {t.id for t in tasks if t.reserved_for == members[0]}
    for i, t in enumerate(tasks):
        assert kc.cases.show(instance_id).status == "running"
        with pytest.raises(InvalidInput, match="control point read_all must be confirmed"):
            kc.cases.complete(t.id, t.reserved_for, {"signed_on": "2026-11-20"})
        kc.cases.complete(t.id, t.reserved_for, {"signed_on": f"2026-11-2{i}"}, ["read_all"], how=SIGN)
    view = kc.cases.show(instance_id)
    assert view.status == "completed"
    assert view.data["signatures"] == [f"2026-11-2{i}" for i in range(len(members))]


def test_a_member_cannot_sign_for_another(kc):
    instance_id = _appoint(kc, ["director1", "director2"])
    mine, theirs = sorted(open_tasks(kc, instance_id), key=lambda t: t.reserved_for)
    with pytest.raises(Forbidden, match="claimed by director1"):
        kc.cases.complete(mine.id, "director2", {"signed_on": "2026-11-20"}, ["read_all"])
    kc.tasks.unclaim(mine.id, "director1")
    with pytest.raises(Forbidden, match="personal to director1"):
        kc.tasks.claim(mine.id, "director2")
    with pytest.raises(Conflict):
        kc.tasks.claim(theirs.id, "director2")  # already assigned to them
    assert [t.id for t in kc.tasks.worklist("director2")] == [theirs.id]


def test_members_must_belong_to_the_committee_group(kc):
    instance_id = kc.cases.start("committee", "clerk1").instance_id
    task = open_tasks(kc, instance_id)[0]
    kc.tasks.claim(task.id, "clerk1")
    with pytest.raises(InvalidInput, match="not member.* of group director: clerk2"):
        kc.cases.complete(task.id, "clerk1", {"members": ["director1", "clerk2"]})
    with pytest.raises(InvalidInput, match="listed twice"):
        kc.cases.complete(task.id, "clerk1", {"members": ["director1", "director1"]})
    with pytest.raises(InvalidInput, match="not on this step: bogus"):
        kc.cases.complete(task.id, "clerk1", {"members": ["director1"]}, ["bogus"])


def test_a_committee_can_sit_again_when_the_case_loops_back(k):
    k.repository.deploy([DATA / "committee_loop.bpmn"])
    give_passwords(k, "director1", "director2", "director3")
    instance_id = k.cases.start("committee_loop", "clerk1").instance_id
    for round_members, redo in ((["director1", "director2"], "yes"), (["director3"], "no")):
        do_task(k, open_tasks(k, instance_id)[0].id, "clerk1", {"members": round_members})
        signing = open_tasks(k, instance_id)
        assert sorted(t.reserved_for for t in signing) == round_members
        for t in signing:
            k.cases.complete(t.id, t.reserved_for, {"signed_on": "2026-11-20"}, ["read_all"], how=SIGN)
        assert k.cases.show(instance_id).data["signatures"] == ["2026-11-20"] * len(round_members)
        do_task(k, open_tasks(k, instance_id)[0].id, "clerk1", {"redo": redo})
    view = k.cases.show(instance_id)
    assert view.status == "completed" and view.data["members"] == ["director3"]
    assert "member" not in view.data
