"""An auditor opens the on-time report in the browser: filtered to a procedure, its filters printed,
the chart drawn by Chart.js (from the page's JSON data block, under the CSP) with the table of the
same numbers beside it, in Thai."""
from __future__ import annotations

import re

from browser_helpers import PASSWORD, shot, sign_in
from report_helpers import seed


def test_an_auditor_reads_the_on_time_report_with_its_chart(page, engine):
    stored = engine.accounts.hash_password("x", PASSWORD)
    engine.accounts.set_password("auditor1", PASSWORD, actor="auditor1", stored_hash=stored)
    seed(engine, 300)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))  # a script that fails
    page.on("console", lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None)
    sign_in(page, "auditor1")
    page.wait_for_url(re.compile(r"/$"))
    page.get_by_role("link", name="รายงาน", exact=True).click()
    page.get_by_role("link", name="ความตรงเวลา").first.click()
    page.get_by_label("กระบวนงาน", exact=True).select_option("system-maintenance")
    page.get_by_label("ตั้งแต่วันที่", exact=True).fill("1/10/2568")
    page.get_by_role("button", name="แสดงรายงาน").click()
    page.wait_for_url(re.compile(r"/reports/on-time\?"))
    filters = page.locator("#report-filters").inner_text()
    assert "system-maintenance" in filters and "1/10/2568" in filters
    canvas = page.locator("#chart-steps")
    canvas.wait_for()
    page.wait_for_function("""() => { const c = document.getElementById('chart-steps');
        if (!c || !c.width) return false;
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        for (let i = 3; i < d.length; i += 4) { if (d[i] > 0) return true; } return false; }""")
    rows = page.locator("#table-steps tbody tr")
    assert rows.count() >= 8
    assert page.locator("#table-steps thead th").first.inner_text() == "กระบวนงาน"
    font = page.evaluate("() => document.fonts.check('16px Sarabun')")
    assert font
    assert errors == [], errors
    page.locator("#section-steps").scroll_into_view_if_needed()
    shot(page, "reports-1-on-time")
