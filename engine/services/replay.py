"""The auditor's deterministic re-execution (``krabuan audit replay``): a case is re-run from its
recorded inputs only and compared with what its history says happened.

What is read: the case's history events (never its stored state, task rows or data), the
deployed versions the history names (``instance_started``'s definition, and each
``instance_migrated``'s target: deployed versions are immutable, so their stored compiled specs are
exactly what ran), and the working-day calendar at the versions the history recorded with each
deadline (holiday changes are only appended). The re-run is a scratch workflow in memory: nothing
is written, no row is locked, no number is taken from a register.

The inputs, each at its recorded time (the operation clock is set to the event's time): the start
data, each completion's data (which carries the register references and the evidence hashes the
engine stored), each BPMN timer firing, each move to another version. Compared: the path (every
``task_created`` must be a step the re-run waits in, every completed or cancelled task one it had),
each task row's groups, reserved person and due date, that each register reference issued to a
step is the one its completion carried into the case data, that a signature step that approves
is signed, and after each operation that moved the workflow the case data (``state.case`` digest),
the steps waited in and the status. Register numbers are compared by reference: the counters are
shared by every case of a register, so re-issuing them would compare the other cases' history, not
this one's. Signing is an output, not an input: the re-run needs no password; it checks that the
recorded ``task_signed`` is there (``krabuan signatures verify`` checks the signature itself).
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from ..context import Context, LoadedDefinition
from ..errors import EngineError, NotFound
from ..model.approvals import APPROVE
from ..projection import candidate_groups_of, personal_assignee
from ..replay_results import Divergence, ReplayReport
from ..results import HistoryEventView
from ..spiff import Workflow
from ..spiff import migrate as spiff_migrate
from ..store import replay_reads
from ..store.history import EventType, events_of
from ..store.state_digest import case_digest
from ..time import clock, deadlines
from ..time.calendar import AdminChange, WorkCalendar


class Replays:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def replay(self, instance_id: int) -> ReplayReport:
        """Re-run one case from its recorded inputs and compare; the first divergence, if any."""
        with self.ctx.db.unit_of_work(write=False) as conn:
            process_id = replay_reads.process_of(conn, instance_id)
            events = events_of(conn, instance_id)
            if process_id is None and not events:
                raise NotFound(f"instance {instance_id} does not exist")
            inputs = _Inputs(self.ctx.runtime, process_id or "", replay_reads.calendar_changes(conn))
            for event in events:
                definition_id = _definition_id_of(event)
                if definition_id is not None and definition_id not in inputs.definitions:
                    inputs.definitions[definition_id] = self.ctx.definition(conn, definition_id)
        return _Replayer(instance_id, inputs).run(events)

    def replay_many(self, process_id: str | None = None) -> list[ReplayReport]:
        """Re-run every case (or every case of one process), oldest first."""
        with self.ctx.db.unit_of_work(write=False) as conn:
            ids = replay_reads.instance_ids(conn, process_id)
        return [self.replay(instance_id) for instance_id in ids]


def _definition_id_of(event: HistoryEventView) -> int | None:
    key = {EventType.INSTANCE_STARTED.value: "definition_id",
           EventType.INSTANCE_MIGRATED.value: "to_definition_id"}.get(event.event_type)
    value = event.payload.get(key) if key else None
    return value if isinstance(value, int) else None


@dataclass
class _Inputs:
    runtime: Any  # engine.spiff.Runtime
    process_id: str
    changes: list[tuple[int, datetime, AdminChange]]  # the holiday calendar's changes, in order
    definitions: dict[int, LoadedDefinition] = field(default_factory=dict)
    calendars: dict[int, WorkCalendar] = field(default_factory=dict)

    def calendar(self, event: HistoryEventView) -> WorkCalendar:
        """The calendar the event's operation used: the version it recorded, else the changes made
        before it (an operation reads the calendar as committed when it ran)."""
        version = event.payload.get("calendar_version")
        if not isinstance(version, int):
            at = _time(event)
            version = max((i for i, when, _ in self.changes if when <= at), default=0)
        if version not in self.calendars:
            self.calendars[version] = replay_reads.calendar_as_of(self.changes, version)
        return self.calendars[version]


class _Diverged(Exception):
    def __init__(self, divergence: Divergence) -> None:
        super().__init__(divergence.what)
        self.divergence = divergence


@dataclass
class _Recorded:
    """What the history says so far: the tasks open, when each step started, the references issued."""

    open: dict[int, str] = field(default_factory=dict)  # task id: element id
    spiff: dict[int, str] = field(default_factory=dict)  # task id: the re-run's task
    step_times: dict[str, str] = field(default_factory=dict)
    references: dict[int, list[str]] = field(default_factory=dict)
    to_sign: set[int] = field(default_factory=set)
    timers: dict[int, tuple[str, datetime]] = field(default_factory=dict)  # BPMN timer rows waiting: element, due
    completed: bool = False
    case: str | None = None  # the newest recorded case-data digest


class _Replayer:
    def __init__(self, instance_id: int, inputs: _Inputs) -> None:
        self.instance_id = instance_id
        self.inputs = inputs
        self.definition: LoadedDefinition | None = None
        self.workflow: Workflow | None = None
        self.recorded = _Recorded()
        self.versions: list[int] = []
        self.calendar: WorkCalendar | None = None
        self.seq = 0
        self.handlers: dict[str, Callable[[HistoryEventView], None]] = {
            EventType.INSTANCE_STARTED.value: self._started, EventType.TASK_CREATED.value: self._created,
            EventType.TASK_COMPLETED.value: self._completed, EventType.TASK_CANCELLED.value: self._cancelled,
            EventType.TIMER_FIRED.value: self._timer_fired, EventType.INSTANCE_MIGRATED.value: self._migrated,
            EventType.TIMERS_REEVALUATED.value: self._reevaluated,
            EventType.TIMER_SET.value: self._timer_row, EventType.TIMER_MOVED.value: self._timer_row,
            EventType.TIMER_CANCELLED.value: self._timer_row,
            EventType.INSTANCE_COMPLETED.value: self._instance_completed,
            EventType.REGISTER_NUMBER_ISSUED.value: self._number_issued, EventType.TASK_SIGNED.value: self._signed,
        }

    def run(self, events: list[HistoryEventView]) -> ReplayReport:
        divergence: Divergence | None = None
        try:
            if not events or events[0].event_type != EventType.INSTANCE_STARTED.value:
                raise _Diverged(Divergence(events[0].seq if events else 0, "input", EventType.INSTANCE_STARTED.value,
                                           events[0].event_type if events else None,
                                           "a history starts with the case's start"))
            for event in events:
                self.seq = event.seq
                self.calendar = self.inputs.calendar(event)
                handler = self.handlers.get(event.event_type)
                if handler is not None:
                    handler(event)
                if isinstance(event.payload.get("state"), dict):
                    self._check_state(event.payload["state"])
            digest = self._final(events[-1].seq)
        except _Diverged as found:
            divergence, digest = found.divergence, ""
        except EngineError as exc:  # the recorded inputs do not run on the recorded version
            divergence, digest = Divergence(self.seq, "error", "the step ran", exc.message), ""
        definition = next(iter(self.inputs.definitions.values()), None)
        return ReplayReport(self.instance_id, self.inputs.process_id or (definition.process_id if definition else ""),
                            self.versions[0] if self.versions else 0, divergence is None,
                            len(events), divergence, digest, tuple(self.versions))

    # -- time --
    @contextmanager
    def _at(self, moment: datetime) -> Iterator[None]:
        calendar = self.calendar
        assert calendar is not None
        with clock.operation_time(moment, lambda: calendar):
            yield

    def _diverge(self, what: str, recorded: Any, replayed: Any, detail: str = "") -> _Diverged:
        return _Diverged(Divergence(self.seq, what, recorded, replayed, detail))

    def _wf(self) -> Workflow:
        if self.workflow is None:
            raise self._diverge("input", "a started case", None, "the history has no start")
        return self.workflow

    # -- the inputs --
    def _started(self, event: HistoryEventView) -> None:
        definition = self.inputs.definitions[event.payload["definition_id"]]
        self.definition = definition
        self.versions.append(definition.version)
        with self._at(_time(event)):
            self.workflow = self.inputs.runtime.start(definition.id, definition.spec_json,
                                                      dict(event.payload.get("data") or {}))

    def _completed(self, event: HistoryEventView) -> None:
        payload, workflow = event.payload, self._wf()
        task_id, element = int(payload.get("task_id") or 0), payload.get("element_id")
        spiff_id = self.recorded.spiff.get(task_id)
        ready = {t.spiff_id: t.element_id for t in workflow.ready_tasks()}
        if spiff_id is None or spiff_id not in ready:
            raise self._diverge("path", element, sorted(ready.values()),
                                f"the history completed task {task_id}; the re-run does not wait in it")
        data = dict(payload.get("data") or {})
        values = {v for v in data.values() if isinstance(v, str)}
        for reference in self.recorded.references.pop(task_id, []):
            if reference not in values:
                raise self._diverge("register_number", reference, sorted(values),
                                    "the number issued to this step is not the one its completion carried")
        with self._at(_time(event)):
            workflow.complete(spiff_id, data)
        self.recorded.open.pop(task_id, None)
        step = self.definition.model.steps.get(str(element)) if self.definition else None
        if step is not None and step.meta.kind == "signature" and payload.get("decision") in (None, APPROVE):
            self.recorded.to_sign.add(task_id)
        self.recorded.step_times[f"step:{element}.completed"] = _time(event).isoformat()

    def _timer_fired(self, event: HistoryEventView) -> None:
        workflow = self._wf()
        due = datetime.fromisoformat(event.payload["due_at"])
        self.recorded.timers.pop(int(event.payload.get("timer_id") or 0), None)
        # as the scheduler fired it: just past its due time if the clock read the due time itself
        with self._at(max(_time(event), due + timedelta(microseconds=1))):
            workflow.fire_due_timers()

    def _reevaluated(self, event: HistoryEventView) -> None:
        """The holiday calendar changed while the case waited on date timers (on the calendar recorded)."""
        workflow = self._wf()
        with self._at(_time(event)):
            workflow.reevaluate_date_timers()

    def _migrated(self, event: HistoryEventView) -> None:
        target = self.inputs.definitions[event.payload["to_definition_id"]]
        with self._at(_time(event)):
            self.workflow = spiff_migrate.migrate(self._wf(), target.id, target.spec_json)
        self.definition = target
        self.versions.append(target.version)

    # -- the outputs, compared --
    def _created(self, event: HistoryEventView) -> None:
        payload, workflow = event.payload, self._wf()
        task_id, element = payload["task_id"], payload["element_id"]
        taken = set(self.recorded.spiff.values())
        waiting = [t for t in workflow.ready_tasks() if t.spiff_id not in taken]
        match = next((t for t in waiting if t.element_id == element), None)
        if match is None:
            raise self._diverge("path", element, sorted(t.element_id for t in waiting),
                                "the history created this step; the re-run does not wait in it")
        self.recorded.spiff[task_id] = match.spiff_id
        self.recorded.open[task_id] = element
        step = self.definition.model.steps.get(element) if self.definition else None
        if step is not None:
            self._check_task(payload, step, (_time(event), match.data))
        self.recorded.step_times[f"step:{element}.started"] = _time(event).isoformat()

    def _check_task(self, payload: dict[str, Any], step: Any, at: tuple[datetime, Any]) -> None:
        """The task row the re-run would make: its groups, its reserved person, its due date."""
        now, data = at
        groups = sorted(candidate_groups_of(step, data))
        if groups != sorted(payload.get("candidate_groups") or []):
            raise self._diverge("task", {"candidate_groups": sorted(payload.get("candidate_groups") or [])},
                                {"candidate_groups": groups}, f"step {step.element_id}")
        reserved = personal_assignee(step, data)
        if reserved != payload.get("reserved_for"):
            raise self._diverge("task", {"reserved_for": payload.get("reserved_for")}, {"reserved_for": reserved},
                                f"step {step.element_id}")
        version = payload.get("calendar_version")
        if not isinstance(version, int):  # recorded before the calendar's version was: not compared
            return
        anchored = deadlines.step_anchors(step.meta.deadline)
        times = {k: v for k, v in self.recorded.step_times.items()
                 if any(k.startswith(f"step:{element}.") for element, _ in anchored)}
        if (step.element_id, "started") in anchored:
            times[f"step:{step.element_id}.started"] = now.isoformat()
        basis = deadlines.basis_for(step.meta.deadline, now, {**data, **times}, step.meta.duration_minutes,
                                    step.meta.duration_working_days)
        assert self.calendar is not None  # the calendar of the version this task recorded
        due = deadlines.due_at(basis, self.calendar) if basis else None
        recorded = payload.get("due_at")
        if (due.isoformat() if due else None) != recorded and _moment(recorded) != due:
            raise self._diverge("task", {"due_at": recorded}, {"due_at": due.isoformat() if due else None},
                                f"step {step.element_id}")

    def _cancelled(self, event: HistoryEventView) -> None:
        task_id = int(event.payload.get("task_id") or 0)
        spiff_id = self.recorded.spiff.get(task_id)
        if spiff_id is not None and spiff_id in {t.spiff_id for t in self._wf().ready_tasks()}:
            raise self._diverge("path", {"cancelled": self.recorded.open.get(task_id)}, "still waiting",
                                f"the history cancelled task {task_id}; the re-run still waits in it")
        self.recorded.open.pop(task_id, None)

    def _timer_row(self, event: HistoryEventView) -> None:
        """The BPMN timers the history says the case waits on (set, moved, cancelled)."""
        payload = event.payload
        timer_id = int(payload.get("timer_id") or 0)
        if event.event_type == EventType.TIMER_CANCELLED.value:
            self.recorded.timers.pop(timer_id, None)
        elif event.event_type == EventType.TIMER_SET.value:
            self.recorded.timers[timer_id] = (str(payload.get("element_id")), datetime.fromisoformat(payload["due"]))
        elif timer_id in self.recorded.timers:
            self.recorded.timers[timer_id] = (self.recorded.timers[timer_id][0], datetime.fromisoformat(payload["due"]))

    def _number_issued(self, event: HistoryEventView) -> None:
        task_id, reference = event.payload.get("task_id"), event.payload.get("reference")
        if isinstance(task_id, int) and isinstance(reference, str):
            self.recorded.references.setdefault(task_id, []).append(reference)

    def _signed(self, event: HistoryEventView) -> None:
        task_id = event.payload.get("task_id")
        if task_id not in self.recorded.to_sign:
            raise self._diverge("signature", {"signed": task_id}, None,
                                "the history has a signature where the re-run completed no signature step")
        self.recorded.to_sign.discard(task_id)

    def _instance_completed(self, event: HistoryEventView) -> None:
        self.recorded.completed = True

    def _check_state(self, state: dict[str, Any]) -> None:
        """After an operation that moved the workflow: the same status, steps waited in and data."""
        workflow = self._wf()
        if self.recorded.to_sign:
            raise self._diverge("signature", None, sorted(self.recorded.to_sign),
                                "a signature step the re-run completed was not signed in the history")
        if workflow.completed != self.recorded.completed:
            raise self._diverge("status", _status(self.recorded.completed), _status(workflow.completed))
        ready = {t.spiff_id: t.element_id for t in workflow.ready_tasks()}
        waiting = {self.recorded.spiff[t]: e for t, e in self.recorded.open.items() if t in self.recorded.spiff}
        if ready != waiting:
            raise self._diverge("path", sorted(waiting.values()), sorted(ready.values()),
                                "the steps the case waits in after this operation")
        timers = sorted((e, due.isoformat()) for e, due in self.recorded.timers.values())
        replayed_timers = sorted((t.element_id, t.due_at.isoformat()) for t in workflow.waiting_timers())
        if timers != replayed_timers:
            raise self._diverge("timer", timers, replayed_timers, "the BPMN timers the case waits on (element, due)")
        if isinstance(state.get("case"), str):
            self.recorded.case = state["case"]
            replayed = _case_digest(workflow)
            if replayed != state["case"]:
                raise self._diverge("data", {"case_digest": state["case"]},
                                    {"case_digest": replayed, "data": _plain(workflow.case_data())},
                                    "the case data after this operation")

    def _final(self, last_seq: int) -> str:
        workflow = self._wf()
        replayed = _state_digest(_status(workflow.completed), _case_digest(workflow),
                                 sorted(t.element_id for t in workflow.ready_tasks()))
        recorded = _state_digest(_status(self.recorded.completed), self.recorded.case or _case_digest(workflow),
                                 sorted(self.recorded.open.values()))
        if replayed != recorded:
            self.seq = last_seq
            raise self._diverge("state", recorded, replayed, "the final state")
        return replayed


def _time(event: HistoryEventView) -> datetime:
    return datetime.fromisoformat(event.occurred_at)


def _moment(text: Any) -> datetime | None:
    return datetime.fromisoformat(text) if isinstance(text, str) else None


def _status(completed: bool) -> str:
    return "completed" if completed else "running"


def _plain(data: dict[str, Any]) -> Any:
    return json.loads(json.dumps(data, ensure_ascii=False, default=str))


def _case_digest(workflow: Workflow) -> str:
    return case_digest(_plain(workflow.case_data()))


def _state_digest(status: str, case: str, waiting: list[str]) -> str:
    text = json.dumps({"status": status, "case": case, "waiting": waiting}, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
