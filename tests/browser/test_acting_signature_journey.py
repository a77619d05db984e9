"""An administrator records that the director of the planning group acts for the director who signs
asset-audit's committee order (ปฏิบัติราชการแทน); the acting official finds the order in their
worklist, signs it with their own password, and the case page and the signed PDF print the
signature block as a letter does: (name), their own position, "ปฏิบัติราชการแทน" and the position
they act for. Screenshots in test-artifacts/screenshots/."""
from __future__ import annotations

import io
import re

from browser_helpers import PASSWORD, SHOTS, shot, sign_in
from test_signature_journey import _to_signing

ACTING = "planning_group_director1"  # holds the planning group's director position, not authorized_official
ORDER = "คำสั่งกรม ที่ 77/2569"


def _appoint_on_the_page(page) -> None:
    sign_in(page, "admin1")
    page.wait_for_url(re.compile(r"/$"))
    page.get_by_role("link", name="ผู้รักษาราชการแทน").click()
    page.wait_for_url(re.compile(r"/admin/acting$"))
    page.get_by_label("ผู้ทำการแทน").select_option(ACTING)
    page.get_by_label("ตำแหน่ง").select_option("authorized_official")
    page.get_by_label("ประเภท").select_option("delegated")
    page.get_by_label("ตั้งแต่วันที่").fill("1/1/2569")
    page.get_by_label("ถึงวันที่").fill("31/12/2642")
    page.get_by_label("เลขที่คำสั่ง").fill(ORDER)
    page.get_by_role("button", name="แต่งตั้ง").click()
    page.wait_for_url(re.compile(r"/admin/acting$"))
    row = page.locator("tr", has_text=ORDER)
    assert "ปฏิบัติราชการแทน" in row.inner_text() and "มีผลอยู่" in row.inner_text()
    shot(page, "acting-sign-1-appointment")
    page.get_by_role("button", name="ออกจากระบบ").click()


def test_an_acting_official_signs_the_committee_order_on_behalf_of_the_director(page, engine):
    from pypdf import PdfReader

    instance_id, task_id = _to_signing(engine)
    for user in ("admin1", ACTING):
        engine.accounts.set_password(user, PASSWORD, actor="admin1")
    _appoint_on_the_page(page)

    sign_in(page, ACTING)
    page.wait_for_url(re.compile(r"/$"))
    row = page.locator("tr", has_text=f"#{instance_id}")
    assert row.locator(".chip.acting").inner_text().strip() == "ปฏิบัติราชการแทน ผู้อำนวยการกองบริหารทั่วไป"
    shot(page, "acting-sign-2-worklist")
    row.get_by_role("link").first.click()
    page.wait_for_url(re.compile(rf"/tasks/{task_id}$"))
    capacity = page.locator("#capacity").inner_text()
    assert "ปฏิบัติราชการแทน ผู้อำนวยการกองบริหารทั่วไป" in capacity and ORDER in capacity
    page.locator('input[name="order_number"]').fill("124/2569")
    page.locator('input[name="order_signed_on"]').fill("22/09/2569")
    page.get_by_label("รหัสผ่านของท่าน เพื่อลงนาม").fill(PASSWORD)
    shot(page, "acting-sign-3-task")
    page.get_by_role("button", name="อนุมัติและลงนาม").click()
    page.wait_for_url(re.compile(r"/$"))

    page.goto(page.base + f"/cases/{instance_id}")
    block = page.locator(".signature .sig-block").first
    assert block.inner_text().splitlines() == ["(ชัยวัฒน์ มั่นคง)", "ผู้อำนวยการกลุ่มแผนงาน",
                                               "ปฏิบัติราชการแทน ผู้อำนวยการกองบริหารทั่วไป"]
    assert "ตรวจสอบแล้ว" in page.locator(".signature .sig-status").first.inner_text()
    signed = page.locator('.timeline li[data-event="task_signed"]').inner_text()
    assert "(ปฏิบัติราชการแทน ผู้อำนวยการกองบริหารทั่วไป)" in signed  # the history says in which capacity
    shot(page, "acting-sign-4-signed-block")
    with page.expect_download() as info:
        page.get_by_role("link", name="ดาวน์โหลดเอกสารที่ลงนาม (PDF)").click()
    data = info.value.path().read_bytes()
    (SHOTS / "acting-sign-5-signed.pdf").write_bytes(data)
    printed = "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    [sig] = engine.signatures.verify(instance_id)
    assert sig.signer == ACTING and sig.capacity["kind"] == "delegated"
    assert sig.capacity["for_user"] == "authorized_official2" and sig.capacity["order_ref"] == ORDER
    flat = "".join(printed.split())
    assert sig.digest in flat and "124/2569" in printed
    capacity_line = next(line for line in printed.splitlines() if line.startswith("ปฏิบัติราชการแทน"))
    assert capacity_line.endswith("กองบริหารทั่วไป")  # the position it acts for, not broken over two lines
    done = [e for e in engine.cases.show(instance_id).history if e.event_type == "task_completed"][-1]
    assert done.actor == ACTING and done.payload["capacity"]["kind"] == "delegated"
