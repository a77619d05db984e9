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
    page.get_by_label("เลขทะเบียนรับ").fill("รับ 1234/2569")
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
