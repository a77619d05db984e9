"""What changing a procedure in the browser returns (engine.services.authoring): frozen
dataclasses, each serialising itself once (``to_json``), like engine.results."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from .model.process_diff import ProcessDiff
from .results import iso


@dataclass(frozen=True)
class ChangeView:
    """One proposed change of a procedure: a draft, submitted, published, rejected or withdrawn."""

    id: int
    process_id: str
    base_version: int
    status: str
    authors: tuple[str, ...]
    created_at: datetime
    updated_at: datetime
    lock_version: int
    effective_from: date | None = None
    note: str = ""
    submitted_by: str | None = None
    submitted_at: datetime | None = None
    decided_by: str | None = None
    decided_at: datetime | None = None
    decision_note: str = ""
    published_version: int | None = None
    diff: ProcessDiff | None = None

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "process_id": self.process_id, "base_version": self.base_version,
                "status": self.status, "authors": list(self.authors), "created_at": iso(self.created_at),
                "updated_at": iso(self.updated_at), "lock_version": self.lock_version,
                "effective_from": iso(self.effective_from), "note": self.note, "submitted_by": self.submitted_by,
                "submitted_at": iso(self.submitted_at), "decided_by": self.decided_by,
                "decided_at": iso(self.decided_at), "decision_note": self.decision_note,
                "published_version": self.published_version,
                "diff": self.diff.to_json() if self.diff is not None else None}


@dataclass(frozen=True)
class VariableChoice:
    """A case variable an earlier form sets, for the gateway condition picker and deadline anchors."""

    name: str
    label_th: str
    label_en: str
    type: str
    options: tuple[tuple[str, str], ...] = ()  # (value, Thai label)

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "label": self.label_th, "label_en": self.label_en, "type": self.type,
                "options": [{"value": v, "label": label} for v, label in self.options]}


@dataclass(frozen=True)
class DraftContent:
    """What the editor opens: the procedure's draft (or its newest version, when there is no
    draft yet: ``change`` is None and ``lock_version`` 0), with its forms and what the panel
    offers (every form key with its title, and the variables the forms set)."""

    process_id: str
    name: str
    base_version: int
    bpmn_xml: str
    forms: dict[str, Any]  # {key: form as in a forms file}
    lock_version: int
    change: ChangeView | None = None
    form_titles: dict[str, str] = field(default_factory=dict)
    variables: tuple[VariableChoice, ...] = ()
    may_edit: bool = False
    may_approve: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"process_id": self.process_id, "name": self.name, "base_version": self.base_version,
                "bpmn_xml": self.bpmn_xml, "forms": self.forms, "lock_version": self.lock_version,
                "change": self.change.to_json() if self.change else None, "form_titles": self.form_titles,
                "variables": [v.to_json() for v in self.variables], "may_edit": self.may_edit,
                "may_approve": self.may_approve}


@dataclass(frozen=True)
class ModelProblem:
    """One problem of a model, at its element (empty: the whole model), in Thai and English.
    ``rule``: a bpmnlint rule's name, ``krabuan`` for the engine's own checks, ``form`` for a form."""

    element_id: str
    severity: str  # error | warning
    rule: str
    th: str
    en: str

    def to_json(self) -> dict[str, Any]:
        return {"element_id": self.element_id, "severity": self.severity, "rule": self.rule, "th": self.th,
                "en": self.en}


@dataclass(frozen=True)
class Validation:
    """Every problem of a draft; it may be published only when none is an error."""

    problems: tuple[ModelProblem, ...] = ()

    @property
    def ok(self) -> bool:
        return not any(p.severity == "error" for p in self.problems)

    def to_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "errors": sum(p.severity == "error" for p in self.problems),
                "warnings": sum(p.severity == "warning" for p in self.problems),
                "problems": [p.to_json() for p in self.problems]}


@dataclass(frozen=True)
class StewardView:
    """A procedure as its owners and approvers see it in their list."""

    process_id: str
    name: str
    version: int
    owns: bool
    approves: bool
    open_change: ChangeView | None = None

    def to_json(self) -> dict[str, Any]:
        return {"process_id": self.process_id, "name": self.name, "version": self.version, "owns": self.owns,
                "approves": self.approves,
                "open_change": self.open_change.to_json() if self.open_change else None}
