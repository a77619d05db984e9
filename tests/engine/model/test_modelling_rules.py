"""engine/model/modelling_rules.py against bpmnlint itself (the npm package, run with node).

Every SOP of processes/bpmn, the MIWG reference models, the SpiffWorkflow test files and a fixture
per rule are linted by both; the (rule, element, severity, message) sets must be the same."""
from __future__ import annotations

import collections
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from lxml import etree

from engine.model.modelling_rules import SEVERITIES, ModellingProblem, check_modelling, with_flow_references
from engine.model.xmlguard import parse_model_bytes
from tests.engine.model.modelling_rule_fixtures import FIXTURES, definitions, flow, mutants

ROOT = Path(__file__).resolve().parents[3]
REFERENCE = Path(__file__).with_name("bpmnlint_reference.mjs")
CORPUS = Path("/work/shared/bpmn-corpus")
LIMIT = 10_000_000
SOPS = sorted((ROOT / "processes" / "bpmn").glob("*.bpmn"))
FILES = {
    **{f"sop/{p.name}": p for p in SOPS},
    **{f"miwg/{p.name}": p for p in sorted((CORPUS / "miwg").glob("*.bpmn"))},
    **{f"spiff/{p.relative_to(CORPUS / 'spiffworkflow-tests')}": p
       for p in sorted((CORPUS / "spiffworkflow-tests").rglob("*")) if p.name.endswith((".bpmn", ".bpmn20.xml"))},
}
Key = tuple[str, str, str, str]
Compared = dict[str, tuple[set[Key], set[Key] | None]]
MUTANTS = 300


def _node() -> str:
    node = shutil.which("node")
    if node and (ROOT / "node_modules" / "bpmnlint" / "package.json").exists():
        return node
    reason = "node or node_modules/bpmnlint is missing (run npm ci)"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}; the bpmnlint comparison is mandatory under CI=true")
    pytest.skip(reason)


def _engine_bytes(data: bytes) -> bytes:
    """The file as the engine accepts it: an ASCII file declared ISO-8859-1 is the same bytes as UTF-8."""
    if data.isascii():
        return re.sub(rb'(<\?xml[^>]*encoding=")[^"]*(")', rb"\1UTF-8\2", data, count=1)
    return data


def _keys(problems: tuple[ModellingProblem, ...]) -> set[Key]:
    return {(p.rule, p.element_id, p.severity, p.en) for p in problems}


def _lint_with_bpmnlint(paths: list[Path]) -> dict[str, set[Key] | None]:
    """bpmnlint's reports per file; None where bpmn-moddle could not read it or a bpmnlint rule crashed."""
    result = subprocess.run([_node(), str(REFERENCE), *map(str, paths)], cwd=ROOT, capture_output=True, text=True,
                            timeout=300, check=True)
    linted: dict[str, set[Key] | None] = {}
    for path, reports in json.loads(result.stdout).items():
        if not isinstance(reports, list) or any(r["category"] == "rule-error" for r in reports):
            linted[path] = None
            continue
        linted[path] = {(r["rule"], r["id"] or "", "warning" if r["category"] == "warn" else r["category"],
                         r["message"]) for r in reports}
    return linted


def _serialize(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


@pytest.fixture(scope="module")
def compared(tmp_path_factory: pytest.TempPathFactory) -> Compared:
    """name -> (the port's set, bpmnlint's set), for every file, every fixture, every SOP with its flows
    and the mutants of these."""
    folder = tmp_path_factory.mktemp("lint")
    documents: dict[str, bytes] = {name: _engine_bytes(path.read_bytes()) for name, path in FILES.items()}
    for name, (connect, xml) in FIXTURES.items():
        root = parse_model_bytes(xml.encode(), name, LIMIT)
        documents[f"fixture/{name}"] = _serialize(with_flow_references(root)) if connect else xml.encode()
    for path in SOPS:
        root = parse_model_bytes(path.read_bytes(), path.name, LIMIT)
        documents[f"sop-connected/{path.name}"] = _serialize(with_flow_references(root))
    seeds = [parse_model_bytes(data, name, LIMIT) for name, data in documents.items()]
    for index, data in enumerate(mutants(seeds, MUTANTS, seed=2569)):
        documents[f"mutant/{index}"] = data
    written: dict[str, Path] = {}
    for index, (name, data) in enumerate(documents.items()):
        written[name] = folder / f"{index}-{Path(name).name}"
        written[name].write_bytes(data)
    reference = _lint_with_bpmnlint(list(written.values()))
    return {name: (_keys(check_modelling(parse_model_bytes(documents[name], name, LIMIT))), reference[str(path)])
            for name, path in written.items()}


@pytest.mark.parametrize("name", [*FILES, *(f"fixture/{n}" for n in FIXTURES),
                                  *(f"sop-connected/{p.name}" for p in SOPS)])
def test_the_port_reports_what_bpmnlint_reports(compared: Compared, name: str) -> None:
    mine, bpmnlint = compared[name]
    assert bpmnlint is not None, f"bpmnlint could not lint {name}"
    assert sorted(mine - bpmnlint) == [] and sorted(bpmnlint - mine) == []


def test_the_port_reports_what_bpmnlint_reports_on_mutated_models(compared: Compared) -> None:
    linted = {name: sets for name, sets in compared.items() if name.startswith("mutant/") and sets[1] is not None}
    assert len(linted) > MUTANTS * 0.9, "bpmnlint lints almost every mutant (a rule crashes on a few)"
    differing = {name: (sorted(mine - theirs), sorted(theirs - mine))
                 for name, (mine, theirs) in linted.items() if theirs is not None and mine != theirs}
    assert differing == {}


def test_the_comparison_covers_every_rule_of_the_recommended_config(compared: Compared) -> None:
    script = "console.log(JSON.stringify(require('bpmnlint/config/recommended').rules))"
    recommended = json.loads(subprocess.run([_node(), "-e", script], cwd=ROOT, capture_output=True, text=True,
                                            check=True).stdout)
    assert SEVERITIES == {rule: "warning" if level == "warn" else level for rule, level in recommended.items()}
    reported = {key[0] for name in compared if not name.startswith("mutant/") for key in compared[name][1] or ()}
    assert reported == set(SEVERITIES), "every rule is reported somewhere, so every rule is compared"


def test_the_sops_problems_per_rule(compared: Compared) -> None:
    """Not a judgement of the SOPs: prints how many problems they have per rule (run with -s)."""
    as_written = collections.Counter(k[0] for p in SOPS for k in compared[f"sop/{p.name}"][0])
    connected = collections.Counter(k[0] for p in SOPS for k in compared[f"sop-connected/{p.name}"][0])
    print(f"\n{len(SOPS)} SOPs, problems per rule as written: {dict(sorted(as_written.items()))}")
    print(f"with <bpmn:incoming>/<bpmn:outgoing> added: {dict(sorted(connected.items()))}")
    assert len(SOPS) == 27
    assert connected["no-disconnected"] < as_written["no-disconnected"]


# ------------------------------------------------------------------------------------------ focused


def _undrawn(problems: tuple[ModellingProblem, ...]) -> tuple[ModellingProblem, ...]:
    """The problems but no-bpmndi: these small documents have no diagram."""
    return tuple(p for p in problems if p.rule != "no-bpmndi")


def _check(body: str) -> tuple[ModellingProblem, ...]:
    root = parse_model_bytes(definitions(body).encode(), "model.bpmn", LIMIT)
    return _undrawn(check_modelling(with_flow_references(root)))


def _process(inner: str) -> str:
    return f'<bpmn:process id="P" isExecutable="true">{inner}</bpmn:process>'


_START_TO_END = ('<bpmn:startEvent id="S" name="Start"/><bpmn:endEvent id="E" name="End"/>'
                 + flow("F_s_e", "S", "E"))


def test_a_disconnected_task_is_reported_at_its_id_in_thai_and_english() -> None:
    problems = _check(_process(_START_TO_END + '<bpmn:userTask id="Lonely" name="ตรวจเอกสาร"/>'))
    disconnected = [p for p in problems if p.rule == "no-disconnected"]
    assert disconnected == [ModellingProblem("no-disconnected", "Lonely", "error", "Element is not connected",
                                             "องค์ประกอบนี้ไม่ได้เชื่อมต่อกับเส้นทางการทำงาน")]
    assert disconnected[0].to_json()["th"] == "องค์ประกอบนี้ไม่ได้เชื่อมต่อกับเส้นทางการทำงาน"


def test_an_unconditioned_flow_out_of_a_deciding_gateway_is_reported() -> None:
    problems = _check(_process(
        '<bpmn:startEvent id="S" name="Start"/><bpmn:exclusiveGateway id="G" name="Approved?" default="F_yes"/>'
        '<bpmn:endEvent id="E1" name="Yes"/><bpmn:endEvent id="E2" name="No"/><bpmn:endEvent id="E3" name="Maybe"/>'
        + flow("F_s", "S", "G") + flow("F_yes", "G", "E1", 'name="yes"') + flow("F_no", "G", "E2", 'name="no"')
        + flow("F_maybe", "G", "E3", 'name="maybe"', condition="score &gt; 5")))
    conditional = {(p.rule, p.element_id, p.severity) for p in problems if p.rule == "conditional-flows"}
    assert conditional == {("conditional-flows", "F_no", "error")}
    assert all(p.th and p.th != p.en for p in problems)


def test_a_clean_process_has_no_problem() -> None:
    assert _check(_process(_START_TO_END)) == ()


def test_the_rules_read_connections_from_incoming_and_outgoing_as_bpmnlint_does() -> None:
    root = parse_model_bytes(definitions(_process(_START_TO_END)).encode(), "model.bpmn", LIMIT)
    as_written = {(p.rule, p.element_id) for p in _undrawn(check_modelling(root))}
    assert as_written == {("no-disconnected", "S"), ("no-disconnected", "E"), ("no-implicit-end", "S"),
                          ("no-implicit-start", "E")}
    connected = with_flow_references(root)
    assert [el.text for el in connected.iter("{*}outgoing")] == ["F_s_e"]
    assert _undrawn(check_modelling(connected)) == ()
    assert etree.tostring(with_flow_references(connected)) == etree.tostring(connected), "nothing added twice"
    assert root.find(".//{*}outgoing") is None, "the caller's tree is left as it was"


def test_a_severity_follows_the_recommended_config() -> None:
    problems = _check(_process(
        '<bpmn:startEvent id="S" name="Start"/><bpmn:inclusiveGateway id="G" name="Which?"/>'
        '<bpmn:endEvent id="E1" name="A"/><bpmn:endEvent id="E2" name="B"/>'
        + flow("F_s", "S", "G") + flow("F_a", "G", "E1", 'name="a"', condition="a")
        + flow("F_b", "G", "E2", 'name="b"', condition="b")))
    assert [(p.rule, p.element_id, p.severity) for p in problems] == [("no-inclusive-gateway", "G", "warning")]


def test_an_element_without_a_diagram_shape_is_reported() -> None:
    root = parse_model_bytes(definitions(_process(_START_TO_END)).encode(), "model.bpmn", LIMIT)
    undrawn = {(p.element_id, p.severity) for p in check_modelling(with_flow_references(root))}
    assert undrawn == {("S", "error"), ("E", "error"), ("F_s_e", "error")}


def test_a_document_that_is_not_bpmn_definitions_has_no_modelling_problems() -> None:
    assert check_modelling(etree.fromstring(b"<other/>")) == ()
