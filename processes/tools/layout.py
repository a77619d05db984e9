"""The BPMN diagram (BPMNDI) of an encoded SOP: one pool per process, one lane per role, left to right.

encode_sop.py builds the process blocks (nodes in layout order, their lanes and flows) and calls
diagram() with the names it wrote, so that every box is sized to the label bpmn-js will draw in it:

- Columns: a node's column is one more than the column of its latest predecessor along the flow
  spec's order (a flow to an earlier node is a return); alternatives and parallel branches that
  follow one gateway share a column, and nodes of one lane that share a column get a row each.
- Sizes: bpmn-js centres a task's name in its box, wrapped to the box less 7 px each side (13 px
  Sarabun in the app), and draws the user-task icon in the top-left corner and the multi-instance
  marker at the bottom: 34 px are kept free above and below the name. Text widths are estimated from
  the characters (Sarabun's advance widths; Thai vowel and tone marks take none), with 10 % more
  for the heights. bpmn-js breaks lines only at spaces and hyphens and cuts a longer run of Thai
  where the width runs out, so each task box (120-280 px) and each external label (up to 200 px) takes
  the width at which the predicted cuts fall between two words (pythainlp's dictionary) and stay
  there 2 px either way, then the fewest lines, then the narrowest. A lane is tall enough for its
  title on one line (bpmn-js wraps the vertical title to the lane's height).
- Labels: gateway names stand above the gateway, event names below the event, both inside their
  column; a boundary event (a step's window) sits on its host's bottom border, its name left of the
  flow leaving it. A flow's name stands beside the flow, at the first place free of every shape,
  label and flow (beside the segment entering the target first; for a return, beside its track).
- Flows are orthogonal: a forward flow turns in a channel of its own in the gap before its target
  (or after its source, or runs along a track at the bottom of its source's lane when both rows are
  taken); a return runs along a track at the bottom of its source's lane, below the shapes, and only
  its last leg crosses to the target's lane.

tests/browser/test_diagrams.py renders every file in bpmn-js (headless Chromium, Sarabun) and checks
the result: no import warning, no label over another label, a shape or a flow, task names inside
their boxes and clear of the icons, lane titles on one line, few names cut inside a word.
"""
from __future__ import annotations

import functools
import math
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import unescape

TASK_FONT, LABEL_FONT, LINE_HEIGHT = 13, 12, 1.2  # the app's bpmn-js text renderer (web/static/case.js)
SAFETY = 1.1  # widths are estimated; fonts differ
TASK_WIDTHS = range(120, 281)
TASK_PADDING, ICON_CLEAR = 7, 34  # bpmn-js's padding of a task's name; room for the icon and markers
GATEWAY_LABEL_W, EVENT_LABEL_W, FLOW_LABEL_W = 200, 200, 180
SIZE = {"start": (36, 36), "end": (36, 36), "wait": (36, 36), "boundary": (36, 36), "gateway": (50, 50),
        "parallel": (50, 50)}
POOL_X, LANE_X, TITLE_W, Y0, POOL_GAP = 100, 130, 30, 80, 60
ROW_GAP, LANE_PAD, LANE_MIN_H, CHANNEL, MIN_GAP = 36, 16, 110, 12, 50
ENTITIES = {"&quot;": '"', "&apos;": "'", "&#10;": "\n", "&#13;": "\r", "&#9;": "\t"}

# Advance widths of Sarabun in hundredths of an em, as Chromium's canvas measures them (bpmn-js measures
# labels with the canvas); a character not listed takes 0.6 em, a Latin digit 0.55 em, a mark none.
_WIDTH_TABLE = ("ก58ข59ฃ61ค60ฅ61ฆ64ง45จ56ฉ57ช61ซ62ฌ81ญ83ฎ61ฏ61ฐ54ฑ71ฒ83ณ83ด59ต61ถ58ท66ธ54น64บ64ป66ผ62"
                "ฝ62พ72ฟ72ภ62ม61ย57ร48ฤ58ล58ฦ61ว51ศ60ษ68ส58ห64ฬ72อ59ฮ56ฯ55ะ53า48ำ48฿59เ31แ58โ38ใ38ไ39ๅ29ๆ62"
                "๏62๐66๑68๒68๓69๔68๕68๖68๗74๘67๙69๚77๛102"
                "a51b54c47d54e52f33g54h56i24j25k49l29m84n55o56p54q54r35s42t38u55v48w67x46y46z45A60B59C58D62E55"
                "F55G64H68I29J44K60L55M80N68O66P57Q66R58S53T56U66V60W83X60Y57Z57 24(32)32-34/42.25,25:25?45\"35'19"
                "_32;25!24&67+61=61%90#69[31]31{32}32<61>61*45~61@79|24–54—84“53”53‘34’34…72•37")
_EM = {ch: int(w) / 100 for ch, w in re.findall(r"(.)([0-9]+)", _WIDTH_TABLE)}


def char_em(ch: str) -> float:
    if unicodedata.category(ch) == "Mn":  # Thai vowel and tone marks above and below: no advance
        return 0.0
    return _EM.get(ch, 0.55 if "0" <= ch <= "9" else 0.6)


def text_width(text: str, size: float) -> float:
    """The estimated width in px of one line of text (bpmn-js measures without trailing spaces)."""
    return size * sum(char_em(ch) for ch in text.rstrip())


def _shorten(line: str, width: float, max_width: float) -> str:
    """bpmn-js's shortenLine: break at the last space or hyphen that fits, else cut the word."""
    length = max(len(line) * (max_width / width), 1)
    kept: list[str] = []
    parts = re.split(r"(\s|-|\u00ad)", line)
    if len(parts) > 1:
        for part in parts:
            if not part:
                break
            if len(part) + sum(len(k) for k in kept) < length:
                kept.append(part)
                continue
            if part in ("-", "\u00ad") and kept:
                kept.pop()
            break
    return "".join(kept) or line[:max(math.floor(length - 1 + 0.5), 1)]


def wrap(text: str, max_width: float, size: float, safety: float = SAFETY) -> list[str]:
    """The lines bpmn-js lays a label out in (diagram-js Text.layoutText), with estimated widths
    (times `safety`: 1 predicts Sarabun's own breaks, SAFETY a font up to 10 % wider)."""
    pending, lines = re.split(r"\u00ad?\r?\n", text), []
    while pending:
        original = fit = pending.pop(0)
        while True:
            width = text_width(fit, size) * safety if fit else 0
            if fit in (" ", "") or width <= max_width or len(fit) < 2:
                break
            fit = _shorten(fit, width, max_width)
        if len(fit) < len(original):
            pending.insert(0, original[len(fit):].strip())
        lines.append(fit)
    return lines


@functools.lru_cache(maxsize=8192)
def word_starts(text: str) -> frozenset[int]:
    """Where the words of a text start (Thai writes no space between words: pythainlp's dictionary)."""
    from pythainlp.tokenize import word_tokenize

    starts, pos = set(), 0
    for word in word_tokenize(text, engine="newmm", keep_whitespace=True):
        starts.add(pos)
        pos += len(word)
    return frozenset(starts)


def cut_words(text: str, lines: list[str]) -> int:
    """How many line breaks fall inside a word: bpmn-js breaks at spaces and hyphens, and cuts a
    longer run of Thai where the width runs out (a mark may even start the next line)."""
    starts, end, cuts = word_starts(text), 0, 0
    for line in lines[:-1]:
        end = text.index(line, end) + len(line)
        if end < len(text) and not text[end].isspace() and not line.endswith("-") and end not in starts:
            cuts += 1
    return cuts


def _best_width(text: str, widths: range, size: float, padding: int) -> tuple[int, int]:
    """The width of a box (and its lines) for a text bpmn-js wraps to the box: lines broken between
    words first (bpmn-js cuts where the width runs out; the cut is predicted with Sarabun's widths,
    and taken in the middle of the widths that cut there), then few lines, then narrow."""
    splits = {w: wrap(text, w - 2 * padding, size, 1.0) for w in range(widths.start - 6, widths.stop + 6)}

    def cost(w: int) -> tuple[int, bool, int]:
        steady = all(splits[w - d] == splits[w] == splits[w + d] for d in (1, 2))
        return cut_words(text, splits[w]), not steady, 40 * len(splits[w]) + w

    best = min(widths, key=cost)
    return best, max(len(splits[best]), len(wrap(text, best - 2 * padding, size)))


@functools.lru_cache(maxsize=4096)
def task_size(name: str) -> tuple[int, int]:
    """A task box: as wide as the name needs to break between words, tall enough for its lines below the icon."""
    width, lines = _best_width(name, TASK_WIDTHS, TASK_FONT, TASK_PADDING)
    return width, _task_height(lines)


def _task_height(lines: int) -> int:
    return max(80, 2 * math.ceil(lines * TASK_FONT * LINE_HEIGHT / 2) + 2 * ICON_CLEAR)  # even: centres on whole px


@functools.lru_cache(maxsize=4096)
def label_size(name: str, max_width: int) -> tuple[int, int]:
    """Bounds of an external label: bpmn-js wraps it to the width of its BPMNLabel bounds."""
    width, lines = _best_width(name, range(40, max_width + 1), LABEL_FONT, 0)
    return width, math.ceil(lines * LABEL_FONT * LINE_HEIGHT) + 4


def title_fits(title: str, height: float, most_lines: int) -> bool:
    """A vertical lane or pool title fits when it needs at most most_lines lines and no word is cut."""
    lines = wrap(title, height, TASK_FONT)
    rest, whole = title, True
    for line in lines:
        rest = rest[len(line):]
        whole = whole and (not rest or rest[0].isspace() or line.endswith("-"))
        rest = rest.lstrip()
    return len(lines) <= most_lines and whole


def element_names(xml_lines: list[str]) -> dict[str, str]:
    """The names the encoder wrote, by element id (the diagram measures exactly what is drawn)."""
    names = {}
    for line in xml_lines:
        m = re.search(r'<bpmn:\w+ id="([^"]+)"[^>]*? name=("[^"]*"|\'[^\']*\')', line)
        if m:
            names[m.group(1)] = unescape(m.group(2)[1:-1], ENTITIES)
    return names


def lane_id(b: dict[str, Any], role: str) -> str:
    """Lane ids are the group ids; in a second pool of the same file they get the pool's prefix
    (XML ids are unique per file) and name their group with krabuan:lane."""
    return f"{b['xml_id']}__{role}" if b.get("lane_prefix") else role


def diagram(xml_id: str, blocks: list[dict[str, Any]], names: dict[str, str] | None = None) -> list[str]:
    out = [f'  <bpmndi:BPMNDiagram id="BPMNDiagram_{xml_id}">',
           f'    <bpmndi:BPMNPlane id="BPMNPlane_{xml_id}" bpmnElement="Collaboration_{xml_id}">']
    top = Y0
    for b in blocks:
        pool = _Pool(b, names or {}, top)
        out += pool.xml()
        top += pool.height + POOL_GAP
    out += ["    </bpmndi:BPMNPlane>", "  </bpmndi:BPMNDiagram>"]
    return out


Rect = tuple[float, float, float, float]  # x, y, width, height
Point = tuple[float, float]


@dataclass
class _Node:
    nid: str
    kind: str
    lane: str
    name: str
    w: int
    h: int
    col: int = 0
    row: int = 0
    label: tuple[int, int] | None = None
    label_above: bool = False
    x: float = 0
    y: float = 0

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2

    def rect(self) -> Rect:
        return (self.x, self.y, self.w, self.h)

    def label_rect(self) -> Rect | None:
        if not self.label:
            return None
        w, h = self.label
        if self.kind == "boundary":  # left of the flow that leaves its bottom, below the host
            return (self.cx - 6 - w, self.y + self.h + 4, w, h)
        return (self.cx - w / 2, self.y - 6 - h if self.label_above else self.y + self.h + 6, w, h)


@dataclass
class _Edge:
    fid: str
    src: _Node
    dst: _Node
    name: str
    back: bool
    route: str = ""
    channels: dict[str, int] = field(default_factory=dict)  # "out"/"in" -> gap index
    track: int = -1
    points: list[Point] = field(default_factory=list)
    label: Rect | None = None


class _Pool:
    """One pool: the grid of columns and lane rows, the routes, then the coordinates."""

    def __init__(self, b: dict[str, Any], names: dict[str, str], top: int) -> None:
        self.b, self.top, self.names = b, top, names
        self.roles: list[str] = b["roles"]
        self.nodes: dict[str, _Node] = {}
        for kind, nid, _ in b["order"]:
            name = names.get(nid, "")
            w, h = task_size(name) if kind not in SIZE else SIZE[kind]
            node = _Node(nid, kind, b["lane_of"][nid], name, w, h)
            if name and kind in SIZE:
                node.label = label_size(name, GATEWAY_LABEL_W if kind in ("gateway", "parallel") else EVENT_LABEL_W)
                node.label_above = kind in ("gateway", "parallel")
            self.nodes[nid] = node
        index = {nid: i for i, nid in enumerate(self.nodes)}
        self.hosts: dict[str, _Node] = {}  # boundary events (a step's window) sit on their host's border
        for w in b.get("boundaries") or []:
            node = _Node(w["id"], "boundary", b["lane_of"][w["id"]], names.get(w["id"], ""), 36, 36)
            node.label = label_size(node.name, EVENT_LABEL_W) if node.name else None
            self.nodes[w["id"]], self.hosts[w["id"]] = node, self.nodes[w["host"]]
            index[w["id"]] = index[w["host"]]
        self.edges = [_Edge(f["id"], self.nodes[f["from"]], self.nodes[f["to"]], names.get(f["id"], ""),
                            index[f["to"]] <= index[f["from"]]) for f in b["flows"]]
        self.cells: dict[tuple[str, int, int], _Node] = {}
        self.gaps: dict[int, list[_Edge]] = {}
        self.tracks: dict[str, list[_Edge]] = {r: [] for r in self.roles}
        self.bottom_exits: set[str] = set()
        self._grid()
        for e in self.edges:
            self._route(e)
        self._xs()
        self.lane_tops: dict[str, float] = {}
        self.lane_h: dict[str, float] = {}
        self.track_y: dict[str, float] = {}
        self._ys()
        for e in self.edges:
            e.points = _dedupe(self._points(e))
        self._place_flow_labels()

    # -- the grid --------------------------------------------------------------------------------
    def _grid(self) -> None:
        preds: dict[str, list[_Node]] = {nid: [] for nid in self.nodes}
        for e in self.edges:
            if not e.back:
                preds[e.dst.nid].append(self.hosts.get(e.src.nid, e.src))
        for node in self.nodes.values():
            if node.nid in self.hosts:
                host = self.hosts[node.nid]
                node.col, node.row = host.col, host.row
                continue
            node.col = max((p.col + 1 for p in preds[node.nid]), default=0)
            same_lane = [p.row for p in preds[node.nid] if p.lane == node.lane]
            row = same_lane[0] if same_lane else 0
            while (node.lane, node.col, row) in self.cells:
                row += 1
            node.row = row
            self.cells[(node.lane, node.col, row)] = node
        self.ncols = max(n.col for n in self.nodes.values()) + 1
        self.nrows = {r: 1 + max((n.row for n in self.nodes.values() if n.lane == r), default=0) for r in self.roles}
        for (lane, row) in {(n.lane, n.row) for n in self.nodes.values()}:  # one height per row of tasks
            tasks = [n for n in self.nodes.values() if (n.lane, n.row) == (lane, row) and n.kind not in SIZE]
            for n in tasks:
                n.h = max(t.h for t in tasks)

    def _free(self, lane: str, row: int, cols: range) -> bool:
        return all((lane, c, row) not in self.cells for c in cols)

    def _free_below(self, n: _Node) -> bool:
        below = any((n.lane, n.col, r) in self.cells for r in range(n.row + 1, self.nrows[n.lane]))
        hosting = any(host is n for host in self.hosts.values())  # a boundary event sits on its bottom
        return not below and not hosting and not (n.label and not n.label_above)

    def _channel(self, e: _Edge, end: str, gap: int) -> None:
        e.channels[end] = gap
        self.gaps.setdefault(gap, []).append(e)

    def _route(self, e: _Edge) -> None:
        s, t = e.src, e.dst
        if e.back:
            e.route = "back"
            if s.nid in self.bottom_exits or not self._free_below(s):  # one return leaves by the bottom
                self._channel(e, "out", s.col + 1)
            else:
                self.bottom_exits.add(s.nid)
            if not (t.lane == s.lane and self._free_below(t)):
                self._channel(e, "in", t.col)
            e.track = len(self.tracks[s.lane])
            self.tracks[s.lane].append(e)
            return
        mids = range(s.col + 1, t.col)
        if s.nid in self.hosts:  # from a boundary event: down to the lane's track, then to the target
            e.route = "track"
            self._channel(e, "in", t.col)
            e.track = len(self.tracks[s.lane])
            self.tracks[s.lane].append(e)
        elif (s.lane, s.row) == (t.lane, t.row) and self._free(s.lane, s.row, mids):
            e.route = "straight"
        elif self._free(s.lane, s.row, mids):
            e.route = "late"
            self._channel(e, "in", t.col)
        elif self._free(t.lane, t.row, mids):
            e.route = "early"
            self._channel(e, "out", s.col + 1)
        else:
            e.route = "track"
            self._channel(e, "out", s.col + 1)
            self._channel(e, "in", t.col)
            e.track = len(self.tracks[s.lane])
            self.tracks[s.lane].append(e)

    # -- coordinates -----------------------------------------------------------------------------
    def _xs(self) -> None:
        col_w = [0] * self.ncols
        for n in self.nodes.values():
            col_w[n.col] = max(col_w[n.col], n.w, n.label[0] if n.label else 0)
        need = [0.0] * (self.ncols + 1)
        for e in self.edges:
            if e.name and not e.back:
                need[e.dst.col] = max(need[e.dst.col], label_size(e.name, FLOW_LABEL_W)[0] + 16)
        self.gap_x: dict[int, float] = {}
        x = float(LANE_X + TITLE_W)
        self.col_x: list[float] = []
        for c in range(self.ncols + 1):
            channels = len(self.gaps.get(c, []))
            self.gap_x[c] = x
            x += max(MIN_GAP, 20 + CHANNEL * channels + need[c])
            if c < self.ncols:
                self.col_x.append(x)
                x += col_w[c]
        self.width = x + 20 - POOL_X
        for n in self.nodes.values():
            n.x = round(self.col_x[n.col] + (col_w[n.col] - n.w) / 2)
        for nid, host in self.hosts.items():
            self.nodes[nid].x = host.x + host.w - 36 - 14

    def _channel_x(self, e: _Edge, end: str) -> float:
        gap = e.channels[end]
        return self.gap_x[gap] + 14 + CHANNEL * self.gaps[gap].index(e)

    def _row_extents(self, lane: str) -> list[tuple[float, float]]:
        ext = [(20.0, 20.0)] * self.nrows[lane]
        for n in self.nodes.values():
            if n.lane != lane:
                continue
            up, down = n.h / 2, n.h / 2
            if n.nid in self.hosts:
                host = self.hosts[n.nid]
                up, down = host.h / 2, host.h / 2 + 18 + (n.label[1] + 8 if n.label else 0)
            elif n.label:
                up, down = (up + n.label[1] + 8, down) if n.label_above else (up, down + n.label[1] + 8)
            ext[n.row] = (max(ext[n.row][0], up), max(ext[n.row][1], down))
        for e in self.edges:  # a flow's name stands above the flow entering its target
            if e.name and not e.back and e.dst.lane == lane:
                up = label_size(e.name, FLOW_LABEL_W)[1] + 10
                ext[e.dst.row] = (max(ext[e.dst.row][0], up), ext[e.dst.row][1])
        return ext

    def _ys(self) -> None:
        y = float(self.top)
        for lane in self.roles:
            self.lane_tops[lane] = y
            centres, cursor = [], LANE_PAD
            for up, down in self._row_extents(lane):
                centres.append(math.ceil(cursor + up))
                cursor += up + down + ROW_GAP
            cursor -= ROW_GAP
            tracks = []
            for e in self.tracks[lane]:
                tracks.append(cursor + 14)
                cursor += 14 + (label_size(e.name, FLOW_LABEL_W)[1] + 8 if e.name else 4)
            content = cursor + LANE_PAD
            title = self.names.get(lane_id(self.b, lane), "")
            height = math.ceil(max(content, LANE_MIN_H, text_width(title, TASK_FONT) * SAFETY + 24))
            shift = (height - content) // 2
            for n in self.nodes.values():
                if n.lane == lane:
                    n.y = round(y + shift + centres[n.row] - n.h / 2)
            for nid, host in self.hosts.items():
                if host.lane == lane:
                    self.nodes[nid].y = host.y + host.h - 18
            for e, ty in zip(self.tracks[lane], tracks, strict=True):
                self.track_y[e.fid] = round(y + shift + ty)
            self.lane_h[lane] = height
            y += height
        self.height = y - self.top
        pool_title = self.names.get(f"Participant_{self.b['xml_id']}", "")
        extra = 0
        while pool_title and not title_fits(pool_title, self.height + extra, 2) and extra < 2000:
            extra += 20
        self.lane_h[self.roles[-1]] += extra
        self.height += extra

    def _points(self, e: _Edge) -> list[Point]:
        s, t = e.src, e.dst
        start, end = (s.x + s.w, s.cy), (t.x, t.cy)
        if e.route == "straight":
            return [start, end]
        if e.route in ("late", "early"):
            cx = self._channel_x(e, "in" if e.route == "late" else "out")
            return [start, (cx, s.cy), (cx, t.cy), end]
        ty = self.track_y[e.fid]
        if "out" in e.channels:
            out = [start, (self._channel_x(e, "out"), s.cy), (self._channel_x(e, "out"), ty)]
        else:
            out = [(s.cx, s.y + s.h), (s.cx, ty)]
        if "in" in e.channels:
            return out + [(self._channel_x(e, "in"), ty), (self._channel_x(e, "in"), t.cy), end]
        others = [o for o in self.edges if o.dst is t and o.back and "in" not in o.channels]
        dx = 8 * others.index(e) - 4 * (len(others) - 1)
        return out + [(t.cx + dx, ty), (t.cx + dx, t.y + t.h)]

    # -- flow labels -----------------------------------------------------------------------------
    def _obstacles(self) -> list[Rect]:
        rects: list[Rect] = []
        for n in self.nodes.values():
            rects.append((n.x - 4, n.y - 4, n.w + 8, n.h + 8))
            lr = n.label_rect()
            if lr:
                rects.append((lr[0] - 3, lr[1] - 3, lr[2] + 6, lr[3] + 6))
        for e in self.edges:
            for (x1, y1), (x2, y2) in zip(e.points, e.points[1:], strict=False):
                rects.append((min(x1, x2) - 3, min(y1, y2) - 3, abs(x2 - x1) + 6, abs(y2 - y1) + 6))
        for lane in self.roles:
            rects.append((LANE_X, self.lane_tops[lane], TITLE_W, self.lane_h[lane]))
        return rects

    def _place_flow_labels(self) -> None:
        obstacles = self._obstacles()
        for e in self.edges:
            if not e.name:
                continue
            w, h = label_size(e.name, FLOW_LABEL_W)
            candidates = _label_candidates(e, w, h)
            best = min(candidates, key=lambda r: (_overlap(r, obstacles), candidates.index(r)))
            if _overlap(best, obstacles):
                print(f"layout: the name of {e.fid} overlaps another element", file=sys.stderr)
            e.label = best
            obstacles.append(best)

    # -- XML -------------------------------------------------------------------------------------
    def xml(self) -> list[str]:
        pid, top = self.b["xml_id"], self.top
        out = [f'      <bpmndi:BPMNShape id="Participant_{pid}_di" bpmnElement="Participant_{pid}" '
               f'isHorizontal="true">{_bounds((POOL_X, top, self.width, self.height))}</bpmndi:BPMNShape>']
        for role in self.roles:
            lane = lane_id(self.b, role)
            rect = (LANE_X, self.lane_tops[role], self.width - (LANE_X - POOL_X), self.lane_h[role])
            out.append(f'      <bpmndi:BPMNShape id="{lane}_di" bpmnElement="{lane}" isHorizontal="true">'
                       f"{_bounds(rect)}</bpmndi:BPMNShape>")
        for n in self.nodes.values():
            marker = ' isMarkerVisible="true"' if n.kind == "gateway" else ""  # parallel gateways show "+"
            lr = n.label_rect()
            label = f"<bpmndi:BPMNLabel>{_bounds(lr)}</bpmndi:BPMNLabel>" if lr else ""
            out.append(f'      <bpmndi:BPMNShape id="{n.nid}_di" bpmnElement="{n.nid}"{marker}>'
                       f"{_bounds(n.rect())}{label}</bpmndi:BPMNShape>")
        for e in self.edges:
            wps = "".join(f'<di:waypoint x="{round(x)}" y="{round(y)}"/>' for x, y in e.points)
            label = f"<bpmndi:BPMNLabel>{_bounds(e.label)}</bpmndi:BPMNLabel>" if e.label else ""
            out.append(f'      <bpmndi:BPMNEdge id="{e.fid}_di" bpmnElement="{e.fid}">{wps}{label}</bpmndi:BPMNEdge>')
        return out


def _bounds(r: Rect) -> str:
    x, y, w, h = (round(v) for v in r)
    return f'<dc:Bounds x="{x}" y="{y}" width="{w}" height="{h}"/>'


def _dedupe(points: list[Point]) -> list[Point]:
    out: list[Point] = []
    for p in points:
        if not out or (round(p[0]), round(p[1])) != (round(out[-1][0]), round(out[-1][1])):
            out.append(p)
    return out


def _label_candidates(e: _Edge, w: int, h: int) -> list[Rect]:
    """Places beside the flow's segments: the segment entering the target first (for a return,
    the track at the bottom of the lane, near the source), then the others."""
    segments = list(zip(e.points, e.points[1:], strict=False))
    order = segments[::-1] if not e.back else sorted(segments, key=lambda s: s[0][1] != s[1][1])
    out: list[Rect] = []
    for (x1, y1), (x2, y2) in order:
        if y1 == y2:
            lo, hi = min(x1, x2), max(x1, x2)
            near_end = (hi - 8 - w) if x2 >= x1 else lo + 8
            near_start = lo + 8 if x2 >= x1 else hi - 8 - w
            for x in (near_start, near_end, (lo + hi - w) / 2) if e.back else (near_end, near_start, (lo + hi - w) / 2):
                out += [(x, y1 - 4 - h, w, h), (x, y1 + 4, w, h)] if not e.back else [(x, y1 + 4, w, h),
                                                                                       (x, y1 - 4 - h, w, h)]
        else:
            lo, hi = min(y1, y2), max(y1, y2)
            for y in (lo + 8, hi - 8 - h, (lo + hi - h) / 2):
                out += [(x1 + 5, y, w, h), (x1 - 5 - w, y, w, h)]
    return out


def _overlap(r: Rect, others: list[Rect]) -> float:
    total = 0.0
    for o in others:
        dx = min(r[0] + r[2], o[0] + o[2]) - max(r[0], o[0])
        dy = min(r[1] + r[3], o[1] + o[3]) - max(r[1], o[1])
        if dx > 0 and dy > 0:
            total += dx * dy
    return total
