"""Acting officials, absences and "on behalf of" preparation (issue 12), on the SOP-shaped process
and the small test organisation with a director position held by director1."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
import yaml
from helpers import DATA, FORM_DATA, do_task, open_tasks

from engine import Krabuan
from engine.errors import Conflict, Forbidden, InvalidInput, NotFound
from engine.services.acting import AbsenceRequest, AppointmentRequest

BANGKOK = timezone(timedelta(hours=7))
PERIOD = (date(2026, 12, 1), date(2026, 12, 10))


@pytest.fixture
def ka(k: Krabuan, tmp_path: Path) -> Krabuan:
    """The test organisation with a position: the director, holding the director group's tasks."""
    organisation = yaml.safe_load((DATA / "organisation.yaml").read_text(encoding="utf-8"))
    organisation["positions"] = [{"id": "director", "title": {"th": "ผู้อำนวยการ", "en": "Director"},
                                  "groups": ["director"], "holder": "director1"}]
    org_file = tmp_path / "organisation.yaml"
    org_file.write_text(yaml.safe_dump(organisation, allow_unicode=True), encoding="utf-8")
    k.people.load_organisation(org_file)
    k.repository.deploy([DATA / "committee.bpmn"])
    k.ctx.fixed_now = datetime(2026, 12, 3, 9, 0, tzinfo=BANGKOK)
    return k


def appoint(k: Krabuan, username: str = "clerk2", kind: str = "delegated",
            period: tuple[date, date] = PERIOD) -> int:
    return k.acting.appoint("admin1", AppointmentRequest(username, "director", kind, period, "คำสั่ง 12/2569")).id


def to_review(k: Krabuan) -> tuple[int, int]:
    """A case waiting at the director's review; (instance id, task id)."""
    instance_id = k.cases.start("sop_bench", "clerk1").instance_id
    for element in ("register_application", "check_documents", "prepare_draft"):
        task = next(t for t in open_tasks(k, instance_id) if t.element_id == element)
        do_task(k, task.id, "clerk1", FORM_DATA[element])
    return instance_id, next(t.id for t in open_tasks(k, instance_id) if t.element_id == "director_review")


def events(k: Krabuan, instance_id: int, kind: str) -> list:
    return [e for e in k.cases.show(instance_id).history if e.event_type == kind]


def verified(k: Krabuan) -> bool:
    return all(r.ok for r in k.audit.verify())


def test_an_appointment_is_refused_when_it_overlaps_or_is_for_ones_own_position(ka):
    first = appoint(ka)
    with pytest.raises(InvalidInput, match="already covers part of") as overlapping:
        appoint(ka, "registrar1", period=(date(2026, 12, 10), date(2026, 12, 20)))
    assert overlapping.value.details["reason"] == "overlapping"
    with pytest.raises(InvalidInput, match="one's own position") as own:
        appoint(ka, "director1", period=(date(2027, 1, 1), date(2027, 1, 5)))
    assert own.value.details["reason"] == "self_appointment"
    with pytest.raises(InvalidInput, match="ends before it starts"):
        appoint(ka, "registrar1", period=(date(2027, 1, 5), date(2027, 1, 1)))
    with pytest.raises(InvalidInput, match="kind is one of"):
        appoint(ka, "registrar1", kind="boss", period=(date(2027, 1, 1), date(2027, 1, 5)))
    with pytest.raises(Forbidden, match="administrator"):
        ka.acting.appoint("clerk1", AppointmentRequest("clerk2", "director", "acting", (date(2027, 1, 1),
                                                                                         date(2027, 1, 2)), "x"))
    ended = ka.acting.end("admin1", first)
    assert ended.status == "ended"
    second = appoint(ka, "registrar1", period=(date(2026, 12, 10), date(2026, 12, 20)))
    listed = ka.acting.appointments("admin1")
    assert [(a.id, a.status) for a in listed] == [(second, "upcoming"), (first, "ended")]
    assert [a.id for a in ka.acting.appointments("clerk2")] == [first]  # a user sees their own only


def test_the_acting_official_sees_and_completes_the_positions_task_with_the_capacity_recorded(ka):
    instance_id, task_id = to_review(ka)
    assert task_id not in {t.id for t in ka.tasks.page("clerk2").items}
    appointment = appoint(ka)
    page = ka.tasks.page("clerk2")
    assert task_id in {t.id for t in page.items}
    capacity = page.capacities[task_id]
    assert capacity["kind"] == "delegated" and capacity["kind_th"] == "ปฏิบัติราชการแทน"
    assert capacity["for_position"] == "director" and capacity["order_ref"] == "คำสั่ง 12/2569"
    assert capacity["appointment_id"] == appointment and capacity["for_user"] == "director1"
    assert task_id in {t.id for t in ka.tasks.worklist("clerk2")}
    assert ka.acting.capacity(task_id, "clerk2").kind == "delegated"
    assert ka.acting.capacity(task_id, "director2").is_self
    assert ka.acting.capacity(task_id, "registrar1") is None
    assert ka.tasks.open(task_id, ka.accounts.account("clerk2")).task.id == task_id
    ka.tasks.claim(task_id, "clerk2")
    ka.cases.complete(task_id, "clerk2", {"decision": "approve", "committee": ["a"]})
    claimed, = [e for e in events(ka, instance_id, "task_claimed") if e.payload["task_id"] == task_id]
    completed, = [e for e in events(ka, instance_id, "task_completed") if e.payload["task_id"] == task_id]
    for event in (claimed, completed):
        assert event.actor == "clerk2"
        assert event.payload["capacity"]["kind"] == "delegated"
        assert event.payload["capacity"]["for_position"] == "director"
        assert event.payload["capacity"]["order_ref"] == "คำสั่ง 12/2569"
    assert "capacity" not in events(ka, instance_id, "task_completed")[0].payload  # the clerk acted as themselves
    assert verified(ka)


def test_the_day_after_the_period_the_appointment_grants_nothing_and_nothing_is_written(ka):
    instance_id, task_id = to_review(ka)
    _, other_id = to_review(ka)
    appoint(ka, "registrar1")  # of no lane of the case
    ka.ctx.fixed_now = datetime(2026, 12, 10, 23, 30, tzinfo=BANGKOK)  # the last day, late in the evening
    ka.tasks.claim(task_id, "registrar1")
    ka.ctx.fixed_now = datetime(2026, 12, 11, 0, 5, tzinfo=BANGKOK)  # the day after, in Bangkok
    assert datetime(2026, 12, 11, 0, 5, tzinfo=BANGKOK).astimezone(UTC).day == 10  # still the 10th in UTC
    before = len(ka.cases.show(instance_id).history)
    with pytest.raises(Forbidden, match="no acting appointment in force"):
        ka.cases.complete(task_id, "registrar1", {"decision": "approve", "committee": ["a"]})
    with pytest.raises((Forbidden, NotFound)):
        ka.tasks.claim(other_id, "registrar1")
    with pytest.raises(NotFound):
        ka.tasks.open(other_id, ka.accounts.account("registrar1"))
    assert len(ka.cases.show(instance_id).history) == before
    assert ka.tasks.of_case(instance_id)[0].state == "open"
    assert other_id not in {t.id for t in ka.tasks.page("registrar1").items}
    assert ka.tasks.page("registrar1").capacities == {}
    assert ka.acting.capacity(task_id, "registrar1") is None
    assert ka.acting.appointments("admin1")[0].status == "over"
    ka.tasks.unclaim(task_id, "registrar1")  # handing it back stays possible
    assert verified(ka)


def test_new_tasks_of_a_user_on_leave_go_to_the_deputy(ka):
    # a personal task (a committee member's signature) of someone on leave goes to their deputy
    ka.absences.add("director2", AbsenceRequest((date(2026, 12, 1), date(2026, 12, 4)), "director3"))
    committee = ka.cases.start("committee", "clerk1").instance_id
    do_task(ka, open_tasks(ka, committee)[0].id, "clerk1", {"members": ["director1", "director2"]})
    assert sorted(t.reserved_for for t in open_tasks(ka, committee)) == ["director1", "director3"]
    created = [e for e in events(ka, committee, "task_created") if e.payload["reserved_for"] == "director3"][0]
    assert created.payload["instead_of"] == "director2" and isinstance(created.payload["absence_id"], int)
    assert ka.tasks.page("director3").items[0].reserved_for == "director3"
    # the absence is over: tasks go to them again
    ka.ctx.fixed_now = datetime(2026, 12, 6, 9, 0, tzinfo=BANGKOK)
    again = ka.cases.start("committee", "clerk1").instance_id
    do_task(ka, open_tasks(ka, again)[0].id, "clerk1", {"members": ["director2"]})
    assert [t.reserved_for for t in open_tasks(ka, again)] == ["director2"]
    assert verified(ka)


def test_an_absence_needs_a_deputy_of_the_same_group(ka):
    with pytest.raises(InvalidInput, match="same group"):
        ka.absences.add("clerk1", AbsenceRequest((date(2026, 12, 3), date(2026, 12, 5)), "director1"))
    with pytest.raises(InvalidInput, match="not yourself"):
        ka.absences.add("clerk1", AbsenceRequest((date(2026, 12, 3), date(2026, 12, 5)), "clerk1"))
    first = ka.absences.add("clerk1", AbsenceRequest((date(2026, 12, 3), date(2026, 12, 5)), "clerk2"))
    with pytest.raises(InvalidInput, match="already covers"):
        ka.absences.add("clerk1", AbsenceRequest((date(2026, 12, 5), date(2026, 12, 8)), "clerk2"))
    with pytest.raises(NotFound):
        ka.absences.cancel("clerk2", first.id)
    assert ka.absences.cancel("clerk1", first.id).status == "cancelled"
    assert [a.status for a in ka.absences.absences("clerk1")] == ["cancelled"]


def test_claimed_tasks_are_handed_over_to_the_deputy_in_one_action(ka):
    cases = [ka.cases.start("sop_bench", "clerk1").instance_id for _ in range(2)]
    held = [open_tasks(ka, i)[0].id for i in cases]
    for task_id in held:
        ka.tasks.claim(task_id, "clerk1")
    with pytest.raises(InvalidInput, match="no absence"):
        ka.absences.hand_over("clerk1")
    ka.absences.add("clerk1", AbsenceRequest((date(2026, 12, 4), date(2026, 12, 8)), "clerk2"))
    result = ka.absences.hand_over("clerk1")
    assert result.deputy == "clerk2" and list(result.handed_over) == held and result.kept == {}
    for instance_id, task_id in zip(cases, held, strict=True):
        assert open_tasks(ka, instance_id)[0].assignee == "clerk2"
        event, = events(ka, instance_id, "task_handed_over")
        assert event.actor == "clerk1" and event.payload["to"] == "clerk2" and event.payload["task_id"] == task_id
    assert {n.task_id for n in ka.inbox.notifications("clerk2")} >= set(held)
    ka.cases.complete(held[0], "clerk2", FORM_DATA["register_application"])
    assert verified(ka)


def test_a_secretary_prepares_the_directors_task_but_only_the_director_completes_it(ka):
    instance_id, task_id = to_review(ka)
    ka.tasks.claim(task_id, "director1")
    assert ka.tasks.share_for_preparation(task_id, "director1", "registrar1") == ["registrar1"]
    with pytest.raises(Conflict):
        ka.tasks.share_for_preparation(task_id, "director2", "registrar1")  # not theirs: director1 holds it
    secretary = ka.accounts.account("registrar1")
    assert ka.tasks.open(task_id, secretary).task.id == task_id
    ka.tasks.save_draft(task_id, "registrar1", {"decision": "approve", "comment": "ร่างโดยเลขานุการ"})
    with pytest.raises(Forbidden):
        ka.cases.complete(task_id, "registrar1", {"decision": "approve", "committee": ["a"]})
    with pytest.raises(Conflict):
        ka.tasks.claim(task_id, "registrar1")  # director1 holds it
    page = ka.tasks.open(task_id, ka.accounts.account("director1"))
    assert page.draft == {"decision": "approve", "comment": "ร่างโดยเลขานุการ"}  # what the secretary prepared
    shared, = events(ka, instance_id, "task_shared_for_preparation")
    assert shared.actor == "director1" and shared.payload["preparer"] == "registrar1"
    ka.cases.complete(task_id, "director1", {"decision": "approve", "committee": ["a"]})
    assert verified(ka)


def test_a_step_returned_to_someone_on_leave_goes_to_their_deputy(project_settings):
    """advance-loan: a return goes back to who drafted the request; clerk1 is on leave, so
    their deputy clerk2 gets it, and the history says instead of whom."""
    from engine import Completion
    from engine.settings import PROJECT_ROOT

    k = Krabuan(project_settings)
    k.upgrade_schema()
    k.people.load_organisation()
    k.repository.deploy([PROJECT_ROOT / "processes" / "bpmn" / "advance-loan.bpmn"])
    k.ctx.fixed_now = datetime(2026, 12, 3, 9, 0, tzinfo=BANGKOK)
    claim = Completion(claim=True)
    try:
        instance_id = k.cases.start("advance-loan", "clerk2").instance_id
        step = {t.element_id: t.id for t in k.tasks.of_case(instance_id)}
        k.cases.complete(step["receive_assignment"], "clerk1", {
            "advance_purpose": "meeting_training", "activity_title": "อบรมการใช้งานระบบสารสนเทศ",
            "activity_date": "2026-12-15", "borrower_name": "นางสาวสมหญิง ใจดี", "estimated_amount": "20000"},
            how=claim)
        files = {name: k.files.upload("clerk1", f"{name}.pdf", b"%PDF-1.4\n" + name.encode() + b"\n%%EOF\n").sha256
                 for name in ("meeting_request_file", "project_file")}
        draft = next(t for t in k.tasks.of_case(instance_id) if t.element_id == "draft_meeting_training_request")
        k.cases.complete(draft.id, "clerk1", files, how=claim)
        k.absences.add("clerk1", AbsenceRequest((date(2026, 12, 3), date(2026, 12, 4)), "clerk2"))
        approval = next(t for t in k.tasks.of_case(instance_id) if t.element_id == "approve_activity")
        k.cases.complete(approval.id, "executive1", {"activity_decision": "return",
                                                     "activity_comment": "แนบโครงการฉบับลงนาม"}, how=claim)
        returned, = k.tasks.of_case(instance_id)
        assert returned.element_id == "draft_meeting_training_request" and returned.assignee == "clerk2"
        created = [e for e in events(k, instance_id, "task_created") if e.payload["task_id"] == returned.id][0]
        assert created.payload["instead_of"] == "clerk1" and created.payload["assignee"] == "clerk2"
        assert verified(k)
    finally:
        k.close()
