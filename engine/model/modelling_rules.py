"""BPMN modelling rules: a port of bpmnlint's ``recommended`` configuration (bpmnlint 11.15.0).

Each rule of ``bpmnlint/config/recommended.js`` is one small function below, registered in ``RULES``
with the severity the configuration gives it (``SEVERITIES``); each problem names the element it is
about, in English (bpmnlint's own message, word for word) and in Thai. The port reads the model the
way bpmnlint's parser (bpmn-moddle) does, because that decides what bpmnlint reports:

- a flow node's incoming and outgoing flows are its ``<bpmn:incoming>``/``<bpmn:outgoing>`` children,
  not the sequence flows' ``sourceRef``/``targetRef``; a file without them (hand-written, or written
  by a tool other than bpmn-js) has every node "not connected". ``with_flow_references`` adds them,
  the way bpmn-js writes them;
- references (``default``, ``sourceRef``, ``bpmnElement``, ``messageRef``, ...) resolve by id to any
  element, and one that does not resolve counts as absent;
- an element whose id is not an XML name (e.g. starts with a digit) or repeats an earlier id is
  dropped by bpmn-moddle together with everything inside it, and so it is here;
- booleans are true only when written ``true``; a start event is interrupting unless it says not.

``tests/engine/model/test_modelling_rules.py`` runs bpmnlint itself on every SOP, the MIWG and
SpiffWorkflow corpora and a fixture per rule, and requires the same (rule, element, severity,
message) set. Known differences, none met in those files: choreographies are not read; an
element bpmn-moddle refuses for its place in the tree (a task directly under the definitions) still
takes its id here; where a bpmnlint rule crashes on a broken reference (an association or a flow
without a resolvable source) the port treats the reference as absent instead.

Pure: an lxml tree in, a tuple of ``ModellingProblem`` out; no store, no SpiffWorkflow.
"""
from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Literal

from lxml import etree

from .xmlguard import local_name, namespace_of

Severity = Literal["error", "warning"]

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI_NS = "http://www.omg.org/spec/BPMN/20100524/DI"
DC_NS = "http://www.omg.org/spec/DD/20100524/DC"
DI_NS = "http://www.omg.org/spec/DD/20100524/DI"
_ID_NAMESPACES = frozenset({BPMN_NS, BPMNDI_NS, DI_NS})  # DC (bounds, points) has no ids
_LEGAL_ID = re.compile(r"([a-z][\w\-.]*:)?[a-z_][\w\-.]*", re.I | re.A)  # moddle-xml's QName check

_TASKS = frozenset({"Task", "UserTask", "ManualTask", "ScriptTask", "ServiceTask", "SendTask", "ReceiveTask",
                    "BusinessRuleTask"})
_SUB_PROCESSES = frozenset({"SubProcess", "Transaction", "AdHocSubProcess"})
_ACTIVITIES = _TASKS | _SUB_PROCESSES | {"CallActivity"}
_CATCH_EVENTS = frozenset({"StartEvent", "IntermediateCatchEvent", "BoundaryEvent"})
_THROW_EVENTS = frozenset({"EndEvent", "IntermediateThrowEvent", "ImplicitThrowEvent"})
_EVENTS = _CATCH_EVENTS | _THROW_EVENTS
_GATEWAYS = frozenset({"ExclusiveGateway", "InclusiveGateway", "ParallelGateway", "ComplexGateway",
                       "EventBasedGateway"})
_FLOW_NODES = _ACTIVITIES | _EVENTS | _GATEWAYS | {"ChoreographyTask", "SubChoreography", "CallChoreography"}
_FLOW_ELEMENTS = _FLOW_NODES | {"SequenceFlow", "DataObject", "DataObjectReference", "DataStoreReference"}
_DEFAULT_OWNERS = _ACTIVITIES | {"ExclusiveGateway", "InclusiveGateway", "ComplexGateway"}
_EVENT_DEFINITIONS = frozenset({"CancelEventDefinition", "CompensateEventDefinition", "ConditionalEventDefinition",
                                "ErrorEventDefinition", "EscalationEventDefinition", "LinkEventDefinition",
                                "MessageEventDefinition", "SignalEventDefinition", "TerminateEventDefinition",
                                "TimerEventDefinition"})
_ARTIFACTS = frozenset({"Association", "Group", "TextAnnotation"})
_GLOBALS = frozenset({"Error", "Escalation", "Message", "Signal"})
_JS_SPACE = "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a" \
            "\u2028\u2029\u202f\u205f\u3000\ufeff"
_JS_FLOAT = re.compile(r"[+-]?(Infinity|(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?)")


@dataclass(frozen=True)
class ModellingProblem:
    """One problem of a BPMN model, at the element it is about (``element_id`` "" when it has no id)."""
    rule: str
    element_id: str
    severity: Severity
    en: str
    th: str

    def to_json(self) -> dict[str, str]:
        return {"rule": self.rule, "element_id": self.element_id, "severity": self.severity, "en": self.en,
                "th": self.th}


@dataclass(frozen=True)
class _Found:
    element_id: str
    en: str
    th: str


def _js_trim(text: str | None) -> str:
    return (text or "").strip(_JS_SPACE)


def _js_str(value: str | None) -> str:
    """A string as JavaScript concatenates it (``undefined`` for a missing value)."""
    return "undefined" if value is None else value


def _js_float(text: str | None) -> float | None:
    """JavaScript's ``parseFloat`` of an attribute (None when it is absent; NaN when it is not a number)."""
    if text is None:
        return None
    match = _JS_FLOAT.match(text.lstrip(_JS_SPACE))
    return float(match.group(0).replace("Infinity", "inf")) if match else float("nan")


def _kind(el: etree._Element) -> str:
    """The BPMN type of an element as bpmn-moddle names it (``userTask`` -> ``UserTask``), or ''."""
    if namespace_of(el.tag) != BPMN_NS:
        return ""
    name = local_name(el.tag)
    return name[:1].upper() + name[1:]


def _found(el: etree._Element, en: str, th: str) -> _Found:
    return _Found(el.get("id") or "", en, th)


@dataclass
class _Model:
    """The model as bpmn-moddle reads it: registered ids, dropped subtrees, containers in traversal order."""
    root: etree._Element
    by_id: dict[str, etree._Element] = field(default_factory=dict)
    dropped: set[etree._Element] = field(default_factory=set)
    containers: list[etree._Element] = field(default_factory=list)  # processes and sub-processes
    flow_elements: list[etree._Element] = field(default_factory=list)  # every flow element, traversal order
    _refs: dict[tuple[etree._Element, str], list[etree._Element]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._register_ids()
        for process in self.root_elements({"Process"}):
            self._walk_container(process)

    def _register_ids(self) -> None:
        stack = [self.root]
        while stack:
            el = stack.pop()
            if not isinstance(el.tag, str) or namespace_of(el.tag) not in _ID_NAMESPACES | {DC_NS}:
                continue
            element_id = el.get("id")
            if element_id and namespace_of(el.tag) in _ID_NAMESPACES:
                if not _LEGAL_ID.fullmatch(element_id) or element_id in self.by_id:
                    self.dropped.add(el)
                    continue
                self.by_id[element_id] = el
            stack.extend(reversed(list(el)))

    def _walk_container(self, container: etree._Element) -> None:
        self.containers.append(container)
        for el in self.children(container, _FLOW_ELEMENTS):
            self.flow_elements.append(el)
            if _kind(el) in _SUB_PROCESSES:
                self._walk_container(el)

    def children(self, el: etree._Element, kinds: frozenset[str] | set[str]) -> list[etree._Element]:
        return [child for child in el if _kind(child) in kinds and child not in self.dropped]

    def child(self, el: etree._Element, kind: str) -> etree._Element | None:
        """A single-valued child: the last one written wins, as in bpmn-moddle."""
        found = self.children(el, {kind})
        return found[-1] if found else None

    def root_elements(self, kinds: frozenset[str] | set[str]) -> list[etree._Element]:
        return self.children(self.root, kinds)

    def ref(self, el: etree._Element, attribute: str) -> etree._Element | None:
        value = el.get(attribute)
        return self.by_id.get(value) if value is not None else None

    def refs(self, el: etree._Element, name: str) -> list[etree._Element]:
        """Resolved references written as child elements (``<bpmn:incoming>``); unresolved ones left out."""
        key = (el, name)
        if key not in self._refs:
            texts = [child.text for child in self.children(el, {name[:1].upper() + name[1:]})]
            self._refs[key] = [self.by_id[t] for t in texts if t and t.strip(_JS_SPACE) and t in self.by_id]
        return self._refs[key]

    def incoming(self, el: etree._Element) -> list[etree._Element]:
        return self.refs(el, "incoming") if _kind(el) in _FLOW_NODES else []

    def outgoing(self, el: etree._Element) -> list[etree._Element]:
        return self.refs(el, "outgoing") if _kind(el) in _FLOW_NODES else []

    def default(self, el: etree._Element) -> etree._Element | None:
        return self.ref(el, "default") if _kind(el) in _DEFAULT_OWNERS else None

    def condition(self, flow: etree._Element) -> etree._Element | None:
        return self.child(flow, "ConditionExpression") if _kind(flow) == "SequenceFlow" else None

    def event_definitions(self, el: etree._Element) -> list[etree._Element]:
        return self.children(el, _EVENT_DEFINITIONS) if _kind(el) in _EVENTS else []

    def flow_nodes(self, kinds: frozenset[str] = _FLOW_NODES) -> Iterator[etree._Element]:
        return (el for el in self.flow_elements if _kind(el) in kinds)

    def in_containers(self, kinds: frozenset[str]) -> Iterator[etree._Element]:
        return (el for el in self.containers if _kind(el) in kinds)

    def collaborations(self) -> list[etree._Element]:
        return self.root_elements({"Collaboration"})

    def lanes(self) -> Iterator[etree._Element]:
        for container in self.containers:
            for lane_set in self.children(container, {"LaneSet"}):
                yield from self._lanes_of(lane_set)

    def _lanes_of(self, lane_set: etree._Element) -> Iterator[etree._Element]:
        for lane in self.children(lane_set, {"Lane"}):
            yield lane
            child_set = self.child(lane, "ChildLaneSet")
            if child_set is not None:
                yield from self._lanes_of(child_set)


def _flag(el: etree._Element, attribute: str, default: bool = False) -> bool:
    value = el.get(attribute)
    return default if value is None else value == "true"


def _triggered_by_event(el: etree._Element) -> bool:
    return _kind(el) in _SUB_PROCESSES and _flag(el, "triggeredByEvent")


def _for_compensation(el: etree._Element) -> bool:
    return _kind(el) in _ACTIVITIES and _flag(el, "isForCompensation")


def _scope_name(container: etree._Element) -> tuple[str, str]:
    return ("Sub process", "กระบวนการย่อย") if _kind(container) in _SUB_PROCESSES else ("Process", "กระบวนการ")


def _only(m: _Model, el: etree._Element, definition: str) -> bool:
    """The event has definitions, and every one is of the given kind (a link or compensation event)."""
    definitions = m.event_definitions(el)
    return bool(definitions) and all(_kind(d) == definition for d in definitions)


# ---------------------------------------------------------------------------------------------- rules


def _ad_hoc_sub_process(m: _Model) -> Iterator[_Found]:
    for container in m.in_containers(frozenset({"AdHocSubProcess"})):
        for el in m.children(container, _FLOW_ELEMENTS):
            if _kind(el) == "StartEvent":
                yield _found(el, "A <Start Event> is not allowed in <Ad Hoc Sub Process>",
                             "กระบวนการย่อยแบบไม่กำหนดลำดับ (ad hoc) ต้องไม่มีเหตุการณ์เริ่มต้น")
            if _kind(el) == "EndEvent":
                yield _found(el, "An <End Event> is not allowed in <Ad Hoc Sub Process>",
                             "กระบวนการย่อยแบบไม่กำหนดลำดับ (ad hoc) ต้องไม่มีเหตุการณ์สิ้นสุด")


def _conditional_flows(m: _Model) -> Iterator[_Found]:
    for node in m.flow_nodes():
        outgoing, default = m.outgoing(node), m.default(node)
        if default is None and not any(m.condition(flow) is not None for flow in outgoing):
            continue
        for flow in outgoing:
            if m.condition(flow) is None and flow is not default:
                yield _found(flow, "Sequence flow is missing condition",
                             "เส้นทางนี้ยังไม่มีเงื่อนไข ทุกเส้นทางที่ออกจากจุดตัดสินใจต้องมีเงื่อนไข "
                             "ยกเว้นเส้นทางที่ใช้เมื่อไม่ตรงเงื่อนไขใด (เส้นทางปริยาย)")


def _required_event(m: _Model, kind: str) -> Iterator[tuple[etree._Element, str, str]]:
    for container in m.in_containers(frozenset({"Process", "SubProcess", "Transaction"})):
        if not m.children(container, {kind}):
            yield (container, *_scope_name(container))


def _end_event_required(m: _Model) -> Iterator[_Found]:
    for container, en, th in _required_event(m, "EndEvent"):
        yield _found(container, f"{en} is missing end event", f"{th}นี้ไม่มีเหตุการณ์สิ้นสุด")


def _start_event_required(m: _Model) -> Iterator[_Found]:
    for container, en, th in _required_event(m, "StartEvent"):
        yield _found(container, f"{en} is missing start event", f"{th}นี้ไม่มีเหตุการณ์เริ่มต้น")


def _event_based_gateway(m: _Model) -> Iterator[_Found]:
    for gateway in m.flow_nodes(frozenset({"EventBasedGateway"})):
        outgoing = m.outgoing(gateway)
        if len(outgoing) < 2:
            yield _found(gateway, "An <Event-based Gateway> must have at least 2 outgoing <Sequence Flows>",
                         "ทางแยกที่รอเหตุการณ์ (event-based gateway) ต้องมีเส้นทางออกอย่างน้อย 2 เส้นทาง")
        for flow in outgoing:
            if m.condition(flow) is not None:
                yield _found(flow, "A <Sequence Flow> outgoing from an <Event-based Gateway> must not be conditional",
                             "เส้นทางที่ออกจากทางแยกที่รอเหตุการณ์ (event-based gateway) ต้องไม่มีเงื่อนไข")


def _event_sub_process_typed_start_event(m: _Model) -> Iterator[_Found]:
    for container in m.in_containers(_SUB_PROCESSES):
        if not _triggered_by_event(container):
            continue
        for start in m.children(container, {"StartEvent"}):
            if not m.event_definitions(start):
                yield _found(start, "Start event is missing event definition",
                             "เหตุการณ์เริ่มต้นของกระบวนการย่อยที่เริ่มเมื่อเกิดเหตุการณ์ ต้องระบุว่าเป็นเหตุการณ์ชนิดใด "
                             "(เช่น ข้อความ ตัวจับเวลา ข้อผิดพลาด)")


def _fake_join(m: _Model) -> Iterator[_Found]:
    for node in m.flow_nodes(_ACTIVITIES | _EVENTS):
        if len(m.incoming(node)) > 1:
            yield _found(node, "Incoming flows do not join",
                         "มีหลายเส้นทางเข้ามาที่นี่โดยไม่ผ่านทางแยกรวมเส้นทาง ขั้นตอนนี้จะทำงานทุกครั้งที่เส้นทางใดมาถึง "
                         "ไม่รอให้ครบทุกเส้นทาง")


def _global_references(m: _Model) -> list[tuple[str, str | None]]:
    """(kind, id of the referenced element) of every event definition, message flow, send and receive task."""
    found: list[tuple[str, str | None]] = []
    referencing = list(m.flow_elements)
    for collaboration in m.collaborations():
        referencing += m.children(collaboration, {"MessageFlow"})
    for el in referencing:
        for holder in [*m.event_definitions(el), el]:
            for attribute in ("errorRef", "escalationRef", "messageRef", "signalRef"):
                target = m.ref(holder, attribute)
                found.append((f"{_kind(holder)}.{attribute}", target.get("id") if target is not None else None))
    return found


_REFERENCED_BY = {
    "Error": {"ErrorEventDefinition.errorRef"},
    "Escalation": {"EscalationEventDefinition.escalationRef"},
    "Message": {"MessageEventDefinition.messageRef", "MessageFlow.messageRef", "ReceiveTask.messageRef",
                "SendTask.messageRef"},
    "Signal": {"SignalEventDefinition.signalRef"},
}


def _global(m: _Model) -> Iterator[_Found]:
    elements = m.root_elements(_GLOBALS)
    references = _global_references(m)
    for el in elements:
        name = el.get("name")
        if name is not None and _js_trim(name) == "":
            yield _found(el, "Element is missing name", "องค์ประกอบนี้ (ข้อความ สัญญาณ ข้อผิดพลาด หรือการยกระดับ) ยังไม่มีชื่อ")
        wanted = _REFERENCED_BY[_kind(el)]
        if not any(via in wanted and target == el.get("id") for via, target in references):
            yield _found(el, "Element is unused", "ไม่มีส่วนใดของกระบวนการใช้องค์ประกอบนี้")
        if sum(1 for other in elements if _kind(other) == _kind(el) and other.get("name") == name) != 1:
            yield _found(el, "Element name is not unique", "ชื่อขององค์ประกอบนี้ซ้ำกับองค์ประกอบอื่นชนิดเดียวกัน")


def _needs_label(m: _Model, el: etree._Element) -> bool:
    kind = _kind(el)
    if kind in {"ParallelGateway", "EventBasedGateway", *_SUB_PROCESSES}:
        return False
    if kind in _GATEWAYS and len(m.outgoing(el)) <= 1:
        return False  # a joining gateway
    if kind == "SequenceFlow":
        return m.condition(el) is not None
    return kind in _FLOW_NODES or kind in {"Participant", "Lane"}


def _label_required(m: _Model) -> Iterator[_Found]:
    participants = [p for c in m.collaborations() for p in m.children(c, {"Participant"})]
    for el in [*participants, *m.flow_elements, *m.lanes()]:
        if _needs_label(m, el) and _js_trim(el.get("name")) == "":
            yield _found(el, "Element is missing label/name", "องค์ประกอบนี้ยังไม่มีชื่อ")


def _link_name(m: _Model, event: etree._Element) -> str | None:
    names: list[str | None] = [d.get("name") for d in m.event_definitions(event) if _kind(d) == "LinkEventDefinition"]
    return names[0] if names else None


def _link_event(m: _Model) -> Iterator[_Found]:
    for container in m.containers:
        links = [el for el in m.children(container, _EVENTS)
                 if any(_kind(d) == "LinkEventDefinition" for d in m.event_definitions(el))]
        groups: dict[str, list[etree._Element]] = {}
        for link in links:
            if not _link_name(m, link):
                yield _found(link, "Link event is missing link name", "เหตุการณ์เชื่อมโยง (link) ยังไม่มีชื่อลิงก์")
            groups.setdefault(_link_name(m, link) or "_", []).append(link)  # min-dash groupBy's key
        for name, events in groups.items():
            yield from _link_group(name, events)


def _link_group(name: str, events: list[etree._Element]) -> Iterator[_Found]:
    if len(events) == 1:
        event = events[0]
        missing, missing_th = ("catch", "รับ") if _kind(event) in _THROW_EVENTS else ("throw", "ส่ง")
        yield _found(event, f"Link {missing} event with link name <{name}> missing in scope",
                     f"ไม่มีเหตุการณ์{missing_th}ลิงก์ชื่อ <{name}> ในกระบวนการ (หรือกระบวนการย่อย) เดียวกัน")
        return
    catches = [event for event in events if _kind(event) in _CATCH_EVENTS]
    for event in catches if len(catches) > 1 else events if not catches else []:
        if catches:
            yield _found(event, f"Duplicate link catch event with link name <{name}> in scope",
                         f"มีเหตุการณ์รับลิงก์ชื่อ <{name}> ซ้ำกันในกระบวนการ (หรือกระบวนการย่อย) เดียวกัน")
        else:
            yield _found(event, f"Link catch event with link name <{name}> missing in scope",
                         f"ไม่มีเหตุการณ์รับลิงก์ชื่อ <{name}> ในกระบวนการ (หรือกระบวนการย่อย) เดียวกัน")


def _diagram_elements(m: _Model, owners: list[etree._Element]) -> Iterator[etree._Element]:
    """bpmnlint's getAllBpmnElements: what a diagram must draw, owner by owner."""
    for owner in owners:
        lane_sets = m.children(owner, {"LaneSet"})
        lane_set = lane_sets[0] if lane_sets else m.child(owner, "ChildLaneSet")
        flow_elements = m.children(owner, _FLOW_ELEMENTS)
        lanes = m.children(lane_set, {"Lane"}) if lane_set is not None else []
        yield from flow_elements
        yield from _diagram_elements(m, [el for el in flow_elements if _kind(el) in _SUB_PROCESSES])
        yield from m.children(owner, {"Participant"})
        yield from m.children(owner, _ARTIFACTS)
        yield from lanes
        yield from _diagram_elements(m, [lane for lane in lanes if m.child(lane, "ChildLaneSet") is not None])
        yield from m.children(owner, {"MessageFlow"})


def _planes(m: _Model) -> list[etree._Element] | None:
    """Every diagram's plane; None when a diagram has none (bpmnlint's no-bpmndi then fails)."""
    planes = []
    for diagram in _diagrams(m):
        plane = _plane(m, diagram)
        if plane is None:
            return None
        planes.append(plane)
    return planes


def _diagrams(m: _Model) -> list[etree._Element]:
    return [d for d in m.root if namespace_of(d.tag) == BPMNDI_NS and local_name(d.tag) == "BPMNDiagram"
            and d not in m.dropped]


def _plane(m: _Model, diagram: etree._Element) -> etree._Element | None:
    planes = [p for p in diagram if namespace_of(p.tag) == BPMNDI_NS and local_name(p.tag) == "BPMNPlane"]
    return planes[-1] if planes and planes[-1] not in m.dropped else None


def _drawn(m: _Model, plane: etree._Element) -> Iterator[etree._Element]:
    return (el for el in plane if namespace_of(el.tag) == BPMNDI_NS and local_name(el.tag) in {"BPMNShape", "BPMNEdge"}
            and el not in m.dropped)


def _no_bpmndi(m: _Model) -> Iterator[_Found]:
    planes = _planes(m)
    if planes is None:
        return
    drawn: set[str | None] = set()
    for plane in planes:
        for el in _drawn(m, plane):
            target = m.ref(el, "bpmnElement")
            drawn.add(target.get("id") if target is not None else None)
    for el in _diagram_elements(m, [el for el in m.root if el not in m.dropped]):
        if _kind(el) != "DataObject" and el.get("id") not in drawn:
            yield _found(el, "Element is missing bpmndi", "องค์ประกอบนี้ไม่ได้วาดไว้ในแผนภาพ (ไม่มีข้อมูล BPMNDI)")


def _discouraged(kind: str, th: str) -> Callable[[_Model], Iterator[_Found]]:
    def check(m: _Model) -> Iterator[_Found]:
        for node in m.flow_nodes(frozenset({kind})):
            yield _found(node, f"Element type <bpmn:{kind}> is discouraged", th)
    return check


def _compensation_linked(m: _Model, node: etree._Element) -> bool:
    definitions = m.event_definitions(node)
    boundary = _kind(node) == "BoundaryEvent" and len(definitions) == 1 \
        and _kind(definitions[0]) == "CompensateEventDefinition"
    return boundary or _for_compensation(node)


def _no_disconnected(m: _Model) -> Iterator[_Found]:
    for node in m.flow_nodes(_TASKS | _GATEWAYS | _SUB_PROCESSES | _EVENTS):
        if _triggered_by_event(node) or _compensation_linked(m, node):
            continue
        parent = node.getparent()
        if parent is not None and _kind(parent) == "AdHocSubProcess":
            continue
        if not m.incoming(node) and not m.outgoing(node):
            yield _found(node, "Element is not connected", "องค์ประกอบนี้ไม่ได้เชื่อมต่อกับเส้นทางการทำงาน")


def _condition_body(m: _Model, flow: etree._Element) -> str:
    condition = m.condition(flow)
    if condition is None:
        return ""
    text = condition.text
    return _js_str(text if text is not None and text.strip(_JS_SPACE) else None)


def _no_duplicate_sequence_flows(m: _Model) -> Iterator[_Found]:
    keyed: set[str] = set()
    reported: set[tuple[str, str]] = set()
    for flow in m.flow_nodes(frozenset({"SequenceFlow"})):
        source, target = m.ref(flow, "sourceRef"), m.ref(flow, "targetRef")
        ends = [_js_str((end if end is not None else flow).get("id")) for end in (source, target)]
        key = f"{ends[0]}#{ends[1]}#{_condition_body(m, flow)}"
        if key not in keyed:
            keyed.add(key)
            continue
        yield _found(flow, "SequenceFlow is a duplicate", "เส้นทางนี้ซ้ำกับอีกเส้นทางหนึ่ง (ต้นทาง ปลายทาง และเงื่อนไขเหมือนกัน)")
        for end, direction, en, th in ((source, "out", "Duplicate outgoing sequence flows", "มีเส้นทางออกที่ซ้ำกัน"),
                                        (target, "in", "Duplicate incoming sequence flows", "มีเส้นทางเข้าที่ซ้ำกัน")):
            end_id = _js_str(end.get("id")) if end is not None else None
            if end_id is not None and (direction, end_id) not in reported:
                reported.add((direction, end_id))
                yield _Found(end_id, en, th)


def _no_gateway_join_fork(m: _Model) -> Iterator[_Found]:
    for gateway in m.flow_nodes(_GATEWAYS):
        if len(m.incoming(gateway)) > 1 and len(m.outgoing(gateway)) > 1:
            yield _found(gateway, "Gateway forks and joins",
                         "ทางแยกนี้ทั้งรวมและแยกเส้นทางในจุดเดียว ควรแยกเป็นทางแยกสำหรับรวมและทางแยกสำหรับแยก")


def _no_implicit_split(m: _Model) -> Iterator[_Found]:
    for node in m.flow_nodes(_ACTIVITIES | _EVENTS):
        default = m.default(node)
        plain = [f for f in m.outgoing(node) if m.condition(f) is None and f is not default]
        if len(plain) > 1:
            yield _found(node, "Flow splits implicitly",
                         "มีหลายเส้นทางออกจากที่นี่โดยไม่มีเงื่อนไขและไม่ผ่านทางแยก ทุกเส้นทางจะทำงานพร้อมกัน "
                         "ควรใช้ทางแยกให้ชัดเจน")


def _has_compensation_activity(m: _Model, node: etree._Element) -> bool:
    process: etree._Element | None = node.getparent()
    while process is not None and _kind(process) != "Process":
        process = process.getparent()
    if process is None:
        return False
    for association in m.children(process, {"Association"}):
        source = m.ref(association, "sourceRef")
        if source is not None and source.get("id") == node.get("id"):
            return True
    return False


def _is_implicit_end(m: _Model, node: etree._Element) -> bool:
    kind, parent = _kind(node), node.getparent()
    if _triggered_by_event(node) or kind == "EndEvent" or _for_compensation(node):
        return False
    if kind == "IntermediateThrowEvent" and _only(m, node, "LinkEventDefinition"):
        return False
    if parent is not None and _kind(parent) == "AdHocSubProcess":
        return False
    if kind == "BoundaryEvent" and _only(m, node, "CompensateEventDefinition") and _has_compensation_activity(m, node):
        return False
    return not m.outgoing(node)


def _no_implicit_end(m: _Model) -> Iterator[_Found]:
    for node in m.flow_nodes(_EVENTS | _ACTIVITIES | _GATEWAYS):
        if _is_implicit_end(m, node):
            yield _found(node, "Element is an implicit end", "เส้นทางการทำงานจบลงที่องค์ประกอบนี้โดยไม่มีเหตุการณ์สิ้นสุด")


def _is_implicit_start(m: _Model, node: etree._Element) -> bool:
    kind, parent = _kind(node), node.getparent()
    if _for_compensation(node) or _triggered_by_event(node) or kind in {"StartEvent", "BoundaryEvent"}:
        return False
    if parent is not None and _kind(parent) == "AdHocSubProcess":
        return False
    if kind == "IntermediateCatchEvent" and _only(m, node, "LinkEventDefinition"):
        return False
    return not m.incoming(node)


def _no_implicit_start(m: _Model) -> Iterator[_Found]:
    for node in m.flow_nodes(_EVENTS | _ACTIVITIES | _GATEWAYS):
        if _is_implicit_start(m, node):
            yield _found(node, "Element is an implicit start",
                         "องค์ประกอบนี้ไม่มีเส้นทางเข้า และไม่ได้เริ่มจากเหตุการณ์เริ่มต้น")


@dataclass(frozen=True)
class _Shape:
    element: etree._Element
    left: float
    right: float
    top: float
    bottom: float


def _bounds(m: _Model, di: etree._Element | None) -> tuple[float, float, float, float] | None:
    """x, y, width, height of a shape's ``dc:Bounds`` (parseFloat of each), or None without all four."""
    if di is None:
        return None
    found = [b for b in di if namespace_of(b.tag) == DC_NS and local_name(b.tag) == "Bounds" and b not in m.dropped]
    if local_name(di.tag) != "BPMNShape" or not found:
        return None
    values = [_js_float(found[-1].get(name)) for name in ("x", "y", "width", "height")]
    if any(v is None for v in values):
        return None
    x, y, width, height = (float(v) for v in values if v is not None)
    return x, y, width, height


def _shapes(m: _Model, elements: list[etree._Element], di: dict[etree._Element, etree._Element]) -> list[_Shape]:
    shapes = []
    for el in elements:
        bounds = _bounds(m, di.get(el))
        if bounds is None:
            continue
        x, y, width, height = bounds
        if x != x or x + width != x + width:  # NaN
            continue
        shapes.append(_Shape(el, x, x + width, y, y + height))
    return shapes


def _attached(m: _Model, one: etree._Element, other: etree._Element) -> bool:
    return _kind(one) == "BoundaryEvent" and m.ref(one, "attachedToRef") is other


def _overlapping(m: _Model, elements: list[etree._Element], di: dict[etree._Element, etree._Element]) -> list[
        etree._Element]:
    shapes = sorted(_shapes(m, elements, di), key=lambda s: s.left)
    overlapping: set[etree._Element] = set()
    for i, shape in enumerate(shapes):
        for other in shapes[i + 1:]:
            if other.left > shape.right:
                break
            collides = shape.right >= other.left and other.right >= shape.left \
                and shape.bottom >= other.top and other.bottom >= shape.top
            if collides and not _attached(m, shape.element, other.element) \
                    and not _attached(m, other.element, shape.element):
                overlapping.update((shape.element, other.element))
    return [el for el in elements if el in overlapping]


def _outside(child: tuple[float, float, float, float] | None, parent: tuple[float, float, float, float] | None) -> bool:
    if child is None or parent is None:
        return False
    cx, cy, cw, ch = child
    px, py, pw, ph = parent
    inside = cx >= px and cy >= py and cx + cw <= px + pw and cy + ch <= py + ph
    return not inside


@dataclass
class _Layout:
    """no-overlapping-elements: shapes that overlap, and shapes outside their pool or expanded sub-process."""
    m: _Model
    di: dict[etree._Element, etree._Element]
    overlap: list[etree._Element] = field(default_factory=list)
    outside: list[etree._Element] = field(default_factory=list)

    def check(self, container: etree._Element, parent_di: etree._Element | None) -> None:
        elements = self.m.children(container, _FLOW_ELEMENTS)
        drawn = [el for el in elements if el in self.di]
        self.add_overlapping(drawn)
        parent_bounds = _bounds(self.m, parent_di)
        for el in drawn:
            if _kind(el) != "DataStoreReference" and _outside(_bounds(self.m, self.di[el]), parent_bounds) \
                    and el not in self.outside:
                self.outside.append(el)
        for sub in (el for el in elements if _kind(el) in _SUB_PROCESSES):
            sub_di = self.di.get(sub)
            self.check(sub, sub_di if sub_di is not None and _flag(sub_di, "isExpanded") else None)

    def add_overlapping(self, elements: list[etree._Element]) -> None:
        self.overlap += [el for el in _overlapping(self.m, elements, self.di) if el not in self.overlap]


def _no_overlapping_elements(m: _Model) -> Iterator[_Found]:
    di: dict[etree._Element, etree._Element] = {}
    for plane in _planes_present(m):
        for shape in _drawn(m, plane):
            target = m.ref(shape, "bpmnElement")
            if target is not None:
                di[target] = shape
    layout = _Layout(m, di)
    pool_of: dict[etree._Element | None, etree._Element | None] = {}
    for collaboration in m.collaborations():
        participants = m.children(collaboration, {"Participant"})
        layout.add_overlapping(participants)
        for participant in participants:
            pool_of[m.ref(participant, "processRef")] = di.get(participant)
    for process in m.root_elements({"Process"}):
        layout.check(process, pool_of.get(process))
    for el in layout.overlap:
        yield _found(el, "Element overlaps with other element", "องค์ประกอบนี้วางทับองค์ประกอบอื่นในแผนภาพ")
    for el in layout.outside:
        yield _found(el, "Element is outside of parent boundary", "องค์ประกอบนี้อยู่นอกกรอบของส่วนที่บรรจุองค์ประกอบนี้ไว้")


def _planes_present(m: _Model) -> Iterator[etree._Element]:
    for diagram in _diagrams(m):
        plane = _plane(m, diagram)
        if plane is not None:
            yield plane


def _single_blank_start_event(m: _Model) -> Iterator[_Found]:
    for container in m.containers:
        blank = [s for s in m.children(container, {"StartEvent"}) if not m.event_definitions(s)]
        if len(blank) > 1:
            en, th = _scope_name(container)
            yield _found(container, f"{en} has multiple blank start events",
                         f"{th}นี้มีเหตุการณ์เริ่มต้นแบบธรรมดา (ไม่ระบุชนิด) มากกว่าหนึ่งจุด")


def _single_event_definition(m: _Model) -> Iterator[_Found]:
    for event in m.flow_nodes(_EVENTS):
        if len(m.event_definitions(event)) > 1:
            yield _found(event, "Event has multiple event definitions", "เหตุการณ์นี้กำหนดชนิดของเหตุการณ์ไว้มากกว่าหนึ่งชนิด")


def _sub_process_blank_start_event(m: _Model) -> Iterator[_Found]:
    for container in m.in_containers(_SUB_PROCESSES):
        if _triggered_by_event(container):
            continue
        for start in m.children(container, {"StartEvent"}):
            if m.event_definitions(start):
                yield _found(start, "Start event must be blank",
                             "เหตุการณ์เริ่มต้นของกระบวนการย่อยต้องเป็นแบบธรรมดา ไม่ระบุชนิดของเหตุการณ์")


def _superfluous_gateway(m: _Model) -> Iterator[_Found]:
    for gateway in m.flow_nodes(_GATEWAYS):
        if len(m.incoming(gateway)) == 1 and len(m.outgoing(gateway)) == 1:
            yield _found(gateway, "Gateway is superfluous. It only has one source and target.",
                         "ทางแยกนี้ไม่จำเป็น เพราะมีเส้นทางเข้าและเส้นทางออกอย่างละหนึ่งเส้นเท่านั้น")


def _label_is_superfluous(m: _Model, flow: etree._Element) -> bool:
    if not _js_trim(flow.get("name")) or m.condition(flow) is not None:
        return False
    source = m.ref(flow, "sourceRef")
    if source is None:
        return True
    decision = _kind(source) in {"ExclusiveGateway", "InclusiveGateway"} and len(m.outgoing(source)) > 1
    return m.default(source) is not flow and not decision


def _superfluous_label(m: _Model) -> Iterator[_Found]:
    for flow in m.flow_nodes(frozenset({"SequenceFlow"})):
        if _label_is_superfluous(m, flow):
            yield _found(flow, "Sequence flow has superfluous label",
                         "เส้นทางนี้ไม่ต้องมีชื่อ เพราะไม่มีเงื่อนไข ไม่ใช่เส้นทางปริยาย และไม่ได้ออกจากจุดตัดสินใจ")


def _terminate_end(m: _Model, el: etree._Element) -> bool:
    return _kind(el) == "EndEvent" and any(_kind(d) == "TerminateEventDefinition" for d in m.event_definitions(el))


def _interrupting_event_sub(m: _Model, el: etree._Element) -> bool:
    return _triggered_by_event(el) and any(_flag(s, "isInterrupting", default=True)
                                           for s in m.children(el, {"StartEvent"}))


def _superfluous_termination(m: _Model) -> Iterator[_Found]:
    for container in m.containers:
        ends = [el for el in m.children(container, _FLOW_NODES) if not m.outgoing(el)]
        terminates = [el for el in ends if _terminate_end(m, el)]
        if len(terminates) != 1:
            continue
        if all(_interrupting_event_sub(m, el) or _terminate_end(m, el) for el in ends):
            yield _found(terminates[0], "Termination is superfluous.",
                         "เหตุการณ์สิ้นสุดแบบยุติทั้งหมด (terminate) ที่นี่ไม่จำเป็น ใช้เหตุการณ์สิ้นสุดแบบธรรมดาได้")


RULES: dict[str, Callable[[_Model], Iterator[_Found]]] = {
    "ad-hoc-sub-process": _ad_hoc_sub_process,
    "conditional-flows": _conditional_flows,
    "end-event-required": _end_event_required,
    "event-based-gateway": _event_based_gateway,
    "event-sub-process-typed-start-event": _event_sub_process_typed_start_event,
    "fake-join": _fake_join,
    "global": _global,
    "label-required": _label_required,
    "link-event": _link_event,
    "no-bpmndi": _no_bpmndi,
    "no-complex-gateway": _discouraged("ComplexGateway", "ไม่ควรใช้ทางแยกแบบซับซ้อน (complex gateway)"),
    "no-disconnected": _no_disconnected,
    "no-duplicate-sequence-flows": _no_duplicate_sequence_flows,
    "no-gateway-join-fork": _no_gateway_join_fork,
    "no-implicit-split": _no_implicit_split,
    "no-implicit-end": _no_implicit_end,
    "no-implicit-start": _no_implicit_start,
    "no-inclusive-gateway": _discouraged("InclusiveGateway",
                                         "ไม่ควรใช้ทางแยกแบบเลือกได้หลายทาง (inclusive gateway) เพราะเข้าใจยาก"),
    "no-overlapping-elements": _no_overlapping_elements,
    "single-blank-start-event": _single_blank_start_event,
    "single-event-definition": _single_event_definition,
    "start-event-required": _start_event_required,
    "sub-process-blank-start-event": _sub_process_blank_start_event,
    "superfluous-gateway": _superfluous_gateway,
    "superfluous-label": _superfluous_label,
    "superfluous-termination": _superfluous_termination,
}

# bpmnlint/config/recommended.js: 'warn' is "warning", everything else "error".
_WARNINGS = frozenset({"fake-join", "global", "no-inclusive-gateway", "no-overlapping-elements", "superfluous-gateway",
                       "superfluous-label", "superfluous-termination"})
SEVERITIES: dict[str, Severity] = {rule: "warning" if rule in _WARNINGS else "error" for rule in RULES}


def check_modelling(root: etree._Element) -> tuple[ModellingProblem, ...]:
    """Every problem bpmnlint's recommended rules find in a ``bpmn:definitions`` tree, rule by rule."""
    if _kind(root) != "Definitions":
        return ()
    model = _Model(root)
    return tuple(ModellingProblem(rule, found.element_id, SEVERITIES[rule], found.en, found.th)
                 for rule, check in RULES.items() for found in check(model))


def with_flow_references(root: etree._Element) -> etree._Element:
    """A copy of the tree whose flow nodes list their sequence flows (``<bpmn:incoming>``/``<bpmn:outgoing>``)
    as bpmn-js writes them; the rules read connections from these, so a file without them is all
    "not connected". Only references that are missing are added."""
    tree = copy.deepcopy(root)
    model = _Model(tree)
    for flow in model.flow_nodes(frozenset({"SequenceFlow"})):
        for attribute, name in (("targetRef", "incoming"), ("sourceRef", "outgoing")):
            node = model.ref(flow, attribute)
            flow_id = flow.get("id")
            if node is None or flow_id is None or _kind(node) not in _FLOW_NODES or flow in model.refs(node, name):
                continue
            _insert_reference(node, name, flow_id)
            model.refs(node, name).append(flow)  # keep the cached reading in step with the tree
    return tree


def _insert_reference(node: etree._Element, name: str, flow_id: str) -> None:
    """Add ``<bpmn:{name}>`` after the node's documentation, extension elements and earlier references."""
    leading = {"documentation", "extensionElements", "incoming", "outgoing"} if name == "outgoing" \
        else {"documentation", "extensionElements", "incoming"}
    position = 0
    for index, child in enumerate(node):
        if namespace_of(child.tag) == BPMN_NS and local_name(child.tag) in leading:
            position = index + 1
    reference = etree.Element(f"{{{BPMN_NS}}}{name}")
    reference.text = flow_id
    node.insert(position, reference)
