"""Small BPMN documents that make every rule of bpmnlint's recommended set report, for the comparison
with bpmnlint itself (test_modelling_rules.py). Each is (connect, xml): ``connect`` passes it through
``with_flow_references`` first, as bpmn-js would have written it. ``mutants`` changes documents at
random (seeded): dropped references, blank names, conditions, duplicate flows, flags, odd bounds,
broken and repeated ids, missing shapes and elements."""
from __future__ import annotations

import copy
import random

from lxml import etree

_HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"'
         ' xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"'
         ' xmlns:di="http://www.omg.org/spec/DD/20100524/DI"'
         ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="Defs" targetNamespace="urn:test">')


def definitions(body: str) -> str:
    return f"{_HEAD}{body}</bpmn:definitions>"


def flow(flow_id: str, source: str, target: str, extra: str = "", condition: str | None = None) -> str:
    body = (f'<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">{condition}</bpmn:conditionExpression>'
            if condition is not None else "")
    return (f'<bpmn:sequenceFlow id="{flow_id}" sourceRef="{source}" targetRef="{target}" {extra}>{body}'
            '</bpmn:sequenceFlow>')


_GATEWAYS = definitions(
    '<bpmn:process id="P_gateways" isExecutable="true">'
    '<bpmn:startEvent id="S1" name="Start"/><bpmn:startEvent id="S2" name="Start too"/>'
    '<bpmn:task id="T1" name="Register"/>'
    '<bpmn:exclusiveGateway id="G1" name="Complete?" default="F_g1_a"/>'
    '<bpmn:task id="T2" name="Approve"/><bpmn:task id="T3" name="Revise"/><bpmn:task id="T4" name="Check"/>'
    '<bpmn:inclusiveGateway id="GI"/><bpmn:complexGateway id="GC" name="Complex"/>'
    '<bpmn:parallelGateway id="GJ"/><bpmn:task id="T5"/><bpmn:task id="T6" name="Six"/>'
    '<bpmn:task id="T7" name="Seven"/><bpmn:task id="T8" name="Eight"/>'
    '<bpmn:eventBasedGateway id="EB"/>'
    '<bpmn:intermediateCatchEvent id="IC1" name="Wait"><bpmn:timerEventDefinition/><bpmn:messageEventDefinition/>'
    '</bpmn:intermediateCatchEvent>'
    '<bpmn:endEvent id="E1" name="Done"/><bpmn:endEvent id="E2" name="Also done"/>'
    '<bpmn:endEvent id="E3" name="Failed"><bpmn:errorEventDefinition errorRef="Err1"/></bpmn:endEvent>'
    + flow("F_s1", "S1", "T1") + flow("F_t1", "T1", "G1", 'name="go"')
    + flow("F_g1_a", "G1", "T2", 'name="yes"') + flow("F_g1_b", "G1", "T3")
    + flow("F_g1_c", "G1", "T4", condition="x &gt; 1")
    + flow("F_t2_e1", "T2", "E1") + flow("F_t2_t3", "T2", "T3")
    + flow("F_t3", "T3", "GI") + flow("F_gi_1", "GI", "E1", condition="a") + flow("F_gi_2", "GI", "E2", condition="b")
    + flow("F_t4", "T4", "GC") + flow("F_gc", "GC", "GJ")
    + flow("F_s2", "S2", "GJ") + flow("F_gj_1", "GJ", "T6") + flow("F_gj_2", "GJ", "T7")
    + flow("F_dup_1", "T6", "T8") + flow("F_dup_2", "T6", "T8") + flow("F_dup_3", "T6", "T8", condition="c")
    + flow("F_t7", "T7", "EB") + flow("F_eb", "EB", "IC1", condition="d") + flow("F_ic1", "IC1", "E3")
    + flow("F_t8", "T8", "E2", 'name="superfluous"') +
    '</bpmn:process>'
    '<bpmn:message id="M1" name="Unused"/><bpmn:message id="M2" name="Twin"/><bpmn:message id="M3" name="Twin"/>'
    '<bpmn:error id="Err1" name=" "/><bpmn:signal id="Sig1"/><bpmn:escalation id="Esc1" name="Up"/>'
)

_SCOPES = definitions(
    '<bpmn:collaboration id="C1"><bpmn:participant id="Pool1" processRef="P_scopes"/>'
    '<bpmn:participant id="Pool2" name="Other" processRef="P_empty"/></bpmn:collaboration>'
    '<bpmn:process id="P_scopes" isExecutable="false">'
    '<bpmn:laneSet id="LS1"><bpmn:lane id="Lane1"><bpmn:childLaneSet id="LS2"><bpmn:lane id="Lane2" name="Inner"/>'
    '<bpmn:lane id="Lane3"/></bpmn:childLaneSet></bpmn:lane></bpmn:laneSet>'
    '<bpmn:startEvent id="S1" name="Start"/><bpmn:task id="T1" name="Do"/>'
    '<bpmn:endEvent id="E1" name="Stop"><bpmn:terminateEventDefinition/></bpmn:endEvent>'
    '<bpmn:subProcess id="Sub1" name="Empty sub"/>'
    '<bpmn:subProcess id="Sub2" name="Timed sub"><bpmn:startEvent id="Sub2_S"><bpmn:timerEventDefinition/>'
    '</bpmn:startEvent><bpmn:endEvent id="Sub2_E"/></bpmn:subProcess>'
    '<bpmn:subProcess id="Evt1" triggeredByEvent="true"><bpmn:startEvent id="Evt1_S" name="Blank"/>'
    '<bpmn:endEvent id="Evt1_E" name="End"/></bpmn:subProcess>'
    '<bpmn:adHocSubProcess id="Adhoc1" name="Ad hoc"><bpmn:startEvent id="Adhoc1_S" name="S"/>'
    '<bpmn:task id="Adhoc1_T" name="Any"/><bpmn:endEvent id="Adhoc1_E" name="E"/></bpmn:adHocSubProcess>'
    '<bpmn:task id="T2" name="Guarded"/>'
    '<bpmn:boundaryEvent id="B1" attachedToRef="T2"><bpmn:compensateEventDefinition/></bpmn:boundaryEvent>'
    '<bpmn:task id="T3" name="Undo" isForCompensation="true"/>'
    '<bpmn:boundaryEvent id="B2" attachedToRef="T2"><bpmn:timerEventDefinition/></bpmn:boundaryEvent>'
    '<bpmn:intermediateThrowEvent id="L1" name="To A"><bpmn:linkEventDefinition name="A"/>'
    '</bpmn:intermediateThrowEvent>'
    '<bpmn:intermediateCatchEvent id="L2" name="From B"><bpmn:linkEventDefinition name="B"/>'
    '</bpmn:intermediateCatchEvent>'
    '<bpmn:intermediateCatchEvent id="L3" name="From C"><bpmn:linkEventDefinition name="C"/>'
    '</bpmn:intermediateCatchEvent>'
    '<bpmn:intermediateCatchEvent id="L4" name="From C too"><bpmn:linkEventDefinition name="C"/>'
    '</bpmn:intermediateCatchEvent>'
    '<bpmn:intermediateThrowEvent id="L5" name="To C"><bpmn:linkEventDefinition name="C"/>'
    '</bpmn:intermediateThrowEvent>'
    '<bpmn:intermediateThrowEvent id="L6" name="To D"><bpmn:linkEventDefinition name="D"/>'
    '</bpmn:intermediateThrowEvent>'
    '<bpmn:intermediateThrowEvent id="L7" name="To D too"><bpmn:linkEventDefinition name="D"/>'
    '</bpmn:intermediateThrowEvent>'
    '<bpmn:intermediateThrowEvent id="L8" name="Nowhere"><bpmn:linkEventDefinition/></bpmn:intermediateThrowEvent>'
    '<bpmn:sendTask id="Send1" name="Send" messageRef="M1"/>'
    + flow("F1", "S1", "T1") + flow("F2", "T1", "E1") +
    '<bpmn:association id="A1" sourceRef="B1" targetRef="T3"/>'
    '</bpmn:process>'
    '<bpmn:process id="P_empty"/>'
    '<bpmn:message id="M1" name="Sent"/>'
)

# Connections written only as sourceRef/targetRef, as encode_sop.py writes them; and broken references.
_UNCONNECTED = definitions(
    '<bpmn:process id="P_raw" isExecutable="true">'
    '<bpmn:startEvent id="S1" name="Start"><bpmn:outgoing>F1</bpmn:outgoing></bpmn:startEvent>'
    '<bpmn:task id="T1" name="Only incoming"><bpmn:incoming>F1</bpmn:incoming><bpmn:outgoing> </bpmn:outgoing>'
    '</bpmn:task>'
    '<bpmn:task id="T2" name="Dangling"><bpmn:incoming>Missing</bpmn:incoming></bpmn:task>'
    '<bpmn:exclusiveGateway id="G1" name="Which?" default="Nope"/>'
    '<bpmn:endEvent id="E1" name="End"/>'
    + flow("F1", "S1", "T1") + flow("F2", "T1", "G1") + flow("F3", "G1", "E1") +
    '<bpmn:task id="1st" name="Bad id"/><bpmn:task id="T1" name="Same id"/>'
    '<bpmn:subProcess id="2nd"><bpmn:task id="Hidden" name="Hidden"/></bpmn:subProcess>'
    '</bpmn:process>'
)


def _shape(element: str, x: int, y: int, width: int = 100, height: int = 80, extra: str = "") -> str:
    return (f'<bpmndi:BPMNShape id="{element}_di" bpmnElement="{element}" {extra}>'
            f'<dc:Bounds x="{x}" y="{y}" width="{width}" height="{height}"/></bpmndi:BPMNShape>')


_LAYOUT = definitions(
    '<bpmn:collaboration id="C1"><bpmn:participant id="Pool1" name="Office" processRef="P_layout"/>'
    '<bpmn:participant id="Pool2" name="Citizen"/><bpmn:messageFlow id="MF1" sourceRef="Pool2" targetRef="T1"/>'
    '</bpmn:collaboration>'
    '<bpmn:process id="P_layout" isExecutable="true">'
    '<bpmn:startEvent id="S1" name="Start"/><bpmn:task id="T1" name="One"/><bpmn:task id="T2" name="Two"/>'
    '<bpmn:task id="T3" name="Far away"/><bpmn:endEvent id="E1" name="End"/>'
    '<bpmn:boundaryEvent id="B1" name="Late" attachedToRef="T1"><bpmn:timerEventDefinition/></bpmn:boundaryEvent>'
    '<bpmn:subProcess id="Sub1" name="Inside"><bpmn:startEvent id="Sub1_S" name="S"/>'
    '<bpmn:task id="Sub1_T" name="Out of the box"/><bpmn:endEvent id="Sub1_E" name="E"/>'
    + flow("Sub1_F1", "Sub1_S", "Sub1_T") + flow("Sub1_F2", "Sub1_T", "Sub1_E") +
    '</bpmn:subProcess>'
    '<bpmn:dataStoreReference id="DS1" name="Archive"/><bpmn:dataObject id="DO1"/>'
    '<bpmn:dataObjectReference id="DOR1" name="Letter" dataObjectRef="DO1"/>'
    '<bpmn:task id="T4" name="Not drawn"/>'
    + flow("F1", "S1", "T1") + flow("F2", "T1", "T2") + flow("F3", "T2", "Sub1") + flow("F4", "Sub1", "T3")
    + flow("F5", "T3", "E1") + flow("F6", "B1", "T4") + flow("F7", "T4", "E1") +
    '<bpmn:textAnnotation id="Note1"><bpmn:text>Note</bpmn:text></bpmn:textAnnotation>'
    '</bpmn:process>'
    '<bpmndi:BPMNDiagram id="D1"><bpmndi:BPMNPlane id="Plane1" bpmnElement="C1">'
    + _shape("Pool1", 0, 0, 1000, 400) + _shape("Pool2", 900, 380, 600, 100)
    + _shape("S1", 50, 100, 36, 36) + _shape("T1", 120, 80) + _shape("T2", 200, 100)
    + _shape("B1", 180, 140, 36, 36) + _shape("T3", 1200, 100) + _shape("E1", 400, 300, 36, 36)
    + _shape("Sub1", 350, 50, 300, 200, 'isExpanded="true"') + _shape("Sub1_S", 360, 100, 36, 36)
    + _shape("Sub1_T", 600, 100) + _shape("Sub1_E", 500, 150, 36, 36)
    + _shape("DS1", 950, 10, 50, 50) + _shape("DOR1", 20, 300, 36, 50)
    + '<bpmndi:BPMNEdge id="F1_di" bpmnElement="F1"><di:waypoint x="86" y="118"/><di:waypoint x="120" y="118"/>'
    '</bpmndi:BPMNEdge>'
    '</bpmndi:BPMNPlane></bpmndi:BPMNDiagram>'
)

FIXTURES: dict[str, tuple[bool, str]] = {
    "gateways.bpmn": (True, _GATEWAYS),
    "scopes.bpmn": (True, _SCOPES),
    "unconnected.bpmn": (False, _UNCONNECTED),
    "layout.bpmn": (True, _LAYOUT),
}


# ------------------------------------------------------------------------------------- mutants

_B = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"


def _elements(root: etree._Element, names: set[str]) -> list[etree._Element]:
    return [el for el in root.iter() if isinstance(el.tag, str) and etree.QName(el).localname in names]


def _pick(rnd: random.Random, items: list[etree._Element]) -> list[etree._Element]:
    return [rnd.choice(items)] if items else []


def _drop_reference(rnd: random.Random, root: etree._Element) -> None:
    for el in _pick(rnd, _elements(root, {"incoming", "outgoing"})):
        el.getparent().remove(el)


def _rename(rnd: random.Random, root: etree._Element) -> None:
    named = [el for el in root.iter() if isinstance(el.tag, str) and el.get("name") is not None]
    if named:
        rnd.choice(named).set("name", rnd.choice(["", " ", "x", "_", "Twin"]))


def _toggle_condition(rnd: random.Random, root: etree._Element) -> None:
    flows = _elements(root, {"sequenceFlow"})
    if flows:
        chosen = rnd.choice(flows)
        condition = chosen.find(f"{_B}conditionExpression")
        if condition is not None:
            chosen.remove(condition)
        else:
            etree.SubElement(chosen, f"{_B}conditionExpression").text = rnd.choice(["a", "b", " ", None])


def _duplicate_flow(rnd: random.Random, root: etree._Element) -> None:
    flows = _elements(root, {"sequenceFlow"})
    if flows:
        chosen = rnd.choice(flows)
        twin = copy.deepcopy(chosen)
        twin.set("id", f"{chosen.get('id')}_twin{rnd.randrange(99)}")
        chosen.addnext(twin)
        for source in (el for el in root.iter() if el.get("id") == chosen.get("sourceRef")):
            etree.SubElement(source, f"{_B}outgoing").text = twin.get("id")


def _set_default(rnd: random.Random, root: etree._Element) -> None:
    owners = _elements(root, {"exclusiveGateway", "inclusiveGateway", "parallelGateway", "task", "userTask",
                              "startEvent"})
    flows = _elements(root, {"sequenceFlow"})
    if owners and flows:
        rnd.choice(owners).set("default", rnd.choice(flows).get("id") or "")


def _set_flag(rnd: random.Random, root: etree._Element) -> None:
    chosen = _elements(root, {"subProcess", "transaction", "task", "userTask", "startEvent"})
    if chosen:
        rnd.choice(chosen).set(rnd.choice(["triggeredByEvent", "isForCompensation", "isInterrupting"]),
                               rnd.choice(["true", "false", "TRUE"]))


def _move_shape(rnd: random.Random, root: etree._Element) -> None:
    bounds = _elements(root, {"Bounds"})
    if bounds:
        rnd.choice(bounds).set(rnd.choice(["x", "y", "width", "height"]),
                               rnd.choice(["0", "10.5", "abc", "1e2", "-5", "  7px", "400"]))


def _undraw(rnd: random.Random, root: etree._Element) -> None:
    for el in _pick(rnd, _elements(root, {"BPMNShape", "BPMNEdge"})):
        el.getparent().remove(el)


def _add_definition(rnd: random.Random, root: etree._Element) -> None:
    events = _elements(root, {"intermediateThrowEvent", "intermediateCatchEvent", "endEvent", "startEvent",
                              "boundaryEvent"})
    if events:
        kind = rnd.choice(["link", "terminate", "compensate", "timer", "message"])
        definition = etree.SubElement(rnd.choice(events), f"{_B}{kind}EventDefinition")
        if kind == "link" and rnd.random() < 0.7:
            definition.set("name", rnd.choice(["A", "B", "", "_"]))


def _spoil_id(rnd: random.Random, root: etree._Element) -> None:
    chosen = [el for el in _elements(root, {"task", "userTask", "startEvent", "endEvent", "sequenceFlow",
                                            "exclusiveGateway", "subProcess", "process"})]
    if chosen:
        rnd.choice(chosen).set("id", rnd.choice(["9bad", "dup", "S1", "T1", "Flow_1"]))


def _remove_element(rnd: random.Random, root: etree._Element) -> None:
    for el in _pick(rnd, _elements(root, {"task", "userTask", "endEvent", "startEvent", "exclusiveGateway",
                                          "sequenceFlow", "lane", "participant"})):
        el.getparent().remove(el)


_MUTATIONS = (_drop_reference, _rename, _toggle_condition, _duplicate_flow, _set_default, _set_flag, _move_shape,
              _undraw, _add_definition, _spoil_id, _remove_element)


def mutants(seeds: list[etree._Element], count: int, seed: int) -> list[bytes]:
    """``count`` copies of the seed documents, each changed in one to six random ways (the same every run)."""
    rnd = random.Random(seed)
    documents = []
    for _ in range(count):
        root = copy.deepcopy(rnd.choice(seeds))
        for _ in range(rnd.randint(1, 6)):
            rnd.choice(_MUTATIONS)(rnd, root)
        documents.append(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
    return documents
