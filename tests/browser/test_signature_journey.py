"""A director signs the asset-audit committee order in the browser with their password, sees the
signature block (name, position, capacity) verified, downloads the signed PDF (digest and the
verification page's address at its foot); a change made behind the engine's back then shows
"เอกสารถูกแก้ไขหลังลงนาม" in red, in words."""
from __future__ import annotations

import io
import re

from browser_helpers import PASSWORD, shot, sign_in
from sqlalchemy import text

from engine import Completion

DIRECTOR = "authorized_official2"


def _to_signing(engine) -> tuple[int, int]:
    stored = engine.accounts.hash_password("x", PASSWORD)
    for user in ("supplies_officer1", "supplies_officer2", DIRECTOR):
        engine.accounts.set_password(user, PASSWORD, actor=user, stored_hash=stored)
    instance_id = engine.cases.start("asset-audit", "supplies_officer1").instance_id
    _, model = engine.repository.process_model("asset-audit")
    for element_id, user, data in (
            ("draft_committee_order", "supplies_officer1", {"fiscal_year": 2569, "audit_committee_members": [
                "audit_committee1", "audit_committee2"], "order_draft_reference": "ร่างคำสั่ง 1/2569"}),
            ("submit_order_for_signature", "supplies_officer2", {"order_submitted_on": "2025-09-16"})):
        task = next(t for t in engine.tasks.of_case(instance_id) if t.element_id == element_id)
        engine.cases.complete(task.id, user, data, [c.id for c in model.steps[element_id].meta.controls],
                              how=Completion(claim=True))
    task = next(t for t in engine.tasks.of_case(instance_id) if t.element_id == "sign_committee_order")
    return instance_id, task.id


def test_a_director_signs_the_committee_order_and_a_later_change_shows_in_red(page, engine):
    from pypdf import PdfReader

    instance_id, task_id = _to_signing(engine)
    sign_in(page, DIRECTOR)
    page.wait_for_url(re.compile(r"/$"))
    page.goto(page.base + f"/tasks/{task_id}")
    page.locator('input[name="order_number"]').fill("123/2569")
    page.locator('input[name="order_signed_on"]').fill("22/09/2569")
    password = page.get_by_label("รหัสผ่านของท่าน เพื่อลงนาม")
    assert password.get_attribute("type") == "password"
    password.fill("not my password")
    page.get_by_role("button", name="อนุมัติและลงนาม").click()
    assert page.locator("#password-error").inner_text() == "รหัสผ่านไม่ถูกต้อง ยังไม่ได้ลงนาม"
    assert engine.signatures.verify(instance_id) == []
    shot(page, "signature-1-wrong-password")
    page.get_by_label("รหัสผ่านของท่าน เพื่อลงนาม").fill(PASSWORD)
    page.get_by_role("button", name="อนุมัติและลงนาม").click()
    page.wait_for_url(re.compile(r"/$"))

    # The case page: the signature block as a letter prints it, verified, in words.
    page.goto(page.base + f"/cases/{instance_id}")
    block = page.locator(".signature .sig-block").first
    assert block.inner_text().splitlines() == ["(จันทร์เพ็ญ วงศ์ใหญ่)", "ผู้อำนวยการกองบริหารทั่วไป"]
    assert "ตรวจสอบแล้ว" in page.locator(".signature .sig-status").first.inner_text()
    shot(page, "signature-2-signed-block")
    with page.expect_download() as info:
        page.get_by_role("link", name="ดาวน์โหลดเอกสารที่ลงนาม (PDF)").click()
    data = info.value.path().read_bytes()
    printed = "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    [sig] = engine.signatures.verify(instance_id)
    assert sig.digest in "".join(printed.split()) and "123/2569" in printed and "พ.ศ. 2569" in printed

    # Someone with the database's keys changes the order number: the page says so, in red and in words.
    with engine.ctx.db.write_engine.connect() as conn, conn.begin():
        conn.execute(text("UPDATE instances SET data_json = replace(data_json, '123/2569', '124/2569') WHERE id = :i"),
                     {"i": instance_id})
    page.reload()
    broken = page.locator(".signature .sig-status.broken")
    assert "เอกสารถูกแก้ไขหลังลงนาม" in broken.inner_text()
    assert "เลขที่คำสั่ง (เมื่อลงนาม)" in broken.inner_text()
    assert broken.evaluate("e => getComputedStyle(e).color") not in ("rgb(0, 0, 0)", "")
    broken.scroll_into_view_if_needed()
    shot(page, "signature-3-changed-after-signing")
    page.goto(page.base + f"/signatures/{sig.id}")
    assert "ข้อมูล “เลขที่คำสั่ง (เมื่อลงนาม)” ถูกแก้ไขหลังลงนาม" in page.locator("main").inner_text()
    shot(page, "signature-4-verification-page")
