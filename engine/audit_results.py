"""What the auditor's case search and step-by-step replay return (issue 14): Krabuan's own frozen
dataclasses, each with one ``to_json``. Built by engine.services.audit_search and
engine.services.case_replay; shown by web/audit.py and ``krabuan audit show``."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from .errors import InvalidInput
from .results import FileView, SignatureView

MAX_TEXT = 100
STATUSES = ("running", "completed")


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


@dataclass(frozen=True)
class CaseQuery:
    """What an auditor searches cases by; every part optional. ``started_from``/``started_to``:
    the Bangkok dates (inclusive) the case was started between; ``participant``: a user who
    started it, holds or held one of its steps or completed one; ``overdue``: an open step is past
    its deadline now; ``register_number``: a number a register issued for it (as written, e.g.
    ``สธ 0701/12``, or a part of it); ``text``: in the case's data or title."""

    process_id: str = ""
    started_from: date | None = None
    started_to: date | None = None
    participant: str = ""
    status: str = ""
    overdue: bool = False
    register_number: str = ""
    text: str = ""

    def checked(self) -> CaseQuery:
        texts = {name: " ".join(str(getattr(self, name)).split())
                 for name in ("process_id", "participant", "register_number", "text")}
        for name, value in texts.items():
            if len(value) > MAX_TEXT:
                raise InvalidInput(f"a search text has at most {MAX_TEXT} characters", field=name)
        if self.status and self.status not in STATUSES:
            raise InvalidInput(f"status is one of: {', '.join(STATUSES)}", field="status")
        if self.started_from and self.started_to and self.started_to < self.started_from:
            raise InvalidInput("the end of the date range is before its start", field="started_to")
        return CaseQuery(texts["process_id"], self.started_from, self.started_to, texts["participant"],
                         self.status, self.overdue, texts["register_number"], texts["text"])

    def to_json(self) -> dict[str, Any]:
        return {"process_id": self.process_id, "participant": self.participant, "status": self.status,
                "started_from": self.started_from.isoformat() if self.started_from else None,
                "started_to": self.started_to.isoformat() if self.started_to else None,
                "overdue": self.overdue, "register_number": self.register_number, "text": self.text}


@dataclass(frozen=True)
class CaseHit:
    """One case found: what the list shows of it."""

    instance_id: int
    process_id: str
    process_name: str
    version: int
    title: str
    status: str
    started_by: str
    created_at: datetime
    completed_at: datetime | None
    overdue_steps: int
    register_numbers: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"instance_id": self.instance_id, "process_id": self.process_id, "process_name": self.process_name,
                "version": self.version, "title": self.title, "status": self.status, "started_by": self.started_by,
                "created_at": _iso(self.created_at), "completed_at": _iso(self.completed_at),
                "overdue_steps": self.overdue_steps, "register_numbers": list(self.register_numbers)}


@dataclass(frozen=True)
class CaseSearchPage:
    """One page of a search, newest case first; ``next_cursor`` asks for the page after it."""

    query: CaseQuery
    hits: tuple[CaseHit, ...]
    next_cursor: str | None

    def to_json(self) -> dict[str, Any]:
        return {"query": self.query.to_json(), "hits": [h.to_json() for h in self.hits],
                "next_cursor": self.next_cursor}


@dataclass(frozen=True)
class AuditViewEntry:
    """One line of the system's log of auditors' views: who viewed what, when, through which surface."""

    id: int
    viewer: str
    what: str  # case | replay | search | export
    instance_id: int | None
    detail: str
    surface: str
    viewed_at: datetime

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "viewer": self.viewer, "what": self.what, "instance_id": self.instance_id,
                "detail": self.detail, "surface": self.surface, "viewed_at": _iso(self.viewed_at)}


@dataclass(frozen=True)
class StepTiming:
    """How long a completed step took, in working days (Bangkok calendar: working days after the
    day it opened up to the day it was completed), against its standard duration (None: the SOP
    gives none; one given in minutes is counted at 7 working hours a day). Late: more working days
    than the standard rounded up (as the deadline of the standard duration falls)."""

    opened_at: datetime
    working_days: int
    standard_working_days: float | None

    @property
    def late(self) -> bool:
        # A standard of N working days is due by the end of the ceil(N)th working day (engine.time.deadlines).
        return self.standard_working_days is not None and self.working_days > math.ceil(self.standard_working_days)

    def to_json(self) -> dict[str, Any]:
        return {"opened_at": _iso(self.opened_at), "working_days": self.working_days,
                "standard_working_days": self.standard_working_days, "late": self.late}


@dataclass(frozen=True)
class ReplayStep:
    """Event k of a case's history as the auditor reads it: who did what, in what capacity,
    when; for a completion, the data entered, the controls confirmed and the timing."""

    seq: int
    event_type: str
    actor: str | None
    occurred_at: datetime
    be_date: str  # the Bangkok date in the Buddhist era, e.g. 5/12/2569
    be_time: str  # the Bangkok time, HH:MM
    element_id: str | None
    step_name: str
    task_id: int | None
    capacity: dict[str, Any]
    comment: str
    data: dict[str, Any]
    controls_confirmed: tuple[dict[str, Any], ...] = ()
    timing: StepTiming | None = None
    signature_ids: tuple[int, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"seq": self.seq, "event_type": self.event_type, "actor": self.actor,
                "occurred_at": _iso(self.occurred_at), "be_date": self.be_date, "be_time": self.be_time,
                "element_id": self.element_id, "step_name": self.step_name, "task_id": self.task_id,
                "capacity": self.capacity, "comment": self.comment, "data": self.data,
                "controls_confirmed": list(self.controls_confirmed),
                "timing": self.timing.to_json() if self.timing else None, "signature_ids": list(self.signature_ids)}


@dataclass(frozen=True)
class ReplayState:
    """The case as it was right after event k: the elements done (with how many times each: a
    loop taken twice counts 2), those active (waiting), the case data and the files attached."""

    seq: int
    done: dict[str, int]
    active: tuple[str, ...]
    data: dict[str, Any]
    files: tuple[str, ...]  # SHA-256 of the files attached by then

    def to_json(self) -> dict[str, Any]:
        return {"seq": self.seq, "done": self.done, "active": list(self.active), "data": self.data,
                "files": list(self.files)}


@dataclass(frozen=True)
class CaseReplay:
    """A case's history replayed step by step, on the case's own process version."""

    instance_id: int
    process_id: str
    process_name: str
    version: int
    title: str
    status: str
    steps: tuple[ReplayStep, ...]
    states: tuple[ReplayState, ...]  # states[k - 1]: after event k
    files: tuple[FileView, ...] = ()
    signatures: tuple[SignatureView, ...] = ()
    field_labels: dict[str, Any] = field(default_factory=dict)  # engine.model.forms.Label
    viewed_by: tuple[AuditViewEntry, ...] = ()

    def state_at(self, k: int) -> ReplayState:
        """The state after event k (1..n); InvalidInput outside that range."""
        if not 1 <= k <= len(self.states):
            raise InvalidInput(f"step {k} is outside 1..{len(self.states)}", field="step")
        return self.states[k - 1]

    def to_json(self) -> dict[str, Any]:
        return {"instance_id": self.instance_id, "process_id": self.process_id, "process_name": self.process_name,
                "version": self.version, "title": self.title, "status": self.status,
                "steps": [s.to_json() for s in self.steps], "states": [s.to_json() for s in self.states],
                "files": [f.to_json() for f in self.files], "signatures": [s.to_json() for s in self.signatures],
                "viewed_by": [v.to_json() for v in self.viewed_by]}
