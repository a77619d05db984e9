"""A case replayed step by step for the auditor (issue 14), from its history only.

For each event k of the case's hash-chained history: who acted, in what capacity, when (Bangkok,
Buddhist era), the step, the comment; for a completion, the data entered, the control points
confirmed and the actual duration in working days (from the day the step opened to the day it was
completed) against the step's standard duration in the case's own process version. And the case as
it was right after event k: the elements done with how many times each (a loop taken twice counts
2), the steps waiting, the case data (the start data, then each completion's data applied in
order) and the evidence files attached by then. Every replay an auditor opens is logged
(``audit_views``), in the system's log, not in the case's history.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..audit_results import CaseReplay, ReplayState, ReplayStep, StepTiming
from ..context import Context, LoadedDefinition
from ..errors import NotFound
from ..model.approvals import comment_field
from ..model.definitions import StepModel
from ..model.forms import FormRegistry
from ..operation import work
from ..results import Account, FileView, HistoryEventView, SignatureView
from ..store import access, audit_views, files, instances
from ..store.history import EventType, events_of
from ..time.calendar import BANGKOK, WorkCalendar, be_date, local_date
from ..time.deadlines import WORKDAY_MINUTES
from .signatures import Signatures
from .view_log import ViewLog


def standard_working_days(step: StepModel | None) -> float | None:
    if step is None:
        return None
    if step.meta.duration_working_days is not None:
        return step.meta.duration_working_days
    if step.meta.duration_minutes is not None:
        return round(step.meta.duration_minutes / WORKDAY_MINUTES, 2)
    return None


@dataclass
class _Walk:
    """What the replay has seen so far, walking the events in order."""

    definition: LoadedDefinition
    calendar: WorkCalendar
    signed: dict[int, list[int]]  # task id -> signature ids
    files_of_task: dict[int, list[str]]
    forms: FormRegistry
    data: dict[str, Any] = field(default_factory=dict)
    done: dict[str, int] = field(default_factory=dict)
    active: dict[int, str] = field(default_factory=dict)  # task id -> element id
    opened: dict[int, datetime] = field(default_factory=dict)
    attached: list[str] = field(default_factory=list)

    def step(self, element_id: str | None) -> StepModel | None:
        return self.definition.model.steps.get(element_id) if element_id else None

    def attach(self, task_id: int) -> None:
        for sha in self.files_of_task.get(task_id, ()):
            if sha not in self.attached:
                self.attached.append(sha)

    def apply(self, event: HistoryEventView) -> ReplayStep:
        p = event.payload if isinstance(event.payload, dict) else {}
        at = datetime.fromisoformat(event.occurred_at)
        task_id = p.get("task_id") if isinstance(p.get("task_id"), int) else None
        element_id = p.get("element_id") if isinstance(p.get("element_id"), str) else None
        timing: StepTiming | None = None
        controls: tuple[dict[str, Any], ...] = ()
        entered: dict[str, Any] = {}
        kind = event.event_type
        if kind == EventType.INSTANCE_STARTED:
            entered = dict(p.get("data") or {})
            self.data.update(entered)
            self.attach(0)
        elif kind == EventType.TASK_CREATED and task_id is not None and element_id is not None:
            self.active[task_id] = element_id
            self.opened[task_id] = at
        elif kind == EventType.TASK_COMPLETED and task_id is not None:
            entered = dict(p.get("data") or {})
            self.data.update(entered)
            element_id = element_id or self.active.get(task_id)
            self.active.pop(task_id, None)
            if element_id:
                self.done[element_id] = self.done.get(element_id, 0) + 1
            self.attach(task_id)
            controls = self._controls(element_id, p.get("confirmed_controls") or [], event.actor)
            if task_id in self.opened:
                timing = StepTiming(self.opened[task_id], self.calendar.working_days_between(
                    local_date(self.opened[task_id]), local_date(at)), standard_working_days(self.step(element_id)))
        elif kind == EventType.TASK_CANCELLED and task_id is not None:
            self.active.pop(task_id, None)
        step = self.step(element_id)
        local = at.astimezone(BANGKOK)
        said = p.get("comment") or p.get("reason") or self._comment_in(step, entered)
        return ReplayStep(event.seq, kind, event.actor, at, be_date(local.date()), local.strftime("%H:%M"),
                          element_id, step.name if step else (p.get("name") or ""), task_id,
                          dict(p.get("capacity") or {"kind": "self"}), str(said), entered, controls, timing,
                          tuple(self.signed.get(task_id, ())) if kind == EventType.TASK_SIGNED and task_id else ())

    def _comment_in(self, step: StepModel | None, entered: dict[str, Any]) -> str:
        """The comment a completion wrote in its form's comment field (an approval's reason to return)."""
        if step is None or not entered or step.form_key is None:
            return ""
        where = comment_field(self.forms.get(step.form_key))
        return str(entered.get(where.name) or "") if where is not None else ""

    def _controls(self, element_id: str | None, confirmed: list[Any], actor: str | None) -> tuple[dict[str, Any], ...]:
        step = self.step(element_id)
        known = {c.id: c for c in step.meta.controls} if step else {}
        out = []
        for cid in confirmed:
            c = known.get(str(cid))
            out.append({"id": str(cid), "label": {"th": c.th, "en": c.en} if c else {"th": str(cid), "en": str(cid)},
                        "by": actor})
        return tuple(out)

    def state(self, seq: int) -> ReplayState:
        return ReplayState(seq, dict(self.done), tuple(self.active[t] for t in sorted(self.active)),
                           json.loads(json.dumps(self.data)), tuple(self.attached))


class CaseReplayService:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def replay(self, instance_id: int, viewer: Account, surface: str = "web") -> CaseReplay:
        """The case step by step, for someone who may see it (else NotFound). An auditor's replay
        is logged (who, which case, when, the surface)."""
        log = ViewLog.of(viewer, "replay", None, surface)
        signed = Signatures(self.ctx).of_case(instance_id, viewer)  # NotFound for who may not see it
        with work(self.ctx, write=viewer.has_role("auditor")) as w:
            if not access.can_see_case(w.conn, instance_id, viewer):
                raise NotFound(f"instance {instance_id} does not exist")
            audit_views.record(w.conn, log.rows([instance_id], summary=False), w.now)
            inst = instances.read(w.conn, instance_id)
            definition = self.ctx.definition(w.conn, inst.definition_id)
            attached = files.case_files(w.conn, instance_id)
            forms = self.ctx.forms_for(definition)
            walk = _Walk(definition, w.calendar, _by_task(signed), _files_by_task(attached), forms)
            steps, states = [], []
            for event in events_of(w.conn, instance_id):
                steps.append(walk.apply(event))
                states.append(walk.state(event.seq))
            viewed = tuple(audit_views.of_case(w.conn, instance_id))
            labels = forms.field_labels(definition.model.form_keys())
        return CaseReplay(inst.id, inst.process_id, definition.model.name, definition.version, inst.title,
                          inst.status, tuple(steps), tuple(states), tuple(attached), signed, dict(labels), viewed)


def _by_task(signed: tuple[SignatureView, ...]) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for s in signed:
        out.setdefault(s.task_id, []).append(s.id)
    return out


def _files_by_task(attached: list[FileView]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for f in attached:
        out.setdefault(f.task_id or 0, []).append(f.sha256)
    return out
