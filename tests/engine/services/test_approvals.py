"""Approval and signature steps: a return or a rejection says why, the step it goes back to shows
the note, and nobody approves their own case or document (segregation of duties). On the real
advance-loan and data-linkage processes and the demo organisation."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from engine import Completion, Krabuan
from engine.errors import Forbidden, InvalidInput
from engine.model.approvals import comment_field, decision_field, decision_of
from engine.model.definitions import StepModel
from engine.model.forms import FieldDefinition, FormDefinition, Label, Option
from engine.model.metadata import StepMetadata
from engine.settings import PROJECT_ROOT

BPMN = PROJECT_ROOT / "processes" / "bpmn"
ASSIGNMENT = {"advance_purpose": "meeting_training", "activity_title": "อบรมการใช้งานระบบสารสนเทศ",
              "activity_date": "2026-12-15", "borrower_name": "นางสาวสมหญิง ใจดี", "estimated_amount": "20000"}
CLAIM = Completion(claim=True)
PASSWORD = "borrower-signs-2569"


@pytest.fixture
def ak(project_settings, tmp_path: Path):
    """The real advance-loan and data-linkage processes; the demo organisation plus one clerk who
    is also an executive (so that the one who prepared a request could otherwise approve it)."""
    organisation = yaml.safe_load((PROJECT_ROOT / "processes" / "organisation.yaml").read_text(encoding="utf-8"))
    organisation["users"].append({"username": "clerk_executive1", "groups": ["clerk", "executive"],
                                  "name": {"th": "ธุรการและผู้บริหาร", "en": "Clerk and executive"}})
    org_file = tmp_path / "organisation.yaml"
    org_file.write_text(yaml.safe_dump(organisation, allow_unicode=True), encoding="utf-8")
    engine = Krabuan(project_settings)
    engine.upgrade_schema()
    engine.people.load_organisation(org_file)
    engine.repository.deploy([BPMN / "advance-loan.bpmn", BPMN / "data-linkage.bpmn"])
    engine.accounts.set_password("borrower_staff1", PASSWORD, actor="borrower_staff1")  # to sign the contract
    yield engine
    engine.close()


def step_task(k: Krabuan, instance_id: int, element_id: str) -> Any:
    return next(t for t in k.tasks.of_case(instance_id) if t.element_id == element_id)


def draft(k: Krabuan, user: str) -> dict[str, Any]:
    """The meeting request's form, with its files uploaded by who drafts it."""
    request, project = (k.files.upload(user, name, b"%PDF-1.4\n" + name.encode() + b"\n%%EOF\n").sha256
                        for name in ("meeting-request.pdf", "project.pdf"))
    return {"meeting_request_file": request, "project_file": project}


def to_approval(k: Krabuan, starter: str = "clerk2", preparer: str = "clerk1") -> int:
    """An advance-loan case waiting at the approval of the meeting request the preparer drafted."""
    instance_id = k.cases.start("advance-loan", starter).instance_id
    k.cases.complete(step_task(k, instance_id, "receive_assignment").id, preparer, ASSIGNMENT, how=CLAIM)
    k.cases.complete(step_task(k, instance_id, "draft_meeting_training_request").id, preparer, draft(k, preparer),
                     how=CLAIM)
    return instance_id


def approve(k: Krabuan, instance_id: int, user: str, data: dict[str, Any] | None = None,
            how: Completion = CLAIM) -> Any:
    task = step_task(k, instance_id, "approve_activity")
    return k.cases.complete(task.id, user, data or {"activity_decision": "approve"}, how=how)


# ---------------------------------------------------------------- a comment for a return or a rejection

def test_a_return_needs_a_comment_named_on_the_forms_comment_field(ak):
    instance_id = to_approval(ak)
    with pytest.raises(InvalidInput) as refused:
        approve(ak, instance_id, "executive1", {"activity_decision": "return"})
    assert refused.value.details["field"] == "activity_comment"
    assert refused.value.details["problems"] == [
        {"field": "activity_comment", "code": "comment_required", "message": refused.value.message,
         "params": {"decision": "return"}}]
    with pytest.raises(InvalidInput):  # blanks are no comment
        approve(ak, instance_id, "executive1", {"activity_decision": "return", "activity_comment": "   "})
    assert step_task(ak, instance_id, "approve_activity").state == "open"  # nothing was written
    approve(ak, instance_id, "executive1", {"activity_decision": "return", "activity_comment": "แนบโครงการฉบับลงนาม"})
    assert [t.element_id for t in ak.tasks.of_case(instance_id)] == ["draft_meeting_training_request"]


def test_the_completions_comment_also_counts_and_goes_into_the_history(ak):
    instance_id = to_approval(ak)
    approve(ak, instance_id, "executive1", {"activity_decision": "return"},
            Completion(claim=True, comment="ขอรายชื่อผู้เข้าอบรม"))
    done = [e for e in ak.cases.show(instance_id).history if e.event_type == "task_completed"][-1]
    assert done.payload["decision"] == "return" and done.payload["comment"] == "ขอรายชื่อผู้เข้าอบรม"
    assert step_task(ak, instance_id, "draft_meeting_training_request").notice["comment"] == "ขอรายชื่อผู้เข้าอบรม"


def test_a_missing_comment_is_listed_with_the_forms_other_problems(ak):
    instance_id = to_approval(ak)
    approve(ak, instance_id, "executive1")
    ak.cases.complete(step_task(ak, instance_id, "prepare_loan_documents").id, "clerk1",
                      {"loan_contract_number": "ยม 25/2570", "advance_amount": "20000.00",
                       "cost_estimate_file": draft(ak, "clerk1")["project_file"], "loan_memo_number": "สธ 0710/ย 25"},
                      how=CLAIM)
    ak.cases.complete(step_task(ak, instance_id, "borrower_signs_loan_contract").id, "borrower_staff1",
                      {"contract_signed_on": "2026-11-30"}, how=Completion(claim=True, password=PASSWORD))
    sign = step_task(ak, instance_id, "sign_loan_documents")
    with pytest.raises(InvalidInput) as refused:  # no comment, and its control point left unconfirmed
        ak.cases.complete(sign.id, "executive1", {"loan_decision": "return"}, how=CLAIM)
    problems = refused.value.details["problems"]
    assert [(p["field"], p["code"]) for p in problems] == [("loan_comment", "comment_required"),
                                                           ("confirm", "control_unconfirmed")]
    with pytest.raises(InvalidInput) as refused:  # a comment of the wrong type: one problem, not two
        ak.cases.complete(sign.id, "executive1", {"loan_decision": "return", "loan_comment": 5}, ["cp1"], how=CLAIM)
    assert [(p["field"], p["code"]) for p in refused.value.details["problems"]] == [("loan_comment", "not_text")]


def test_a_rejection_needs_a_comment(ak):
    instance_id = ak.cases.start("data-linkage", "it_officer1").instance_id
    needs = {"requester_name": "สำนักงานหลักประกันสุขภาพแห่งชาติ", "requester_type": "external",
             "datasets_requested": "ทะเบียนสถานพยาบาล", "linkage_purpose": "ตรวจสอบสิทธิ",
             "governance_members": ["data_governance_committee1"]}
    ak.cases.complete(step_task(ak, instance_id, "study_linkage_needs").id, "it_officer2", needs, how=CLAIM)
    vote = step_task(ak, instance_id, "data_governance_approval")
    with pytest.raises(InvalidInput) as refused:
        ak.cases.complete(vote.id, "data_governance_committee1", {"governance_vote": "reject"})
    assert refused.value.details["field"] == "governance_comment"
    assert refused.value.details["problems"][0]["params"] == {"decision": "reject"}
    ak.cases.complete(vote.id, "data_governance_committee1",
                      {"governance_vote": "reject", "governance_comment": "ไม่มีฐานทางกฎหมายรองรับ"})
    assert ak.cases.show(instance_id).status == "completed"


def test_an_approval_needs_no_comment(ak):
    instance_id = to_approval(ak)
    approve(ak, instance_id, "executive1")
    assert [t.element_id for t in ak.tasks.of_case(instance_id)] == ["prepare_loan_documents"]


# ---------------------------------------------------------------- segregation of duties

def test_who_started_the_case_cannot_approve_it(ak):
    """A director who borrows cannot approve their own advance; another director can."""
    instance_id = to_approval(ak, starter="executive3")  # a director who is also in the clerk lane
    with pytest.raises(Forbidden) as refused:
        approve(ak, instance_id, "executive3")
    assert refused.value.details["reason"] == "started_case" and "started this case" in refused.value.message
    task = step_task(ak, instance_id, "approve_activity")
    assert task.state == "open" and task.assignee is None  # nothing was written, not even the claim
    approve(ak, instance_id, "executive2")
    assert [t.element_id for t in ak.tasks.of_case(instance_id)] == ["prepare_loan_documents"]


def test_who_prepared_the_document_cannot_approve_it(ak):
    instance_id = to_approval(ak, preparer="clerk_executive1")
    with pytest.raises(Forbidden) as refused:
        approve(ak, instance_id, "clerk_executive1")
    assert refused.value.details["reason"] == "prepared_document"
    approve(ak, instance_id, "executive1")


def test_the_starter_may_still_return_the_case(ak):
    """Only an approval is refused: sending it back (with a comment) is not."""
    instance_id = to_approval(ak, starter="executive3")
    approve(ak, instance_id, "executive3", {"activity_decision": "return", "activity_comment": "แก้วันที่"})
    assert [t.element_id for t in ak.tasks.of_case(instance_id)] == ["draft_meeting_training_request"]


def test_the_preparer_is_who_did_the_last_step_before_the_approval(ak):
    """After a return, whoever redrafted the request is its preparer; the first drafter may approve."""
    instance_id = to_approval(ak, preparer="clerk_executive1")
    approve(ak, instance_id, "executive1", {"activity_decision": "return", "activity_comment": "แก้ไขงบประมาณ"})
    redraft = step_task(ak, instance_id, "draft_meeting_training_request")
    assert redraft.assignee == "clerk_executive1"  # the return goes back to who drafted it ...
    ak.tasks.delegate(redraft.id, "clerk_executive1", "clerk1", "ลาป่วย")  # ... who hands it on
    ak.cases.complete(redraft.id, "clerk1", draft(ak, "clerk1"))
    approve(ak, instance_id, "clerk_executive1")
    assert [t.element_id for t in ak.tasks.of_case(instance_id)] == ["prepare_loan_documents"]


# ---------------------------------------------------------------- the return note

def test_a_return_leaves_a_note_on_the_step_it_goes_back_to(ak):
    instance_id = to_approval(ak)
    returned = approve(ak, instance_id, "executive1",
                       {"activity_decision": "return", "activity_comment": "แนบโครงการฉบับลงนาม"})
    task = step_task(ak, instance_id, "draft_meeting_training_request")
    notice = task.notice
    assert notice is not None
    assert {k: notice[k] for k in ("kind", "decision", "by", "comment", "from_step")} == {
        "kind": "returned", "decision": "return", "by": "executive1", "comment": "แนบโครงการฉบับลงนาม",
        "from_step": "ผู้มีอำนาจลงนามอนุมัติ/อนุญาต"}
    assert notice["at"].startswith(returned.task.completed_at.isoformat()[:19])
    assert returned.open_tasks[0].notice == notice  # what complete returns carries it too
    assert task.to_json()["notice"] == notice
    page = ak.tasks.open(task.id, ak.accounts.account("clerk1"))
    assert page.task.notice == notice and page.to_json()["notice"] == notice


def test_a_return_goes_back_to_the_person_who_did_the_step(ak, tmp_path):
    """Not to the whole lane: the drafter holds the returned step (another clerk cannot take it), is
    told who returned it and why, the history says so (and the audit replay agrees), and may hand it
    back to the lane. Someone who left the lane since gets nothing: the step waits in the queue."""
    instance_id = to_approval(ak, preparer="clerk1")
    approve(ak, instance_id, "executive1", {"activity_decision": "return", "activity_comment": "แก้วันที่อบรม"})
    task = step_task(ak, instance_id, "draft_meeting_training_request")
    assert task.assignee == "clerk1" and task.reserved_for is None and task.notice["comment"] == "แก้วันที่อบรม"
    assert [t.id for t in ak.tasks.worklist("clerk1")] == [task.id]
    assert task.id not in [t.id for t in ak.tasks.worklist("clerk2")]
    with pytest.raises(Exception, match="already claimed by clerk1"):
        ak.tasks.claim(task.id, "clerk2")
    note = next(n for n in ak.inbox.notifications("clerk1") if n.kind == "returned")
    assert note.task_id == task.id and "executive1" in note.title_th and "แก้วันที่อบรม" in note.title_th
    created = [e for e in ak.cases.show(instance_id).history if e.event_type == "task_created"][-1]
    assert created.payload["assignee"] == "clerk1"
    assert all(report.ok for report in ak.audit.verify(instance_id))
    assert ak.tasks.unclaim(task.id, "clerk1").assignee is None
    assert ak.tasks.claim(task.id, "clerk2").assignee == "clerk2"

    again = to_approval(ak, preparer="clerk1")
    organisation = yaml.safe_load((PROJECT_ROOT / "processes" / "organisation.yaml").read_text(encoding="utf-8"))
    for user in organisation["users"]:
        if user["username"] == "clerk1":
            user["groups"] = [g for g in user["groups"] if g != "clerk"] or ["caterer"]
    moved = tmp_path / "moved.yaml"
    moved.write_text(yaml.safe_dump(organisation, allow_unicode=True), encoding="utf-8")
    ak.people.load_organisation(moved)
    approve(ak, again, "executive1", {"activity_decision": "return", "activity_comment": "แก้วันที่อบรม"})
    assert step_task(ak, again, "draft_meeting_training_request").assignee is None


def test_a_task_reached_normally_has_no_note(ak):
    instance_id = to_approval(ak)
    assert step_task(ak, instance_id, "approve_activity").notice is None
    approve(ak, instance_id, "executive1")
    task = step_task(ak, instance_id, "prepare_loan_documents")
    assert task.notice is None and task.to_json()["notice"] is None


def test_the_note_stays_with_the_returned_task_only(ak):
    """The redrafted request goes on without the note: the next steps are reached normally."""
    instance_id = to_approval(ak)
    approve(ak, instance_id, "executive1", {"activity_decision": "return", "activity_comment": "แก้ไข"})
    ak.cases.complete(step_task(ak, instance_id, "draft_meeting_training_request").id, "clerk1", draft(ak, "clerk1"),
                      how=CLAIM)
    assert step_task(ak, instance_id, "approve_activity").notice is None


def test_the_task_page_says_how_the_step_is_decided(ak):
    instance_id = to_approval(ak)
    task = step_task(ak, instance_id, "approve_activity")
    viewer = ak.accounts.account("executive1")
    page = ak.tasks.open(task.id, viewer)
    assert page.approval is not None
    assert page.approval.to_json() == {"kind": "approval", "field": "activity_decision",
                                       "options": ["approve", "return"], "comment_field": "activity_comment"}
    first = ak.tasks.open(ak.cases.page(instance_id, viewer).steps[0].id, viewer)
    assert first.approval is None and first.to_json()["approval"] is None


# ---------------------------------------------------------------- the pure helpers

def _select(name: str, *values: str) -> FieldDefinition:
    return FieldDefinition(name=name, type="select", label=Label(name, name),
                           options=tuple(Option(v, Label(v, v)) for v in values))


def _area(name: str) -> FieldDefinition:
    return FieldDefinition(name=name, type="textarea", label=Label(name, name))


def test_the_decision_is_the_select_that_offers_approve():
    form = FormDefinition("f", Label("f", "f"), (_select("method", "auction", "transfer"), _area("details"),
                                                  _select("verdict", "approve", "return", "reject"),
                                                  _area("verdict_note")))
    assert decision_field(form) is not None and decision_field(form).name == "verdict"
    assert comment_field(form) is not None and comment_field(form).name == "verdict_note"
    assert decision_field(FormDefinition("g", Label("g", "g"), (_select("x", "sign", "return"),))) is None
    assert decision_field(None) is None and comment_field(None) is None


def test_a_decision_only_on_approval_and_signature_steps():
    form = FormDefinition("f", Label("f", "f"), (_select("verdict", "approve", "return"), _area("details")))
    step = StepModel("s", "s", "userTask", meta=StepMetadata(kind="signature"))
    user_step = StepModel("u", "u", "userTask", meta=StepMetadata(kind="user"))
    decision = decision_of(step, form, {"verdict": "return", "details": "  why  "})
    assert decision is not None and decision.comment == "why" and not decision.approves
    assert decision.comment_field == "details" and decision.on_behalf_of is None
    assert decision_of(step, form, {"verdict": "return"}, comment=" given ").comment == "given"
    assert decision_of(user_step, form, {"verdict": "approve"}) is None
    assert decision_of(step, form, {"verdict": "maybe"}) is None and decision_of(step, form, {}) is None
    assert decision_of(step, form, {"verdict": ["approve"]}) is None
