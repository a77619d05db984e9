"""Generate docs/processes.md: for each SOP, its steps, lanes, tested paths and inferred steps.

    .venv/bin/python processes/tools/process_table.py          # rewrite docs/processes.md
    .venv/bin/python processes/tools/process_table.py --check  # exit 1 if it is out of date

Reads processes/bpmn/*.bpmn (through the engine's own model reader) and the path tests in
tests/sops/test_<id>.py (test names and their one-line docstrings).
"""
from __future__ import annotations

import argparse
import ast
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from engine.model.definitions import BPMN_NS, NS, read_process_model  # noqa: E402
from engine.model.xmlguard import parse_model_bytes  # noqa: E402

TARGET = ROOT / "docs" / "processes.md"


def tests_of(sop_id: str) -> list[tuple[str, str]]:
    path = ROOT / "tests" / "sops" / f"test_{sop_id.replace('-', '_')}.py"
    if not path.exists():
        return []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [(node.name, (ast.get_docstring(node) or "").strip().splitlines()[0] if ast.get_docstring(node) else "")
            for node in tree.body if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")]


def deadline_text(rule: Any) -> str:
    """A deadline rule in a few words: what it counts, from what (a case variable or a step)."""
    if not isinstance(rule, dict):
        return ""
    kind = rule.get("type")
    if kind == "all_of":
        return "earliest of: " + "; ".join(deadline_text(r) for r in rule.get("rules") or [])
    amount = f"{rule.get('amount')} {str(rule.get('unit', '')).replace('_', ' ')}" if "amount" in rule else ""
    anchor = rule.get("event") or rule.get("anchor") or (rule.get("from") if kind == "relative" else None)
    if kind in ("before_event", "after_event"):
        text = f"{amount} {kind.split('_')[0]} `{anchor}`"
    elif kind == "relative":
        text = f"{amount} from `{anchor}`" if anchor else f"{amount} from the step opening"
    elif kind == "relative_by_case":
        cases = ", ".join(f"{c.get('when')}: {c.get('amount')} {str(c.get('unit')).replace('_', ' ')} from "
                          f"`{c.get('anchor') or rule.get('anchor')}`" for c in rule.get("cases") or [])
        text = f"by case ({cases})"
    else:
        text = str(kind).replace("_", " ")
    return text + (" (corrected from the catalog)" if rule.get("corrected") else "")


def waits(process: Any) -> list[str]:
    """The steps that wait for a date: each timer catch event, what it waits until, what opens then."""
    targets = {f.get("sourceRef"): f.get("targetRef") for f in process.iterfind("bpmn:sequenceFlow", NS)}
    lines = []
    for event in process.iterfind("bpmn:intermediateCatchEvent", NS):
        until = event.find("bpmn:timerEventDefinition/bpmn:timeDate", NS)
        if until is not None:
            lines.append(f"- `{targets.get(event.get('id'))}` opens at `{(until.text or '').strip()}` "
                         f"(`{event.get('id')}`: {event.get('name', '')})")
    return ["Waits:", "", *lines, ""] if lines else []


def acting_groups(root: Any, models: list[Any]) -> set[str]:
    """The groups of the lanes of the file that hold a task (a user task or a call activity)."""
    found: set[str] = set()
    for process, model in zip(root.iterfind("bpmn:process", NS), models, strict=True):
        tasks = {el.get("id") for tag in ("userTask", "callActivity") for el in process.iter(f"{{{BPMN_NS}}}{tag}")}
        for lane in process.iterfind(".//bpmn:lane", NS):
            if any((ref.text or "").strip() in tasks for ref in lane.iterfind("bpmn:flowNodeRef", NS)):
                found.update(model.lanes.get(lane.get("id"), ()))
    return found


def lanes_text(model: Any, acting: set[str]) -> list[str]:
    """Which lanes act (have a task in the file), which are idle on purpose and why, and which have
    no task without saying why (`processes check` warns about those)."""
    act = [f"`{lane}`" for lane, groups in model.lanes.items() if set(groups) & acting and lane not in model.idle_lanes]
    idle = [f"- `{lane}`: {why}" for lane, why in model.idle_lanes.items()]
    silent = [f"`{lane}`" for lane, groups in model.lanes.items()
              if not set(groups) & acting and lane not in model.idle_lanes]
    return ["Lanes that act: " + (", ".join(act) or "none"), "",
            *(["Idle lanes (the role acts outside Krabuan):", "", *idle, ""] if idle else []),
            *(["Lanes without a task (not declared idle): " + ", ".join(silent), ""] if silent else [])]


def _cell(text: str) -> str:
    return text.replace("|", "/").replace("\n", " ")


def sources_text(model: Any) -> list[str]:
    """What of the process is inferred or corrected from the source: flows the source does not draw,
    names and control points shown corrected, deadlines the flow spec corrects, invented durations."""
    steps = model.steps.values()
    lines = [f"- flow `{f.element_id}` ({f.source} → {f.target}{', ' + f.name if f.name else ''}): inferred: "
             f"{_cell(f.inferred)}" for f in model.inferred_flows]
    lines += [f"- name of `{s.element_id}`: «{s.name}», source «{s.meta.source_name}»" for s in steps
              if s.meta.source_name]
    lines += [f"- control `{s.element_id}` {c.id}: «{c.th}», source «{c.source}»: {_cell(c.corrected)}"
              for s in steps for c in s.meta.controls if c.corrected]
    lines += [f"- deadline of `{s.element_id}`: {_cell(s.meta.deadline['corrected'])}" for s in steps
              if s.meta.deadline and s.meta.deadline.get("corrected")]
    durations = [f"`{s.element_id}`" for s in steps if s.meta.duration_inferred]
    if durations:
        lines.append("- durations inferred (the source gives none): " + ", ".join(durations))
    return ["Inferred or corrected from the source:", "", *lines, ""] if lines else []


def segregation_text(model: Any) -> list[str]:
    """The process's segregation-of-duties rules (krabuan:segregation): nobody holds a role of both
    sides in one case; tested in tests/sops/test_segregation.py."""
    lines = [f"- `{r.id}`: {' '.join(f'`{w}`' for w in r.who)} ≠ {' '.join(f'`{n}`' for n in r.not_)}: {r.th} "
             f"/ {r.en}" + (f" ({_cell(r.why)})" if r.why else "") for r in model.segregation]
    return ["Segregation of duties (nobody holds both sides in one case):", "", *lines, ""] if lines else []


def render() -> str:
    lines = ["# Processes", "",
             "Generated by `processes/tools/process_table.py` from `processes/bpmn/*.bpmn` and the path tests in",
             "`tests/sops/`; do not edit by hand. Each SOP of `../shared/sops` is one BPMN process whose id is",
             "the catalog id. Steps marked *inferred* are not in the source text and were modelled as users",
             "would expect (the reason is in the step's `inferred` metadata); *duration inferred* means the",
             "source gives no standard duration and a default for the kind of step was used. A deadline counts",
             "from a case variable (a date an earlier form records) or from a step (`step:<id>.started` when its",
             "task opened, `.completed` when it was done); *corrected from the catalog* marks a rule the flow",
             "spec corrects, with the reason in the rule's `corrected` text. Under *Inferred or corrected from the",
             "source* each SOP lists the flows (branches and return loops) the source does not draw, the names",
             "and control points shown corrected (OCR errors, table-wrap spaces, who does what, editors' notes,",
             "missing numbers; the source text is kept in the BPMN), the corrected deadlines and the inferred",
             "durations.", "",
             "*Segregation of duties* lists the rules a process declares (`<krabuan:segregation>`, written from",
             "the flow spec's `segregation` key): nobody holds a role of both sides in one case, a role being",
             "who started it (`starter`), who claims or completes a step (`step:<id>`), the people a case",
             "variable names (`variable:<name>`, e.g. a committee's members) or the members of a group",
             "(`group:<id>`); the engine refuses the claim, the completion or the committee list that would",
             "break one (`tests/sops/test_segregation.py`). Every approval and signature step also keeps two",
             "implicit rules: whoever started the case or prepared the document cannot approve it.", "",
             "Each file's diagram is laid out by `processes/tools/layout.py` (its docstring says how): boxes sized",
             "to their Thai names (widths estimated from the characters, line breaks put between words where a",
             "width allows), names of gateways, events and flows placed clear of shapes, names and flows, return",
             "flows run along the bottom of their source's lane, lanes tall enough for their titles on one line.",
             "`tests/browser/test_diagrams.py` renders every file in bpmn-js with Sarabun in headless Chromium and",
             "checks it: no import warning, no name over another name, a shape or a flow, task names inside their",
             "boxes and clear of the icon, lane titles on one line (screenshots in `test-artifacts/screenshots/`).", "",
             "| SOP | user steps | lanes | gateways | committees | tested paths |", "|---|---|---|---|---|---|"]
    details: list[str] = []
    for path in sorted((ROOT / "processes" / "bpmn").glob("*.bpmn")):
        root = parse_model_bytes(path.read_bytes(), str(path), 2 * 1024 * 1024)
        models = [read_process_model(process, str(path)) for process in root.iterfind("bpmn:process", NS)]
        acting = acting_groups(root, models)
        for process, model in zip(root.iterfind("bpmn:process", NS), models, strict=True):
            gateways = len(process.findall(".//bpmn:exclusiveGateway", NS))
            committees = sum(1 for s in model.steps.values() if s.multi_instance)
            tests = tests_of(path.stem)  # a called process shares its file's tests
            lines.append(f"| [{model.process_id}](#{model.process_id}) | {len(model.steps)} | {len(model.lanes)} | "
                         f"{gateways} | {committees} | {len(tests)} |")
            starters = ", ".join(f"`{g}`" for g in model.start_groups) or "anyone"
            details += ["", f"## {model.process_id}", "", f"{model.name} — `processes/bpmn/{path.name}`", "",
                        f"Who may start a case: {starters}", "",
                        *lanes_text(model, acting),
                        *waits(process),
                        *sources_text(model),
                        *segregation_text(model),
                        "| step | name | lane | form | duration | deadline | inferred / corrected |",
                        "|---|---|---|---|---|---|---|"]
            for s in model.steps.values():
                m = s.meta
                duration = ", ".join(p for p in (m.duration_minutes is not None and f"{m.duration_minutes} min",
                                                 m.duration_working_days is not None
                                                 and f"{m.duration_working_days:g} working days") if p)
                inferred = "; ".join(p for p in (m.inferred and "step: " + m.inferred.replace("|", "/"),
                                                 m.duration_inferred and "duration",
                                                 m.source_name and "name corrected") if p)
                details.append(f"| `{s.element_id}` | {s.name} | `{s.lane}` | `{m.form_key}` | {duration} | "
                               f"{deadline_text(m.deadline).replace('|', '/')} | {inferred} |")
            details += ["", "Paths tested (`tests/sops/test_" + path.stem.replace("-", "_") + ".py`):", ""]
            details += [f"- `{name}`: {doc or '(no description)'}" for name, doc in tests] or ["- none yet"]
    return "\n".join(lines + details) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    text = render()
    if args.check:
        if not TARGET.exists() or TARGET.read_text(encoding="utf-8") != text:
            print("docs/processes.md is out of date: run processes/tools/process_table.py")
            return 1
        return 0
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
