"""WCAG 2.1 AA, measured in the browser: every piece of text on the key pages against the colour
actually behind it (4.5:1, or 3:1 for large text), in Thai and on a phone; every control reached by
the keyboard shows where the focus is; every input has a label."""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from browser_helpers import shot, sign_in

from engine import CaseHeader, Completion

# For each element with text of its own: its colour against the first opaque background behind it
# (ancestors' colours blended by their alpha), and the size that makes it "large".
CONTRAST = """() => {
  const parse = c => { const m = c.match(/rgba?\\(([^)]+)\\)/); if (!m) return null;
    const p = m[1].split(',').map(s => parseFloat(s)); return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1}; };
  const lum = c => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
  const blend = (top, bottom) => ({r: top.r * top.a + bottom.r * (1 - top.a), g: top.g * top.a + bottom.g * (1 - top.a),
                                   b: top.b * top.a + bottom.b * (1 - top.a), a: 1});
  const behind = el => { const layers = [];
    for (let e = el; e; e = e.parentElement) { const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c.a > 0) { layers.push(c); if (c.a >= 1) break; } }
    let colour = {r: 255, g: 255, b: 255, a: 1};
    for (const layer of layers.reverse()) colour = blend(layer, colour);
    return colour; };
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const own = [...el.childNodes].filter(n => n.nodeType === 3 && n.textContent.trim()).map(n => n.textContent.trim()).join(' ');
    if (!own) continue;
    const style = getComputedStyle(el), box = el.getBoundingClientRect();
    if (style.visibility === 'hidden' || style.display === 'none' || box.width === 0 || box.height === 0 || box.right < 0) continue;
    if (el.closest('[aria-hidden="true"], .skip, #diagram, option')) continue;
    const fg = parse(style.color), bg = behind(el);
    const text = blend(fg, bg), l1 = lum(text), l2 = lum(bg);
    const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
    const size = parseFloat(style.fontSize), bold = parseInt(style.fontWeight) >= 700;
    const large = size >= 24 || (bold && size >= 18.66);
    out.push({text: own.slice(0, 40), ratio: Math.round(ratio * 100) / 100, need: large ? 3 : 4.5,
              tag: el.tagName, cls: el.className});
  }
  return out;
}"""

UNLABELLED = """() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
  .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby'))
  .map(el => el.name || el.id)"""


@pytest.fixture(scope="module")
def cases(engine):
    """A worklist with every urgency, an overdue step and one returned for revision."""
    claim = Completion(claim=True)
    ids = {}
    for code, title in (("most_urgent", "ขอเชิญประชุมด่วนที่สุด"), ("very_urgent", "ขอข้อมูลสถิติ"),
                        ("urgent", "แจ้งเวียนคำสั่ง"), ("normal", "หนังสือทั่วไป")):
        ids[code] = engine.cases.start("receive-letter", "clerk1", header=CaseHeader(title, code)).instance_id
    late = engine.tasks.of_case(ids["urgent"])[0]
    from engine.store import task_rows  # the test sets a deadline in the past, as time passing would
    with engine.ctx.db.unit_of_work() as conn:
        task_rows.move_deadline(conn, late.id, datetime.now(UTC) - timedelta(days=3), None)
    loan = engine.cases.start("advance-loan", "clerk2", header=CaseHeader("ยืมเงินทดรองจัดอบรม", "urgent")).instance_id
    engine.cases.complete(engine.tasks.of_case(loan)[0].id, "clerk1", {
        "advance_purpose": "meeting_training", "activity_title": "อบรม", "activity_date": "2026-12-20",
        "borrower_name": "นางสาวสมหญิง ใจดี", "estimated_amount": "20000"}, how=claim)
    pdf = engine.files.upload("clerk1", "หนังสือ.pdf", b"%PDF-1.4\n% a11y\n%%EOF\n").sha256
    engine.cases.complete(engine.tasks.of_case(loan)[0].id, "clerk1",
                          {"meeting_request_file": [pdf], "project_file": [pdf]}, how=claim)
    engine.cases.complete(engine.tasks.of_case(loan)[0].id, "executive1",
                          {"activity_decision": "return", "activity_comment": "แนบรายชื่อผู้เข้าอบรม"}, how=claim)
    ids["returned"] = loan
    from register_helpers import issue_sent_number  # the register page: a secret entry and a cancelled one

    issue_sent_number(engine, "ขอข้อมูลงบประมาณ", secrecy="secret")
    issue_sent_number(engine, "ขอเชิญประชุม")
    engine.registers.void("sent", 2, "clerk1", "ออกเลขซ้ำ")
    return ids


def _check(p, name: str) -> None:
    measured = p.evaluate(CONTRAST)
    assert len(measured) >= 5, f"{name}: no text measured"
    low = [t for t in measured if t["ratio"] < t["need"]]
    assert low == [], f"{name}: text below WCAG AA contrast: {low}"
    assert p.evaluate(UNLABELLED) == [], f"{name}: inputs without a label"


@pytest.mark.parametrize("width", [1280, 390])
def test_the_key_pages_meet_wcag_aa_contrast_and_label_every_input(browser, server, engine, cases, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="th-TH")
    p = context.new_page()
    p.set_default_timeout(15_000)
    p.base = server
    try:
        p.goto(server + "/login")
        _check(p, "login")
        sign_in(p, "clerk1")
        p.wait_for_url(re.compile(r"/$"))
        returned = next(t for t in engine.tasks.of_case(cases["returned"]))
        pages = {"worklist": "/", "overdue": "/?view=overdue", "start": "/start", "notifications": "/notifications",
                 "settings": "/settings", "returned-task": f"/tasks/{returned.id}",
                 "case": f"/cases/{cases['returned']}", "not-found": "/cases/999999",
                 "registers": "/registers", "sent-register": "/registers/sent"}
        for name, path in pages.items():
            p.goto(server + path)
            _check(p, name)
        p.goto(server + "/")
        # The overdue step says so in words, and the urgency is a word too (not colour alone).
        late = p.locator("tr", has_text="แจ้งเวียนคำสั่ง")
        assert re.search(r"เกินกำหนด \d+ วันทำการ", late.locator(".chip.overdue").inner_text())
        assert late.locator(".urgency").inner_text().strip().endswith("ด่วน")
        assert p.locator(".urgency.most_urgent").inner_text().strip().endswith("ด่วนที่สุด")
        shot(p, f"a11y-worklist-{width}")
    finally:
        context.close()


def test_every_control_shows_its_keyboard_focus(browser, server, cases):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="th-TH")
    p = context.new_page()
    p.base = server
    try:
        sign_in(p, "clerk1")
        p.wait_for_url(re.compile(r"/$"))
        seen = []
        for _ in range(40):  # tab through the worklist: links, the filters, the claim buttons
            p.keyboard.press("Tab")
            focus = p.evaluate("""() => { const e = document.activeElement, s = getComputedStyle(e);
                return {tag: e.tagName, text: (e.innerText || e.name || '').trim().slice(0, 30),
                        outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2}; }""")
            if focus["tag"] == "BODY":
                break
            seen.append(focus)
        assert len(seen) >= 10 and all(f["outline"] for f in seen), [f for f in seen if not f["outline"]]
        assert {"A", "SELECT", "INPUT", "BUTTON"} <= {f["tag"] for f in seen}
        shot(p, "a11y-keyboard-focus")
    finally:
        context.close()
