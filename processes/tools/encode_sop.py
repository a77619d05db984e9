"""Encode an SOP of the catalog as a Krabuan BPMN file, with its diagram.

    .venv/bin/python processes/tools/encode_sop.py send-letter [more ids] [--catalog ../shared/sops]

Reads the catalog file (../shared/sops/<id>.yaml: names, roles, durations, deadlines, control
points, risks, documents, systems; texts corrected by processes/encoding/corrections.yaml, see
texts.py) and the flow spec processes/encoding/<id>.yaml (how the
steps connect: order, gateways, loops, committees, inferred steps), and writes
processes/bpmn/<id>.bpmn: one pool, one lane per catalog role, one user task per step with
its krabuan:step metadata, and a BPMN diagram laid out by lane, left to right (layout.py).

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
      - step: units_report              # a step per organisational unit: one task per unit, which any
        units: {collection: reporting_units, element: unit}  # member of the unit's group may take
                                        #   (reporting_units: a list of group ids, e.g. a multiselect)
        window:                         # optional: an interrupting timer on the whole step; when it
          until: 'at(appeal_deadline, "16:30")'  # fires, the units not done yet are cancelled and the
          name: {th: ..., en: ...}      #   case goes on to `to` (the flow there is unnamed: the event's
          to: consider_appeals          #   name says it; `flow_name: {th, en}` names it if needed)
        minutes: 30                     # when the catalog gives no duration (marked inferred)
        deadline: {type: relative, amount: 30, unit: working_days, anchor: "step:inspect.started"}
        deadline_note: why the catalog's rule is corrected  # (a node's deadline wins over the catalog's)
        name: {th: ..., en: ...}        # a name that says who does what (the source's is kept: sourceName)
        name_note: why the source's name is not shown
        controls:                       # a control point resolved from the source text (texts.py)
          cp2: {th: ..., en: ..., why: ...}           # or {moved_to: <node id>, why: ...}: another role's duty
      - gateway: letter_ok              # an exclusive gateway (lane: the previous node's); when flows
        name: {th: ..., en: ...}        #   both join and fork there, a merging gateway <id>_join is
                                        #   written before it and takes the joining flows
      - parallel: split_work            # a parallel gateway (split or join)
      - task: revise_letter             # a step the source implies but does not list
        lane: internal_units
        assignee: originator            # optional: personal to the user a user field named
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
    segregation:                        # segregation of duties (krabuan:segregation; engine.model.segregation):
      - id: borrower_not_approver       #   nobody holds a role of who and a role of not in one case; a role is
        who: variable:borrower          #   starter, step:<element id> (who claims or completes it) or
        not: [step:sign_loan_documents] #   variable:<name> (the people a user/users field names)
        th: ผู้ยืมไม่สามารถอนุมัติเงินยืมของตนเอง   # the message that refuses, in Thai and English
        en: The borrower cannot approve their own loan
        why: where the rule comes from
    idle_lanes:                         # lanes left without a task on purpose, and why (krabuan:lane idle;
      addressee: "outside the department; the letter reaches them by post"  # processes check warns
                                        #   about any other lane without a task)
    flows:                              # omitted: the nodes are chained in order
      - [start_send, receive_outgoing_letter]
      - {from: letter_ok, to: revise_letter, when: "check_result == 'needs_revision'", name: {th: ..., en: ...},
         inferred: why the source does not draw it}  # krabuan:inferred + "INFERRED: ..." documentation
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
from layout import diagram, element_names
from layout import lane_id as _lane_id
from texts import clean, source_doc, step_source_name

ROOT = Path(__file__).resolve().parents[2]
KIND_DEFAULT_MINUTES = {"user": 60, "approval": 60, "signature": 30, "archive": 15, "notification": 30,
                        "external_system": 30}
USER_KINDS = tuple(KIND_DEFAULT_MINUTES)


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


def _source_name(node: dict[str, Any], step: dict[str, Any] | None) -> dict[str, str]:
    """sourceName: the catalog's name of a step whose shown name is corrected or reworded."""
    name = step_source_name(node, step)
    return {"sourceName": name} if name else {}


def _risk_xml(risk: dict[str, Any]) -> str:
    factor = risk.get("risk_factor") or ""
    factor_th, factor_en = (factor.get("th", ""), factor.get("en", "")) if isinstance(factor, dict) else (factor, "")
    ra = {"th": risk["th"], "en": risk["en"], "factor": factor_th, "factorEn": factor_en,
          "likelihood": risk.get("likelihood"), "impact": risk.get("impact"), "score": risk.get("score"),
          "level": risk.get("level") or "", "levelEn": risk.get("level_en") or ""}
    return "<krabuan:risk " + " ".join(f"{k}={a(v)}" for k, v in ra.items() if v not in (None, "")) + "/>"


def _control_xml(cp: dict[str, Any]) -> str:
    corrected = f" source={a(cp['source'])} corrected={a(cp['corrected'])}" if cp.get("source") else ""
    return f"<krabuan:control id={a(cp['id'])} th={a(cp['th'])} en={a(cp['en'])}{corrected}/>"


def _who_takes_it(node: dict[str, Any]) -> dict[str, str]:
    """Who takes a task other than its lane's groups: a committee member (personal), the user an
    earlier form named (personal), or the members of one unit (candidateGroup)."""
    who = {}
    if node.get("committee"):
        who["assignee"] = node["committee"]["element"]
    if node.get("assignee"):
        who["assignee"] = node["assignee"]
    if node.get("units"):
        who["candidateGroup"] = node["units"]["element"]
    return who


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
    attrs.update(_who_takes_it(node))
    if node.get("inferred"):
        attrs["inferred"] = node["inferred"]
    attrs.update(_source_name(node, step or None))
    parts = [f"<krabuan:step {' '.join(f'{k}={a(v)}' for k, v in attrs.items())}>"]
    rule = _rule(node.get("deadline") or (step.get("deadline") or {}).get("rule"))
    if node.get("deadline") and node.get("deadline_note"):  # the flow spec corrects the catalog's rule
        rule = {**rule, "corrected": node["deadline_note"]}
    if rule:
        parts.append(f"<krabuan:deadline>{escape(json.dumps(rule, ensure_ascii=False))}</krabuan:deadline>")
    parts += map(_control_xml, node["_controls"])  # texts.clean: corrected, overridden or moved here
    parts += map(_risk_xml, step.get("risks") or [])
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
    boundaries: list[dict[str, Any]] = []
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
        if node.get("window"):
            boundaries.append(_window(nid, node["window"]))
            lane_of[boundaries[-1]["id"]] = lane
    if flows is None:
        flows = [[order[i][1], order[i + 1][1]] for i in range(len(order) - 1)]
    flows = [*flows, *({"from": w["id"], "to": w["to"], "name": w.get("flow_name")} for w in boundaries if w.get("to"))]
    flow_objs = []
    for f in flows:
        f = dict({"from": f[0], "to": f[1]} if isinstance(f, list) else f)
        f["id"] = f.get("id") or f"flow_{f['from']}_to_{f['to']}"
        for end in ("from", "to"):
            if f[end] not in lane_of:
                raise SystemExit(f"{sop_id}: flow {f['id']} {end} {f[end]} is not a node")
        flow_objs.append(f)
    _separate_joins(order, lane_of, flow_objs)
    used_roles = roles if whole_file else [r for r in roles if r in lane_of.values()]
    return {"pid": pid, "xml_id": pid.replace("-", "_"), "name": name, "doc": doc, "order": order,
            "lane_of": lane_of, "flows": flow_objs, "roles": used_roles, "boundaries": boundaries}


def _separate_joins(order: list[tuple[str, str, dict[str, Any]]], lane_of: dict[str, str],
                    flows: list[dict[str, Any]]) -> None:
    """A gateway that both joins and forks (bpmnlint's no-gateway-join-fork, which a process owner's
    model must pass to be published) gets a merging gateway of its kind just before it, unnamed, id
    ``<gateway>_join``, in its lane: the flows into the gateway go to the join instead (their ids are
    kept, so running cases' history still names them) and one flow leads on to the forking gateway."""
    for kind, gid, _ in list(order):
        if kind not in ("gateway", "parallel"):
            continue
        incoming = [f for f in flows if f["to"] == gid]
        outgoing = [f for f in flows if f["from"] == gid]
        if len(incoming) < 2 or len(outgoing) < 2:
            continue
        join = f"{gid}_join"
        if join in lane_of:
            raise SystemExit(f"{gid}: the merging gateway's id {join} is taken")
        order.insert(next(i for i, (_, nid, _) in enumerate(order) if nid == gid), (kind, join, {kind: join}))
        lane_of[join] = lane_of[gid]
        for f in incoming:
            f["to"] = join
        flows.insert(flows.index(outgoing[0]), {"from": join, "to": gid, "id": f"flow_{join}_to_{gid}"})


def _window(host: str, window: dict[str, Any]) -> dict[str, Any]:
    """The interrupting timer boundary event that closes a step's window (e.g. the units' appeal
    period): when it fires, the instances not done yet are cancelled and the case goes on."""
    return {"id": window.get("id") or f"{host}_window", "host": host, **window}


def _boundary_xml(w: dict[str, Any]) -> list[str]:
    name = f" name={a(w['name']['th'])}" if w.get("name") else ""
    return [f'    <bpmn:boundaryEvent id="{w["id"]}"{name} attachedToRef="{w["host"]}" cancelActivity="true">',
            f"      <bpmn:documentation>{escape(w.get('why', ''))}</bpmn:documentation>",
            f'      <bpmn:timerEventDefinition id="{w["id"]}_timer">',
            f'        <bpmn:timeDate>{escape(w["until"])}</bpmn:timeDate>',
            "      </bpmn:timerEventDefinition>", "    </bpmn:boundaryEvent>"]


def _declare_collections(blocks: list[dict[str, Any]]) -> None:
    """A multi-instance step's loopDataInputRef/loopDataOutputRef name case variables. BPMN reads them
    as references to item-aware elements, so each process declares the collections it loops over as
    bpmn:property elements whose id is the variable's name (once per file: ids are unique), and modelers
    resolve the references (bpmn-js warns "unresolved reference" otherwise). SpiffWorkflow reads the
    reference's text as the variable's name and ignores process properties: the task data is untouched."""
    declared: set[str] = set()
    for b in blocks:
        b["collections"] = []
        for _, _, node in b["order"]:
            c = node.get("committee") or node.get("units") or {}
            for name in (c.get("collection"), c.get("output_collection")):
                if name and name not in declared:
                    declared.add(name)
                    b["collections"].append(f'    <bpmn:property id="{name}" name="{name}"/>')


def _lanes_xml(b: dict[str, Any], role_names: dict[str, Any]) -> list[str]:
    """One lane per role; a second pool's lanes name their group, an idle lane says why it has no task."""
    out = []
    for role in b["roles"]:
        out.append(f'      <bpmn:lane id="{_lane_id(b, role)}" name={a(role_names[role]["th"])}>')
        lane_attrs = ({"groups": role} if b.get("lane_prefix") else {}) | (
            {"idle": b["idle_lanes"][role]} if role in b.get("idle_lanes", {}) else {})
        if lane_attrs:
            out.append("        <bpmn:extensionElements><krabuan:lane "
                       + " ".join(f"{k}={a(v)}" for k, v in lane_attrs.items()) + "/></bpmn:extensionElements>")
        out += [f"        <bpmn:flowNodeRef>{nid}</bpmn:flowNodeRef>"
                for nid in [n for _, n, _ in b["order"]] + [w["id"] for w in b["boundaries"]]
                if b["lane_of"][nid] == role]
        out.append("      </bpmn:lane>")
    return out


def _process_xml(sop_id: str, b: dict[str, Any], steps: dict[str, Any], role_names: dict[str, Any],
                 executable: bool) -> list[str]:
    pid, xml_id, order = b["pid"], b["xml_id"], b["order"]
    out = [f'  <bpmn:process id="{pid}" name={a(b["name"]["th"])} isExecutable="{str(executable).lower()}">',
           f'    <bpmn:documentation>{escape(b["doc"])}</bpmn:documentation>',
           *_process_extensions(b),
           *b.get("collections", []),
           f'    <bpmn:laneSet id="LaneSet_{xml_id}">', *_lanes_xml(b, role_names), "    </bpmn:laneSet>"]
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
            doc_en += source_doc(node, step)
            out.append(f'    <bpmn:userTask id="{nid}"{name_attr}>')
            out.append(f"      <bpmn:documentation>{escape(doc_en.strip())}</bpmn:documentation>")
            out.append(f"      <bpmn:extensionElements>{step_metadata(sop_id, nid, node, step)}"
                       "</bpmn:extensionElements>")
            out += _loop_xml(node.get("committee") or node.get("units"))
            out.append("    </bpmn:userTask>")
    out += [line for w in b["boundaries"] for line in _boundary_xml(w)]
    for f in b["flows"]:
        out += _flow_xml(f)
    out.append("  </bpmn:process>")
    return out


def _loop_xml(c: dict[str, Any] | None) -> list[str]:
    """The multi-instance of a committee (one task per member) or of a step per unit."""
    if not c:
        return []
    out = ["      <bpmn:multiInstanceLoopCharacteristics>",
           f"        <bpmn:loopDataInputRef>{c['collection']}</bpmn:loopDataInputRef>"]
    if c.get("output_collection"):
        out.append(f"        <bpmn:loopDataOutputRef>{c['output_collection']}</bpmn:loopDataOutputRef>")
    # SpiffWorkflow names the variable by the item's id, so id = name (unique per file).
    out.append(f'        <bpmn:inputDataItem id="{c["element"]}" name="{c["element"]}"/>')
    if c.get("output_element"):
        out.append(f'        <bpmn:outputDataItem id="{c["output_element"]}" name="{c["output_element"]}"/>')
    return [*out, "      </bpmn:multiInstanceLoopCharacteristics>"]


def _flow_xml(f: dict[str, Any]) -> list[str]:
    """A sequence flow; one the source does not draw (``inferred: why`` in the flow spec) says so in
    its documentation and its krabuan:inferred attribute, as an inferred task does in krabuan:step."""
    attrs = f' id="{f["id"]}"' + (f" name={a(f['name']['th'])}" if f.get("name") else "")
    attrs += f' sourceRef="{f["from"]}" targetRef="{f["to"]}"'
    body = []
    if f.get("inferred"):
        attrs += f" krabuan:inferred={a(f['inferred'])}"
        body.append(f"      <bpmn:documentation>{escape('INFERRED: ' + f['inferred'])}</bpmn:documentation>")
    if f.get("when"):
        body.append(f"      <bpmn:conditionExpression>{escape(f['when'])}</bpmn:conditionExpression>")
    if not body:
        return [f"    <bpmn:sequenceFlow{attrs}/>"]
    return [f"    <bpmn:sequenceFlow{attrs}>", *body, "    </bpmn:sequenceFlow>"]


def _process_extensions(b: dict[str, Any]) -> list[str]:
    """The process's krabuan:process (who may start it) and krabuan:segregation rules."""
    inner = ([f'<krabuan:process starters={a(" ".join(b["starters"]))}/>'] if b.get("starters") else [])
    inner += [f"<krabuan:segregation id={a(r['id'])} who={a(' '.join(r['who']))} not={a(' '.join(r['not']))} "
              f"th={a(r['th'])} en={a(r['en'])} why={a(r['why'])}/>" for r in b.get("segregation", [])]
    if not inner:
        return []
    if len(inner) == 1:
        return [f"    <bpmn:extensionElements>{inner[0]}</bpmn:extensionElements>"]
    return ["    <bpmn:extensionElements>", *(f"      {line}" for line in inner), "    </bpmn:extensionElements>"]


def _segregation(sop_id: str, spec: dict[str, Any]) -> list[dict[str, Any]]:
    """The flow spec's segregation rules: ``[{id, who, not, th, en, why}]``, who and not each a role
    or a list of roles (``starter``, ``step:<element id>``, ``variable:<name>``; engine.model.segregation)."""
    rules = []
    for raw in spec.get("segregation") or []:
        keys = {"id", "who", "not", "th", "en", "why"}
        if not isinstance(raw, dict) or set(raw) != keys:
            raise SystemExit(f"{sop_id}: a segregation rule takes exactly {', '.join(sorted(keys))}")
        rule = {k: " ".join(str(raw[k]).split()) for k in ("id", "th", "en", "why")}
        for side in ("who", "not"):
            rule[side] = [raw[side]] if isinstance(raw[side], str) else list(raw[side])
        rules.append(rule)
    return rules


def _starters(sop_id: str, spec: dict[str, Any], b: dict[str, Any]) -> list[str]:
    """Who may start a case: the flow spec's ``starters`` (groups and why), else the start event's lane."""
    declared = spec.get("starters")
    if declared is None:
        return [b["lane_of"][nid] for kind, nid, _ in b["order"] if kind == "start"][:1]
    if not isinstance(declared, dict) or not declared.get("groups") or not declared.get("why"):
        raise SystemExit(f"{sop_id}: starters takes {{groups: [...], why: ...}}")
    return list(declared["groups"])


def _idle_lanes(sop_id: str, spec: dict[str, Any], roles: list[str]) -> dict[str, str]:
    """The lanes a flow spec leaves without a task on purpose (idle_lanes: {role: why})."""
    idle = {role: str(why).strip() for role, why in (spec.get("idle_lanes") or {}).items()}
    for role, why in idle.items():
        if role not in roles or not why:
            raise SystemExit(f"{sop_id}: idle lane {role} must be a catalog role and say why it has no task")
    return idle


def encode(sop_id: str, catalog: Path) -> str:
    cat, spec = load(sop_id, catalog)
    clean(sop_id, cat, spec)  # OCR and table-wrap corrections, name and control overrides (texts.py)
    steps = {s["id"]: s for s in cat["steps"]}
    roles = [r["id"] for r in cat["roles"]]
    role_names = {r["id"]: r for r in cat["roles"]}
    title = cat["title"]
    sources = " Source text: " + "; ".join(cat["_source_notes"]) + "." if cat["_source_notes"] else ""
    blocks = [_block(sop_id, sop_id, title, title["en"] + ". " + (cat.get("objective") or {}).get("en", "") + sources,
                     spec["nodes"], spec.get("flows"), steps, roles, True)]
    blocks[0]["starters"] = _starters(sop_id, spec, blocks[0])
    blocks[0]["idle_lanes"] = _idle_lanes(sop_id, spec, roles)
    blocks[0]["segregation"] = _segregation(sop_id, spec)
    for sub in spec.get("subprocesses") or []:
        b = _block(sop_id, sub["id"], sub["name"], sub["name"]["en"], sub["nodes"], sub.get("flows"), steps, roles,
                   False)
        b["idle_lanes"] = _idle_lanes(sop_id, sub, roles)
        b["lane_prefix"] = True
        b["executable"] = sub.get("executable", True)
        blocks.append(b)
    # The main pool draws every catalog role, except one that acts only in another pool of the file (an
    # empty band there would read as a role that never acts).
    main, elsewhere = blocks[0], {r for b in blocks[1:] for r in b["lane_of"].values()}
    main["roles"] = [r for r in main["roles"]
                     if r in main["lane_of"].values() or r in main["idle_lanes"] or r not in elsewhere]
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
    _declare_collections(blocks)
    for b in blocks:
        out += _process_xml(sop_id, b, steps, role_names, b.get("executable", True))
    out += diagram(xml_id, blocks, element_names(out))
    out.append("</bpmn:definitions>")
    return "\n".join(out) + "\n"


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
