"""The auditor's step-by-step replay (engine.services.case_replay) of a real SOP case, advance-loan
with its activity request returned once (a loop), on SQLite and PostgreSQL: the state at several
steps k (done with loop counts, waiting, data, files), who acted in what capacity, the working days
of a late step against its standard, the control point confirmed and by whom, the signature and
whether it verifies; every auditor's replay logged in the append-only system log."""
from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text

from audit_helpers import BPMN, SIGNERS, late_loan_case
from engine import Krabuan, NotFound
from helpers import give_passwords


@pytest.fixture
def pk(project_settings) -> Krabuan:
    k = Krabuan(project_settings)
    k.upgrade_schema()
    k.people.load_organisation()
    k.repository.deploy([BPMN])
    give_passwords(k, *SIGNERS)
    yield k
    k.close()


def _completion(replay: Any, element_id: str, nth: int = 1) -> Any:
    found = [s for s in replay.steps if s.event_type == "task_completed" and s.element_id == element_id]
    return found[nth - 1]


def test_the_replay_of_a_returned_advance_loan_step_by_step(pk):
    case_id = late_loan_case(pk)
    auditor = pk.accounts.account("auditor1")
    replay = pk.case_replay.replay(case_id, auditor)
    history = pk.cases.show(case_id).history
    assert [s.seq for s in replay.steps] == [e.seq for e in history]  # one step per history event, in order
    assert replay.process_id == "advance-loan" and replay.version == 1

    # After the first draft: done once each so far, the approval waiting; the draft's files attached.
    first_draft = _completion(replay, "draft_meeting_training_request")
    at = replay.state_at(first_draft.seq)
    assert at.done == {"receive_assignment": 1, "draft_meeting_training_request": 1}
    assert at.active == ()  # the approval opens with the next event (task_created)
    assert replay.state_at(first_draft.seq + 1).active == ("approve_activity",)
    assert at.data["activity_title"] == "อบรมการใช้งานระบบสารสนเทศ" and "loan_contract_number" not in at.data
    names = {f.sha256: f.name for f in replay.files}
    assert sorted(names[s] for s in at.files) == ["meeting-request.pdf", "project.pdf"]

    # The return: its comment, and the loop taken: the draft waits again.
    returned = _completion(replay, "approve_activity")
    assert returned.actor == "executive1" and returned.comment == "เอกสารไม่ครบ"
    assert returned.capacity == {"kind": "self"}
    assert replay.state_at(returned.seq + 1).active == ("draft_meeting_training_request",)
    assert replay.state_at(returned.seq).data["activity_decision"] == "return"

    # After the second approval: the loop counted twice; the data as it was then (the approval is approve).
    second = _completion(replay, "approve_activity", 2)
    at = replay.state_at(second.seq)
    assert at.done["draft_meeting_training_request"] == 2 and at.done["approve_activity"] == 2
    assert at.data["activity_decision"] == "approve"
    assert sorted(names[s] for s in at.files) == ["meeting-request.pdf", "project-v2.pdf", "project.pdf"]

    # The late step: two working days against a standard of 60 minutes; when, in the Buddhist era.
    late = _completion(replay, "prepare_loan_documents")
    assert late.timing is not None and late.timing.working_days == 2 and late.timing.late
    assert late.timing.standard_working_days == pytest.approx(60 / 420, abs=0.01)
    assert (late.be_date, late.be_time) == ("9/12/2569", "10:00")
    on_time = _completion(replay, "receive_assignment")
    assert on_time.timing is not None and on_time.timing.working_days == 0 and not on_time.timing.late

    # The control point confirmed, by whom; the signature, verified.
    signed = _completion(replay, "sign_loan_documents")
    assert [(c["id"], c["by"]) for c in signed.controls_confirmed] == [("cp1", "executive2")]
    assert signed.controls_confirmed[0]["label"]["th"]
    sig_step = next(s for s in replay.steps if s.event_type == "task_signed")
    assert sig_step.actor == "borrower_staff1" and sig_step.signature_ids
    assert all(s.valid for s in replay.signatures if s.id in sig_step.signature_ids)

    # The last state is the case's data now; the replay wrote nothing to the case's history.
    assert replay.states[-1].data == pk.cases.show(case_id).data
    assert len(pk.cases.show(case_id).history) == len(history)
    assert replay.to_json()["steps"][0]["event_type"] == "instance_started"
    with pytest.raises(Exception):
        replay.state_at(len(replay.states) + 1)


def test_an_auditors_replay_is_logged_and_the_log_is_append_only(pk):
    case_id = pk.cases.start("advance-loan", "clerk1").instance_id
    auditor, clerk = pk.accounts.account("auditor1"), pk.accounts.account("clerk1")
    pk.case_replay.replay(case_id, clerk)  # the case's own people may replay it: not an auditor's view
    assert pk.case_search.views_of(case_id, clerk) == ()
    pk.case_replay.replay(case_id, auditor, surface="cli")
    assert pk.case_search.log_case_view(auditor, case_id) is True
    assert pk.case_search.log_case_view(clerk, case_id) is False
    views = pk.case_search.views_of(case_id, clerk)
    assert [(v.viewer, v.what, v.surface) for v in views] == [("auditor1", "case", "web"), ("auditor1", "replay", "cli")]
    assert pk.case_replay.replay(case_id, auditor).viewed_by[0].what == "replay"  # it shows itself too
    stranger = pk.accounts.account("finance_group1")  # no step of this case is theirs
    with pytest.raises(NotFound):
        pk.case_replay.replay(case_id, stranger)
    with pytest.raises(NotFound):
        pk.case_search.views_of(case_id, stranger)
    history = len(pk.cases.show(case_id).history)
    for statement in ("UPDATE audit_views SET viewer = 'nobody'", "DELETE FROM audit_views"):
        with pytest.raises(Exception, match="append-only"), pk.ctx.db.write_engine.begin() as conn:
            conn.execute(text(statement))
    assert len(pk.case_search.views_of(case_id, clerk)) == 3
    assert len(pk.cases.show(case_id).history) == history  # the system's log, not the case's history
