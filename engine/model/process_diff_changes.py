"""The changes between two versions of a process and their sentences (engine.model.process_diff).

A ``Change`` says one thing that changed, on one BPMN element, in a Thai and an English sentence;
a ``ProcessDiff`` holds them in reading order, marks the diagram and is stored as its ``to_json()``.
Each comparing module (process_diff_steps, process_diff_graph, process_diff_forms) keeps the
sentence templates of its own kinds and fills them with ``sentence``.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, get_args

from ..errors import InvalidInput
from .forms import Label

ChangeKind = Literal[
    "process_renamed", "starters_changed", "segregation_added", "segregation_removed", "segregation_changed",
    "lane_added", "lane_removed", "lane_renamed", "lane_groups_changed",
    "step_added", "step_removed", "step_renamed", "step_lane_changed", "step_kind_changed",
    "step_assignment_changed", "step_system_changed", "duration_changed", "deadline_changed",
    "control_added", "control_removed", "control_changed", "risk_added", "risk_removed", "risk_changed",
    "document_added", "document_removed",
    "form_changed", "field_added", "field_removed", "field_changed", "form_rule_added", "form_rule_removed",
    "gateway_added", "gateway_removed", "gateway_renamed", "gateway_default_changed",
    "event_added", "event_removed", "event_renamed", "timer_changed",
    "activity_added", "activity_removed", "activity_renamed", "call_changed", "node_type_changed",
    "flow_added", "flow_removed", "flow_rewired", "flow_condition_changed", "flow_renamed",
]
CHANGE_KINDS: tuple[str, ...] = get_args(ChangeKind)
Mark = Literal["added", "removed", "changed"]
ELEMENT_ADDED = frozenset({"step_added", "lane_added", "flow_added", "gateway_added", "event_added", "activity_added"})
ELEMENT_REMOVED = frozenset({"step_removed", "lane_removed", "flow_removed", "gateway_removed", "event_removed",
                             "activity_removed"})


@dataclass(frozen=True)
class Change:
    """One change: what kind, on which BPMN element ("" for the process itself), the value before
    and after as the model writes it (short; "" when there is none), and one sentence each in
    Thai and English."""

    kind: ChangeKind
    element_id: str
    before: str
    after: str
    th: str
    en: str

    @property
    def mark(self) -> Mark:
        """How the diagram shows the element: added (green), removed (red) or changed (amber)."""
        if self.kind in ELEMENT_ADDED:
            return "added"
        if self.kind in ELEMENT_REMOVED:
            return "removed"
        return "changed"

    def to_json(self) -> dict[str, str]:
        return {"kind": self.kind, "element_id": self.element_id, "before": self.before, "after": self.after,
                "th": self.th, "en": self.en}

    @classmethod
    def from_json(cls, raw: Any) -> Change:
        keys = ("kind", "element_id", "before", "after", "th", "en")
        if not isinstance(raw, Mapping) or any(not isinstance(raw.get(k), str) for k in keys):
            raise InvalidInput(f"a stored change needs the texts {', '.join(keys)}")
        if raw["kind"] not in CHANGE_KINDS:
            raise InvalidInput(f"unknown kind of change {raw['kind']!r}")
        return cls(raw["kind"], raw["element_id"], raw["before"], raw["after"], raw["th"], raw["en"])


@dataclass(frozen=True)
class ProcessDiff:
    """The changes from version ``from_version`` to ``to_version`` of a process, in reading order."""

    process_id: str
    from_version: int
    to_version: int
    changes: tuple[Change, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not self.changes

    def marks(self) -> dict[str, Mark]:
        """Element id -> how the diagram colours it; an element added or removed stays so whatever
        else is said about it. Changes to the process itself (element id "") are not marked."""
        found: dict[str, Mark] = {}
        for change in self.changes:
            if change.element_id and found.get(change.element_id) in (None, "changed"):
                found[change.element_id] = change.mark
        return found

    def to_json(self) -> dict[str, Any]:
        return {"process_id": self.process_id, "from_version": self.from_version, "to_version": self.to_version,
                "changes": [c.to_json() for c in self.changes], "marks": self.marks()}

    @classmethod
    def from_json(cls, raw: Mapping[str, Any] | str) -> ProcessDiff:
        """A diff as ``to_json()`` wrote it (the dict, or its JSON text)."""
        data = _json_object(raw)
        versions = (data.get("from_version"), data.get("to_version"))
        if not isinstance(data.get("process_id"), str) or not all(type(v) is int for v in versions) \
                or not isinstance(data.get("changes"), list):
            raise InvalidInput("a stored process diff needs process_id, from_version, to_version and changes")
        return cls(data["process_id"], data["from_version"], data["to_version"],
                   tuple(Change.from_json(c) for c in data["changes"]))


def _json_object(raw: Mapping[str, Any] | str) -> Mapping[str, Any]:
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError as exc:
            raise InvalidInput(f"a stored process diff is not JSON: {exc}") from None
    if not isinstance(raw, Mapping):
        raise InvalidInput("a stored process diff is a JSON object")
    return raw



# ---------------------------------------------------------------- sentences

@dataclass(frozen=True)
class Values:
    """A change's before and after, as the model writes them."""

    before: str = ""
    after: str = ""


def sentence(kind: ChangeKind, element_id: str, values: Values, template: tuple[str, str],
             words: Mapping[str, str]) -> Change:
    """A change with its Thai and English ``template`` filled from ``words`` (``old`` and ``new``
    default to the values)."""
    th, en = template
    filled = {"old": values.before, "new": values.after, **words}
    return Change(kind, element_id, values.before, values.after, th.format_map(filled), en.format_map(filled))


def both(old: Label, new: Label) -> dict[str, str]:
    """The words ``old_th``, ``old_en``, ``new_th`` and ``new_en`` of a sentence. When only one
    language's text changed, both sentences show that language's (never "from X to X")."""
    if old.en == new.en and old.th != new.th:
        old, new = same(old.th), same(new.th)
    elif old.th == new.th and old.en != new.en:
        old, new = same(old.en), same(new.en)
    return {"old_th": old.th, "old_en": old.en, "new_th": new.th, "new_en": new.en}


def same(text: str) -> Label:
    """A text that reads the same in both languages (a name, an id, an expression)."""
    return Label(text, text)


def listed(items: Iterable[str], none: Label) -> Label:
    text = ", ".join(items)
    return same(text) if text else none
