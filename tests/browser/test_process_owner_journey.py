"""A process owner changes meeting-setup in the browser and a second person publishes it (issue 13):
the invitation lead time goes from 7 to 10 days and a control point is added in the properties
panel; a deliberately disconnected task shows its error at the element when validating and is
removed; the draft saves itself; the director reads the diff (list and coloured diagrams) and
approves; a case started before keeps 7 days, a new case gets 10."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from browser_helpers import PASSWORD, shot, sign_in
from engine import BANGKOK, Completion, Krabuan

OWNER, APPROVER = "gen_admin_unit1", "it_group_director1"
MEETING_DAY = date(2027, 1, 21)  # a Thursday; a week before and ten days before are working days
ASSIGNMENT = {"meeting_subject": "ประชุมคณะทำงานพัฒนาระบบสารสนเทศ", "meeting_objective": "ติดตามความก้าวหน้า",
              "target_group": "ผู้แทนกลุ่มงานในสังกัด", "expected_participants": 25}
BOOKED = {"meeting_date": MEETING_DAY.isoformat(), "meeting_start": f"{MEETING_DAY.isoformat()}T09:30:00+07:00",
          "room_available": "yes", "meeting_room": "ห้องประชุม 1 ชั้น 3", "booking_reference": "RB-2027-0011",
          "booking_approved": True}


@pytest.fixture(scope="module")
def people(engine: Krabuan) -> Krabuan:
    stored = engine.accounts.hash_password("x", PASSWORD)
    for user in (OWNER, APPROVER, "clerk1"):
        engine.accounts.set_password(user, PASSWORD, actor=user, stored_hash=stored)
    return engine


def _open(k: Krabuan, instance_id: int, element_id: str):
    return next(t for t in k.tasks.of_case(instance_id) if t.element_id == element_id)


def _to_invitations(k: Krabuan, instance_id: int) -> date:
    """Drive a case to its invitations step (the director signs with the password); the step's due day."""
    k.cases.complete(_open(k, instance_id, "receive_assignment").id, "clerk1", ASSIGNMENT, how=Completion(claim=True))
    k.cases.complete(_open(k, instance_id, "fix_date_and_book_room").id, "clerk1", BOOKED, how=Completion(claim=True))
    files = {name: k.files.upload("clerk1", f"{name}.pdf", b"%PDF-1.4\n" + name.encode() + b"\n%%EOF\n").sha256
             for name in ("approval_request_file", "invitation_file", "draft_agenda_file")}
    k.cases.complete(_open(k, instance_id, "draft_meeting_documents").id, "clerk1", files, how=Completion(claim=True))
    k.cases.complete(_open(k, instance_id, "director_signs_meeting_documents").id, APPROVER,
                     {"documents_decision": "approve"}, how=Completion(claim=True, password=PASSWORD))
    due = _open(k, instance_id, "send_invitations").due_at
    assert due is not None
    return due.astimezone(BANGKOK).date()


def _wait_saved(page) -> None:
    page.wait_for_function("() => /บันทึกร่างแล้ว/.test(document.getElementById('save-state').textContent)")


def _panel(page, name: str) -> str:
    return f"#bio-properties-panel-{name}"


def test_an_owner_changes_the_invitation_lead_time_and_a_second_person_publishes_it(people, page):
    k = people
    before = k.cases.start("meeting-setup", "clerk1").instance_id  # started on version 1

    sign_in(page, OWNER)
    page.goto(page.base + "/procedures")
    shot(page, "owner-procedures")
    page.locator("tr[data-process-id='meeting-setup'] a.btn").click()
    page.wait_for_selector("#canvas [data-element-id='send_invitations']")
    page.locator("#canvas [data-element-id='send_invitations']").click()
    page.wait_for_selector(_panel(page, "krabuan-deadline-amount"))
    assert page.locator(_panel(page, "krabuan-deadline-unit")).input_value() == "weeks"
    page.fill(_panel(page, "krabuan-deadline-amount"), "10")
    page.select_option(_panel(page, "krabuan-deadline-unit"), "days")
    controls = page.locator("[data-group-id='group-krabuan-controls']")
    controls.locator(".bio-properties-panel-add-entry").click()
    page.wait_for_selector("[data-group-id='group-krabuan-controls'] .bio-properties-panel-list-badge:text('3')")
    if not page.locator(_panel(page, "krabuan-control-2-th")).is_visible():  # open the new item to type in it
        controls.locator(".bio-properties-panel-collapsible-entry-header").nth(2).click()
    page.fill(_panel(page, "krabuan-control-2-th"), "แนบวาระการประชุมไปกับหนังสือเชิญ")
    page.fill(_panel(page, "krabuan-control-2-en"), "The agenda goes with the invitation.")
    _wait_saved(page)
    shot(page, "owner-editor-panel")

    # A task dropped from the palette and left unconnected: validation says so at the element.
    pool = page.evaluate("() => window.KrabuanEditor.editor.modeler.get('elementRegistry')"
                         ".filter(e => e.type === 'bpmn:Participant').map(e => e.id)[0]")
    box = page.locator(f"#canvas [data-element-id='{pool}']").bounding_box()
    page.locator(".djs-palette [data-action='create.task']").click()
    spot = (box["x"] + box["width"] * 0.55, box["y"] + box["height"] - 8)  # the last lane, clear of other steps
    page.mouse.move(spot[0] - 30, spot[1])
    page.mouse.move(*spot)
    page.mouse.click(*spot)
    lonely = page.evaluate("() => window.KrabuanEditor.editor.modeler.get('elementRegistry')"
                           ".filter(e => e.type === 'bpmn:Task').map(e => e.id)")
    assert len(lonely) == 1, lonely
    page.locator("#validate").click()
    items = page.locator(f"#problem-list button[data-element-id='{lonely[0]}']")
    items.first.wait_for()
    said = [items.nth(i).inner_text() for i in range(items.count())]
    assert any("ไม่ได้เชื่อมต่อ" in text for text in said), said  # bpmnlint's no-disconnected, in Thai
    item = items.first
    assert page.locator(f"#canvas [data-element-id='{lonely[0]}'].kb-problem-error").count() == 1
    shot(page, "owner-editor-problems")
    item.click()  # selects the element on the diagram; its context pad's bin removes it
    page.locator(".djs-context-pad.open [data-action='delete']").click()
    _wait_saved(page)
    page.locator("#validate").click()
    page.wait_for_function("() => /ไม่พบปัญหา/.test(document.getElementById('problems-summary').textContent)")
    assert page.locator(".kb-badge-error").count() == 0

    today = datetime.now(BANGKOK).date()
    page.fill("#effective", f"{today.day}/{today.month}/{today.year + 543}")
    page.fill("#note", "หนังสือเชิญต้องถึงหน่วยงานก่อน 10 วัน")
    page.locator("#send-for-approval").click()
    page.wait_for_url("**/changes/*")
    assert "รออนุมัติ" in page.locator("#change-status").inner_text()
    assert page.locator("#approve-form").count() == 0  # the author cannot approve
    shot(page, "owner-change-submitted")

    change_url = page.url
    page.context.clear_cookies()
    sign_in(page, APPROVER)
    page.goto(page.base + "/procedures")  # the director finds the change waiting in their procedures
    page.locator("tr[data-process-id='meeting-setup'] a.btn").click()
    assert page.url == change_url
    lines = page.locator("#diff-list li")
    kinds = [lines.nth(i).get_attribute("data-kind") for i in range(lines.count())]
    assert set(kinds) == {"deadline_changed", "control_added"}, kinds
    assert "10 วัน" in page.locator("#diff-list li[data-kind='deadline_changed']").inner_text()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.wait_for_timeout(1500)
    shot(page, "approver-diff")
    page.set_viewport_size({"width": 390, "height": 844})  # the director often reads it on a phone
    page.wait_for_timeout(300)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling
    shot(page, "approver-diff-phone")
    page.set_viewport_size({"width": 1280, "height": 900})
    assert errors == []
    page.wait_for_selector("#diagram-new [data-element-id='send_invitations'].kb-diff-changed")
    page.locator("#approve").click()
    page.wait_for_selector("#change-status")
    assert "เผยแพร่แล้ว" in page.locator("#change-status").inner_text()
    shot(page, "approver-published")

    after = k.cases.start("meeting-setup", "clerk1").instance_id
    assert _to_invitations(k, before) == MEETING_DAY - timedelta(days=7)  # started before: a week
    assert _to_invitations(k, after) == MEETING_DAY - timedelta(days=10)  # started after: ten days

    # The owner moves the case still waiting in version 1 to version 2: it keeps its deadline.
    page.context.clear_cookies()
    sign_in(page, OWNER)
    page.goto(page.base + "/procedures")
    page.locator("tr[data-process-id='meeting-setup'] a.migrate-link").click()
    row = page.locator(f"#candidates tr[data-instance-id='{before}']")
    assert "can-move" in (row.get_attribute("class") or "")
    assert "ส่งหนังสือเชิญ" in row.inner_text()  # it waits in the invitations step, whose deadline rule changed
    shot(page, "owner-migrate-plan")
    row.locator("input[type=checkbox]").check()
    page.locator("#migrate").click()
    page.wait_for_selector(f"#outcomes li[data-instance-id='{before}'][data-outcome='migrated']")
    shot(page, "owner-migrated")
    assert k.cases.show(before).definition_id == k.cases.show(after).definition_id
    assert _open(k, before, "send_invitations").due_at.astimezone(BANGKOK).date() == MEETING_DAY - timedelta(days=7)
    moved = [e for e in k.cases.show(before).history if e.event_type == "instance_migrated"]
    assert len(moved) == 1 and moved[0].payload["from_version"] == 1 and moved[0].payload["to_version"] == 2
    assert all(report.ok for report in k.audit.verify(before))
    page.context.clear_cookies()
    sign_in(page, "clerk1")
    page.goto(page.base + f"/cases/{before}")
    assert "ย้ายเรื่องไปใช้กระบวนงานฉบับใหม่" in page.locator("main").inner_text()
    shot(page, "case-migrated-timeline")


def test_an_owner_edits_a_steps_form_and_adds_a_form_in_the_forms_tab(people, page):
    k = people
    sign_in(page, OWNER)
    page.goto(page.base + "/procedures/meeting-setup/edit")
    page.wait_for_selector("#canvas [data-element-id='send_invitations']")
    page.locator("#tab-forms").click()
    page.select_option("#form-pick", "meeting-setup.receive_assignment")
    first = page.locator("#form-fields fieldset.form-field").first
    first.locator("[data-key=label_th]").fill("หัวข้อการประชุม")
    page.locator("#add-field").click()
    added = page.locator("#form-fields fieldset.form-field").last
    added.locator("[data-key=name]").fill("meeting_budget")
    added.locator("[data-key=type]").select_option("money")
    added.locator("[data-key=label_th]").fill("งบประมาณการประชุม")
    added.locator("[data-key=label_en]").fill("Meeting budget")
    added.locator("[data-key=required]").check()
    page.fill("#new-form-key", "meeting-setup.check_budget")
    page.locator("#add-form").click()
    _wait_saved(page)
    shot(page, "owner-forms-editor")
    draft = k.changes.draft(OWNER, "meeting-setup")
    form = draft.forms["meeting-setup.receive_assignment"]
    assert form["fields"][0]["label"]["th"] == "หัวข้อการประชุม"
    assert form["fields"][-1] == {"name": "meeting_budget", "type": "money", "required": True,
                                  "label": {"th": "งบประมาณการประชุม", "en": "Meeting budget"}}
    assert draft.forms["meeting-setup.check_budget"]["fields"] == []
    # The new form has no title yet: validation says so (a form's own check, in Thai and English).
    page.locator("#validate").click()
    page.wait_for_selector("#problem-list li")
    said = page.locator("#problem-list").inner_text()
    assert "meeting-setup.check_budget" in said
