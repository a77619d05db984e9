"""Process owners change procedures: drafts, validation at the element, four-eyes publishing with
an effective date, versioned forms (engine.services.authoring), on the real meeting-setup SOP."""
from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from engine import Conflict, DraftInput, Forbidden, InvalidInput, Krabuan, NotFound, SubmitInput
from engine.settings import PROJECT_ROOT

MEETING = PROJECT_ROOT / "processes" / "bpmn" / "meeting-setup.bpmn"
OWNER, OTHER_OWNER, APPROVER, STRANGER = "gen_admin_unit1", "gen_admin_unit2", "it_group_director1", "clerk1"
WEEK = '{"type": "before_event", "amount": 1, "unit": "weeks", "event": "meeting_date"}'
TEN_DAYS = '{"type": "before_event", "amount": 10, "unit": "days", "event": "meeting_date"}'
NEW_CONTROL = '<krabuan:control id="cp3" th="แนบวาระการประชุมไปกับหนังสือเชิญ" en="The agenda goes with the invitation."/>'
NOW = datetime(2027, 1, 4, 3, 0, tzinfo=UTC)  # Monday 10:00 in Bangkok


@pytest.fixture
def pk(project_settings):
    k = Krabuan(project_settings)
    k.upgrade_schema()
    k.people.load_organisation()
    k.repository.deploy([MEETING])
    k.ctx.fixed_now = NOW
    yield k
    k.close()


def _changed_xml(k: Krabuan) -> str:
    """meeting-setup (version 1) with the invitation lead time 10 days instead of a week, and a new control."""
    xml = k.changes.version_xml("meeting-setup", 1)
    assert xml.count(WEEK) == 1
    return xml.replace(WEEK, TEN_DAYS).replace(
        'en="Sent by electronic mail."/>', 'en="Sent by electronic mail."/>' + NEW_CONTROL)


def _save(k: Krabuan, xml: str, who: str = OWNER, forms: dict | None = None) -> int:
    draft = k.changes.draft(who, "meeting-setup")
    return k.changes.save(who, "meeting-setup", DraftInput(
        xml, draft.forms if forms is None else forms, draft.lock_version)).lock_version


def _submit(k: Krabuan, xml: str, effective: date = date(2027, 1, 4)) -> int:
    lock = _save(k, xml)
    return k.changes.submit(OWNER, "meeting-setup", SubmitInput(effective, "หนังสือเชิญต้องถึงก่อน 10 วัน", lock)).id


def test_the_editor_opens_the_newest_version_and_a_draft_is_private_to_the_owners(pk):
    draft = pk.changes.draft(OWNER, "meeting-setup")
    assert (draft.base_version, draft.lock_version, draft.change, draft.may_edit) == (1, 0, None, True)
    assert 'id="send_invitations"' in draft.bpmn_xml
    assert "meeting-setup.send_invitations" in draft.forms and draft.forms["meeting-setup.send_invitations"]["fields"]
    assert {"meeting_date", "room_available"} <= {v.name for v in draft.variables}
    room = next(v for v in draft.variables if v.name == "room_available")
    assert ("no", "ไม่ว่าง") in room.options  # the condition picker offers the form's options
    with pytest.raises(NotFound):
        pk.changes.draft(STRANGER, "meeting-setup")
    with pytest.raises(Forbidden):
        pk.changes.save(STRANGER, "meeting-setup", DraftInput(draft.bpmn_xml, {}, 0))
    _save(pk, _changed_xml(pk))
    with pytest.raises(NotFound):  # an approver does not read a draft before it is submitted
        pk.changes.draft(APPROVER, "meeting-setup")
    again = pk.changes.draft(OTHER_OWNER, "meeting-setup")
    assert TEN_DAYS in again.bpmn_xml and again.lock_version == 1
    assert pk.repository.versions("meeting-setup")[-1].version == 1  # nothing runs on a draft


def test_a_save_from_a_stale_tab_is_a_conflict_and_nothing_is_overwritten(pk):
    xml = _changed_xml(pk)
    pk.changes.save(OWNER, "meeting-setup", DraftInput(xml, {}, 0))
    with pytest.raises(Conflict):  # a second tab that opened before the first save
        pk.changes.save(OTHER_OWNER, "meeting-setup", DraftInput(xml.replace("10", "12"), {}, 0))
    pk.changes.save(OTHER_OWNER, "meeting-setup", DraftInput(xml + "\n", {}, 1))
    with pytest.raises(Conflict):
        pk.changes.save(OWNER, "meeting-setup", DraftInput(xml, {}, 1))
    change = pk.changes.draft(OWNER, "meeting-setup").change
    assert change is not None and change.lock_version == 2 and change.authors == (OWNER, OTHER_OWNER)
    with pytest.raises(InvalidInput, match="well-formed"):
        pk.changes.save(OWNER, "meeting-setup", DraftInput("<bpmn:definitions", {}, 2))


def test_validation_shows_each_problem_at_its_element_in_thai_and_english(pk):
    xml = _changed_xml(pk)
    lonely = ('<bpmn:userTask id="lonely_task" name="งานที่ไม่ได้เชื่อม"><bpmn:extensionElements>'
              '<krabuan:step form="meeting-setup.send_invitations" kind="user" minutes="30"/>'
              '</bpmn:extensionElements></bpmn:userTask>')
    broken = xml.replace("</bpmn:process>", lonely + "</bpmn:process>", 1)
    _save(pk, broken)
    validation = pk.changes.validate(OWNER, "meeting-setup")
    assert not validation.ok
    at_task = [p for p in validation.problems if p.element_id == "lonely_task" and p.severity == "error"]
    assert at_task, validation.to_json()
    assert any("ไม่มีเส้นลำดับงานเข้ามา" in p.th or "เชื่อมต่อ" in p.th for p in at_task)
    assert any(p.rule == "no-disconnected" for p in at_task)  # bpmnlint's recommended rule
    with pytest.raises(InvalidInput, match="problem"):
        pk.changes.submit(OWNER, "meeting-setup", SubmitInput(date(2027, 1, 4), "why", 1))
    _save(pk, xml)
    assert [p for p in pk.changes.validate(OWNER, "meeting-setup").problems if p.severity == "error"] == []


def test_publishing_needs_a_second_person_and_keeps_running_cases_on_their_version(pk):
    before = pk.cases.start("meeting-setup", "clerk1").instance_id
    change_id = _submit(pk, _changed_xml(pk))
    submitted = pk.changes.draft(APPROVER, "meeting-setup")
    assert submitted.may_approve and not submitted.may_edit and TEN_DAYS in submitted.bpmn_xml
    kinds = {(c.kind, c.element_id) for c in submitted.change.diff.changes}
    assert {("deadline_changed", "send_invitations"), ("control_added", "send_invitations")} <= kinds
    with pytest.raises(Forbidden, match="not an approver"):
        pk.changes.approve(OTHER_OWNER, change_id)
    with pytest.raises(Conflict):  # submitted: frozen until withdrawn or returned
        pk.changes.save(OWNER, "meeting-setup", DraftInput(_changed_xml(pk), {}, 2))
    published = pk.changes.approve(APPROVER, change_id, "อนุมัติ")
    assert (published.status, published.published_version, published.decided_by) == ("published", 2, APPROVER)
    v2 = pk.repository.versions("meeting-setup")[-1]
    assert (v2.version, v2.effective_from, v2.published_by, v2.approved_by) == (2, date(2027, 1, 4), OWNER, APPROVER)
    after = pk.cases.start("meeting-setup", "clerk1")
    assert after.version == 2 and pk.cases.show(before).definition_id != pk.cases.show(after.instance_id).definition_id
    _, model = pk.repository.process_model("meeting-setup", 2)
    assert model.steps["send_invitations"].meta.deadline == json.loads(TEN_DAYS)
    assert "cp3" in [c.id for c in model.steps["send_invitations"].meta.controls]
    kept = pk.changes.version_diff("meeting-setup", 1, 2)
    assert {(c.kind, c.element_id) for c in kept.changes} == kinds
    assert pk.changes.draft(OWNER, "meeting-setup").base_version == 2  # the next draft starts from it


def test_whoever_edited_a_change_cannot_approve_it_even_as_an_approver(pk):
    from engine.model.stewards import Stewards, Stewardship

    both = frozenset({"gen_admin_unit", "it_group_director"})
    pk.ctx.stewardship = Stewardship(by_process={"meeting-setup": Stewards(
        owner_groups=both, approver_groups=frozenset({"it_group_director"}))})
    draft = pk.changes.draft(APPROVER, "meeting-setup")
    lock = pk.changes.save(APPROVER, "meeting-setup", DraftInput(_changed_xml(pk), draft.forms, 0)).lock_version
    change_id = pk.changes.submit(OWNER, "meeting-setup", SubmitInput(date(2027, 1, 4), "why", lock)).id
    with pytest.raises(Forbidden, match="four eyes"):  # an approver who edited it
        pk.changes.approve(APPROVER, change_id)
    assert pk.repository.versions("meeting-setup")[-1].version == 1
    assert pk.changes.approve("it_group_director2", change_id).published_version == 2


def test_a_change_takes_effect_on_its_date(pk):
    _submit(pk, _changed_xml(pk), effective=date(2027, 2, 1))
    pk.changes.approve(APPROVER, pk.changes.changes(OWNER, "meeting-setup")[0].id)
    assert pk.cases.start("meeting-setup", "clerk1").version == 1  # not in effect yet
    assert [v.version for v in pk.repository.newest()] == [1]  # what the start page offers today
    pk.ctx.fixed_now = datetime(2027, 1, 31, 16, 59, tzinfo=UTC)  # 23:59 in Bangkok, the day before
    assert pk.cases.start("meeting-setup", "clerk1").version == 1
    pk.ctx.fixed_now = datetime(2027, 1, 31, 17, 0, tzinfo=UTC)  # midnight in Bangkok: 1 February
    assert pk.cases.start("meeting-setup", "clerk1").version == 2
    assert [v.version for v in pk.repository.newest()] == [2]
    with pytest.raises(InvalidInput, match="past"):
        lock = _save(pk, _changed_xml(pk).replace("cp3", "cp4"))
        pk.changes.submit(OWNER, "meeting-setup", SubmitInput(date(2027, 1, 30), "why", lock))


def test_forms_edited_with_a_change_are_versioned_with_it(pk):
    before = pk.cases.start("meeting-setup", "clerk1").instance_id
    draft = pk.changes.draft(OWNER, "meeting-setup")
    forms = json.loads(json.dumps(draft.forms))
    form = forms["meeting-setup.receive_assignment"]
    form["fields"][0]["label"] = {"th": "หัวข้อการประชุม", "en": "Meeting topic"}
    form["fields"].append({"name": "meeting_budget", "type": "money", "label": {"th": "งบประมาณ", "en": "Budget"}})
    lock = pk.changes.save(OWNER, "meeting-setup", DraftInput(draft.bpmn_xml, forms, 0)).lock_version
    diff = pk.changes.submit(OWNER, "meeting-setup", SubmitInput(date(2027, 1, 4), "เพิ่มงบประมาณ", lock)).diff
    assert {c.kind for c in diff.changes} >= {"field_added", "field_changed"}
    pk.changes.approve(APPROVER, pk.changes.changes(OWNER)[0].id)
    after = pk.cases.start("meeting-setup", "clerk1").instance_id
    old_task = pk.tasks.of_case(before)[0].id
    new_task = pk.tasks.of_case(after)[0].id
    clerk = pk.accounts.account("clerk1")
    old_page, new_page = pk.tasks.open(old_task, clerk), pk.tasks.open(new_task, clerk)
    assert old_page.form.fields[0].label.th == "เรื่องการประชุม"  # the running case keeps its form
    assert new_page.form.fields[0].label.th == "หัวข้อการประชุม"
    assert "meeting_budget" in new_page.form.field_names() and "meeting_budget" not in old_page.form.field_names()
    bad = dict(forms, **{"meeting-setup.receive_assignment": dict(form, fields=[{"name": "X", "type": "text"}])})
    lock = pk.changes.save(OWNER, "meeting-setup", DraftInput(draft.bpmn_xml, bad, 0)).lock_version
    problems = pk.changes.validate(OWNER, "meeting-setup").problems
    assert any(p.rule == "form" and "receive_assignment" in p.th for p in problems)


def test_rejecting_returns_the_change_to_its_owners_and_withdrawing_drops_it(pk):
    change_id = _submit(pk, _changed_xml(pk))
    with pytest.raises(InvalidInput):
        pk.changes.reject(APPROVER, change_id, " ")
    returned = pk.changes.reject(APPROVER, change_id, "ขอให้ระบุเหตุผลของ 10 วัน")
    assert (returned.status, returned.decision_note) == ("draft", "ขอให้ระบุเหตุผลของ 10 วัน")
    with pytest.raises(Conflict):
        pk.changes.approve(APPROVER, change_id)
    assert pk.changes.draft(OWNER, "meeting-setup").may_edit
    withdrawn = pk.changes.withdraw(OWNER, "meeting-setup")
    assert withdrawn.status == "withdrawn"
    assert pk.changes.draft(OWNER, "meeting-setup").change is None
    assert pk.repository.versions("meeting-setup")[-1].version == 1


def test_a_change_made_on_an_older_version_is_not_published_over_a_newer_one(pk, tmp_path):
    change_id = _submit(pk, _changed_xml(pk))
    edited = tmp_path / "meeting-setup.bpmn"
    edited.write_text(MEETING.read_text(encoding="utf-8") + "\n<!-- edited by an administrator -->\n",
                      encoding="utf-8")
    assert pk.repository.deploy([edited])[0].version == 2
    with pytest.raises(Conflict, match="version 2"):
        pk.changes.approve(APPROVER, change_id)


def test_deploying_the_old_file_again_does_not_undo_a_published_change(pk):
    pk.changes.approve(APPROVER, _submit(pk, _changed_xml(pk)))
    again = pk.repository.deploy([MEETING])[0]  # e.g. `krabuan init` run again
    assert (again.version, again.created) == (1, False)
    assert "version 2 is newer" in again.warnings[-1]
    assert pk.repository.versions("meeting-setup")[-1].version == 2


def test_submitting_nothing_changed_or_without_a_reason_is_refused(pk):
    xml = pk.changes.draft(OWNER, "meeting-setup").bpmn_xml
    lock = _save(pk, xml)
    with pytest.raises(InvalidInput, match="changes nothing"):
        pk.changes.submit(OWNER, "meeting-setup", SubmitInput(date(2027, 1, 4), "why", lock))
    with pytest.raises(InvalidInput, match="why"):
        pk.changes.submit(OWNER, "meeting-setup", SubmitInput(date(2027, 1, 4), "  ", lock))


def test_owners_and_approvers_see_their_procedures(pk):
    mine = pk.changes.mine(OWNER)
    assert [(s.process_id, s.owns, s.approves) for s in mine] == [("meeting-setup", True, False)]
    assert [(s.process_id, s.owns, s.approves) for s in pk.changes.mine(APPROVER)] == [("meeting-setup", False, True)]
    assert pk.changes.mine(STRANGER) == []


def test_a_model_that_is_not_executable_is_refused_for_publishing_with_the_reason(pk):
    xml = _changed_xml(pk).replace('isExecutable="true"', 'isExecutable="false"')
    assert 'isExecutable="false"' in xml
    lock = _save(pk, xml)  # it opens and saves as a draft (for viewing and fixing)
    validation = pk.changes.validate(OWNER, "meeting-setup")
    assert not validation.ok
    assert any("isExecutable" in p.th and "isExecutable" in p.en for p in validation.problems), validation.to_json()
    with pytest.raises(InvalidInput, match="problem"):
        pk.changes.submit(OWNER, "meeting-setup", SubmitInput(date(2027, 1, 4), "why", lock))
