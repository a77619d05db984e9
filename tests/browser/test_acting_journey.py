"""The director's acting official (ปฏิบัติราชการแทน) approves an advance request from their worklist
on a phone: the worklist names the capacity, the approval records it, and the day after the
appointment ends the task is no longer theirs. Screenshots in test-artifacts/screenshots/."""
from __future__ import annotations

import re
from datetime import date

from browser_helpers import shot, sign_in

from engine import AppointmentRequest, Completion

CLAIM = Completion(claim=True)


def _pdf(k, name: str) -> str:
    return k.files.upload("clerk1", name, b"%PDF-1.4\n" + name.encode() + b"\n%%EOF\n").sha256


def _to_approval(k) -> int:
    """An advance-loan case at the director's approval of the meeting request (clerk1 prepared it)."""
    instance_id = k.cases.start("advance-loan", "clerk2").instance_id
    step = next(t for t in k.tasks.of_case(instance_id) if t.element_id == "receive_assignment")
    k.cases.complete(step.id, "clerk1", {"advance_purpose": "meeting_training",
                                         "activity_title": "อบรมการใช้งานระบบสารสนเทศ", "activity_date": "2026-12-15",
                                         "borrower_name": "นางสาวสมหญิง ใจดี", "estimated_amount": "20000"}, how=CLAIM)
    step = next(t for t in k.tasks.of_case(instance_id) if t.element_id == "draft_meeting_training_request")
    k.cases.complete(step.id, "clerk1", {"meeting_request_file": _pdf(k, "meeting-request.pdf"),
                                         "project_file": _pdf(k, "project.pdf")}, how=CLAIM)
    return instance_id


def test_the_acting_official_approves_from_the_worklist_on_a_phone(browser, server, engine):
    instance_id = _to_approval(engine)
    made = engine.acting.appoint("admin1", AppointmentRequest("recipients1", "executive", "delegated",
                                                              (date(2026, 1, 1), date(2099, 12, 31)),
                                                              "คำสั่งกรม ที่ 15/2569"))
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="th-TH", is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.base = server
    try:
        sign_in(page, "recipients1")
        page.wait_for_url(re.compile(r"/$"))
        row = page.locator("tr", has_text=f"#{instance_id}")
        chip = row.locator(".chip.acting")
        assert chip.inner_text().strip() == "ปฏิบัติราชการแทน ผู้อำนวยการ (ผู้มีอำนาจ)"
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        shot(page, "acting-1-phone-worklist")
        row.get_by_role("link").first.click()
        page.wait_for_url(re.compile(r"/tasks/\d+$"))
        capacity = page.locator("#capacity")
        assert "ปฏิบัติราชการแทน ผู้อำนวยการ (ผู้มีอำนาจ)" in capacity.inner_text()
        assert "คำสั่งกรม ที่ 15/2569" in capacity.inner_text()
        assert capacity.bounding_box()["y"] < page.locator(".decision-buttons").bounding_box()["y"]  # said first
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        shot(page, "acting-2-phone-task")
        page.locator(".decision-buttons").get_by_role("button", name="อนุมัติ").click()
        page.wait_for_url(re.compile(r"/$"))
        shot(page, "acting-3-phone-approved")
    finally:
        context.close()
    done = [e for e in engine.cases.show(instance_id).history if e.event_type == "task_completed"][-1]
    assert done.actor == "recipients1" and done.payload["decision"] == "approve"
    assert done.payload["capacity"] == {
        "kind": "delegated", "kind_th": "ปฏิบัติราชการแทน", "kind_en": "On behalf of", "for_position": "executive",
        "position_title": {"th": "ผู้อำนวยการ (ผู้มีอำนาจ)", "en": "Director with signing authority"},
        "for_user": "executive1", "order_ref": "คำสั่งกรม ที่ 15/2569", "appointment_id": made.id}
    engine.acting.end("admin1", made.id)
    assert all(r.ok for r in engine.audit.verify(instance_id))


def test_an_administrator_appoints_on_the_page_and_a_clerk_records_an_absence(page, engine):
    from browser_helpers import PASSWORD

    engine.accounts.set_password("admin1", PASSWORD, actor="admin1")
    sign_in(page, "admin1")
    page.wait_for_url(re.compile(r"/$"))
    page.get_by_role("link", name="ผู้รักษาราชการแทน").click()
    page.wait_for_url(re.compile(r"/admin/acting$"))
    page.get_by_label("ผู้ทำการแทน").select_option("it_group_planning1")
    page.get_by_label("ตำแหน่ง").select_option("it_group_director")
    page.get_by_label("ประเภท").select_option("acting")
    page.get_by_label("ตั้งแต่วันที่").fill("1/1/2569")
    page.get_by_label("ถึงวันที่").fill("31/12/2642")
    page.get_by_label("เลขที่คำสั่ง").fill("คำสั่งกลุ่ม ที่ 3/2569")
    page.get_by_role("button", name="แต่งตั้ง").click()
    page.wait_for_url(re.compile(r"/admin/acting$"))
    row = page.locator("tr", has_text="คำสั่งกลุ่ม ที่ 3/2569")
    assert "รักษาราชการแทน" in row.inner_text() and "มีผลอยู่" in row.inner_text()
    shot(page, "acting-4-admin-page")
    # the same position again over the same days is refused, and said so
    page.get_by_label("ผู้ทำการแทน").select_option("clerk1")
    page.get_by_label("ตำแหน่ง").select_option("it_group_director")
    page.get_by_label("ตั้งแต่วันที่").fill("1/6/2569")
    page.get_by_label("ถึงวันที่").fill("2/6/2569")
    page.get_by_label("เลขที่คำสั่ง").fill("ซ้ำ")
    page.get_by_role("button", name="แต่งตั้ง").click()
    assert "already covers" in page.locator(".flash").inner_text()
    row.get_by_role("button", name="สิ้นสุดทันที").click()
    assert "สิ้นสุดก่อนกำหนด" in page.locator("tr", has_text="คำสั่งกลุ่ม ที่ 3/2569").inner_text()
    page.get_by_role("button", name="ออกจากระบบ").click()

    sign_in(page, "clerk1")
    page.wait_for_url(re.compile(r"/$"))
    page.get_by_role("link", name="ตั้งค่า").click()
    page.get_by_label("ตั้งแต่วันที่").fill("1/6/2642")
    page.get_by_label("ถึงวันที่").fill("5/6/2642")
    page.get_by_label("ผู้ปฏิบัติงานแทน").select_option("clerk2")
    page.get_by_role("button", name="บันทึกการลา").click()
    assert "บันทึกการลาแล้ว" in page.locator(".flash").inner_text()
    assert "clerk2" in page.locator("tr", has_text="2642").inner_text()
    shot(page, "acting-5-my-absence")
