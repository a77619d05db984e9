"""``krabuan processes check``: the quality rules a Krabuan SOP model must meet.

Deploy refuses what cannot run safely (engine.definitions, engine.xmlguard); this lint adds
what an SOP needs to be usable: every task in a lane, every user task with a form and a
standard duration, exclusive gateways that cannot get stuck, no disconnected elements, and
gateway conditions that read only variables some form of the process can set.
"""
from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass

from lxml import etree

from ..time.deadlines import STEP_ANCHOR, deadline_anchors
from .deadline_order import late_steps
from .definitions import BPMN_NS, FLOW_NODE_TAGS, HUMAN_TASK_TAGS, NS, ProcessModel
from .expressions import BASE_FUNCTIONS
from .forms import FormRegistry
from .model_expressions import TIMER_TAGS, expression_owner, what
from .segregation import STEP, unknown_roles
from .xmlguard import local_name as _local

_RUNTIME_EXPRESSION_TAGS = (*TIMER_TAGS, "loopCondition", "completionCondition", "loopCardinality")
_TASK_TAGS = HUMAN_TASK_TAGS + ("callActivity", "subProcess", "serviceTask", "sendTask", "receiveTask",
                                "businessRuleTask")


@dataclass(frozen=True)
class Finding:
    file: str
    element: str
    message: str
    # "error": the model is not fit to deploy as an SOP; "warning": worth a look, not refused.
    severity: str = "error"

    def __str__(self) -> str:
        return f"{self.file}: element {self.element}: {self.message}"



def check_process(process: etree._Element, model: ProcessModel, forms: FormRegistry, source: str,
                  settable: set[str] | None = None) -> list[Finding]:
    """Lint one process; ``settable`` adds variables set by other processes of the file (callers)."""
    findings: list[Finding] = []
    known_functions = set(BASE_FUNCTIONS)

    def add(element: str | None, message: str) -> None:
        findings.append(Finding(source, element or model.process_id, message))

    lane_of = {ref.text.strip() for ref in process.iterfind(".//bpmn:lane/bpmn:flowNodeRef", NS) if ref.text}
    for container in [process, *process.iterfind(".//bpmn:subProcess", NS)]:
        _check_container(container, container is process, lane_of, add)
    for step in model.steps.values():
        if step.kind != "userTask":
            add(step.element_id, f"use a bpmn:userTask for a person's step, not bpmn:{step.kind}")
        if not step.form_key:
            add(step.element_id, 'user task has no form (<krabuan:step form="..."/>)')
        if step.meta.duration_minutes is None and step.meta.duration_working_days is None:
            add(step.element_id, "user task has no standard duration (krabuan:step minutes or workingDays)")
    settable = _settable_names(process, model, forms) | (settable or set())
    for flow_id, name in unset_condition_variables(process, settable, known_functions):
        add(flow_id, f"condition reads {name!r}, which no form of this process sets")
    for element_id, anchor in unknown_deadline_anchors(model, settable):
        add(element_id, f"the deadline counts from {anchor!r}, which no form of this process sets and no step of "
                        "it is")
    for message in unknown_segregation_roles(model, set(model.steps), settable):
        add(model.process_id, message)
    return findings + deadline_order_warnings(process, model, forms, source)


def deadline_order_warnings(process: etree._Element, model: ProcessModel, forms: FormRegistry,
                            source: str) -> list[Finding]:
    """A warning on each step due after the deadline of a step that follows it (engine.model.deadline_order)."""
    sets = {s.element_id: set(form.field_names()) for s in model.steps.values()
            if s.form_key and (form := forms.get(s.form_key)) is not None}
    return [Finding(source, late.element_id, late.message(), "warning") for late in late_steps(process, model, sets)]


def lane_warnings(root: etree._Element, models: list[ProcessModel], source: str) -> list[Finding]:
    """Warnings for every lane of the file that has no task (a role that never acts) and is not
    declared idle (``<krabuan:lane idle="why"/>``), and for every idle lane that has one. A role
    acts when a lane of any process of the file with its groups has a task."""
    tasks_of: dict[tuple[str, str], list[str]] = {}
    for process, model in zip(root.iterfind("bpmn:process", NS), models, strict=True):
        task_ids = {el.get("id") for el in process.iter() if isinstance(el.tag, str) and _local(el.tag) in _TASK_TAGS}
        for lane in process.iterfind(".//bpmn:lane", NS):
            refs = [ref.text.strip() for ref in lane.iterfind("bpmn:flowNodeRef", NS) if ref.text]
            tasks_of[(model.process_id, lane.get("id") or "")] = [r for r in refs if r in task_ids]
    acting = {g for model in models for lane_id, groups in model.lanes.items()
              if tasks_of.get((model.process_id, lane_id)) for g in groups}
    found = []
    for model in models:
        for lane_id, groups in model.lanes.items():
            tasks = tasks_of.get((model.process_id, lane_id), [])
            if lane_id in model.idle_lanes and tasks:
                found.append(Finding(source, lane_id, f"lane is declared idle but has task(s): {', '.join(tasks)}",
                                     "warning"))
            elif lane_id not in model.idle_lanes and not set(groups) & acting:
                found.append(Finding(source, lane_id, "lane has no task (the role never acts): give the role its "
                                     'step, or declare the lane idle (<krabuan:lane idle="why"/>)', "warning"))
    return found


def unknown_segregation_roles(model: ProcessModel, steps: set[str], settable: set[str]) -> list[str]:
    """What is wrong with the roles of the process's segregation rules: a step it does not have, a
    variable no form sets (the rule would never bind anyone)."""
    return [f"segregation rule {rule_id} names {role}, which is " + (
        "no step of this process" if role.startswith(STEP) else "no variable a form of this process sets")
        for rule_id, role in unknown_roles(model.segregation, steps, settable)]


def unknown_deadline_anchors(model: ProcessModel, settable: set[str]) -> list[tuple[str, str]]:
    """Deadline anchors that name a variable no form sets, or a step the process does not have."""
    found = []
    for step in model.steps.values():
        for anchor in sorted(deadline_anchors(step.meta.deadline)):
            match = STEP_ANCHOR.match(anchor)
            if (match[1] not in model.steps) if match else (anchor not in settable and anchor != "fiscal_year"):
                found.append((step.element_id, anchor))
    return found


def unset_condition_variables(process: etree._Element, settable: set[str],
                              functions: set[str]) -> list[tuple[str, str]]:
    """(flow id, name) of every variable a sequence-flow condition reads that nothing can set."""
    found = []
    for flow in process.iter(f"{{{BPMN_NS}}}sequenceFlow"):
        cond = flow.find("bpmn:conditionExpression", NS)
        if cond is None or not (cond.text or "").strip():
            continue
        try:
            tree = ast.parse(cond.text.strip(), mode="eval")
        except SyntaxError:
            continue  # deploy reports it
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and node.id not in settable and node.id not in functions \
                    and node.id not in ("True", "False", "None"):
                found.append((flow.get("id") or "", node.id))
    return found


def unset_expression_variables(process: etree._Element, settable: set[str],
                               functions: set[str]) -> list[tuple[str, str, str]]:
    """(element id, what, name) of every variable that a timer value, a loop or completion
    condition or a multi-instance count reads and nothing can set: it would fail when the case
    reaches it (sequence-flow conditions: unset_condition_variables)."""
    found = []
    for el in process.iter(*(f"{{{BPMN_NS}}}{tag}" for tag in _RUNTIME_EXPRESSION_TAGS)):
        try:
            tree = ast.parse((el.text or "").strip(), mode="eval")
        except SyntaxError:
            continue  # deploy reports it
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and node.id not in settable | functions | {"True", "False", "None"}:
                found.append((expression_owner(el) or "", what(_local(el.tag)), node.id))
    return found


Add = Callable[[str | None, str], None]


@dataclass
class _Graph:
    """The flow nodes of one container (process or subprocess) and their sequence flows."""

    nodes: dict[str, etree._Element]
    incoming: dict[str, list[etree._Element]]
    outgoing: dict[str, list[etree._Element]]
    event_subprocesses: set[str]

    @classmethod
    def of(cls, container: etree._Element) -> _Graph:
        nodes = {el.get("id"): el for el in container
                 if isinstance(el.tag, str) and _local(el.tag) in FLOW_NODE_TAGS and el.get("id")}
        incoming: dict[str, list[etree._Element]] = {n: [] for n in nodes}
        outgoing: dict[str, list[etree._Element]] = {n: [] for n in nodes}
        for flow in (el for el in container if _local(el.tag) == "sequenceFlow"):
            if flow.get("sourceRef") in outgoing:
                outgoing[flow.get("sourceRef")].append(flow)
            if flow.get("targetRef") in incoming:
                incoming[flow.get("targetRef")].append(flow)
        event_subprocesses = {n for n, el in nodes.items() if el.get("triggeredByEvent") == "true"}
        return cls(nodes, incoming, outgoing, event_subprocesses)

    def reachable(self) -> set[str]:
        """Nodes reachable from the start events (boundary events with their hosts)."""
        attached: dict[str, list[str]] = {}
        for node_id, el in self.nodes.items():
            if _local(el.tag) == "boundaryEvent":
                attached.setdefault(el.get("attachedToRef") or "", []).append(node_id)
        seen: set[str] = set()
        stack = [n for n, el in self.nodes.items() if _local(el.tag) == "startEvent"]
        while stack:
            node_id = stack.pop()
            if node_id in seen:
                continue
            seen.add(node_id)
            stack += [f.get("targetRef") for f in self.outgoing.get(node_id, []) if f.get("targetRef") in self.nodes]
            stack += attached.get(node_id, [])
        return seen


def _check_container(container: etree._Element, top: bool, lane_of: set[str], add: Add) -> None:
    graph = _Graph.of(container)
    for node_id in graph.nodes:
        if node_id not in graph.event_subprocesses:
            _check_node(graph, node_id, top and node_id not in lane_of, add)
    if any(_local(el.tag) == "startEvent" for el in graph.nodes.values()):
        seen = graph.reachable()
        for node_id in graph.nodes:
            if node_id not in seen and node_id not in graph.event_subprocesses:
                add(node_id, "element cannot be reached from the start event")


def _check_node(graph: _Graph, node_id: str, outside_lanes: bool, add: Add) -> None:
    el = graph.nodes[node_id]
    tag = _local(el.tag)
    if outside_lanes and tag in _TASK_TAGS:
        add(node_id, "task is not in a lane")
    if tag not in ("startEvent", "boundaryEvent") and not graph.incoming[node_id]:
        add(node_id, "element has no incoming sequence flow (disconnected)")
    if tag != "endEvent" and not graph.outgoing[node_id]:
        add(node_id, "element has no outgoing sequence flow (dead end)")
    if tag == "exclusiveGateway" and len(graph.outgoing[node_id]) > 1:
        default = el.get("default")
        unconditioned = [f.get("id") for f in graph.outgoing[node_id]
                         if f.find("bpmn:conditionExpression", NS) is None and f.get("id") != default]
        if unconditioned:
            add(node_id, f"outgoing flow(s) {', '.join(unconditioned)} need a condition or must be the default")
        if not default:
            add(node_id, "exclusive gateway has no default flow; a case whose data matches no condition "
                         "would stop here")


def settable_in_document(root: etree._Element, models: list[ProcessModel], forms: FormRegistry) -> set[str]:
    """Variables any process of the file can set (call activities share their caller's data)."""
    names: set[str] = set()
    for process, model in zip(root.iterfind("bpmn:process", NS), models, strict=True):
        names |= _settable_names(process, model, forms)
    return names


def _settable_names(process: etree._Element, model: ProcessModel, forms: FormRegistry) -> set[str]:
    names: set[str] = set()
    keys = [s.form_key for s in model.steps.values() if s.form_key] + ([model.start_form] if model.start_form else [])
    for key in keys:
        form = forms.get(key)
        if form is not None:
            names.update(form.field_names())
    for tag in ("loopDataOutputRef", "loopDataInputRef"):
        names.update((el.text or "").strip() for el in process.iter(f"{{{BPMN_NS}}}{tag}"))
    for tag in ("inputDataItem", "outputDataItem"):
        names.update(el.get("name") or el.get("id") or "" for el in process.iter(f"{{{BPMN_NS}}}{tag}"))
    return {n for n in names if n}
