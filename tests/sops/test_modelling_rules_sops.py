"""Every SOP passes bpmnlint's recommended rules (engine/model/modelling_rules.py) with no error, as
the authoring service checks a process owner's model before publishing it: otherwise no owner of
that SOP could publish a change. A gateway that would both join and fork (no-gateway-join-fork) is
split by the encoder (processes/tools/encode_sop.py) into a merging gateway and the forking one,
keeping the ids of the flows that went into it."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from engine.model.definitions import NS
from engine.model.documents import parse_document
from engine.model.modelling_rules import check_modelling, with_flow_references
from engine.settings import PROJECT_ROOT, Settings

BPMNDI = {"bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI"}
BPMN_FILES = sorted((PROJECT_ROOT / "processes" / "bpmn").glob("*.bpmn"))


def _root(path: Path) -> etree._Element:
    return parse_document(path.read_bytes(), str(path), Settings().max_bpmn_bytes).root


def test_every_sop_is_checked() -> None:
    assert len(BPMN_FILES) >= 27


@pytest.mark.parametrize("path", BPMN_FILES, ids=lambda p: p.stem)
def test_the_sop_passes_the_modelling_rules(path: Path) -> None:
    errors = [(p.rule, p.element_id, p.en) for p in check_modelling(with_flow_references(_root(path)))
              if p.severity == "error"]
    assert errors == []


def _flows(root: etree._Element) -> dict[str, tuple[str, str]]:
    return {f.get("id"): (f.get("sourceRef"), f.get("targetRef")) for f in root.iterfind(".//bpmn:sequenceFlow", NS)}


@pytest.mark.parametrize(("sop", "gateway", "into"), [
    ("advance-loan", "prepare_activity_request",
     {"flow_receive_assignment_to_prepare_activity_request": "receive_assignment",
      "flow_gateway_activity_approved_to_prepare_activity_request": "gateway_activity_approved"}),
    ("kpi-agreement-round", "gateway_appeal_lodged",
     {"flow_units_review_and_appeal_to_gateway_appeal_lodged": "units_review_and_appeal",
      "flow_units_review_and_appeal_window_to_gateway_appeal_lodged": "units_review_and_appeal_window"}),
])
def test_a_merging_gateway_takes_the_flows_the_choice_joined(sop: str, gateway: str, into: dict[str, str]) -> None:
    """The returned request and the closed objection window still reach the choice, through the merge;
    the flows keep their ids (running cases' history names them)."""
    root = _root(PROJECT_ROOT / "processes" / "bpmn" / f"{sop}.bpmn")
    join = root.find(f".//bpmn:exclusiveGateway[@id='{gateway}_join']", NS)
    assert join is not None and not join.get("name")
    flows = _flows(root)
    assert {fid: flows.get(fid) for fid in into} == {fid: (src, f"{gateway}_join") for fid, src in into.items()}
    assert [(s, t) for s, t in flows.values() if t == gateway] == [(f"{gateway}_join", gateway)]
    assert len([t for s, t in flows.values() if s == gateway]) == 2
    assert root.find(f".//bpmndi:BPMNShape[@bpmnElement='{gateway}_join']", BPMNDI) is not None


def _separate_joins() -> Any:
    sys.path.insert(0, str(PROJECT_ROOT / "processes" / "tools"))
    try:
        from encode_sop import _separate_joins as separate
    finally:
        sys.path.pop(0)
    return separate


def test_the_encoder_splits_a_gateway_that_joins_and_forks() -> None:
    order = [("step", "a", {}), ("gateway", "g", {}), ("step", "b", {}), ("step", "c", {}), ("gateway", "h", {})]
    lane_of = {"a": "clerk", "g": "clerk", "b": "clerk", "c": "director", "h": "director"}
    flows = [{"id": "f1", "from": "a", "to": "g"}, {"id": "f2", "from": "g", "to": "b"},
             {"id": "f3", "from": "g", "to": "c"}, {"id": "f4", "from": "b", "to": "h"},
             {"id": "f5", "from": "c", "to": "h"}, {"id": "f6", "from": "h", "to": "g"}]
    _separate_joins()(order, lane_of, flows)
    assert [nid for _, nid, _ in order] == ["a", "g_join", "g", "b", "c", "h"]  # h joins only: left alone
    assert lane_of["g_join"] == "clerk"
    assert [(f["id"], f["from"], f["to"]) for f in flows] == [
        ("f1", "a", "g_join"), ("flow_g_join_to_g", "g_join", "g"), ("f2", "g", "b"), ("f3", "g", "c"),
        ("f4", "b", "h"), ("f5", "c", "h"), ("f6", "h", "g_join")]
