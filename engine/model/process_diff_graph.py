"""Changes to the other flow nodes and to the sequence flows (engine.model.process_diff).

Flow nodes that are not human steps (gateways, events, service tasks, call activities,
sub-processes), matched by id: added, removed, renamed, their type, a gateway's default path, a
timer's definition, the process a call activity calls. Sequence flows, matched by id: added,
removed, rewired (other ends), their condition and label.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Literal

from lxml import etree

from .definitions import BPMN_NS, NS
from .forms import Label
from .process_diff_changes import Change, ChangeKind, Values, both, same, sentence
from .process_diff_versions import Comparer, Pair, Side, node_name
from .xmlguard import local_name

_TEMPLATES: dict[str, tuple[str, str]] = {
    "node_added": ("เพิ่ม{what_th} “{node}”", "{What_en} “{node}” added"),
    "node_removed": ("ลบ{what_th} “{node}”", "{What_en} “{node}” removed"),
    "node_renamed": ("เปลี่ยนชื่อ{what_th} “{old}” เป็น “{new}”", "{What_en} “{old}” renamed to “{new}”"),
    "gateway_default_changed": ("เปลี่ยนทางเลือกปกติของ{what_th} “{node}” จาก {old_th} เป็น {new_th}",
                                "Default path of {what_en} “{node}” changed from {old_en} to {new_en}"),
    "timer_changed": ("เปลี่ยนเวลาของ{what_th} “{node}” จาก {old_th} เป็น {new_th}",
                      "Time of {what_en} “{node}” changed from {old_en} to {new_en}"),
    "call_changed": ("เปลี่ยนกระบวนการที่{what_th} “{node}” เรียกใช้ จาก {old} เป็น {new}",
                     "{What_en} “{node}” now calls {new} instead of {old}"),
    "node_type_changed": ("เปลี่ยนชนิดของ “{node}” จาก {old_th} เป็น {new_th}",
                          "“{node}” changed from {old_en} to {new_en}"),
    "flow_added": ("เพิ่มเส้นทางจาก “{source}” ไป “{target}”{condition_th}",
                   "Flow from “{source}” to “{target}” added{condition_en}"),
    "flow_removed": ("ลบเส้นทางจาก “{source}” ไป “{target}”", "Flow from “{source}” to “{target}” removed"),
    "flow_rewired": ("เปลี่ยนเส้นทางจาก “{old_source}” ไป “{old_target}” เป็นจาก “{new_source}” ไป “{new_target}”",
                     "Flow from “{old_source}” to “{old_target}” rewired to run from “{new_source}” to “{new_target}”"),
    "flow_condition_changed": ("เปลี่ยนเงื่อนไขของเส้นทางจาก “{source}” ไป “{target}” จาก {old_th} เป็น {new_th}",
                               "Condition of the flow from “{source}” to “{target}” changed from {old_en} to {new_en}"),
    "flow_renamed": ("เปลี่ยนชื่อเส้นทางจาก “{source}” ไป “{target}” จาก {old_th} เป็น {new_th}",
                     "Label of the flow from “{source}” to “{target}” changed from {old_en} to {new_en}"),
}
# gateway_added, event_renamed, activity_removed ... share the node_* sentences.
_NODE_TEMPLATE = {f"{family}_{what}": f"node_{what}" for family in ("gateway", "event", "activity")
                  for what in ("added", "removed", "renamed")}


def _change(kind: ChangeKind, element_id: str, values: Values, words: Mapping[str, str]) -> Change:
    return sentence(kind, element_id, values, _TEMPLATES[_NODE_TEMPLATE.get(kind, kind)], words)


_NODE_WORDS = {
    "exclusiveGateway": Label("จุดตัดสินใจ", "gateway"),
    "inclusiveGateway": Label("จุดตัดสินใจแบบหลายทาง", "inclusive gateway"),
    "parallelGateway": Label("จุดแยกงานคู่ขนาน", "parallel gateway"),
    "eventBasedGateway": Label("จุดรอเหตุการณ์", "event-based gateway"),
    "complexGateway": Label("จุดตัดสินใจแบบซับซ้อน", "complex gateway"),
    "startEvent": Label("เหตุการณ์เริ่มต้น", "start event"), "endEvent": Label("เหตุการณ์สิ้นสุด", "end event"),
    "intermediateCatchEvent": Label("เหตุการณ์ระหว่างทาง", "intermediate event"),
    "intermediateThrowEvent": Label("เหตุการณ์ระหว่างทาง", "intermediate event"),
    "boundaryEvent": Label("เหตุการณ์ขอบงาน", "boundary event"),
    "serviceTask": Label("งานอัตโนมัติ", "service task"), "sendTask": Label("งานส่งข้อความ", "send task"),
    "receiveTask": Label("งานรอรับข้อความ", "receive task"),
    "businessRuleTask": Label("งานตามกฎการตัดสินใจ", "business rule task"),
    "scriptTask": Label("งานสคริปต์", "script task"), "callActivity": Label("การเรียกกระบวนการย่อย", "call activity"),
    "subProcess": Label("กระบวนการย่อย", "sub-process"), "transaction": Label("กระบวนการย่อยแบบธุรกรรม", "transaction"),
    "adHocSubProcess": Label("กระบวนการย่อยแบบอิสระ", "ad-hoc sub-process"),
    "userTask": Label("ขั้นตอน", "step"), "manualTask": Label("ขั้นตอน", "step"), "task": Label("ขั้นตอน", "step"),
}
_TIMER = f"{{{BPMN_NS}}}timerEventDefinition"
_TIMER_PARTS = {"timeDate": Label("วันเวลา", "date"), "timeDuration": Label("ระยะเวลา", "duration"),
                "timeCycle": Label("รอบเวลา", "cycle")}


def _what(el: etree._Element) -> Label:
    tag = local_name(el.tag)
    if tag.endswith("Event") and el.find(_TIMER) is not None:
        return Label("ตัวจับเวลา", "timer event")
    return _NODE_WORDS.get(tag, same(tag))


def _family(el: etree._Element) -> Literal["gateway", "event", "activity"]:
    tag = local_name(el.tag)
    if tag.endswith("Gateway"):
        return "gateway"
    return "event" if tag.endswith("Event") else "activity"


def _other_nodes(side: Side) -> dict[str, etree._Element]:
    """The flow nodes that are not human steps (those are compared as steps)."""
    return {i: el for i, el in side.nodes.items() if i not in side.model.steps}


def _node_words(el: etree._Element) -> dict[str, str]:
    what = _what(el)
    return {"node": node_name(el), "what_th": what.th, "what_en": what.en,
            "What_en": what.en[:1].upper() + what.en[1:]}


def _nodes_added_removed(pair: Pair) -> Iterator[Change]:
    old, new = _other_nodes(pair.old), _other_nodes(pair.new)
    for element_id, el in new.items():
        if element_id not in pair.old.nodes:
            yield _change(_node_kind(el, "added"), element_id, Values(after=node_name(el)), _node_words(el))
    for element_id, el in old.items():
        if element_id not in pair.new.nodes:
            yield _change(_node_kind(el, "removed"), element_id, Values(before=node_name(el)), _node_words(el))


_NODE_KINDS: dict[tuple[str, str], ChangeKind] = {
    ("gateway", "added"): "gateway_added", ("gateway", "removed"): "gateway_removed",
    ("gateway", "renamed"): "gateway_renamed", ("event", "added"): "event_added", ("event", "removed"): "event_removed",
    ("event", "renamed"): "event_renamed", ("activity", "added"): "activity_added",
    ("activity", "removed"): "activity_removed", ("activity", "renamed"): "activity_renamed",
}


def _node_kind(el: etree._Element, what: Literal["added", "removed", "renamed"]) -> ChangeKind:
    return _NODE_KINDS[_family(el), what]


@dataclass(frozen=True)
class _NodePair:
    """The same node (not a human step) in both versions."""

    old: etree._Element
    new: etree._Element
    sides: Pair

    def change(self, kind: ChangeKind, values: Values, words: Mapping[str, str]) -> Change:
        return _change(kind, self.new.get("id") or "", values, {**_node_words(self.new), **words})


NodeComparer = Callable[[_NodePair], Iterable[Change]]


def _nodes_changed(pair: Pair) -> Iterator[Change]:
    old = _other_nodes(pair.old)
    for element_id, el in _other_nodes(pair.new).items():
        if element_id in old:
            nodes = _NodePair(old[element_id], el, pair)
            for compare in _NODE_COMPARERS:
                yield from compare(nodes)


def _node_name_changed(node: _NodePair) -> Iterator[Change]:
    old, new = node_name(node.old), node_name(node.new)
    if old != new:
        yield node.change(_node_kind(node.new, "renamed"), Values(old, new), {"old": old, "new": new})


def _node_type(node: _NodePair) -> Iterator[Change]:
    old, new = local_name(node.old.tag), local_name(node.new.tag)
    if old != new:
        yield node.change("node_type_changed", Values(old, new), both(_what(node.old), _what(node.new)))


def _flow_to(side: Side, flow_id: str | None) -> Label:
    flow = side.flows.get(flow_id or "")
    if flow is None:
        return Label("ไม่มี", "none")
    target = side.name(flow.get("targetRef") or "")
    return Label(f"ทางไป “{target}”", f"the way to “{target}”")


def _gateway_default(node: _NodePair) -> Iterator[Change]:
    old, new = node.old.get("default") or "", node.new.get("default") or ""
    if old != new:
        yield node.change("gateway_default_changed", Values(old, new),
                          both(_flow_to(node.sides.old, old), _flow_to(node.sides.new, new)))


def _timer(el: etree._Element) -> tuple[str, Label]:
    """A timer's definition: (as written, as read), or ("", none) when the node has no timer."""
    definition = el.find(_TIMER)
    parts = [(local_name(c.tag), (c.text or "").strip()) for c in (definition if definition is not None else ())
             if local_name(c.tag) in _TIMER_PARTS]
    if not parts:
        return "", Label("ไม่มีตัวจับเวลา", "no timer")
    written = "; ".join(f"{tag}: {text}" for tag, text in parts)
    return written, Label("; ".join(f"{_TIMER_PARTS[tag].th} {text}" for tag, text in parts),
                          "; ".join(f"{_TIMER_PARTS[tag].en} {text}" for tag, text in parts))


def _timer_changed(node: _NodePair) -> Iterator[Change]:
    (old, was), (new, now) = _timer(node.old), _timer(node.new)
    if old != new:
        yield node.change("timer_changed", Values(old, new), both(was, now))


def _called(node: _NodePair) -> Iterator[Change]:
    old, new = node.old.get("calledElement") or "", node.new.get("calledElement") or ""
    if old != new:
        yield node.change("call_changed", Values(old, new), {"old": old or "-", "new": new or "-"})


_NODE_COMPARERS: tuple[NodeComparer, ...] = (_node_name_changed, _node_type, _gateway_default, _timer_changed, _called)


# ---------------------------------------------------------------- sequence flows

def _ends(side: Side, flow: etree._Element) -> tuple[str, str]:
    return side.name(flow.get("sourceRef") or ""), side.name(flow.get("targetRef") or "")


def _condition(flow: etree._Element) -> str:
    found = flow.find("bpmn:conditionExpression", NS)
    return (found.text or "").strip() if found is not None else ""


def _flow_words(side: Side, flow: etree._Element) -> dict[str, str]:
    source, target = _ends(side, flow)
    what = (flow.get("name") or "").strip() or _condition(flow)
    return {"source": source, "target": target, "condition_th": f" (เงื่อนไข: {what})" if what else "",
            "condition_en": f" (condition: {what})" if what else ""}


def _flow_value(flow: etree._Element) -> str:
    return f"{flow.get('sourceRef')} -> {flow.get('targetRef')}"


def _flows_added_removed(pair: Pair) -> Iterator[Change]:
    for flow_id, flow in pair.new.flows.items():
        if flow_id not in pair.old.flows:
            yield _change("flow_added", flow_id, Values(after=_flow_value(flow)), _flow_words(pair.new, flow))
    for flow_id, flow in pair.old.flows.items():
        if flow_id not in pair.new.flows:
            yield _change("flow_removed", flow_id, Values(before=_flow_value(flow)), _flow_words(pair.old, flow))


def _flows_changed(pair: Pair) -> Iterator[Change]:
    for flow_id, new in pair.new.flows.items():
        old = pair.old.flows.get(flow_id)
        if old is None:
            continue
        if _flow_value(old) != _flow_value(new):
            (old_source, old_target), (new_source, new_target) = _ends(pair.old, old), _ends(pair.new, new)
            yield _change("flow_rewired", flow_id, Values(_flow_value(old), _flow_value(new)),
                          {"old_source": old_source, "old_target": old_target, "new_source": new_source,
                           "new_target": new_target})
        yield from _flow_texts(pair, old, new)


def _flow_texts(pair: Pair, old: etree._Element, new: etree._Element) -> Iterator[Change]:
    """A flow's condition and label (named by its ends in the new version)."""
    flow_id, words = new.get("id") or "", _flow_words(pair.new, new)
    if _condition(old) != _condition(new):
        none = Label("ไม่มีเงื่อนไข", "no condition")
        yield _change("flow_condition_changed", flow_id, Values(_condition(old), _condition(new)),
                      {**words, **both(_quoted(_condition(old), none), _quoted(_condition(new), none))})
    old_name, new_name = (old.get("name") or "").strip(), (new.get("name") or "").strip()
    if old_name != new_name:
        none = Label("ไม่มีชื่อ", "no label")
        yield _change("flow_renamed", flow_id, Values(old_name, new_name),
                      {**words, **both(_quoted(old_name, none), _quoted(new_name, none))})


def _quoted(text: str, none: Label) -> Label:
    return same(f"“{text}”") if text else none


COMPARERS: tuple[Comparer, ...] = (_nodes_added_removed, _nodes_changed, _flows_added_removed, _flows_changed)
