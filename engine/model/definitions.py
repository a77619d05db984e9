"""Krabuan's own model of a deployed process, read from the vetted BPMN tree.

Kept apart from SpiffWorkflow: this module reads lanes, human steps and the Krabuan
extension elements (namespace ``urn:krabuan:bpmn:1``), and runs the deploy-time lint that
needs no engine (no scripts, no dangling flows). The result is stored as JSON with each
process version, so reading a task's lane or form never needs the Spiff spec.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from lxml import etree

from ..errors import DeployError
from . import model_caps
from .metadata import StepMetadata, read_step_metadata
from .model_expressions import EXPRESSION_TAGS, vet_expression
from .segregation import SegregationRule, describe_defaults, read_rules
from .xmlguard import local_name as _local
from .xmlguard import namespace_of as _ns
from .xmlguard import owner_id

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
KRABUAN_NS = "urn:krabuan:bpmn:1"
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"
CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
NS = {"bpmn": BPMN_NS, "krabuan": KRABUAN_NS}

# Element kinds that wait for a person and become worklist rows.
HUMAN_TASK_TAGS = ("userTask", "manualTask", "task")
FLOW_NODE_TAGS = (
    "startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent",
    "task", "userTask", "manualTask", "serviceTask", "sendTask", "receiveTask", "businessRuleTask",
    "scriptTask", "callActivity", "subProcess", "transaction", "adHocSubProcess",
    "exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway", "complexGateway",
)
_LANE_ATTRIBUTES = {"groups", "idle"}


@dataclass(frozen=True)
class StepModel:
    """A human step: what the worklist needs to know about one user task."""

    element_id: str
    name: str
    kind: str
    lane: str | None = None
    candidate_groups: tuple[str, ...] = ()
    documentation: str = ""
    meta: StepMetadata = field(default_factory=StepMetadata)
    multi_instance: bool = False

    @property
    def form_key(self) -> str | None:
        return self.meta.form_key

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> StepModel:
        return cls(**{**raw, "candidate_groups": tuple(raw["candidate_groups"]),
                      "meta": StepMetadata.from_dict(raw["meta"])})


@dataclass(frozen=True)
class InferredFlow:
    """A sequence flow the source does not draw (e.g. a return for revision), marked
    ``krabuan:inferred="why"`` on the bpmn:sequenceFlow."""

    element_id: str
    source: str
    target: str
    name: str
    inferred: str

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> InferredFlow:
        return cls(**raw)


@dataclass(frozen=True)
class ProcessModel:
    process_id: str
    name: str
    lanes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    steps: dict[str, StepModel] = field(default_factory=dict)
    start_form: str | None = None
    # Who may start a case: the groups the process declares (krabuan:process starters), else those of
    # the lane(s) its start event(s) stand in (empty: anyone).
    start_groups: tuple[str, ...] = ()
    # Lanes declared empty on purpose (``<krabuan:lane idle="why"/>``): lane id -> why no task is there.
    idle_lanes: dict[str, str] = field(default_factory=dict)
    # The flows the source does not draw, in document order.
    inferred_flows: tuple[InferredFlow, ...] = ()
    # Segregation of duties declared by the process (<krabuan:segregation>; engine.model.segregation).
    segregation: tuple[SegregationRule, ...] = ()

    def form_keys(self) -> list[str]:
        """The forms of the process: its start form, then its steps' in document order."""
        return [k for k in [self.start_form, *(s.meta.form_key for s in self.steps.values())] if k]

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)  # keeps the steps in document order

    def describe(self) -> dict[str, Any]:
        """The model as ``krabuan processes show --json`` prints it (after the version's own fields):
        lanes, steps with their metadata (what is inferred or corrected from the source), and the
        flows the source does not draw."""
        return {"lanes": {lane: list(groups) for lane, groups in self.lanes.items()},
                "start_form": self.start_form,
                "steps": [{"element_id": s.element_id, "name": s.name, "lane": s.lane,
                           "candidate_groups": list(s.candidate_groups), "documentation": s.documentation,
                           "multi_instance": s.multi_instance, **asdict(s.meta)} for s in self.steps.values()],
                "inferred_flows": [asdict(f) for f in self.inferred_flows],
                "segregation": [r.describe() for r in self.segregation],
                "default_segregation": describe_defaults(s.element_id for s in self.steps.values()
                                                         if s.meta.kind in ("approval", "signature"))}

    @classmethod
    def from_json(cls, text: str) -> ProcessModel:
        raw: dict[str, Any] = json.loads(text)
        steps = {k: StepModel.from_dict(v) for k, v in raw["steps"].items()}
        lanes = {k: tuple(v) for k, v in raw["lanes"].items()}
        return cls(process_id=raw["process_id"], name=raw["name"], lanes=lanes, steps=steps,
                   start_form=raw.get("start_form"), start_groups=tuple(raw.get("start_groups") or ()),
                   idle_lanes=dict(raw.get("idle_lanes") or {}),
                   inferred_flows=tuple(InferredFlow.from_dict(f) for f in raw.get("inferred_flows") or ()),
                   segregation=tuple(SegregationRule.from_dict(r) for r in raw.get("segregation") or ()))




def lint_document(root: etree._Element, source: str) -> None:
    """Checks on the whole file that SpiffWorkflow would not make (or would make badly)."""
    if _local(root.tag) != "definitions" or _ns(root.tag) != BPMN_NS:
        raise DeployError("root element is not bpmn:definitions (is this a BPMN 2.0 file?)", file=source)
    _require_executable(root, source)
    for el in root.iter():
        tag, ns = _local(el.tag), _ns(el.tag)
        if ns == BPMN_NS and tag == "scriptTask":
            raise DeployError("script tasks are not allowed; use a user task or a service task",
                              file=source, element=el.get("id"))
        if ns == BPMN_NS and tag == "script":
            raise DeployError("scripts are not allowed in process models", file=source,
                              element=owner_id(el))
        if ns == SPIFF_NS and tag in ("preScript", "postScript", "script"):
            raise DeployError(f"spiffworkflow:{tag} scripts are not allowed", file=source, element=owner_id(el))
        if ns == CAMUNDA_NS and tag in ("script", "executionListener", "taskListener"):
            raise DeployError(f"camunda:{tag} is not allowed (no scripts or listeners)", file=source,
                              element=owner_id(el))
        if ns == BPMN_NS and tag in EXPRESSION_TAGS and (el.text or "").strip():
            vet_expression(el, root, source)
        for attr in el.attrib:
            if _ns(attr) == CAMUNDA_NS and _local(attr) in ("script", "scriptFormat", "resource"):
                raise DeployError(f"camunda:{_local(attr)} is not allowed (no scripts)", file=source,
                                  element=el.get("id"))
    _lint_processes(root, source)


def _require_executable(root: etree._Element, source: str) -> None:
    """A file deploys only if it has a process to run: modelers mark descriptive diagrams
    ``isExecutable="false"`` (SpiffWorkflow skips them, and the deploy would store nothing)."""
    processes = list(root.iterfind("bpmn:process", NS))
    if not any(p.get("isExecutable", "true").lower() != "false" for p in processes):
        found = (f"its {len(processes)} process(es) are marked isExecutable=\"false\" (descriptive diagrams); "
                 "set isExecutable=\"true\" on the one to run" if processes else "it has no bpmn:process")
        raise DeployError(f"no executable process: {found}", file=source)


def _lint_processes(root: etree._Element, source: str) -> None:
    processes = list(root.iterfind("bpmn:process", NS))
    for process in processes:
        _lint_flows(process, source)
    model_caps.check_document(root, source)


def _lint_flows(container: etree._Element, source: str) -> None:
    """Every sequence flow must join two flow nodes of the same (sub)process."""
    node_ids = {child.get("id") for child in container
                if _ns(child.tag) == BPMN_NS and _local(child.tag) in FLOW_NODE_TAGS}
    for child in container:
        if _ns(child.tag) != BPMN_NS:
            continue
        tag = _local(child.tag)
        if tag == "sequenceFlow":
            flow_id = child.get("id")
            for end in ("sourceRef", "targetRef"):
                ref = child.get(end)
                if not ref:
                    raise DeployError(f"sequence flow has no {end}", file=source, element=flow_id)
                if ref not in node_ids:
                    raise DeployError(f"sequence flow {end} {ref!r} is not an element of this process",
                                      file=source, element=flow_id)
        elif tag in ("subProcess", "transaction", "adHocSubProcess"):
            _lint_flows(child, source)


def may_start(model: ProcessModel, groups: set[str]) -> bool:
    """A member of the groups that may start the process (``start_groups``) may start a case
    (anyone, when it names none: no declaration and a start event in no lane)."""
    return not model.start_groups or bool(set(model.start_groups) & groups)


def read_process_model(process: etree._Element, source: str) -> ProcessModel:
    """Build the ProcessModel of one bpmn:process element."""
    process_id = process.get("id") or ""
    lanes: dict[str, tuple[str, ...]] = {}
    idle_lanes: dict[str, str] = {}
    lane_of: dict[str, str] = {}
    for lane in process.iterfind(".//bpmn:lane", NS):
        lane_id = lane.get("id") or ""
        groups, idle = _lane_groups(lane, source)
        lanes[lane_id] = groups
        if idle is not None:
            idle_lanes[lane_id] = idle
        for ref in lane.iterfind("bpmn:flowNodeRef", NS):
            if ref.text:
                lane_of[ref.text.strip()] = lane_id
    steps: dict[str, StepModel] = {}
    for el in process.iter():
        if _ns(el.tag) != BPMN_NS or _local(el.tag) not in HUMAN_TASK_TAGS:
            continue
        element_id = el.get("id") or ""
        lane_id = lane_of.get(element_id)
        meta = read_step_metadata(el, source)
        doc = el.find("bpmn:documentation", NS)
        steps[element_id] = StepModel(
            element_id=element_id,
            name=(el.get("name") or element_id).strip(),
            kind=_local(el.tag),
            lane=lane_id,
            candidate_groups=lanes.get(lane_id, ()) if lane_id else (),
            documentation=(doc.text or "").strip() if doc is not None else "",
            meta=meta,
            multi_instance=el.find("bpmn:multiInstanceLoopCharacteristics", NS) is not None,
        )
    start_form = None
    start_groups: list[str] = []
    for start in process.iterfind("bpmn:startEvent", NS):
        start_form = read_step_metadata(start, source).form_key or start_form
        start_groups += [g for g in lanes.get(lane_of.get(start.get("id") or "", ""), ()) if g not in start_groups]
    declared = declared_starters(process, source)
    return ProcessModel(process_id=process_id, name=(process.get("name") or process_id).strip(),
                        lanes=lanes, steps=steps, start_form=start_form,
                        start_groups=declared if declared is not None else tuple(start_groups), idle_lanes=idle_lanes,
                        inferred_flows=read_inferred_flows(process, source),
                        segregation=read_rules([dict(el.attrib) for el in _krabuan_children(process)
                                                if _local(el.tag) == "segregation"], source, process_id))


def declared_starters(process: etree._Element, source: str) -> tuple[str, ...] | None:
    """The groups a process declares may start it (``<krabuan:process starters="a b"/>`` in the
    process's extension elements), or None when it declares none (its start lane's groups apply)."""
    for child in _krabuan_children(process):
        if _local(child.tag) == "segregation":
            continue  # read by engine.model.segregation
        if _local(child.tag) != "process" or set(child.attrib) - {"starters"}:
            raise DeployError('a process takes only <krabuan:process starters="..."/> and '
                              "<krabuan:segregation .../>", file=source, element=process.get("id"))
        groups = tuple(dict.fromkeys(child.get("starters", "").replace(",", " ").split()))
        if not groups:
            raise DeployError("krabuan:process starters names no group", file=source, element=process.get("id"))
        return groups
    return None


def read_inferred_flows(process: etree._Element, source: str) -> tuple[InferredFlow, ...]:
    """The sequence flows of a process (and its sub-processes) marked ``krabuan:inferred="why"``."""
    found = []
    for flow in process.iterfind(".//bpmn:sequenceFlow", NS):
        why = flow.get(f"{{{KRABUAN_NS}}}inferred")
        if why is None:
            continue
        if not why.strip():
            raise DeployError("krabuan:inferred is empty (say why the flow is inferred)", file=source,
                              element=flow.get("id"))
        found.append(InferredFlow(element_id=flow.get("id") or "", source=flow.get("sourceRef") or "",
                                  target=flow.get("targetRef") or "", name=(flow.get("name") or "").strip(),
                                  inferred=why.strip()))
    return tuple(found)


def _krabuan_children(el: etree._Element) -> list[etree._Element]:
    ext = el.find("bpmn:extensionElements", NS)
    if ext is None:
        return []
    return [child for child in ext if _ns(child.tag) == KRABUAN_NS]


def _lane_groups(lane: etree._Element, source: str) -> tuple[tuple[str, ...], str | None]:
    """A lane's candidate groups (``krabuan:lane groups="a b"``, else the lane id itself) and, for a
    lane left without tasks on purpose, why (``krabuan:lane idle="..."``; None otherwise)."""
    lane_id = lane.get("id") or ""
    for child in _krabuan_children(lane):
        if _local(child.tag) != "lane" or set(child.attrib) - _LANE_ATTRIBUTES:
            raise DeployError('lanes take only <krabuan:lane groups="..." idle="..."/>', file=source,
                              element=lane_id)
        groups = tuple(g for g in child.get("groups", lane_id).replace(",", " ").split() if g)
        if not groups:
            raise DeployError("krabuan:lane groups is empty", file=source, element=lane_id)
        idle = child.get("idle")
        if idle is not None and not idle.strip():
            raise DeployError("krabuan:lane idle must say why the lane has no task", file=source, element=lane_id)
        return groups, idle.strip() if idle is not None else None
    return (lane_id,), None
