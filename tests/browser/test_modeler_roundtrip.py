"""The browser BPMN editor (web/modeler, built by `npm ci` into web/static/dist): every model a
process owner opens comes back out of it whole.

- the BPMN MIWG reference files import and export without losing an element (ids and diagram refs);
- the Krabuan metadata of every SOP (krabuan:* elements and attributes) survives import and export
  unchanged, as the engine reads it (read_process_model) and as text;
- the Krabuan properties panel edits a step's deadline rule as a form, adds a control point and
  builds a gateway flow's condition, and the exported XML says so.

The page (tests/browser/modeler_page.html) is served with the bundle from a small local HTTP server;
Chromium is Debian's (see conftest.py)."""
from __future__ import annotations

import json
import shutil
import subprocess
import threading
from collections import Counter
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from browser_helpers import shot
from lxml import etree

from engine.model.definitions import read_process_model
from engine.settings import PROJECT_ROOT

HERE = Path(__file__).parent
DIST = PROJECT_ROOT / "web" / "static" / "dist"
SOPS = sorted((PROJECT_ROOT / "processes" / "bpmn").glob("*.bpmn"))
MIWG = sorted((PROJECT_ROOT.parent / "shared" / "bpmn-corpus" / "miwg").glob("*.bpmn"))  # ../shared beside the repo
BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
KRABUAN = "urn:krabuan:bpmn:1"


class _Handler(SimpleHTTPRequestHandler):
    """/ is the test page, /static/ the app's static folder, /vendor/@fontsource/sarabun/ the font."""

    def translate_path(self, path: str) -> str:
        path = path.split("?")[0].split("#")[0]
        if ".." in path.split("/"):
            return "/nonexistent"
        if path in ("/", "/index.html"):
            return str(HERE / "modeler_page.html")
        if path.startswith("/static/"):
            return str(PROJECT_ROOT / "web" / "static" / path.removeprefix("/static/"))
        if path.startswith("/vendor/@fontsource/sarabun/"):
            return str(PROJECT_ROOT / "node_modules" / path.removeprefix("/vendor/"))
        return "/nonexistent"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        pass


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    if not (DIST / "modeler.js").exists():
        pytest.fail("web/static/dist/modeler.js is missing: run `npm ci` (its prepare script builds the modeler)",
                    pytrace=False)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Handler, directory=str(HERE)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def editor(browser, site: str):
    """One page with the editor, started afresh by each test (start())."""
    context = browser.new_context(viewport={"width": 1440, "height": 1300}, locale="th-TH")
    outside: list[str] = []
    errors: list[str] = []
    context.on("request", lambda r: outside.append(r.url) if not r.url.startswith(site) else None)
    page = context.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.set_default_timeout(15_000)
    page.goto(site + "/")
    page.wait_for_function("() => window.KrabuanModeler && window.startModeler")
    page.errors = errors
    yield page
    context.close()
    assert outside == [], f"requests left 127.0.0.1: {outside}"
    assert errors == [], f"errors in the page: {errors}"


def start(page, **options: object) -> None:
    page.evaluate("options => startModeler(options)", options)


def round_trip(page, xml: str) -> tuple[list[str], str]:
    result = page.evaluate("async xml => { const r = await app.importXML(xml); "
                           "return [r.warnings, await app.saveXML()]; }", xml)
    return result[0], result[1]


def _parse(text: str | bytes) -> etree._Element:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return etree.fromstring(data, etree.XMLParser(remove_blank_text=False, resolve_entities=False, no_network=True))


def _elements_with_ids(root: etree._Element) -> Counter[tuple[str, str, str]]:
    return Counter((etree.QName(el).namespace or "", etree.QName(el).localname, el.get("id") or "")
                   for el in root.iter() if isinstance(el.tag, str) and el.get("id") is not None)


def _diagram_refs(root: etree._Element) -> Counter[tuple[str, str]]:
    return Counter((etree.QName(el).localname, el.get("bpmnElement") or "")
                   for el in root.iter(f"{{{BPMNDI}}}BPMNShape", f"{{{BPMNDI}}}BPMNEdge"))


Multiset = Counter[tuple[str, ...]]


def _changes(before: Multiset, after: Multiset) -> tuple[dict[tuple[str, ...], int], ...]:
    """(what was lost, what was added) between two multisets."""
    return dict(before - after), dict(after - before)


def _owner(el: etree._Element) -> str:
    """The id of the nearest element above (or at) el that has one."""
    node: etree._Element | None = el
    while node is not None and node.get("id") is None:
        node = node.getparent()
    return node.get("id") if node is not None else ""


def _krabuan_text(root: etree._Element) -> list[tuple[object, ...]]:
    """Every krabuan:* element (its owner, position among its owner's krabuan elements, tag,
    attributes and exact text) and every krabuan:* attribute of another element, in document order."""
    found: list[tuple[object, ...]] = []
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        qname = etree.QName(el)
        if qname.namespace == KRABUAN:
            # a leaf's text exactly (a deadline's JSON); an element with children has only layout whitespace
            text = el.text or "" if len(el) == 0 else (el.text or "").strip()
            found.append(("element", _owner(el.getparent()), qname.localname, sorted(el.attrib.items()),
                          text, el.getparent().tag))
        for name, value in el.attrib.items():
            if etree.QName(name).namespace == KRABUAN:
                found.append(("attribute", el.get("id"), qname.localname, etree.QName(name).localname, value))
    return found


def _models(root: etree._Element, source: str) -> list[str]:
    return [read_process_model(p, source).to_json() for p in root.iterfind(f"{{{BPMN}}}process")]


def test_the_corpora_are_there():
    assert len(MIWG) >= 20, "the MIWG reference files (shared/bpmn-corpus/miwg) are missing"
    assert len(SOPS) == 27


@pytest.mark.parametrize("path", MIWG, ids=[p.stem for p in MIWG])
def test_miwg_file_round_trips_without_losing_elements(editor, path: Path):
    start(editor)
    before = _parse(path.read_bytes())
    _, xml = round_trip(editor, path.read_text(encoding="utf-8"))
    after = _parse(xml)
    assert _changes(_elements_with_ids(before), _elements_with_ids(after)) == ({}, {})
    assert _changes(_diagram_refs(before), _diagram_refs(after)) == ({}, {})


@pytest.mark.parametrize("path", SOPS, ids=[p.stem for p in SOPS])
def test_sop_metadata_round_trips_unchanged(editor, path: Path):
    start(editor)
    before = _parse(path.read_bytes())
    warnings, xml = round_trip(editor, path.read_text(encoding="utf-8"))
    assert warnings == []
    after = _parse(xml)
    assert _models(after, path.name) == _models(before, path.name)
    assert _krabuan_text(after) == _krabuan_text(before)
    assert len(_krabuan_text(before)) > 0
    assert _elements_with_ids(after) == _elements_with_ids(before)


PAGE_OPTIONS = {
    "forms": [{"key": "meeting-setup.send_invitations", "title": "ส่งหนังสือเชิญประชุม"},
              {"key": "meeting-setup.fix_date_and_book_room", "title": "กำหนดวันประชุมและจองห้องประชุม"}],
    "dateFields": [{"name": "meeting_date", "label": "วันประชุม"}, {"name": "meeting_start", "label": "เวลาเริ่มประชุม"}],
    "variables": [{"name": "room_available", "label": "ได้วันและห้องประชุมที่ต้องการหรือไม่", "type": "string",
                   "options": [{"value": "yes", "label": {"th": "ว่าง จองแล้ว", "en": "Available, booked"}},
                               {"value": "no", "label": {"th": "ไม่ว่าง", "en": "Not available"}}]},
                  {"name": "meeting_room", "label": "ห้องประชุม", "type": "string"}],
}


def _wait_for_change(page, before: int) -> None:
    page.wait_for_function("n => window.changes > n", arg=before)


def _fill(page, selector: str, text: str) -> None:
    before = page.evaluate("window.changes")
    page.fill(selector, text)
    _wait_for_change(page, before)  # the panel writes text after a short debounce


def _choose(page, selector: str, value: str) -> None:
    before = page.evaluate("window.changes")
    page.select_option(selector, value)
    _wait_for_change(page, before)


def _entry(name: str) -> str:
    return f"#bio-properties-panel-{name}"


def test_panel_edits_deadline_controls_and_condition(editor):
    start(editor, **PAGE_OPTIONS)
    source = (PROJECT_ROOT / "processes" / "bpmn" / "meeting-setup.bpmn").read_text(encoding="utf-8")
    editor.evaluate("xml => app.importXML(xml)", source)
    assert editor.evaluate("app.select('send_invitations')") is True

    # What the panel shows of the step: its lane, kind, form and deadline rule as a form.
    lane = editor.locator("#krabuan-lane-value")
    assert lane.inner_text().strip() != "—"
    assert editor.locator(_entry("krabuan-kind")).input_value() == "notification"
    assert editor.locator(_entry("krabuan-form")).input_value() == "meeting-setup.send_invitations"
    assert editor.locator(_entry("krabuan-deadline-type")).input_value() == "before_event"
    assert editor.locator(_entry("krabuan-deadline-amount")).input_value() == "1"
    assert editor.locator(_entry("krabuan-deadline-unit")).input_value() == "weeks"
    assert editor.locator(_entry("krabuan-deadline-event")).input_value() == "meeting_date"
    shot(editor, "modeler-step")

    _fill(editor, _entry("krabuan-deadline-amount"), "10")
    _choose(editor, _entry("krabuan-deadline-unit"), "days")
    before = editor.evaluate("window.changes")
    editor.locator("[data-group-id='group-krabuan-controls'] .bio-properties-panel-add-entry").click()
    _wait_for_change(editor, before)
    _fill(editor, _entry("krabuan-control-2-th"), "ตรวจรายชื่อผู้รับหนังสือเชิญให้ครบ")
    _fill(editor, _entry("krabuan-control-2-en"), "The invitation list is complete.")
    shot(editor, "modeler-panel")
    # Thai renders in Sarabun, on the canvas and in the panel (the font's Thai subset is loaded).
    assert editor.evaluate("async () => { await document.fonts.ready; "
                           "return document.fonts.check('12px Sarabun', 'ส่งหนังสือเชิญ'); }") is True
    canvas_font = editor.evaluate("getComputedStyle(document.querySelector("
                                  "'[data-element-id=send_invitations] .djs-label, "
                                  "[data-element-id=send_invitations] text')).fontFamily")
    panel_font = editor.evaluate("getComputedStyle(document.querySelector('.bio-properties-panel-label')).fontFamily")
    assert canvas_font.startswith("Sarabun") and panel_font.startswith("Sarabun"), (canvas_font, panel_font)

    after = _parse(editor.evaluate("app.saveXML()"))
    task = after.find(f".//{{{BPMN}}}userTask[@id='send_invitations']")
    step = task.find(f"{{{BPMN}}}extensionElements/{{{KRABUAN}}}step")
    deadline = step.find(f"{{{KRABUAN}}}deadline")
    assert deadline.text == '{"type": "before_event", "amount": 10, "unit": "days", "event": "meeting_date"}'
    controls = [dict(c.attrib) for c in step.iterfind(f"{{{KRABUAN}}}control")]
    assert controls[:2] == [dict(c.attrib) for c in _parse(source.encode()).find(
        f".//{{{BPMN}}}userTask[@id='send_invitations']").iterfind(f".//{{{KRABUAN}}}control")]
    assert controls[2] == {"id": "cp3", "th": "ตรวจรายชื่อผู้รับหนังสือเชิญให้ครบ",
                           "en": "The invitation list is complete."}
    # The engine reads the edited step as it reads a file (the deploy checks pass).
    model = read_process_model(after.find(f"{{{BPMN}}}process"), "meeting-setup.bpmn")
    meta = model.steps["send_invitations"].meta
    assert meta.deadline == {"type": "before_event", "amount": 10, "unit": "days", "event": "meeting_date"}
    assert [c.id for c in meta.controls] == ["cp1", "cp2", "cp3"]

    # The condition builder: the flow's `room_available == 'no'` is read into it, then rewritten.
    flow = "flow_gateway_room_available_to_agree_new_date"
    assert editor.evaluate(f"app.select('{flow}')") is True
    assert editor.locator(_entry("krabuan-condition-variable")).input_value() == "room_available"
    assert editor.locator(_entry("krabuan-condition-operator")).input_value() == "=="
    assert editor.locator(_entry("krabuan-condition-value")).input_value() == "no"
    chosen = editor.locator(_entry("krabuan-condition-value")).evaluate("e => e.options[e.selectedIndex].text")
    assert chosen == "ไม่ว่าง (no)"  # a label given as {th, en} shows its Thai
    _choose(editor, _entry("krabuan-condition-operator"), "!=")
    _choose(editor, _entry("krabuan-condition-value"), "yes")
    shot(editor, "modeler-condition")
    after = _parse(editor.evaluate("app.saveXML()"))
    expression = after.find(f".//{{{BPMN}}}sequenceFlow[@id='{flow}']/{{{BPMN}}}conditionExpression")
    assert expression.text == "room_available != 'yes'"
    # The flow keeps its krabuan:inferred note.
    assert after.find(f".//{{{BPMN}}}sequenceFlow[@id='{flow}']").get(f"{{{KRABUAN}}}inferred", "").startswith(
        "The source describes")


def test_problems_show_as_badges_and_select_scrolls(editor):
    start(editor, **PAGE_OPTIONS)
    source = (PROJECT_ROOT / "processes" / "bpmn" / "meeting-setup.bpmn").read_text(encoding="utf-8")
    editor.evaluate("xml => app.importXML(xml)", source)
    editor.evaluate("p => app.showProblems(p)", [
        {"element_id": "send_invitations", "severity": "error", "th": "ไม่มีแบบฟอร์ม", "en": "no form"},
        {"element_id": "gateway_room_available", "severity": "warning", "th": "ตรวจเงื่อนไข", "en": "check"},
        {"element_id": "no_such_element", "severity": "error", "th": "x", "en": "x"}])
    assert editor.locator(".kb-badge-error").count() == 1
    assert editor.locator(".kb-badge-warning").count() == 1
    assert "ไม่มีแบบฟอร์ม" in (editor.locator(".kb-badge-error").get_attribute("title") or "")
    assert editor.evaluate("app.select('send_invitations')") is True
    shot(editor, "modeler-problems")
    editor.evaluate("app.showProblems([])")
    assert editor.locator(".kb-badge").count() == 0
    assert editor.evaluate("app.select('no_such_element')") is False
    assert editor.locator(".djs-element.kb-problem-error").count() == 0


def test_view_diff_marks_elements(editor):
    source = (PROJECT_ROOT / "processes" / "bpmn" / "meeting-setup.bpmn").read_text(encoding="utf-8")
    marks = {"send_invitations": "changed", "agree_new_date": "added", "gateway_room_available": "removed"}
    editor.evaluate("""async ([xml, marks]) => {
        if (window.app) { window.app.destroy(); window.app = null; }
        document.getElementById('canvas').innerHTML = '';
        window.diff = await KrabuanModeler.viewDiff({canvas: document.getElementById('canvas'), xml, marks});
    }""", [source, marks])
    for element_id, mark in marks.items():
        assert editor.locator(f"[data-element-id='{element_id}'].kb-diff-{mark}").count() == 1
    editor.evaluate("window.diff.destroy()")


def _open(page, process: str, element_id: str) -> etree._Element:
    """Start the editor on a SOP with one element selected; the source file's tree."""
    start(page, **PAGE_OPTIONS)
    path = PROJECT_ROOT / "processes" / "bpmn" / f"{process}.bpmn"
    page.evaluate("xml => app.importXML(xml)", path.read_text(encoding="utf-8"))
    assert page.evaluate(f"app.select('{element_id}')") is True
    return _parse(path.read_bytes())


def _saved(page) -> etree._Element:
    return _parse(page.evaluate("app.saveXML()"))


def test_deadline_form_keeps_key_order_and_keys_it_does_not_show(editor):
    source = _open(editor, "meeting-setup", "meeting_day")
    rule = json.loads(source.find(f".//{{{BPMN}}}userTask[@id='meeting_day']//{{{KRABUAN}}}deadline").text)
    assert rule["roll"] is False and "corrected" in rule
    assert editor.locator(_entry("krabuan-deadline-roll")).is_checked() is False

    before = editor.evaluate("window.changes")
    editor.locator(_entry("krabuan-deadline-roll")).check()
    _wait_for_change(editor, before)
    _fill(editor, _entry("krabuan-deadline-amount"), "1")
    _choose(editor, _entry("krabuan-deadline-type"), "before_event")
    text = _saved(editor).find(f".//{{{BPMN}}}userTask[@id='meeting_day']//{{{KRABUAN}}}deadline").text
    expected = {"type": "before_event", "amount": 1, "unit": "days", "event": "meeting_date",
                "corrected": rule["corrected"]}
    assert text == json.dumps(expected, ensure_ascii=False)  # the files' JSON: Python's separators, key order

    # A rule kind without a form (all_of) is edited as JSON; an invalid text is not written.
    _choose(editor, _entry("krabuan-deadline-type"), "")
    assert _saved(editor).find(f".//{{{BPMN}}}userTask[@id='meeting_day']//{{{KRABUAN}}}deadline") is None
    _fill(editor, _entry("krabuan-deadline-json"), '{"type": "annual_date", "month": 9, "day": 15}')
    assert editor.locator(_entry("krabuan-deadline-month")).input_value() == "9"
    editor.fill(_entry("krabuan-deadline-json"), '{"type": "annual_date", "month": 9,')
    editor.wait_for_timeout(600)
    text = _saved(editor).find(f".//{{{BPMN}}}userTask[@id='meeting_day']//{{{KRABUAN}}}deadline").text
    assert text == '{"type": "annual_date", "month": 9, "day": 15}'


def test_risk_score_and_level_follow_likelihood_and_impact(editor):
    _open(editor, "data-linkage", "study_linkage_needs")
    editor.locator("[data-group-id='group-krabuan-risks'] .bio-properties-panel-group-header").click()
    editor.locator("[data-group-id='group-krabuan-risks'] .bio-properties-panel-collapsible-entry-header").first.click()
    assert "9" in editor.locator("#krabuan-risk-0-score-value").inner_text()
    _choose(editor, _entry("krabuan-risk-0-impact"), "4")
    risk = _saved(editor).find(f".//{{{BPMN}}}userTask[@id='study_linkage_needs']//{{{KRABUAN}}}risk")
    assert (risk.get("likelihood"), risk.get("impact"), risk.get("score")) == ("3", "4", "12")
    assert (risk.get("level"), risk.get("levelEn")) == ("สูง", "high")
    _choose(editor, _entry("krabuan-risk-0-likelihood"), "5")
    risk = _saved(editor).find(f".//{{{BPMN}}}userTask[@id='study_linkage_needs']//{{{KRABUAN}}}risk")
    assert (risk.get("score"), risk.get("level"), risk.get("levelEn")) == ("20", "สูงมาก", "very high")
    _choose(editor, _entry("krabuan-risk-0-impact"), "1")
    risk = _saved(editor).find(f".//{{{BPMN}}}userTask[@id='study_linkage_needs']//{{{KRABUAN}}}risk")
    assert (risk.get("score"), risk.get("level"), risk.get("levelEn")) == ("5", "ปานกลาง", "medium")
    assert "ปานกลาง" in editor.locator("#krabuan-risk-0-score-value").inner_text()


def test_timer_type_expression_and_calendar_functions(editor):
    _open(editor, "advance-loan", "wait_for_activity_end")
    assert editor.locator(_entry("krabuan-timer-type")).input_value() == "timeDate"
    assert editor.locator(_entry("krabuan-timer-expression")).input_value().startswith("at(return_date")
    _fill(editor, _entry("krabuan-timer-expression"), "")
    before = editor.evaluate("window.changes")
    editor.locator(".kb-fn", has_text="add_working_days(day, n)").click()
    _wait_for_change(editor, before)
    _choose(editor, _entry("krabuan-timer-type"), "timeDuration")
    timer = _saved(editor).find(f".//{{{BPMN}}}intermediateCatchEvent[@id='wait_for_activity_end']"
                                f"/{{{BPMN}}}timerEventDefinition")
    assert timer.find(f"{{{BPMN}}}timeDate") is None
    assert timer.find(f"{{{BPMN}}}timeDuration").text == "add_working_days(day, n)"


def test_lane_groups_and_process_starters(editor):
    _open(editor, "meeting-setup", "clerk")
    editor.wait_for_selector(_entry("krabuan-lane-groups"))
    assert editor.locator(_entry("krabuan-lane-groups")).input_value() == ""
    _fill(editor, _entry("krabuan-lane-groups"), "clerk secretary")
    lane = _saved(editor).find(f".//{{{BPMN}}}lane[@id='clerk']")
    assert lane.find(f"{{{BPMN}}}extensionElements/{{{KRABUAN}}}lane").attrib == {"groups": "clerk secretary"}
    model = read_process_model(_saved(editor).find(f"{{{BPMN}}}process"), "meeting-setup.bpmn")
    assert model.lanes["clerk"] == ("clerk", "secretary")
    assert model.idle_lanes["supervisor"].startswith("The supervisor's assignment")


def test_process_starters(editor):
    _open(editor, "meeting-setup", "Participant_meeting_setup")
    editor.wait_for_selector(_entry("krabuan-process-starters"))
    assert editor.locator(_entry("krabuan-process-starters")).input_value() == "clerk"
    _fill(editor, _entry("krabuan-process-starters"), "clerk it_group_director")
    model = read_process_model(_saved(editor).find(f"{{{BPMN}}}process"), "meeting-setup.bpmn")
    assert model.start_groups == ("clerk", "it_group_director")


def test_rule_json_is_written_as_the_files_write_it():
    """The panel's serialiser (web/modeler/ruleJson.mjs, run by node) gives back every SOP's deadline
    text unchanged, and adds a key where the files put it."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is missing (npm ci needs it too)", pytrace=False)
    texts = [el.text for path in SOPS for el in _parse(path.read_bytes()).iter(f"{{{KRABUAN}}}deadline")]
    script = """
        import { pyJson, withKey } from './web/modeler/ruleJson.mjs';
        const texts = JSON.parse(require_stdin());
        const again = texts.map(t => pyJson(JSON.parse(t)));
        const added = pyJson(withKey({type: 'before_event', event: 'd', corrected: 'x'}, 'amount', 2));
        const rule = {type: 'after_event', amount: 0, roll: false, corrected: 'x'};
        const rolled = pyJson(withKey(rule, 'roll', undefined));
        console.log(JSON.stringify({again, added, rolled}));
    """.replace("require_stdin()", "(await new Promise(r => { let s = ''; process.stdin.on('data', d => s += d); "
                                   "process.stdin.on('end', () => r(s)); }))")
    out = subprocess.run([node, "--input-type=module", "-e", script], input=json.dumps(texts), text=True,
                         capture_output=True, cwd=PROJECT_ROOT, check=True, timeout=60).stdout
    result = json.loads(out)
    assert len(texts) > 50
    assert result["again"] == texts
    assert result["added"] == '{"type": "before_event", "amount": 2, "event": "d", "corrected": "x"}'
    assert result["rolled"] == '{"type": "after_event", "amount": 0, "corrected": "x"}'


def test_documents_and_start_form(editor):
    _open(editor, "meeting-setup", "send_invitations")
    editor.locator("[data-group-id='group-krabuan-documents'] .bio-properties-panel-group-header").click()
    before = editor.evaluate("window.changes")
    editor.locator("[data-group-id='group-krabuan-documents'] .bio-properties-panel-add-entry").click()
    _wait_for_change(editor, before)
    _choose(editor, _entry("krabuan-document-0-direction"), "out")
    _fill(editor, _entry("krabuan-document-0-th"), "หนังสือเชิญประชุม")
    _fill(editor, _entry("krabuan-document-0-en"), "Meeting invitation")
    step = _saved(editor).find(f".//{{{BPMN}}}userTask[@id='send_invitations']//{{{KRABUAN}}}step")
    assert [etree.QName(c).localname for c in step] == ["deadline", "control", "control", "document"]
    assert step.find(f"{{{KRABUAN}}}document").attrib == {"direction": "out", "th": "หนังสือเชิญประชุม",
                                                          "en": "Meeting invitation"}

    # A start event without a form gets one from the page's list (the case's start form).
    assert editor.evaluate("app.select('start_meeting_setup')") is True
    _choose(editor, _entry("krabuan-form"), "meeting-setup.fix_date_and_book_room")
    model = read_process_model(_saved(editor).find(f"{{{BPMN}}}process"), "meeting-setup.bpmn")
    assert model.start_form == "meeting-setup.fix_date_and_book_room"
