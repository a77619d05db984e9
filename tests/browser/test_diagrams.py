"""Every SOP's diagram as a process owner sees it in a modeler: bpmn-js (node_modules, no CDN) in
headless Chromium with the Thai font of the app (Sarabun, @fontsource). Each file imports with no
warning, and in the drawing no label stands over another label, a shape or a flow, every task's name
stays inside its box and clear of its icon and markers, and every lane title is on one line.
Screenshots go to test-artifacts/screenshots/diagram-<id>.png."""
from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path
from xml.sax.saxutils import unescape

import pytest
from browser_helpers import SHOTS, serve_vendor

from engine.settings import PROJECT_ROOT

sys.path.insert(0, str(PROJECT_ROOT / "processes" / "tools"))
import layout  # noqa: E402  (processes/tools is not a package)

BPMN = sorted((PROJECT_ROOT / "processes" / "bpmn").glob("*.bpmn"))
# The app's text renderer (web/static/case.js) and bpmn-js's own sizes, both in Sarabun.
STYLES = {"app": (13, 12), "bpmn-js": (12, 11)}


PAGE = """<!doctype html><html lang="th"><head><meta charset="utf-8">
<link rel="stylesheet" href="/vendor/@fontsource/sarabun/400.css">
<link rel="stylesheet" href="/vendor/bpmn-js/dist/assets/diagram-js.css">
<link rel="stylesheet" href="/vendor/bpmn-js/dist/assets/bpmn-js.css">
<script src="/vendor/bpmn-js/dist/bpmn-viewer.production.min.js"></script>
<style>body { margin: 0; background: #fff; } #diagram { width: 1600px; height: 1000px; }</style>
</head><body><div id="diagram"></div><script>
// Import a diagram at 1:1 and report what bpmn-js drew: each element's bounds or waypoints, and the
// box (SVG getBBox in diagram coordinates) of its text, of its lines of text and of its icons.
window.krabuanRender = async ({ xml, task, label }) => {
  const font = "Sarabun, sans-serif";
  await document.fonts.load(task + "px Sarabun", "กa");
  if (window.viewer) { window.viewer.destroy(); }
  const box = document.getElementById("diagram");
  box.style.width = "1600px"; box.style.height = "1000px";
  window.viewer = new BpmnJS({ container: box, textRenderer: {
    defaultStyle: { fontFamily: font, fontSize: task }, externalStyle: { fontFamily: font, fontSize: label } } });
  let warnings;
  try { ({ warnings } = await window.viewer.importXML(xml)); }
  catch (err) { return { warnings: [String(err)], items: [] }; }
  const canvas = window.viewer.get("canvas"), registry = window.viewer.get("elementRegistry");
  const inner = canvas.viewbox().inner;
  box.style.width = Math.ceil(inner.width + 40) + "px"; box.style.height = Math.ceil(inner.height + 40) + "px";
  canvas.resized();
  canvas.viewbox({ x: inner.x - 20, y: inner.y - 20, width: inner.width + 40, height: inner.height + 40 });
  const toDiagram = box.querySelector(".viewport").getScreenCTM().inverse();
  const rect = (node) => {
    const b = node.getBBox(), m = toDiagram.multiply(node.getScreenCTM());
    const pts = [[b.x, b.y], [b.x + b.width, b.y], [b.x, b.y + b.height], [b.x + b.width, b.y + b.height]]
      .map(([x, y]) => new DOMPoint(x, y).matrixTransform(m));
    const xs = pts.map((p) => p.x), ys = pts.map((p) => p.y);
    return [Math.min(...xs), Math.min(...ys), Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys)];
  };
  const items = [];
  const root = canvas.getRootElement();
  registry.forEach((el) => {
    if (el === root) { return; }
    const gfx = registry.getGraphics(el);
    const text = gfx.querySelector(".djs-visual > text");
    const lines = text ? [...text.querySelectorAll("tspan")].map((t) => t.textContent) : [];
    const item = { id: el.id, type: el.type, name: (el.businessObject && el.businessObject.name) || "", lines,
                   text: lines.join("").trim() ? rect(text) : null };
    if (el.waypoints) {
      item.points = el.waypoints.map((p) => [p.x, p.y]);
      item.source = el.source.id; item.target = el.target.id;
    }
    else { item.bounds = [el.x, el.y, el.width, el.height]; }
    if (el.type === "label") { item.owner = el.labelTarget.id; }
    else if (/Task|CallActivity/.test(el.type)) {
      item.marks = [...gfx.querySelectorAll(".djs-visual > path")].map(rect);  // the icon and the markers
    }
    items.push(item);
  });
  return { warnings: warnings.map((w) => w.message), items };
};
window.krabuanMeasure = async (texts, size) => {
  await document.fonts.load(size + "px Sarabun", "กa");
  const c = document.createElement("canvas").getContext("2d");
  c.font = size + "px Sarabun, sans-serif";
  return texts.map((t) => c.measureText(t).width);
};
</script></body></html>"""
Rect = tuple[float, float, float, float]


def render_diagram(page, xml: str, task_font: int, label_font: int) -> dict:
    return page.evaluate("(a) => window.krabuanRender(a)", {"xml": xml, "task": task_font, "label": label_font})


def diagram_problems(drawing: dict) -> list[str]:
    """What a reader would trip over in the drawing, one line each."""
    items = drawing["items"]
    nodes = [i for i in items if "bounds" in i and i["bounds"][2] is not None
             and i["type"] not in ("label", "bpmn:Lane", "bpmn:Participant")]
    texts = [i for i in items if i["text"]]
    edges = [i for i in items if "points" in i]
    problems = [f"{i['id']}: the name {_inside_problem(i)}" for i in texts if i.get("marks") is not None
                and _inside_problem(i)]
    for n, a in enumerate(texts):
        problems += [f"{_who(a)} overlaps {_who(b)}" for b in texts[n + 1:] if _overlap(a["text"], b["text"])]
        if a["type"] in ("label", "bpmn:Lane", "bpmn:Participant"):
            problems += [f"{_who(a)} overlaps the shape {b['id']}" for b in nodes if _overlap(a["text"], b["bounds"])]
            problems += [f"{_who(a)} overlaps the flow {e['id']}" for e in edges if _crosses(a["text"], e["points"])]
    for n, a in enumerate(nodes):
        problems += [f"the shape {a['id']} overlaps the shape {b['id']}" for b in nodes[n + 1:]
                     if _overlap(a["bounds"], b["bounds"]) and "BoundaryEvent" not in a["type"] + b["type"]]
    problems += _returns_across_lanes(items)
    for lane in (i for i in texts if i["type"] in ("bpmn:Lane", "bpmn:Participant")):
        if lane["type"] == "bpmn:Lane" and len(lane["lines"]) > 1 or not _whole_words(lane["name"], lane["lines"]):
            problems.append(f"{lane['id']}: the lane title is cut: {' | '.join(lane['lines'])}")
    return problems


def _returns_across_lanes(items: list[dict]) -> list[str]:
    """A return (a flow drawn back to the left) runs inside its source's lane: only the leg that
    enters the target may cross to the target's lane."""
    by_id = {i["id"]: i for i in items}
    lanes = [i["bounds"] for i in items if i["type"] == "bpmn:Lane"]
    problems = []
    for flow in (i for i in items if "points" in i):
        sx, sy, sw, sh = by_id[flow["source"]]["bounds"]
        tx = by_id[flow["target"]]["bounds"][0]
        lane = next((r for r in lanes if r[1] <= sy + sh / 2 <= r[1] + r[3]), None)
        if tx >= sx or lane is None:
            continue
        legs = list(zip(flow["points"], flow["points"][1:], strict=False))[:-1]
        if any(a[1] == b[1] and not lane[1] <= a[1] <= lane[1] + lane[3] for a, b in legs):
            problems.append(f"the return {flow['id']} runs outside its source's lane")
    return problems


def _who(item: dict) -> str:
    kind = {"label": "the label of", "bpmn:Lane": "the title of", "bpmn:Participant": "the title of"}
    return f"{kind.get(item['type'], 'the name of')} {item.get('owner', item['id'])}"


def _inside_problem(task: dict) -> str:
    x, y, w, h = task["text"]
    bx, by, bw, bh = task["bounds"]
    if x < bx or y < by or x + w > bx + bw or y + h > by + bh:
        return f"overflows its box ({x - bx:.0f}, {y - by:.0f}, {w:.0f}×{h:.0f} in {bw}×{bh})"
    if any(_overlap(task["text"], (m[0] - 1, m[1] - 1, m[2] + 2, m[3] + 2)) for m in task["marks"]):
        return "touches the icon or a marker"
    return ""


def _overlap(a: Rect, b: Rect) -> bool:
    dx = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
    return dx > 0.5 and min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]) > 0.5


def _crosses(r: Rect, points: list[list[float]]) -> bool:
    """Whether an orthogonal (or any) polyline passes through the rectangle (shrunk by 1 px)."""
    x0, y0, x1, y1 = r[0] + 1, r[1] + 1, r[0] + r[2] - 1, r[1] + r[3] - 1
    for (ax, ay), (bx, by) in zip(points, points[1:], strict=False):
        for t in (i / 40 for i in range(41)):
            px, py = ax + (bx - ax) * t, ay + (by - ay) * t
            if x0 < px < x1 and y0 < py < y1:
                return True
    return False


def _whole_words(title: str, lines: list[str]) -> bool:
    """Each line break of a title falls at a space or after a hyphen, never inside a word."""
    rest = title
    for line in lines[:-1]:
        rest = rest[len(line):]
        if rest and not rest[0].isspace() and not line.endswith("-"):
            return False
        rest = rest.lstrip()
    return True


@pytest.fixture(scope="module")
def viewer(browser) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="th-TH")
    page = context.new_page()
    page.set_default_timeout(30_000)
    serve_vendor(page, html=PAGE)
    yield page
    context.close()


@pytest.mark.parametrize("style", list(STYLES))
@pytest.mark.parametrize("path", BPMN, ids=[p.stem for p in BPMN])
def test_the_diagram_reads_in_a_modeler(viewer, path: Path, style: str) -> None:
    task_font, label_font = STYLES[style]
    drawing = render_diagram(viewer, path.read_text(encoding="utf-8"), task_font, label_font)
    if style == "app":
        SHOTS.mkdir(parents=True, exist_ok=True)
        viewer.screenshot(path=str(SHOTS / f"diagram-{path.stem}.png"), full_page=True)
    assert drawing["warnings"] == [], f"{path.name}: bpmn-js warns on import: {drawing['warnings']}"
    problems = diagram_problems(drawing)
    assert problems == [], f"{path.name} ({style} text sizes):\n" + "\n".join(problems)


def test_the_width_estimate_matches_the_rendered_text(viewer) -> None:
    """The encoder sizes boxes with widths estimated from the characters; Chromium's measure of
    Sarabun (what bpmn-js wraps with) is within 3 % of the estimate for every name. (The layout adds
    10 % for other fonts; the place where bpmn-js cuts a long Thai run is predicted with the estimate.)"""
    names = sorted({unescape(n, layout.ENTITIES) for p in BPMN
                    for n in re.findall(r' name="([^"]+)"', p.read_text("utf-8"))})
    measured = viewer.evaluate("(t) => window.krabuanMeasure(t, 13)", names)
    off = [(name, round(w), round(layout.text_width(name, 13))) for name, w in zip(names, measured, strict=True)
           if not 0.97 <= w / layout.text_width(name, 13) <= 1.03]
    assert len(names) > 300
    assert off == [], f"estimate more than 3 % off the rendering (name, rendered, estimated): {off[:10]}"


def test_names_break_between_words(viewer) -> None:
    """Thai writes no space between words, and bpmn-js breaks a line only at a space or a hyphen,
    else cuts the run where the width runs out. The encoder sizes each box and label so that the
    cut falls between two words (pythainlp's dictionary) wherever a width allows it; what is left
    are a few names whose compound words no width up to the maximum can break cleanly."""
    wrapped, cut = 0, []
    for path in BPMN:
        for item in render_diagram(viewer, path.read_text(encoding="utf-8"), *STYLES["app"])["items"]:
            if len(item["lines"]) > 1:
                wrapped += 1
                if layout.cut_words(item["name"], item["lines"]):
                    cut.append(f"{path.stem} {item['id']}: {' | '.join(item['lines'])}")
    assert wrapped > 200
    assert len(cut) <= 0.04 * wrapped, "\n".join(cut)


def test_the_checks_find_a_crowded_diagram(viewer) -> None:
    """The checks are not blind: a task shrunk under its name, a flow label moved onto a task, a
    lane too short for its title and a return drawn through another lane are each reported."""
    xml = (PROJECT_ROOT / "processes" / "bpmn" / "advance-loan.bpmn").read_text(encoding="utf-8")
    task = re.search(r'<bpmndi:BPMNShape id="(\w+)_di" bpmnElement="\w+"><dc:Bounds x="(\d+)" y="(\d+)" '
                     r'width="[12]\d\d" height="\d+"/></bpmndi:BPMNShape>', xml)
    assert task
    shrunk = xml.replace(task.group(0), task.group(0).replace(re.search(r'width="\d+" height="\d+"',
                                                                          task.group(0)).group(0),
                                                                'width="90" height="60"'))
    moved = re.sub(r'(<bpmndi:BPMNEdge id="\w+_di" bpmnElement="\w+">(?:<di:waypoint [^>]+>)+<bpmndi:BPMNLabel>)'
                   r'<dc:Bounds x="\d+" y="\d+"', rf'\1<dc:Bounds x="{task.group(2)}" y="{task.group(3)}"', xml,
                   count=1)
    short = re.sub(r'(<bpmndi:BPMNShape id="clerk_di" bpmnElement="clerk" isHorizontal="true">'
                   r'<dc:Bounds x="\d+" y="\d+" width="\d+") height="\d+"', r'\1 height="60"', xml)
    back = next(m for m in re.finditer(r'<bpmndi:BPMNEdge id="(\w+)_di"[^>]*>((?:<di:waypoint [^>]+>){4,})', xml)
                if int(re.findall(r'x="(\d+)"', m.group(2))[0]) > int(re.findall(r'x="(\d+)"', m.group(2))[-1]))
    points = re.findall(r'<di:waypoint x="\d+" y="\d+"/>', back.group(2))
    through = [re.sub(r'y="\d+"', 'y="85"', p) if 0 < n < len(points) - 2 else p for n, p in enumerate(points)]
    across = xml.replace(back.group(2), "".join(through))
    for broken, expected in ((shrunk, f"{task.group(1)}: the name"), (moved, "overlaps"),
                             (short, "clerk: the lane title is cut"),
                             (across, f"the return {back.group(1)} runs outside its source's lane")):
        problems = diagram_problems(render_diagram(viewer, broken, *STYLES["app"]))
        assert any(expected in p for p in problems), (expected, problems)


def test_the_collections_declared_for_modelers_change_nothing_in_spiff() -> None:
    """The bpmn:property elements that resolve the multi-instance loopDataInputRef/OutputRef for
    modelers are ignored by SpiffWorkflow: every process compiles to the very same spec without them."""
    from lxml import etree

    from engine.model.expressions import ExpressionEvaluator
    from engine.spiff import Runtime
    from engine.time.time_functions import FUNCTIONS

    runtime = Runtime(ExpressionEvaluator(FUNCTIONS))
    declaring = [p for p in BPMN if "<bpmn:property " in p.read_text(encoding="utf-8")]
    assert len(declaring) >= 10
    for path in declaring:
        text = path.read_text(encoding="utf-8")
        bare = "\n".join(line for line in text.split("\n") if "<bpmn:property " not in line)
        with_refs = runtime.compile([(etree.fromstring(text.encode()), path.name)])
        without = runtime.compile([(etree.fromstring(bare.encode()), path.name)])
        assert [c.spec_json for c in with_refs] == [c.spec_json for c in without], path.name
