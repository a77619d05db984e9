"""Encode an SOP of the catalog as a Krabuan BPMN file, with its diagram.

    .venv/bin/python processes/tools/encode_sop.py send-letter [more ids] [--catalog ../shared/sops]

Reads the catalog file (../shared/sops/<id>.yaml: names, roles, durations, deadlines, control
points, risks, documents, systems) and the flow spec processes/encoding/<id>.yaml (how the
steps connect: order, gateways, loops, committees, inferred steps), and writes
processes/bpmn/<id>.bpmn: one pool, one lane per catalog role, one user task per step with
its krabuan:step metadata, and a BPMN diagram laid out by lane, left to right.

The BPMN file is the authoritative model once written (process owners edit it); this tool is
for the initial encoding and for re-laying out a diagram after an edit of the flow spec.

Flow spec format::

    id: send-letter
    nodes:                              # in layout order, left to right
      - start: start_send               # a start event
        name: {th: ..., en: ...}
      - step: receive_outgoing_letter   # a catalog step (all metadata comes from the catalog)
      - step: r1_units_report           # ... under another element id (e.g. in a reused
        id: units_report                #     sub-process shared by two rounds)
      - step: vote                      # a committee step: one task per member, each personal
        committee: {collection: committee_members, element: member,      # the members (a users field);
                                                                         # element names are unique per file
                    output_collection: votes, output_element: vote}      # optional: collect a field
        minutes: 30                     # when the catalog gives no duration (marked inferred)
        deadline: {type: relative, amount: 30, unit: working_days, anchor: "step:inspect.started"}
        deadline_note: why the catalog's rule is corrected  # (a node's deadline wins over the catalog's)
      - gateway: letter_ok              # an exclusive gateway (lane: the previous node's)
        name: {th: ..., en: ...}
      - parallel: split_work            # a parallel gateway (split or join)
      - task: revise_letter             # a step the source implies but does not list
        lane: internal_units
        name: {th: ..., en: ...}
        kind: user
        minutes: 30
        inferred: why it was added
      - wait: wait_for_activity         # an intermediate timer event: the case waits until then
        name: {th: ..., en: ...}        #   (a timeDate expression, with the calendar functions)
        until: 'at(activity_date, "16:30")'
        why: what the step after it waits for
      - call: round_one                 # a call activity of another process in this file
        process: kpi-round
        name: {th: ..., en: ...}
        lane: psdg
      - end: end_sent
        name: {th: ..., en: ...}
    subprocesses:                       # more processes in the same file, for call activities:
      - id: kpi-round                   #   each is a pool with its own nodes and flows
        name: {th: ..., en: ...}
        executable: true
        nodes: [...]
        flows: [...]
    flows:                              # omitted: the nodes are chained in order
      - [start_send, receive_outgoing_letter]
      - {from: letter_ok, to: revise_letter, when: "check_result == 'needs_revision'", name: {th: ..., en: ...}}
      - {from: letter_ok, to: issue_number, default: true, name: {th: ..., en: ...}}
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import yaml

ROOT = Path(__file__).resolve().parents[2]
KIND_DEFAULT_MINUTES = {"user": 60, "approval": 60, "signature": 30, "archive": 15, "notification": 30,
                        "external_system": 30}
USER_KINDS = tuple(KIND_DEFAULT_MINUTES)
SIZE = {"start": (36, 36), "end": (36, 36), "wait": (36, 36), "gateway": (50, 50), "parallel": (50, 50)}
COL, LANE_H, X0, Y0 = 150, 170, 190, 80


def a(value: Any) -> str:
    return quoteattr(str(value))


def load(sop_id: str, catalog: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    cat = yaml.safe_load((catalog / f"{sop_id}.yaml").read_text(encoding="utf-8"))
    spec = yaml.safe_load((ROOT / "processes" / "encoding" / f"{sop_id}.yaml").read_text(encoding="utf-8"))
    return cat, spec


def _rule(rule: Any) -> Any:
    """The catalog writes combined deadlines as {all_of: [...]}; Krabuan as {type: all_of, rules: [...]}."""
    if isinstance(rule, dict) and "all_of" in rule and "type" not in rule:
        return {"type": "all_of", "rules": [_rule(r) for r in rule["all_of"]],
                **{k: v for k, v in rule.items() if k != "all_of"}}
    return rule


def step_metadata(sop_id: str, nid: str, node: dict[str, Any], step: dict[str, Any] | None) -> str:
    """The krabuan:step element of a user task."""
    step = step or {}
    kind = node.get("kind") or step.get("kind") or "user"
    if kind not in USER_KINDS:
        kind = "user"
    duration = step.get("duration") or {}
    attrs = {"form": node.get("form") or f"{sop_id}.{nid}", "kind": kind}
    minutes = duration.get("minutes") if duration.get("minutes") is not None else node.get("minutes")
    working_days = duration.get("days") if duration.get("days") is not None else node.get("working_days")
    if minutes is None and working_days is None:
        minutes = KIND_DEFAULT_MINUTES[kind]
    if duration.get("minutes") is None and duration.get("days") is None:
        attrs["durationInferred"] = "true"
    if minutes is not None:
        attrs["minutes"] = int(minutes)
    if working_days is not None:
        attrs["workingDays"] = working_days
    systems = step.get("systems") or node.get("systems") or []
    if systems:
        attrs["system"] = " ".join(systems)
    if node.get("committee"):
        attrs["assignee"] = node["committee"]["element"]
    if node.get("inferred"):
        attrs["inferred"] = node["inferred"]
    parts = [f"<krabuan:step {' '.join(f'{k}={a(v)}' for k, v in attrs.items())}>"]
    rule = _rule(node.get("deadline") or (step.get("deadline") or {}).get("rule"))
    if node.get("deadline") and node.get("deadline_note"):  # the flow spec corrects the catalog's rule
        rule = {**rule, "corrected": node["deadline_note"]}
    if rule:
        parts.append(f"<krabuan:deadline>{escape(json.dumps(rule, ensure_ascii=False))}</krabuan:deadline>")
    for i, cp in enumerate(step.get("control_points") or node.get("control_points") or [], 1):
        parts.append(f"<krabuan:control id={a(cp.get('id', f'cp{i}'))} th={a(cp['th'])} en={a(cp['en'])}/>")
    for risk in step.get("risks") or []:
        factor = risk.get("risk_factor") or ""
        factor_th, factor_en = (factor.get("th", ""), factor.get("en", "")) if isinstance(factor, dict) else (factor, "")
        ra = {"th": risk["th"], "en": risk["en"], "factor": factor_th, "factorEn": factor_en,
              "likelihood": risk.get("likelihood"), "impact": risk.get("impact"), "score": risk.get("score"),
              "level": risk.get("level") or "", "levelEn": risk.get("level_en") or ""}
        parts.append("<krabuan:risk " + " ".join(f"{k}={a(v)}" for k, v in ra.items() if v not in (None, ""))
                     + "/>")
    for direction in ("in", "out"):
        for doc in step.get(f"documents_{direction}") or []:
            texts = " ".join(f"{lang}={a(doc[lang])}" for lang in ("th", "en") if doc.get(lang))
            parts.append(f"<krabuan:document direction=\"{direction}\" {texts}/>")
    parts.append("</krabuan:step>")
    return "".join(parts)


NODE_KINDS = ("start", "end", "step", "task", "gateway", "parallel", "call", "wait")


def _block(sop_id: str, pid: str, name: dict[str, str], doc: str, nodes: list[dict[str, Any]],
           flows: list[Any] | None, steps: dict[str, Any], roles: list[str], whole_file: bool) -> dict[str, Any]:
    """Resolve one process of the file: its nodes in layout order, their lanes and flows."""
    lane_of: dict[str, str] = {}
    order: list[tuple[str, str, dict[str, Any]]] = []
    lane = None
    for node in nodes:
        kind = next(k for k in NODE_KINDS if k in node)
        nid = node.get("id") or node[kind]
        if kind == "step":
            if node[kind] not in steps:
                raise SystemExit(f"{sop_id}: step {node[kind]} is not in the catalog")
            lane = node.get("lane") or steps[node[kind]]["role"]
        else:
            lane = node.get("lane") or lane or roles[0]
        if lane not in roles:
            raise SystemExit(f"{sop_id}: lane {lane} of {nid} is not a catalog role")
        lane_of[nid] = lane
        order.append((kind, nid, node))
    if flows is None:
        flows = [[order[i][1], order[i + 1][1]] for i in range(len(order) - 1)]
    flow_objs = []
    for f in flows:
        f = dict({"from": f[0], "to": f[1]} if isinstance(f, list) else f)
        f["id"] = f.get("id") or f"flow_{f['from']}_to_{f['to']}"
        for end in ("from", "to"):
            if f[end] not in lane_of:
                raise SystemExit(f"{sop_id}: flow {f['id']} {end} {f[end]} is not a node")
        flow_objs.append(f)
    used_roles = roles if whole_file else [r for r in roles if r in lane_of.values()]
    return {"pid": pid, "xml_id": pid.replace("-", "_"), "name": name, "doc": doc, "order": order,
            "lane_of": lane_of, "flows": flow_objs, "roles": used_roles}


def _process_xml(sop_id: str, b: dict[str, Any], steps: dict[str, Any], role_names: dict[str, Any],
                 executable: bool) -> list[str]:
    pid, xml_id, order, lane_of = b["pid"], b["xml_id"], b["order"], b["lane_of"]
    out = [f'  <bpmn:process id="{pid}" name={a(b["name"]["th"])} isExecutable="{str(executable).lower()}">',
           f'    <bpmn:documentation>{escape(b["doc"])}</bpmn:documentation>',
           f'    <bpmn:laneSet id="LaneSet_{xml_id}">']
    for role in b["roles"]:
        out.append(f'      <bpmn:lane id="{_lane_id(b, role)}" name={a(role_names[role]["th"])}>')
        if b.get("lane_prefix"):
            out.append(f'        <bpmn:extensionElements><krabuan:lane groups="{role}"/></bpmn:extensionElements>')
        out += [f"        <bpmn:flowNodeRef>{nid}</bpmn:flowNodeRef>" for _, nid, _ in order if lane_of[nid] == role]
        out.append("      </bpmn:lane>")
    out.append("    </bpmn:laneSet>")
    defaults = {f["from"]: f["id"] for f in b["flows"] if f.get("default")}
    for kind, nid, node in order:
        step = steps.get(node["step"]) if kind == "step" else None
        name = node.get("name") or (step["name"] if step else None)
        name_attr = f" name={a(name['th'])}" if name else ""
        if kind == "start":
            out.append(f'    <bpmn:startEvent id="{nid}"{name_attr}/>')
        elif kind == "end":
            out.append(f'    <bpmn:endEvent id="{nid}"{name_attr}/>')
        elif kind == "gateway":
            default = f' default="{defaults[nid]}"' if nid in defaults else ""
            out.append(f'    <bpmn:exclusiveGateway id="{nid}"{name_attr}{default}/>')
        elif kind == "parallel":
            out.append(f'    <bpmn:parallelGateway id="{nid}"{name_attr}/>')
        elif kind == "call":
            out.append(f'    <bpmn:callActivity id="{nid}"{name_attr} calledElement="{node["process"]}"/>')
        elif kind == "wait":
            out += [f'    <bpmn:intermediateCatchEvent id="{nid}"{name_attr}>',
                    f"      <bpmn:documentation>{escape(node.get('why', ''))}</bpmn:documentation>",
                    f'      <bpmn:timerEventDefinition id="{nid}_timer">',
                    f'        <bpmn:timeDate>{escape(node["until"])}</bpmn:timeDate>',
                    "      </bpmn:timerEventDefinition>", "    </bpmn:intermediateCatchEvent>"]
        else:
            doc_en = (name or {}).get("en", "")
            if step:
                doc_en += ". " + step["description"]["en"]
                if node.get("id"):
                    doc_en += f" (catalog step {node['step']})"
            if node.get("inferred"):
                doc_en = "INFERRED: " + node["inferred"] + " " + doc_en
            out.append(f'    <bpmn:userTask id="{nid}"{name_attr}>')
            out.append(f"      <bpmn:documentation>{escape(doc_en.strip())}</bpmn:documentation>")
            out.append(f"      <bpmn:extensionElements>{step_metadata(sop_id, nid, node, step)}"
                       "</bpmn:extensionElements>")
            if node.get("committee"):
                c = node["committee"]
                out += ["      <bpmn:multiInstanceLoopCharacteristics>",
                        f"        <bpmn:loopDataInputRef>{c['collection']}</bpmn:loopDataInputRef>"]
                if c.get("output_collection"):
                    out.append(f"        <bpmn:loopDataOutputRef>{c['output_collection']}</bpmn:loopDataOutputRef>")
                # SpiffWorkflow names the variable by the item's id, so id = name (unique per file).
                out.append(f'        <bpmn:inputDataItem id="{c["element"]}" name="{c["element"]}"/>')
                if c.get("output_element"):
                    out.append(f'        <bpmn:outputDataItem id="{c["output_element"]}" '
                               f'name="{c["output_element"]}"/>')
                out.append("      </bpmn:multiInstanceLoopCharacteristics>")
            out.append("    </bpmn:userTask>")
    for f in b["flows"]:
        name_attr = f" name={a(f['name']['th'])}" if f.get("name") else ""
        if f.get("when"):
            out.append(f'    <bpmn:sequenceFlow id="{f["id"]}"{name_attr} sourceRef="{f["from"]}" '
                       f'targetRef="{f["to"]}">')
            out.append(f"      <bpmn:conditionExpression>{escape(f['when'])}</bpmn:conditionExpression>")
            out.append("    </bpmn:sequenceFlow>")
        else:
            out.append(f'    <bpmn:sequenceFlow id="{f["id"]}"{name_attr} sourceRef="{f["from"]}" '
                       f'targetRef="{f["to"]}"/>')
    out.append("  </bpmn:process>")
    return out


def _lane_id(b: dict[str, Any], role: str) -> str:
    """Lane ids are the group ids; in a second pool of the same file they get the pool's prefix
    (XML ids are unique per file) and name their group with krabuan:lane."""
    return f"{b['xml_id']}__{role}" if b.get("lane_prefix") else role


def encode(sop_id: str, catalog: Path) -> str:
    cat, spec = load(sop_id, catalog)
    steps = {s["id"]: s for s in cat["steps"]}
    roles = [r["id"] for r in cat["roles"]]
    role_names = {r["id"]: r for r in cat["roles"]}
    title = cat["title"]
    blocks = [_block(sop_id, sop_id, title, title["en"] + ". " + (cat.get("objective") or {}).get("en", ""),
                     spec["nodes"], spec.get("flows"), steps, roles, True)]
    for sub in spec.get("subprocesses") or []:
        b = _block(sop_id, sub["id"], sub["name"], sub["name"]["en"], sub["nodes"], sub.get("flows"), steps, roles,
                   False)
        b["lane_prefix"] = True
        b["executable"] = sub.get("executable", True)
        blocks.append(b)
    xml_id = sop_id.replace("-", "_")
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
           'xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" '
           'xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:krabuan="urn:krabuan:bpmn:1" '
           f'id="Definitions_{xml_id}" targetNamespace="urn:krabuan:processes" exporter="Krabuan encode_sop" '
           'exporterVersion="1">',
           f'  <bpmn:collaboration id="Collaboration_{xml_id}">']
    out += [f'    <bpmn:participant id="Participant_{b["xml_id"]}" name={a(b["name"]["th"])} processRef="{b["pid"]}"/>'
            for b in blocks]
    out.append('  </bpmn:collaboration>')
    for b in blocks:
        out += _process_xml(sop_id, b, steps, role_names, b.get("executable", True))
    out += diagram(xml_id, blocks)
    out.append("</bpmn:definitions>")
    return "\n".join(out) + "\n"


def diagram(xml_id: str, blocks: list[dict[str, Any]]) -> list[str]:
    out = [f'  <bpmndi:BPMNDiagram id="BPMNDiagram_{xml_id}">',
           f'    <bpmndi:BPMNPlane id="BPMNPlane_{xml_id}" bpmnElement="Collaboration_{xml_id}">']
    top = Y0
    for b in blocks:
        out += _pool_shapes(b, top)
        top += LANE_H * max(len(b["roles"]), 1) + 60
    out += ["    </bpmndi:BPMNPlane>", "  </bpmndi:BPMNDiagram>"]
    return out


def _pool_shapes(b: dict[str, Any], top: int) -> list[str]:
    order, lane_of, roles, pid = b["order"], b["lane_of"], b["roles"], b["xml_id"]
    width = X0 + COL * len(order) + 40
    height = LANE_H * max(len(roles), 1)
    pos = {}
    for col, (kind, nid, _) in enumerate(order):
        w, h = SIZE.get(kind, (110, 80))
        cx = X0 + COL * col + 55
        cy = top + LANE_H * roles.index(lane_of[nid]) + LANE_H // 2
        pos[nid] = (cx - w // 2, cy - h // 2, w, h)
    out = [f'      <bpmndi:BPMNShape id="Participant_{pid}_di" bpmnElement="Participant_{pid}" '
           f'isHorizontal="true"><dc:Bounds x="100" y="{top}" width="{width}" height="{height}"/></bpmndi:BPMNShape>']
    for i, role in enumerate(roles):
        lane = _lane_id(b, role)
        out.append(f'      <bpmndi:BPMNShape id="{lane}_di" bpmnElement="{lane}" isHorizontal="true">'
                   f'<dc:Bounds x="130" y="{top + LANE_H * i}" width="{width - 30}" height="{LANE_H}"/>'
                   '</bpmndi:BPMNShape>')
    for kind, nid, _ in order:
        x, y, w, h = pos[nid]
        marker = ' isMarkerVisible="true"' if kind == "gateway" else ""  # parallel gateways show "+"
        out.append(f'      <bpmndi:BPMNShape id="{nid}_di" bpmnElement="{nid}"{marker}>'
                   f'<dc:Bounds x="{x}" y="{y}" width="{w}" height="{h}"/></bpmndi:BPMNShape>')
    for n, f in enumerate(b["flows"]):
        sx, sy, sw, sh = pos[f["from"]]
        tx, ty, tw, th = pos[f["to"]]
        if tx > sx:
            start, end = (sx + sw, sy + sh // 2), (tx, ty + th // 2)
            mid = (start[0] + end[0]) // 2
            pts = [start, end] if start[1] == end[1] else [start, (mid, start[1]), (mid, end[1]), end]
        else:  # a loop back: below both shapes
            low = max(sy + sh, ty + th) + 20 + 8 * (n % 4)
            pts = [(sx + sw // 2, sy + sh), (sx + sw // 2, low), (tx + tw // 2, low), (tx + tw // 2, ty + th)]
        wps = "".join(f'<di:waypoint x="{x}" y="{y}"/>' for x, y in pts)
        out.append(f'      <bpmndi:BPMNEdge id="{f["id"]}_di" bpmnElement="{f["id"]}">{wps}</bpmndi:BPMNEdge>')
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("ids", nargs="+")
    parser.add_argument("--catalog", type=Path, default=ROOT.parent / "shared" / "sops")
    args = parser.parse_args(argv)
    for sop_id in args.ids:
        target = ROOT / "processes" / "bpmn" / f"{sop_id}.bpmn"
        target.write_text(encode(sop_id, args.catalog), encoding="utf-8")
        print(f"wrote {target.relative_to(ROOT)}")


if __name__ == "__main__":
    sys.exit(main())
