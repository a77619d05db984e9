"""The texts encode_sop.py copies from the catalog, made clean for the people who read them.

- OCR errors and table-wrap spaces: processes/encoding/corrections.yaml (wrong text -> right
  text, the SOPs it applies to, why) is applied to every catalog text the encoder copies (the
  process title, lane names, step names, control points, risks, documents) and to the names the
  flow spec writes itself.
- Per-node overrides of the flow spec: ``name: {th, en}`` with ``name_note: why`` (e.g. who does
  what: the director's step is named as the director's act, not as the clerk's errand), and
  ``controls:`` by control id::

      - step: inspect_supplies
        controls:
          cp1: {th: ..., en: ..., why: "the flowchart's control is step 7's; the text says ..."}
      - step: propose_disposal
        controls:
          cp2: {moved_to: decide_disposal, why: "the head's duty: confirmed in the head's own step"}

The source text is kept: ``sourceName`` on krabuan:step, ``source``/``corrected`` on
krabuan:control, and "Source text: ..." in the element's documentation.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
CORRECTIONS = ROOT / "processes" / "encoding" / "corrections.yaml"
NODE_KINDS = ("start", "end", "step", "task", "gateway", "parallel", "call", "wait")


def corrections_for(sop_id: str) -> list[dict[str, Any]]:
    table = yaml.safe_load(CORRECTIONS.read_text(encoding="utf-8"))["corrections"]
    return [c for c in table if sop_id in c["sops"]]


def correct(text: str, table: list[dict[str, Any]]) -> tuple[str, list[str]]:
    """The text with every correction of the table applied, and the reasons of those applied.

    A wrong text contained in its own correction (a word that lost a letter) is replaced only
    where the correction is not already written."""
    whys: list[str] = []
    for c in table:
        wrong, right = c["wrong"], c["right"]
        if wrong not in text:
            continue
        fixed = (text.replace(right, "\0").replace(wrong, right).replace("\0", right) if wrong in right
                 else text.replace(wrong, right))
        if fixed != text:
            text = fixed
            whys.append(c["why"])
    return text, whys


def _fix(holder: dict[str, Any], key: str, table: list[dict[str, Any]]) -> tuple[str, str] | None:
    """Correct holder[key] in place; (source text, why) when it changed."""
    text = holder.get(key)
    if not isinstance(text, str):
        return None
    fixed, whys = correct(text, table)
    if fixed == text:
        return None
    holder[key] = fixed
    return text, "; ".join(dict.fromkeys(whys))


def node_id(node: dict[str, Any]) -> str:
    kind = next(k for k in NODE_KINDS if k in node)
    return str(node.get("id") or node[kind])


def clean(sop_id: str, cat: dict[str, Any], spec: dict[str, Any]) -> None:
    """Correct the catalog's texts and the flow spec's names in place, recording the source texts
    (``_source_notes`` of the catalog, ``_sources`` and ``_source_name`` of a step, ``_source`` of a
    control point), then resolve the nodes' control points (``_controls``)."""
    table = corrections_for(sop_id)
    notes: list[str] = []
    for key in ("th", "en"):
        if changed := _fix(cat["title"], key, table):
            notes.append(f"title «{changed[0]}» ({changed[1]})")
    for role in cat["roles"]:
        if changed := _fix(role, "th", table):
            notes.append(f"lane {role['id']} «{changed[0]}» ({changed[1]})")
    cat["_source_notes"] = notes
    for step in cat["steps"]:
        _clean_step(step, table)
    nodes = [*spec["nodes"], *(n for sub in spec.get("subprocesses") or [] for n in sub["nodes"])]
    flows = [*(spec.get("flows") or []), *(f for sub in spec.get("subprocesses") or [] for f in sub.get("flows") or [])]
    for holder in [*nodes, *(f for f in flows if isinstance(f, dict))]:
        if isinstance(holder.get("name"), dict):
            _fix(holder["name"], "th", table)  # the flow spec's own wording: no source text to keep
    _resolve_controls(sop_id, nodes, {s["id"]: s for s in cat["steps"]})


def _clean_step(step: dict[str, Any], table: list[dict[str, Any]]) -> None:
    sources: list[str] = []
    if changed := _fix(step["name"], "th", table):
        step["_source_name"], step["_name_why"] = changed
    _fix(step["name"], "en", table)
    for cp in step.get("control_points") or []:
        for key in ("en", "th"):
            if changed := _fix(cp, key, table):
                cp["_source"], cp["_why"] = changed
    for risk in step.get("risks") or []:
        factor = risk.get("risk_factor")
        factor_keys = ((factor, "th"), (factor, "en")) if isinstance(factor, dict) else ((risk, "risk_factor"),)
        for holder, key in ((risk, "th"), (risk, "en"), *factor_keys):
            if changed := _fix(holder, key, table):
                sources.append(f"risk «{changed[0]}» ({changed[1]})")
    for direction in ("in", "out"):
        for doc in step.get(f"documents_{direction}") or []:
            for key in ("th", "en"):
                if changed := _fix(doc, key, table):
                    sources.append(f"document «{changed[0]}» ({changed[1]})")
    step["_sources"] = sources


def _resolve_controls(sop_id: str, nodes: list[dict[str, Any]], steps: dict[str, Any]) -> None:
    """Each node's control points (``_controls``) after its ``controls:`` overrides; a control moved
    to another role's step is appended to that step's."""
    moved: dict[str, list[dict[str, Any]]] = {}
    for node in nodes:
        step = steps.get(node["step"]) if "step" in node else None
        controls = []
        for i, cp in enumerate((step or {}).get("control_points") or node.get("control_points") or [], 1):
            c = {"id": cp.get("id", f"cp{i}"), "th": cp["th"], "en": cp["en"]}
            if cp.get("_source"):
                c.update(source=cp["_source"], corrected=cp["_why"])
            controls.append(c)
        for cid, override in (node.get("controls") or {}).items():
            c = next((c for c in controls if c["id"] == cid), None)
            if c is None or not override.get("why"):
                raise SystemExit(f"{sop_id}: {node_id(node)} controls.{cid}: no such control, or no why")
            c.update(source=c.get("source") or c["th"], corrected=override["why"])
            if override.get("moved_to"):
                controls.remove(c)
                moved.setdefault(override["moved_to"], []).append(c)
            else:
                c.update(th=override["th"], en=override["en"])
        node["_controls"] = controls
    by_id = {node_id(n): n for n in nodes}
    for target, cps in moved.items():
        if target not in by_id:
            raise SystemExit(f"{sop_id}: a control is moved to {target}, which is not a node")
        have = by_id[target]["_controls"]
        for c in cps:
            have.append({**c, "id": f"cp{len(have) + 1}"})


def source_doc(node: dict[str, Any], step: dict[str, Any] | None) -> str:
    """What a task's documentation says of the source texts its name and metadata correct."""
    parts = []
    source_name = step_source_name(node, step)
    if source_name:
        why = node.get("name_note") or (step or {}).get("_name_why") or "reworded by the flow spec"
        parts.append(f"name «{source_name}» ({why})")
    for c in node.get("_controls") or []:
        if c.get("source"):
            parts.append(f"control {c['id']} «{c['source']}» ({c['corrected']})")
    parts += (step or {}).get("_sources") or []
    return (" Source text: " + "; ".join(parts) + ".") if parts else ""


def step_source_name(node: dict[str, Any], step: dict[str, Any] | None) -> str | None:
    """The catalog's name of a step when the name shown differs from it (corrected or overridden)."""
    if not step:
        return None
    source = step.get("_source_name") or step["name"]["th"]
    shown = (node.get("name") or step["name"])["th"]
    return str(source) if shown != source else None
