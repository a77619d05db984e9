"""Journeys in a real browser: what a clerk sees and does, in Thai, with the glyphs really drawn."""
from __future__ import annotations

import re

from browser_helpers import shot, sign_in

SARABUN_DRAWN = "document.fonts.check('16px Sarabun', 'กขค') && getComputedStyle(document.body).fontFamily"


def test_a_clerk_registers_a_received_letter_and_routes_it_to_the_end(page, engine):
    sign_in(page, "clerk1")
    page.wait_for_url(re.compile(r"/$"))
    assert page.evaluate("document.fonts.ready.then(() => " + SARABUN_DRAWN + ")").startswith("Sarabun")
    shot(page, "receive-letter-0-worklist-before")
    page.get_by_role("link", name="เริ่มเรื่องใหม่").click()
    page.locator('tr[data-process="receive-letter"]').get_by_role("button").click()
    page.wait_for_url(re.compile(r"/tasks/\d+$"))
    assert "เริ่มเรื่อง #" in page.locator(".flash").inner_text()
    instance_id = int(page.get_by_role("link", name=re.compile(r"เรื่อง #\d+")).inner_text().split("#")[1])
    page.goto(page.base + "/")
    row = page.locator("tr", has_text="สำเนาหนังสือ").filter(has_text=f"#{instance_id}")
    assert row.count() == 1
    shot(page, "receive-letter-1-worklist")
    row.get_by_role("link").first.click()

    # The form in Thai: a required field left empty is named next to the field; what was typed stays.
    page.get_by_label("เรื่อง").fill("ขอเชิญประชุมคณะทำงาน")
    page.get_by_label("ที่ (เลขที่หนังสือของผู้ส่ง)").fill("สธ 0901/1234")
    page.get_by_label("ลงวันที่").fill("18/11/2569")
    page.locator('input[name="sender"]').fill("กรมอนามัย")
    page.locator('input[name="addressee"]').fill("ผู้อำนวยการกลุ่มเทคโนโลยีสารสนเทศ")
    page.get_by_label("จำนวนสำเนา").fill("3")
    page.get_by_role("button", name="บันทึกและส่งงานขั้นตอนนี้").click()
    field = page.locator('[data-field="recipients"]')
    assert "กรุณากรอกช่องนี้" in field.inner_text()
    assert page.get_by_label("เรื่อง").input_value() == "ขอเชิญประชุมคณะทำงาน"
    assert "กรุณายืนยันจุดควบคุม" in page.locator("fieldset").locator("..").inner_text()
    shot(page, "receive-letter-2-missing-field")

    page.get_by_label("ฝ่ายและผู้เกี่ยวข้องที่ได้รับสำเนา").fill("ฝ่ายแผนงาน, ฝ่ายพัฒนาระบบ")
    page.locator('input[name="confirm"]').check()
    page.get_by_role("button", name="บันทึกและส่งงานขั้นตอนนี้").click()
    page.wait_for_url(re.compile(r"/$"))
    assert "เสร็จแล้ว" in page.locator(".flash").inner_text()
    shot(page, "receive-letter-3-done")

    # The case page: the diagram of its own version, Thai labels drawn in Sarabun, the step done marked.
    page.goto(page.base + f"/cases/{instance_id}")
    page.wait_for_selector('#diagram[data-rendered="true"]')
    done = page.locator('#diagram [data-element-id="distribute_copies"]')
    assert "k-done" in done.get_attribute("class")
    assert "k-current" in page.locator('#diagram [data-element-id="file_original"]').get_attribute("class")
    label_font = page.evaluate("getComputedStyle(document.querySelector("
                               "'#diagram [data-element-id=\"file_original\"] text')).fontFamily")
    assert label_font.startswith("Sarabun")
    assert page.evaluate("document.fonts.check('13px Sarabun', 'นำต้นเรื่อง')")
    assert "รับงาน" in page.locator("ol.timeline").inner_text() or "ดำเนินการเสร็จ" in page.locator(
        "ol.timeline").inner_text()
    assert page.locator("a[href='http://bpmn.io']").count() == 1  # the bpmn.io mark stays visible
    shot(page, "receive-letter-4-case-page")

    # The next step, for the same lane: file the original.
    page.goto(page.base + "/")
    page.locator("tr", has_text="นำต้นเรื่องเก็บเข้าแฟ้ม").filter(has_text=f"#{instance_id}").get_by_role(
        "link").first.click()
    page.get_by_label("หมวดหมู่แฟ้ม").select_option("meeting_invitation")
    page.get_by_label("เลขที่แฟ้ม").fill("แฟ้ม 7")
    for box in page.locator('input[name="confirm"]').all():
        box.check()
    shot(page, "receive-letter-5-file-original")
    page.get_by_role("button", name="บันทึกและส่งงานขั้นตอนนี้").click()
    page.wait_for_url(re.compile(r"/$"))
    assert engine.cases.show(instance_id).status == "completed"


def test_someone_outside_the_case_gets_not_found(page, engine):
    instance_id = engine.cases.start("receive-letter", "clerk1").instance_id
    task = engine.tasks.of_case(instance_id)[0]
    sign_in(page, "recipients1")
    page.wait_for_url(re.compile(r"/$"))
    response = page.goto(page.base + f"/tasks/{task.id}")
    assert response.status == 404 and "เกิดข้อผิดพลาด" in page.content()


def test_the_worklist_on_a_phone(browser, server, engine):
    """Directors work away from their desks: on a phone-sized screen the worklist reads as cards,
    nothing needs sideways scrolling, and the claim button is within reach."""
    instance_id = engine.cases.start("receive-letter", "clerk1").instance_id
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="th-TH", is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    page.base = server
    try:
        sign_in(page, "clerk2")
        page.wait_for_url(re.compile(r"/$"))
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        row = page.locator("tr", has_text=f"#{instance_id}")
        assert row.get_by_role("button", name="รับงาน").is_visible()
        shot(page, "phone-worklist")
    finally:
        context.close()


def _pdf(name: str) -> dict:
    return {"name": name, "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n" + name.encode() + b"\n%%EOF\n"}


def _as(browser, server, username: str, width: int = 1280):
    """A fresh browser profile signed in as ``username`` (a phone when ``width`` is narrow)."""
    phone = width < 600
    context = browser.new_context(viewport={"width": width, "height": 844 if phone else 900}, locale="th-TH",
                                  is_mobile=phone, has_touch=phone)
    p = context.new_page()
    p.set_default_timeout(15_000)
    p.base = server
    sign_in(p, username)
    p.wait_for_url(re.compile(r"/$"))
    return context, p


def _open_from_worklist(p, step_name: str, instance_id: int) -> None:
    p.goto(p.base + "/")
    p.locator("tr", has_text=step_name).filter(has_text=f"#{instance_id}").get_by_role("link").first.click()
    p.wait_for_url(re.compile(r"/tasks/\d+$"))


def _draft_meeting_request(p, instance_id: int) -> None:
    _open_from_worklist(p, "จัดทำหนังสือขออนุมัติจัดประชุม-อบรม", instance_id)
    p.locator('input[name="meeting_request_file"][type="file"]').set_input_files(_pdf("meeting-request.pdf"))
    p.locator('input[name="project_file"][type="file"]').set_input_files(_pdf("project.pdf"))
    p.get_by_role("button", name="บันทึกและส่งงานขั้นตอนนี้").click()
    p.wait_for_url(re.compile(r"/$"))


def test_a_director_returns_an_advance_request_and_approves_the_revision(page, browser, server, engine):
    """A clerk prepares an advance-loan request; the director returns it with a comment; the clerk
    sees the comment at the top of the step, fixes the request; the director approves it."""
    sign_in(page, "clerk1")
    page.wait_for_url(re.compile(r"/$"))
    page.get_by_role("link", name="เริ่มเรื่องใหม่").click()
    page.locator('tr[data-process="advance-loan"]').get_by_role("button").click()
    page.wait_for_url(re.compile(r"/tasks/\d+$"))
    instance_id = int(page.get_by_role("link", name=re.compile(r"เรื่อง #\d+")).inner_text().split("#")[1])
    page.locator('select[name="advance_purpose"]').select_option("meeting_training")
    page.locator('input[name="activity_title"]').fill("อบรมการใช้งานระบบสารสนเทศ")
    page.locator('input[name="activity_date"]').fill("2026-12-15")
    page.locator('input[name="borrower_name"]').fill("นางสาวสมหญิง ใจดี")
    page.locator('input[name="estimated_amount"]').fill("20000")
    page.get_by_role("button", name="บันทึกและส่งงานขั้นตอนนี้").click()
    page.wait_for_url(re.compile(r"/$"))
    _draft_meeting_request(page, instance_id)

    director, d = _as(browser, server, "executive1")
    try:
        _open_from_worklist(d, "ผู้มีอำนาจลงนามอนุมัติ/อนุญาต", instance_id)
        decide = d.locator(".decision-buttons")
        assert decide.get_by_role("button", name="อนุมัติ").is_visible()
        assert decide.get_by_role("button", name="ส่งกลับแก้ไข").is_visible()
        assert decide.get_by_role("button", name="ไม่อนุมัติ").count() == 0  # the form offers no rejection
        shot(d, "approval-1-decision-buttons")
        decide.get_by_role("button", name="ส่งกลับแก้ไข").click()  # no comment: refused, said by the field
        assert "กรุณาเขียนความเห็น" in d.locator('[data-field="activity_comment"]').inner_text()
        shot(d, "approval-2-comment-required")
        d.get_by_label(re.compile("ความเห็นผู้มีอำนาจ")).fill("กรุณาแนบรายชื่อผู้เข้าอบรมและปรับงบค่าอาหารว่าง")
        d.locator(".decision-buttons").get_by_role("button", name="ส่งกลับแก้ไข").click()
        d.wait_for_url(re.compile(r"/$"))
        assert "เสร็จแล้ว" in d.locator(".flash").inner_text()
    finally:
        director.close()

    # The clerk sees who returned it, when (Buddhist Era) and why, at the top of the step.
    _open_from_worklist(page, "จัดทำหนังสือขออนุมัติจัดประชุม-อบรม", instance_id)
    notice = page.locator("#return-notice")
    assert notice.is_visible()
    text = notice.inner_text()
    assert "ส่งกลับแก้ไขโดย executive1" in text and "กรุณาแนบรายชื่อผู้เข้าอบรมและปรับงบค่าอาหารว่าง" in text
    assert re.search(r"25[6-9]\d", text)
    assert notice.bounding_box()["y"] < page.locator("form.task, form[action$='/complete']").bounding_box()["y"]
    shot(page, "approval-3-returned-with-comment")
    page.locator('input[name="meeting_request_file"][type="file"]').set_input_files(_pdf("meeting-request-v2.pdf"))
    page.locator('input[name="project_file"][type="file"]').set_input_files(_pdf("project-v2.pdf"))
    page.get_by_role("button", name="บันทึกและส่งงานขั้นตอนนี้").click()
    page.wait_for_url(re.compile(r"/$"))

    director, d = _as(browser, server, "executive1")
    try:
        _open_from_worklist(d, "ผู้มีอำนาจลงนามอนุมัติ/อนุญาต", instance_id)
        assert d.locator("#return-notice").count() == 0  # the note stays with the returned step
        d.locator(".decision-buttons").get_by_role("button", name="อนุมัติ").click()
        d.wait_for_url(re.compile(r"/$"))
        shot(d, "approval-4-approved")
    finally:
        director.close()
    assert [t.element_id for t in engine.tasks.of_case(instance_id)] == ["prepare_loan_documents"]
    assert engine.cases.show(instance_id).data["activity_decision"] == "approve"


def test_a_borrower_cannot_approve_their_own_advance(browser, server, engine):
    """A director who borrows (started the case) is refused approval, on the task page, on a phone;
    the buttons are within reach there."""
    from engine import Completion

    instance_id = engine.cases.start("advance-loan", "executive3").instance_id  # a director in the clerk lane too
    claim = Completion(claim=True)
    first = engine.tasks.of_case(instance_id)[0]
    engine.cases.complete(first.id, "clerk1", {"advance_purpose": "official_travel", "activity_title": "ประชุมเขต",
                                               "activity_date": "2026-12-20", "borrower_name": "วิไลวรรณ ทองดี"}, how=claim)
    files = [engine.files.upload("clerk1", n, _pdf(n)["buffer"]).sha256 for n in ("request.pdf", "invite.pdf")]
    draft = engine.tasks.of_case(instance_id)[0]
    engine.cases.complete(draft.id, "clerk1", {"travel_request_file": files[0], "travel_invitation_file": files[1],
                                               "travel_destination": "จังหวัดเชียงใหม่",
                                               "return_date": "2026-12-22"}, how=claim)
    context, p = _as(browser, server, "executive3", width=390)
    try:
        _open_from_worklist(p, "ผู้มีอำนาจลงนามอนุมัติ/อนุญาต", instance_id)
        approve = p.locator(".decision-buttons").get_by_role("button", name="อนุมัติ")
        approve.scroll_into_view_if_needed()
        assert approve.is_visible() and approve.bounding_box()["width"] > 300  # full width on a phone
        assert p.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        approve.click()
        flash = p.locator(".flash.error")
        assert "ท่านเป็นผู้เริ่มเรื่องนี้ จึงอนุมัติเรื่องนี้เองไม่ได้" in flash.inner_text()
        assert p.locator(".decision-buttons").is_visible()  # still the task page, not an error page
        shot(p, "approval-5-own-loan-refused-phone")
    finally:
        context.close()
    task = next(t for t in engine.tasks.of_case(instance_id) if t.element_id == "approve_activity")
    assert task.state == "open" and task.assignee is None


def test_evidence_files_are_attached_once_and_listed_on_the_case_page(page, engine):
    """A clerk attaches one of two required files and submits: the other is asked for, the first is
    kept (not sent again); with both attached, the case page lists them and downloads them."""
    from engine import Completion

    instance_id = engine.cases.start("advance-loan", "clerk1").instance_id
    first = engine.tasks.of_case(instance_id)[0]
    engine.cases.complete(first.id, "clerk1", {"advance_purpose": "meeting_training", "activity_title": "อบรม",
                                               "activity_date": "2026-12-15", "borrower_name": "นางสาวสมหญิง"},
                          how=Completion(claim=True))
    sign_in(page, "clerk1")
    page.wait_for_url(re.compile(r"/$"))
    _open_from_worklist(page, "จัดทำหนังสือขออนุมัติจัดประชุม-อบรม", instance_id)
    page.locator('input[name="meeting_request_file"][type="file"]').set_input_files(_pdf("หนังสือขออนุมัติ.pdf"))
    page.get_by_role("button", name="บันทึกและส่งงานขั้นตอนนี้").click()
    assert "กรุณากรอกช่องนี้" in page.locator('[data-field="project_file"]').inner_text()
    kept = page.locator('[data-field="meeting_request_file"] input[type="checkbox"]')
    assert kept.is_checked() and "หนังสือขออนุมัติ.pdf" in page.locator('[data-field="meeting_request_file"]').inner_text()
    shot(page, "files-1-one-kept-one-missing")
    page.locator('input[name="project_file"][type="file"]').set_input_files(_pdf("โครงการ.pdf"))
    page.get_by_role("button", name="บันทึกและส่งงานขั้นตอนนี้").click()
    page.wait_for_url(re.compile(r"/$"))
    page.goto(page.base + f"/cases/{instance_id}")
    listed = page.locator("#files")
    assert "หนังสือขออนุมัติ.pdf" in listed.inner_text() and "โครงการ.pdf" in listed.inner_text()
    shot(page, "files-2-case-page")
    with page.expect_download() as download:
        listed.get_by_role("link", name="โครงการ.pdf").click()
    assert download.value.suggested_filename == "โครงการ.pdf"
    assert len([f for f in engine.files.of_case(instance_id, engine.accounts.account("clerk1"))]) == 2


def _advance_request(p, engine) -> int:
    """A new advance-loan case, its first step (with a date field) open in ``p``, the rest filled in."""
    instance_id = engine.cases.start("advance-loan", "clerk1").instance_id
    p.goto(p.base + f"/tasks/{engine.tasks.of_case(instance_id)[0].id}")
    p.locator('select[name="advance_purpose"]').select_option("meeting_training")
    p.locator('input[name="activity_title"]').fill("ประชุมคณะทำงาน")
    p.locator('input[name="borrower_name"]').fill("นางสาวสมหญิง ใจดี")
    return instance_id


def _focused_label(p) -> str:
    return p.evaluate("document.activeElement.getAttribute('aria-label') || document.activeElement.textContent")


def test_a_clerk_picks_a_buddhist_era_date_from_the_calendar_with_the_keyboard(page, engine):
    """The date field takes 15/12/2569; its calendar (Thai months, Buddhist-era years) is worked
    with the keyboard alone; the case keeps the date as ISO (CE)."""
    sign_in(page, "clerk1")
    page.wait_for_url(re.compile(r"/$"))
    instance_id = _advance_request(page, engine)
    date = page.get_by_label("วันที่จัดกิจกรรม/วันเดินทาง")
    assert date.get_attribute("type") == "text" and date.get_attribute("inputmode") == "numeric"
    date.fill("15/12/2569")
    date.press("Tab")
    opener = page.get_by_role("button", name="เลือกวันที่")
    assert _focused_label(page) == "เลือกวันที่" and opener.get_attribute("aria-expanded") == "false"
    page.keyboard.press("Enter")
    calendar = page.get_by_role("dialog", name="เลือกวันที่")
    assert calendar.is_visible() and opener.get_attribute("aria-expanded") == "true"
    assert calendar.locator(".dp-title").inner_text() == "ธันวาคม พ.ศ. 2569"
    assert calendar.locator("th").all_inner_texts() == ["อา", "จ", "อ", "พ", "พฤ", "ศ", "ส"]
    assert _focused_label(page) == "15 ธันวาคม 2569"  # the day in the field, marked as chosen
    assert calendar.locator('[aria-selected="true"] button').get_attribute("aria-label") == "15 ธันวาคม 2569"
    assert page.evaluate("document.fonts.check('17px Sarabun', 'ธันวาคม') && "
                         "getComputedStyle(document.querySelector('.dp-title')).fontFamily").startswith("Sarabun")
    shot(page, "datepicker-1-open-desktop")

    page.keyboard.press("ArrowRight")  # 16 December
    page.keyboard.press("ArrowDown")  # 23 December
    page.keyboard.press("PageDown")  # 23 January 2570
    page.keyboard.press("ArrowLeft")  # 22 January 2570
    assert _focused_label(page) == "22 มกราคม 2570"
    assert calendar.locator(".dp-title").inner_text() == "มกราคม พ.ศ. 2570"
    page.keyboard.press("Escape")  # closes, nothing picked, back on the button
    assert calendar.count() == 0 and date.input_value() == "15/12/2569" and _focused_label(page) == "เลือกวันที่"

    page.keyboard.press("Enter")
    for key in ("ArrowRight", "ArrowDown", "PageDown", "ArrowLeft"):
        page.keyboard.press(key)
    page.keyboard.press("Enter")
    assert date.input_value() == "22/1/2570" and calendar.count() == 0
    assert _focused_label(page) == "เลือกวันที่"
    shot(page, "datepicker-2-picked")
    page.get_by_role("button", name="บันทึกและส่งงานขั้นตอนนี้").click()
    page.wait_for_url(re.compile(r"/$"))
    assert engine.cases.show(instance_id).data["activity_date"] == "2027-01-22"


def test_the_calendar_on_a_phone_opens_at_today_and_fits(browser, server, engine):
    """On a phone-sized screen the calendar fits the screen, today is marked, and a tapped day
    fills the field in the Buddhist era."""
    from datetime import date

    context, p = _as(browser, server, "clerk1", width=390)
    try:
        _advance_request(p, engine)
        p.get_by_role("button", name="เลือกวันที่").tap()  # a finger, not a mouse: nothing hovered
        calendar = p.get_by_role("dialog", name="เลือกวันที่")
        today = date.today()
        months = ["มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน", "กรกฎาคม", "สิงหาคม",
                  "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม"]
        spoken = f"{today.day} {months[today.month - 1]} {today.year + 543}"
        assert calendar.locator('[aria-current="date"]').get_attribute("aria-label") == spoken
        box = calendar.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390
        assert p.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        shot(p, "datepicker-3-open-phone")
        calendar.get_by_role("button", name=spoken, exact=True).tap()
        assert p.get_by_label("วันที่จัดกิจกรรม/วันเดินทาง").input_value() == (
            f"{today.day}/{today.month}/{today.year + 543}")
        assert calendar.count() == 0
    finally:
        context.close()
