"""An auditor finds an advance loan in the search, opens its replay, moves the slider to the step
that ran late and sees it in red with its working days against the standard; the diagram of the
case's own version marks what was done (the returned request counted twice) and the late step."""
from __future__ import annotations

import re

from audit_helpers import SIGNERS, late_loan_case
from browser_helpers import PASSWORD, shot, sign_in
from helpers import give_passwords


def test_an_auditor_finds_a_loan_and_replays_it_to_the_late_step(page, engine):
    give_passwords(engine, *SIGNERS)
    clock = engine.ctx.fixed_now
    try:
        case_id = late_loan_case(engine)
    finally:
        engine.ctx.fixed_now = clock
    engine.accounts.set_password("auditor1", PASSWORD, actor="auditor1")
    replay = engine.case_replay.replay(case_id, engine.accounts.account("clerk1"))  # not logged: not an auditor
    late = next(s for s in replay.steps if s.event_type == "task_completed" and s.element_id == "prepare_loan_documents")

    sign_in(page, "auditor1")
    page.wait_for_url(re.compile(r"/$"))
    page.get_by_role("link", name="ตรวจสอบ", exact=True).click()
    page.wait_for_url(re.compile(r"/audit$"))
    page.get_by_label("กระบวนงาน").select_option("advance-loan")
    page.get_by_label("ข้อความในข้อมูลของเรื่อง").fill("สมหญิง")
    page.get_by_label("เริ่มเรื่องตั้งแต่วันที่").fill("1/12/2569")
    page.get_by_role("button", name="ค้นหา").click()
    rows = page.locator("#audit-results tbody tr")
    assert rows.count() == 1 and rows.first.get_attribute("data-case") == str(case_id)
    shot(page, "audit-1-search")

    rows.first.get_by_role("link").first.click()
    page.wait_for_url(re.compile(rf"/audit/cases/{case_id}$"))
    page.wait_for_selector('#diagram[data-rendered="true"]')
    slider = page.locator("#replay-step")
    assert slider.get_attribute("max") == str(len(replay.steps))
    # the last step: the returned request was drafted and decided twice (the loop's count on the diagram)
    assert page.locator('[data-element-id="draft_meeting_training_request"].k-done').count() == 1
    assert page.locator('.djs-overlays[data-container-id="draft_meeting_training_request"]').inner_text() == "×2"
    assert page.locator('.djs-overlays[data-container-id="receive_assignment"]').inner_text() == "×1"
    shot(page, "audit-2-replay-last-step")

    slider.fill(str(late.seq))  # move the slider to the step that ran late
    panel = page.locator(f"#panel-{late.seq}")
    assert panel.is_visible() and page.locator(f"#panel-{late.seq - 1}").is_hidden()
    duration = panel.locator("dd.late")
    assert "2 วันทำการ" in duration.inner_text() and "ล่าช้า" in duration.inner_text()
    assert "มาตรฐาน 0.14 วันทำการ" in duration.inner_text()
    assert duration.evaluate("e => getComputedStyle(e).color") == "rgb(164, 22, 26)"  # --danger, and in words
    assert "9/12/2569 10:00" in panel.inner_text()
    assert page.locator('[data-element-id="prepare_loan_documents"].k-late').count() == 1
    assert page.locator("#replay-at").inner_text() == str(late.seq)
    shot(page, "audit-3-replay-late-step")

    # The step list says so too; the view is in the system log, shown on the page.
    assert page.locator(f'#replay-steps li[data-seq="{late.seq}"].late').count() == 1
    views = engine.case_search.views_of(case_id, engine.accounts.account("auditor1"))
    assert {v.what for v in views} >= {"search", "replay"}

    # The auditor exports the procedure's event log as XES; it is valid against the XES schema and
    # holds the late step of this case with its resource.
    from lxml import etree

    from engine.settings import PROJECT_ROOT

    page.goto(page.base + "/audit/exports")
    with page.expect_download() as caught:
        page.locator('a.event-log[data-process="advance-loan"]', has_text="XES").click()
    saved = caught.value.path()
    page.wait_for_function("() => /KB/.test(document.getElementById('export-progress').textContent)")
    shot(page, "audit-4-xes-export")
    log = etree.parse(saved)
    schema = etree.XMLSchema(etree.parse(str(PROJECT_ROOT / "tests" / "data" / "xes" / "xes-ieee-1849-2016.xsd")))
    assert schema.validate(log), schema.error_log
    traces = [t for t in log.getroot().iter("trace")
              if any(s.get("key") == "concept:name" and s.get("value") == str(case_id) for s in t.iter("string"))]
    assert len(traces) == 1
    done = [e for e in traces[0].iter("event")
            if {(s.get("key"), s.get("value")) for s in e.iter("string")} >= {("lifecycle:transition", "complete"),
                                                                               ("org:resource", "clerk1")}]
    assert done, "the clerk's completed steps are in the log"

    # Is the record whole? Not verified per view: the auditor asks, a scheduler verifies in the
    # background (here, as a running scheduler does it), and the page shows the result.
    from scheduler.verifier import Verifier

    page.get_by_role("link", name="ตรวจความครบถ้วน", exact=True).click()
    page.wait_for_url(re.compile(r"/audit/verify$"))
    assert page.locator('[data-verify="never"]').count() == 1
    page.get_by_role("button", name="ตรวจสอบทุกเรื่องเดี๋ยวนี้").click()
    page.wait_for_url(re.compile(r"/audit/verify$"))
    assert "ระบบจะตรวจสอบทุกเรื่องเบื้องหลัง" in page.locator(".flash").inner_text()
    assert page.locator('#pending[data-state="waiting"]').count() == 1
    verifier = Verifier(engine, "journey-scheduler")
    assert verifier.look()
    verifier._thread.join(60)
    page.reload()
    assert page.locator('[data-verify="ok"]').count() == 1 and "ตามคำขอของ auditor1" in page.content()
    shot(page, "audit-5-verify")

    # The case's page lists every auditor's view of it: the search, the replay, the event log.
    page.goto(page.base + f"/cases/{case_id}")
    listed = page.locator("#viewed-by").inner_text()
    for how in ("เปิดหน้าเรื่อง", "ย้อนดูเรื่องทีละขั้น", "พบในผลการค้นหา", "อยู่ในบันทึกเหตุการณ์ที่ส่งออก (XES/OCEL)"):
        assert how in listed, how
    page.locator("#viewed-by").scroll_into_view_if_needed()
    shot(page, "audit-6-case-viewed-by")
