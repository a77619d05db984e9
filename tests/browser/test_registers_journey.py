"""A clerk issues a sent-letter number in the browser (ออกเลข), then finds it in the register of
sent letters (ทะเบียนหนังสือส่ง), laid out like the paper form, and in the register's PDF."""
from __future__ import annotations

import io
import re

from browser_helpers import shot, sign_in
from register_helpers import send_letter_to_numbering


def test_a_clerk_issues_a_sent_letter_number_and_finds_it_in_the_register_and_its_pdf(page, engine):
    from pypdf import PdfReader

    instance_id = send_letter_to_numbering(engine, "ขอความอนุเคราะห์ข้อมูลสถิติการใช้งานระบบ")
    sign_in(page, "clerk2")
    page.wait_for_url(re.compile(r"/$"))
    page.locator("tr", has_text="ออกเลข").filter(has_text=f"#{instance_id}").get_by_role("link").first.click()
    page.wait_for_url(re.compile(r"/tasks/\d+$"))
    assert page.locator('input[name="outgoing_number"]').count() == 0  # the number is not typed: Krabuan issues it
    page.get_by_label("ลงวันที่").fill("20/11/2569")
    page.locator('input[name="addressee"]').fill("ผู้อำนวยการศูนย์อนามัยที่ 1")
    for box in page.locator('input[name="confirm"]').all():
        box.check()
    shot(page, "register-1-issue-number")
    page.get_by_role("button", name="บันทึกและส่งงานขั้นตอนนี้").click()
    page.wait_for_url(re.compile(r"/$"))
    number = engine.cases.show(instance_id).data["letter_number"]
    assert re.fullmatch(r"สธ 0701/\d+", number)

    # The register of sent letters: found by its subject, in the paper's columns, Thai dates.
    page.get_by_role("link", name="ทะเบียน", exact=True).click()
    page.get_by_role("link", name="ทะเบียนหนังสือส่ง").click()
    page.get_by_label("ค้นหา").fill("สถิติการใช้งาน")
    page.get_by_role("button", name="กรอง").click()
    row = page.locator("table.register tbody tr[data-number]")
    assert row.count() == 1
    cells = [c.inner_text().strip() for c in row.first.locator("td").all()]
    assert cells[1] == number and cells[2] == "20 พฤศจิกายน 2569" and "สถิติการใช้งานระบบ" in cells[5]
    headers = [h.inner_text() for h in page.locator("table.register thead th").all()]
    assert headers == ["เลขทะเบียนส่ง", "ที่", "ลงวันที่", "จาก", "ถึง", "เรื่อง", "การปฏิบัติ", "หมายเหตุ"]
    shot(page, "register-2-sent-register")

    # Its PDF, downloaded from the page, holds the number.
    with page.expect_download() as info:
        page.get_by_role("link", name="ดาวน์โหลด PDF").click()
    pdf = info.value
    assert pdf.suggested_filename.startswith("sent-25") and pdf.suggested_filename.endswith(".pdf")
    data = pdf.path().read_bytes()
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert "ทะเบียนหนังสือส่ง" in text and number in text

    # The case's timeline says the number was issued.
    page.goto(page.base + f"/cases/{instance_id}")
    assert "ออกเลขทะเบียน" in page.locator("ol.timeline").inner_text()
