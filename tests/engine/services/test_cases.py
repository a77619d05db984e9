"""Running cases: paths, lanes, data validation, versions, round trips (SQLite and PostgreSQL)."""
from __future__ import annotations

from engine import Completion

import pytest

from engine.errors import Conflict, DeployError, Forbidden, InvalidInput, NotFound
from helpers import FORM_DATA, assert_roundtrip, do_task, drive_sop, open_tasks
from helpers import SOP_BENCH

HAPPY = ["register_application", "check_documents", "prepare_draft", "director_review",
         "committee_vote", "committee_vote", "committee_vote", "sign_decision", "notify_applicant"]


def test_happy_path_runs_to_the_end_with_the_right_data(k):
    instance_id, done = drive_sop(k)
    assert done == HAPPY
    view = k.cases.show(instance_id)
    assert view.status == "completed"
    assert view.open_tasks == ()
    assert view.data["votes"] == ["yes", "yes", "yes"]
    assert view.data["amount"] == 1500.5
    assert view.data["applicant"] == "นายสมชาย ใจดี"
    types = [e.event_type for e in view.history]
    assert types[0] == "instance_started" and types[-1] == "instance_completed"
    assert types.count("task_completed") == 9


def test_reject_loops_back_to_the_draft(k):
    instance_id, done = drive_sop(k, rejections=2)
    assert done == HAPPY[:4] + ["prepare_draft", "director_review"] * 2 + HAPPY[4:]
    assert k.cases.show(instance_id).status == "completed"


def test_committee_of_one_member(k):
    _, done = drive_sop(k, committee=("b",))
    assert done.count("committee_vote") == 1


def test_committee_step_completes_only_when_all_members_acted(k):
    instance_id = k.cases.start("sop_bench", "clerk1").instance_id
    for element in ("register_application", "check_documents", "prepare_draft"):
        task = open_tasks(k, instance_id)[0]
        do_task(k, task.id, "clerk1", FORM_DATA[element])
    review = open_tasks(k, instance_id)[0]
    do_task(k, review.id, "director1", {"decision": "approve", "committee": ["a", "b", "c"]})
    votes = open_tasks(k, instance_id)
    assert [t.element_id for t in votes] == ["committee_vote"] * 3
    do_task(k, votes[0].id, "director1", {"vote": "yes"})
    do_task(k, votes[1].id, "director1", {"vote": "no"})
    assert [t.element_id for t in open_tasks(k, instance_id)] == ["committee_vote"]
    do_task(k, votes[2].id, "director1", {"vote": "yes"})
    assert [t.element_id for t in open_tasks(k, instance_id)] == ["sign_decision"]
    assert k.cases.show(instance_id).data["votes"] == ["yes", "no", "yes"]


def test_worklist_shows_my_groups_and_my_claims_only(k):
    instance_id = k.cases.start("sop_bench", "clerk1").instance_id
    task = open_tasks(k, instance_id)[0]
    assert [t.id for t in k.tasks.worklist("clerk2")] == [task.id]
    assert k.tasks.worklist("director1") == []
    assert k.tasks.worklist("outsider") == []
    k.tasks.claim(task.id, "clerk1")
    assert [t.assignee for t in k.tasks.worklist("clerk1")] == ["clerk1"]
    assert k.tasks.worklist("clerk2") == []
    k.tasks.unclaim(task.id, "clerk1")
    assert [t.assignee for t in k.tasks.worklist("clerk2")] == [None]


def test_only_the_lane_may_claim_and_only_the_assignee_may_complete(k):
    instance_id = k.cases.start("sop_bench", "clerk1").instance_id
    task = open_tasks(k, instance_id)[0]
    with pytest.raises(Forbidden, match="not in the lane"):
        k.tasks.claim(task.id, "director1")
    with pytest.raises(Forbidden, match="not claimed"):
        k.cases.complete(task.id, "clerk1", FORM_DATA["register_application"])
    k.tasks.claim(task.id, "clerk1")
    with pytest.raises(Conflict, match="already claimed by clerk1"):
        k.tasks.claim(task.id, "clerk2")
    with pytest.raises(Forbidden, match="claimed by clerk1"):
        k.cases.complete(task.id, "clerk2", FORM_DATA["register_application"])
    with pytest.raises(Forbidden, match="only they can hand it back"):
        k.tasks.unclaim(task.id, "clerk2")
    with pytest.raises(NotFound, match="nobody"):
        k.tasks.claim(task.id, "nobody")


def _snapshot(k, instance_id):
    view = k.cases.show(instance_id)
    return view.data, [(t.id, t.assignee, t.state) for t in view.open_tasks], len(view.history)


@pytest.mark.parametrize("data, message", [
    ({"applicant": "x"}, "field subject .* is required"),
    ({"applicant": "x", "subject": "y", "approved": True}, "not on form sop_bench.register: approved"),
    ({"applicant": "x", "subject": "y", "__builtins__": {}}, "not on form"),
    ({"applicant": 5, "subject": "y"}, "field applicant .*expected text"),
    ({"applicant": "x", "subject": "y", "amount": "2000000"}, "field amount .*at most 1000000"),
    ({"applicant": "x", "subject": "y", "amount": "-1"}, "field amount .*at least 0"),
    ({"applicant": "x", "subject": "y", "amount": "12.345"}, "at most 2 decimals"),
    ({"applicant": "x", "subject": "y", "amount": "lots"}, "not an amount in baht"),
])
def test_bad_form_data_is_refused_and_nothing_changes(k, data, message):
    instance_id = k.cases.start("sop_bench", "clerk1").instance_id
    task = open_tasks(k, instance_id)[0]
    k.tasks.claim(task.id, "clerk1")
    before = _snapshot(k, instance_id)
    with pytest.raises(InvalidInput, match=message):
        k.cases.complete(task.id, "clerk1", data)
    assert _snapshot(k, instance_id) == before
    assert_roundtrip(k, instance_id)


def test_wrong_select_value_cannot_steer_a_gateway(k):
    instance_id = k.cases.start("sop_bench", "clerk1").instance_id
    for element in ("register_application", "check_documents", "prepare_draft"):
        do_task(k, open_tasks(k, instance_id)[0].id, "clerk1", FORM_DATA[element])
    review = open_tasks(k, instance_id)[0]
    k.tasks.claim(review.id, "director1")
    with pytest.raises(InvalidInput, match="not one of approve, reject"):
        k.cases.complete(review.id, "director1", {"decision": "approve' or True or '"})


def test_start_data_needs_a_start_form(k):
    with pytest.raises(InvalidInput, match="takes no start data"):
        k.cases.start("sop_bench", "clerk1", {"decision": "approve"}).instance_id
    with pytest.raises(NotFound, match="not deployed"):
        k.cases.start("no_such_process", "clerk1").instance_id
    with pytest.raises(NotFound, match="version 9"):
        k.cases.start("sop_bench", "clerk1", version=9).instance_id


def test_completed_task_cannot_be_completed_again(k):
    instance_id = k.cases.start("sop_bench", "clerk1").instance_id
    task = open_tasks(k, instance_id)[0]
    do_task(k, task.id, "clerk1", FORM_DATA["register_application"])
    with pytest.raises(Conflict, match="already completed"):
        k.cases.complete(task.id, "clerk1", FORM_DATA["register_application"])
    with pytest.raises(Conflict, match="already completed"):
        k.tasks.claim(task.id, "clerk2")


def test_instances_stay_on_the_version_they_started_with(k, tmp_path):
    old = k.cases.start("sop_bench", "clerk1").instance_id
    changed = SOP_BENCH.read_text().replace('name="Notify the applicant"', 'name="Tell the applicant"')
    (tmp_path / "sop_bench.bpmn").write_text(changed)
    [result] = k.repository.deploy([tmp_path / "sop_bench.bpmn"])
    assert (result.version, result.created) == (2, True)
    new = k.cases.start("sop_bench", "clerk1").instance_id
    assert k.cases.show(old).version == 1 and k.cases.show(new).version == 2
    pinned = k.cases.start("sop_bench", "clerk1", version=1).instance_id
    assert k.cases.show(pinned).version == 1
    # the old case runs to the end on version 1's names
    while tasks := open_tasks(k, old):
        t = tasks[0]
        user = "director1" if t.candidate_groups == ("director",) else "clerk1"
        data = ({"decision": "approve", "committee": ["a"]} if t.element_id == "director_review"
                else {"vote": "yes"} if t.element_id == "committee_vote" else FORM_DATA[t.element_id])
        if t.element_id == "notify_applicant":
            assert t.name == "Notify the applicant"
        do_task(k, t.id, user, data)
    assert k.cases.show(old).status == "completed"


def test_complete_with_claim_takes_an_unclaimed_task_in_one_step(k):
    instance_id = k.cases.start("sop_bench", "clerk1").instance_id
    task = open_tasks(k, instance_id)[0]
    done = k.cases.complete(task.id, "clerk2", FORM_DATA["register_application"], how=Completion(claim=True))
    assert (done.task.state, done.task.assignee, done.task.completed_by) == ("completed", "clerk2", "clerk2")
    events = [(e.event_type, e.actor) for e in k.cases.show(instance_id).history if e.payload.get("task_id") == task.id]
    assert events == [("task_created", None), ("task_claimed", "clerk2"), ("task_completed", "clerk2")]
    assert all(r.ok for r in k.audit.verify())
    assert_roundtrip(k, instance_id)


def test_complete_with_claim_keeps_the_claim_rules(k):
    instance_id = k.cases.start("sop_bench", "clerk1").instance_id
    task = open_tasks(k, instance_id)[0]
    with pytest.raises(Forbidden, match="not in the lane"):
        k.cases.complete(task.id, "director1", FORM_DATA["register_application"], how=Completion(claim=True))
    k.tasks.claim(task.id, "clerk1")
    with pytest.raises(Forbidden, match="claimed by clerk1, not by clerk2"):
        k.cases.complete(task.id, "clerk2", FORM_DATA["register_application"], how=Completion(claim=True))
    before = _snapshot(k, instance_id)
    with pytest.raises(InvalidInput, match="required"):
        k.cases.complete(task.id, "clerk1", {"applicant": "x"}, how=Completion(claim=True))
    assert _snapshot(k, instance_id) == before
    done = k.cases.complete(task.id, "clerk1", FORM_DATA["register_application"], how=Completion(claim=True))
    assert done.task.assignee == "clerk1"
    assert [e.event_type for e in k.cases.show(instance_id).history].count("task_claimed") == 1


def test_refused_complete_with_claim_leaves_the_task_unclaimed(k):
    instance_id = k.cases.start("sop_bench", "clerk1").instance_id
    task = open_tasks(k, instance_id)[0]
    before = _snapshot(k, instance_id)
    with pytest.raises(InvalidInput):
        k.cases.complete(task.id, "clerk1", {"applicant": "x"}, how=Completion(claim=True))
    assert _snapshot(k, instance_id) == before
    assert [t.assignee for t in k.tasks.worklist("clerk2")] == [None]


def test_only_the_start_lane_starts_a_case(k):
    """sop_bench's start event stands in the clerk lane: a clerk may start it, a director may not
    (and is told so), and the list of what a user may start says the same."""
    from engine.errors import Forbidden
    assert k.cases.start("sop_bench", "clerk2").status == "running"
    with pytest.raises(Forbidden, match="only members of clerk may start it") as refused:
        k.cases.start("sop_bench", "director1")
    assert refused.value.details["reason"] == "starters"
    may = {v.process_id: v.can_start for v in k.repository.newest(for_user="director1")}
    assert may["sop_bench"] is False
    assert {v.process_id: v.can_start for v in k.repository.newest(for_user="clerk1")}["sop_bench"] is True
    assert all(v.can_start is None for v in k.repository.newest())


def _declaring(starters: str) -> bytes:
    """sop_bench as a process owner would change it: the same model declaring who may start it."""
    text = SOP_BENCH.read_text(encoding="utf-8")
    declaration = (f'<bpmn:extensionElements><krabuan:process starters="{starters}"/></bpmn:extensionElements>'
                   if starters else "<bpmn:extensionElements><krabuan:process/></bpmn:extensionElements>")
    return text.replace('isExecutable="true">', 'isExecutable="true">' + declaration, 1).encode()


def test_a_process_declares_who_may_start_it(k):
    """Declared starters replace the start lane: with ``starters="director"`` a director starts
    sop_bench and a clerk (of the start lane) is refused with nothing written; the list of
    processes names the groups and says who may start."""
    k.repository.deploy_bytes(_declaring("director"), "sop_bench.bpmn")
    started = k.cases.start("sop_bench", "director1")
    assert started.status == "running"
    with pytest.raises(Forbidden, match="only members of director may start it"):
        k.cases.start("sop_bench", "clerk1")
    with pytest.raises(NotFound):  # no case was written for the refused start
        k.cases.show(started.instance_id + 1)
    newest = {v.process_id: v for v in k.repository.newest(for_user="clerk1")}
    assert newest["sop_bench"].start_groups == ("director",) and newest["sop_bench"].can_start is False
    assert newest["sop_bench"].to_json()["start_groups"] == ["director"]
    assert [v.start_groups for v in k.repository.versions("sop_bench")] == [("clerk",), ("director",)]


@pytest.mark.parametrize("starters", ["", 'director" other="x'])
def test_a_bad_starters_declaration_is_refused_at_deploy(k, starters):
    with pytest.raises(DeployError, match="krabuan:process"):
        k.repository.deploy_bytes(_declaring(starters), "sop_bench.bpmn")
    assert [v.version for v in k.repository.versions("sop_bench")] == [1]
