"""The record shown whole on the web (issue 14): the verify badge of every case page (green, or
red with the reason), the auditors' verify page and event-log exports (streamed), and a case's
audit trail as a PDF. To anyone but an auditor the auditor pages do not exist (404)."""
from __future__ import annotations

import time

import pytest
from lxml import etree
from sqlalchemy import text

from helpers import DATA, drive_sop

AUDITOR_PAGES = ["/audit/verify", "/audit/exports", "/audit/exports/sop_bench.xes", "/audit/exports/sop_bench.ocel"]


def _edit_a_completion(k, instance_id):
    """Someone with the database rewrites what a step was completed with."""
    with k.ctx.db.write_engine.connect() as conn, conn.begin():
        if k.ctx.db.dialect == "postgresql":
            conn.execute(text("ALTER TABLE history_events DISABLE TRIGGER USER"))
        else:
            conn.execute(text("DROP TRIGGER IF EXISTS history_events_no_update"))
        conn.execute(text("UPDATE history_events SET payload = replace(payload, 'ขอใช้ห้องประชุม', 'ขอซื้อรถยนต์') "
                          "WHERE instance_id = :i AND event_type = 'task_completed'"), {"i": instance_id})
        if k.ctx.db.dialect == "postgresql":
            conn.execute(text("ALTER TABLE history_events ENABLE TRIGGER USER"))


def test_the_case_page_shows_the_record_whole_then_the_reason_it_is_not(k, signed_in):
    instance_id, _ = drive_sop(k, roundtrip=False)
    for who in ("clerk1", "auditor1"):
        page = signed_in(who).get(f"/cases/{instance_id}").get_data(as_text=True)
        assert 'id="verify-badge" data-verify="ok"' in page and "บันทึกครบถ้วน" in page
    _edit_a_completion(k, instance_id)
    page = signed_in("clerk1").get(f"/cases/{instance_id}").get_data(as_text=True)
    assert 'data-verify="broken"' in page and "บันทึกไม่ผ่านการตรวจสอบ" in page
    assert "payload was rewritten" in page or "does not match its hash" in page


def test_the_badge_is_cheap_enough_for_every_view(k, signed_in):
    instance_id, _ = drive_sop(k, rejections=2, roundtrip=False)
    k.audit.checkpoint()
    browser = signed_in("clerk1")
    browser.get(f"/cases/{instance_id}")
    started = time.perf_counter()
    for _ in range(5):
        assert browser.get(f"/cases/{instance_id}").status_code == 200
    with_badge = (time.perf_counter() - started) / 5
    started = time.perf_counter()
    for _ in range(5):
        list(k.audit.verify(instance_id))
    verify_alone = (time.perf_counter() - started) / 5
    assert verify_alone < 0.25 and verify_alone < with_badge, (verify_alone, with_badge)


def _verify_in_the_background(k, owner="scheduler-1"):
    """What a running scheduler does (scheduler.verifier): claim the run asked for, verify in a thread."""
    from scheduler.verifier import Verifier

    verifier = Verifier(k, owner)
    assert verifier.look()
    verifier._thread.join(60)
    assert not verifier.busy


def test_the_verify_page_names_what_is_missing_cut_or_rewritten(k, signed_in):
    kept, _ = drive_sop(k, roundtrip=False)
    rewritten, _ = drive_sop(k, roundtrip=False)
    k.audit.checkpoint()
    auditor = signed_in("auditor1")
    page = auditor.get("/audit/verify").get_data(as_text=True)
    assert 'data-verify="never"' in page and "ตรวจสอบทุกเรื่องเดี๋ยวนี้" in page  # no per-view verification
    asked = auditor.post("/audit/verify", {})
    assert asked.status_code == 302
    page = auditor.get("/audit/verify").get_data(as_text=True)
    assert 'id="pending" data-state="waiting"' in page and "ระบบจะตรวจสอบทุกเรื่องเบื้องหลัง" in page
    assert "ตรวจสอบทุกเรื่องเดี๋ยวนี้" not in page  # asked once; asking again waits for that run
    _verify_in_the_background(k)
    page = auditor.get("/audit/verify").get_data(as_text=True)
    assert 'data-verify="ok"' in page and 'data-cases="2"' in page and 'id="findings"' not in page
    assert "ตามคำขอของ auditor1" in page and 'id="pending"' not in page
    _edit_a_completion(k, rewritten)
    page = auditor.get("/audit/verify").get_data(as_text=True)
    assert 'data-verify="ok"' in page  # the newest result until the next run
    auditor.post("/audit/verify", {})
    _verify_in_the_background(k, "scheduler-2")
    page = auditor.get("/audit/verify").get_data(as_text=True)
    assert 'data-verify="broken"' in page and 'data-kind="rewritten"' in page and f"#{rewritten}" in page
    assert f"#{kept}<" not in page


@pytest.mark.parametrize("who", ["clerk1", "director1", "admin1", "outsider"])
def test_auditor_pages_do_not_exist_for_others(k, signed_in, who):
    drive_sop(k, roundtrip=False)
    browser = signed_in(who)
    for path in AUDITOR_PAGES:
        assert browser.get(path).status_code == 404, path
    browser.get("/")
    assert browser.post("/audit/verify", {}).status_code == 404
    assert k.audit.verification_status(k.accounts.account("auditor1")).pending is None  # nothing was asked for


def test_the_auditor_downloads_a_streamed_xes_that_validates(k, signed_in):
    instance_id, done = drive_sop(k, roundtrip=False)
    auditor = signed_in("auditor1")
    page = auditor.get("/audit/exports").get_data(as_text=True)
    assert "/audit/exports/sop_bench.xes" in page and "audit_exports.js" in page
    response = auditor.client.get("/audit/exports/sop_bench.xes?from=01/01/2500&to=31/12/2600")
    assert response.status_code == 200 and response.is_streamed
    assert response.headers["X-Krabuan-Events"] == str(len(k.cases.show(instance_id).history))
    assert 'filename="sop_bench.xes"' in response.headers["Content-Disposition"]
    log = etree.fromstring(response.get_data())
    etree.XMLSchema(etree.parse(str(DATA / "xes" / "xes-ieee-1849-2016.xsd"))).assertValid(log)
    assert len(log.findall("trace")) == 1
    assert auditor.client.get("/audit/exports/sop_bench.xes?from=yesterday").status_code == 422
    assert auditor.client.get("/audit/exports/sop_bench.csv").status_code == 404


def test_the_audit_trail_pdf_for_the_cases_people(k, signed_in):
    instance_id, _ = drive_sop(k, roundtrip=False)
    for who, status in (("clerk1", 200), ("auditor1", 200), ("outsider", 404)):
        response = signed_in(who).client.get(f"/cases/{instance_id}/audit.pdf")
        assert response.status_code == status, who
        if status == 200:
            assert response.mimetype == "application/pdf" and response.get_data().startswith(b"%PDF")


def test_the_audit_trail_text_has_every_event_in_the_buddhist_era(k):
    from engine.services import audit_trail_pdf

    instance_id, _ = drive_sop(k, roundtrip=False)
    page = k.cases.page(instance_id, k.accounts.account("auditor1"))
    report = next(iter(k.audit.verify(instance_id)))
    trail = audit_trail_pdf.Trail(instance_id, page.case.title, page.process_name, list(page.case.history), (), report)
    html = audit_trail_pdf.to_html(trail, page.case.created_at)
    assert html.count("<tr><td>") == len(page.case.history)
    assert f" {page.case.created_at.year + 543} เวลา" in html and "บันทึกครบถ้วน" in html
    assert "+00:00" not in html  # a due time in the data reads in the Buddhist era too, not as ISO
    assert "แก้ไขย่อหน้าที่ 2" not in html or "ความเห็น" in html
