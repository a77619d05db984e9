"""What the engine returns: plain, frozen dataclasses (never ORM rows or Spiff objects).

Each serialises itself once (``to_json``): the CLI's ``--json``, the web API and exports all use
that, so a result has one shape everywhere (keys may be added, never removed).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any


def iso(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


@dataclass(frozen=True)
class UserView:
    username: str
    name_th: str
    name_en: str
    groups: tuple[str, ...]
    active: bool = True

    def to_json(self) -> dict[str, Any]:
        return {"username": self.username, "groups": list(self.groups),
                "name": {"th": self.name_th, "en": self.name_en}, "active": self.active}


@dataclass(frozen=True)
class Account:
    """A signed-in user: who, in which groups (lanes) and with which system roles."""

    username: str
    name_th: str
    name_en: str
    groups: tuple[str, ...]
    roles: tuple[str, ...] = ()
    # Display preferences: "th" | "en" (None: the app's default) and Thai digits (๑๒๓) on screen.
    language: str | None = None
    thai_digits: bool = False

    @property
    def display_name(self) -> str:
        return self.name_th or self.name_en or self.username

    def has_role(self, role: str) -> bool:
        return role in self.roles

    def to_json(self) -> dict[str, Any]:
        return {"username": self.username, "groups": list(self.groups), "roles": list(self.roles),
                "display_name": self.display_name, "name": {"th": self.name_th, "en": self.name_en},
                "language": self.language, "thai_digits": self.thai_digits}


@dataclass(frozen=True)
class SignedIn:
    """A new browser session: its secret goes into the session cookie and nowhere else."""

    secret: str
    account: Account

    def to_json(self) -> dict[str, Any]:
        return {"account": self.account.to_json()}


@dataclass(frozen=True)
class TokenView:
    id: int
    username: str
    name: str
    created_at: datetime
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None
    secret: str | None = None  # only in what ``create_token`` returns, shown once

    def to_json(self) -> dict[str, Any]:
        data = {"id": self.id, "username": self.username, "name": self.name, "created_at": iso(self.created_at),
                "last_used_at": iso(self.last_used_at), "revoked_at": iso(self.revoked_at)}
        if self.secret is not None:
            data["token"] = self.secret
        return data


@dataclass(frozen=True)
class FileView:
    """An evidence file: its bytes' SHA-256 (what a form's file field holds), its name as given at
    upload, its size and the content type told from its bytes. ``task_id`` and ``field``: where a
    case refers to it (in a case's list; task 0 is the start form)."""

    sha256: str
    name: str
    size: int
    content_type: str
    uploaded_by: str
    uploaded_at: datetime
    task_id: int | None = None
    field: str | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"sha256": self.sha256, "name": self.name, "size": self.size,
                                "content_type": self.content_type, "uploaded_by": self.uploaded_by,
                                "uploaded_at": iso(self.uploaded_at)}
        if self.field is not None:
            data.update(task_id=self.task_id, field=self.field)
        return data


@dataclass(frozen=True)
class CheckReport:
    """``processes check`` of one model file: problems refuse it, warnings are worth a look."""

    problems: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"problems": list(self.problems), "warnings": list(self.warnings)}


@dataclass(frozen=True)
class DeployResult:
    process_id: str
    version: int
    sha256: str
    source: str
    created: bool
    # What deploy noticed but did not refuse (e.g. a lane whose tasks nobody can claim).
    warnings: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "warnings": list(self.warnings)}


@dataclass(frozen=True)
class ProcessVersionView:
    definition_id: int
    process_id: str
    version: int
    name: str
    sha256: str
    source_name: str
    deployed_at: datetime
    # For one user (Repository.newest(for_user=...)): whether they may start it (definitions.may_start).
    can_start: bool | None = None
    # The groups whose members may start a case (empty: anyone).
    start_groups: tuple[str, ...] = ()
    # New cases start on it from this day (None: since deployed); a version published from the
    # browser names its author and the second person who approved it.
    effective_from: date | None = None
    published_by: str | None = None
    approved_by: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"process_id": self.process_id, "version": self.version, "name": self.name, "sha256": self.sha256,
                "source": self.source_name, "deployed_at": iso(self.deployed_at),
                "start_groups": list(self.start_groups),
                "effective_from": self.effective_from.isoformat() if self.effective_from else None,
                "published_by": self.published_by, "approved_by": self.approved_by,
                **({"can_start": self.can_start} if self.can_start is not None else {})}


@dataclass(frozen=True)
class TaskView:
    id: int
    instance_id: int
    process_id: str
    element_id: str
    name: str
    lane: str | None
    candidate_groups: tuple[str, ...]
    assignee: str | None
    state: str
    form_key: str | None
    created_at: datetime
    completed_at: datetime | None = None
    completed_by: str | None = None
    due_at: datetime | None = None
    reserved_for: str | None = None
    # on_time | due_soon | overdue (None without a deadline), as of when the task was read.
    due_status: str | None = None
    overdue_at: datetime | None = None
    # Working days from the day it was read to the due day (0: due today; negative: overdue by that many).
    working_days_left: int | None = None
    # The case's title and urgency code (engine.model.urgency: most_urgent … normal).
    title: str = ""
    urgency: str = "normal"
    # A note for whoever works the task: a return for revision ({"kind": "returned" | "rejected",
    # "decision", "by", "comment", "at" (ISO), "from_step"}); None: no note.
    notice: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        """The stable contract of ``krabuan tasks --json`` (extra keys may be added, never removed)."""
        return {"id": self.id, "instance_id": self.instance_id, "process_id": self.process_id,
                "element_id": self.element_id, "name": self.name, "lane": self.lane,
                "candidate_groups": list(self.candidate_groups), "assignee": self.assignee,
                "form_key": self.form_key, "state": self.state, "created_at": iso(self.created_at),
                "completed_at": iso(self.completed_at), "completed_by": self.completed_by,
                "due_at": iso(self.due_at), "due_status": self.due_status, "overdue_at": iso(self.overdue_at),
                "reserved_for": self.reserved_for, "working_days_left": self.working_days_left,
                "title": self.title, "urgency": self.urgency, "notice": self.notice}


@dataclass(frozen=True)
class CasePage:
    """A case for its page: its state and data, every step it went through or waits at, its
    history, and the diagram of its own process version with each step's state marked."""

    case: InstanceView
    process_name: str
    steps: tuple[TaskView, ...]
    element_states: dict[str, str]  # BPMN element id: done | current | overdue
    bpmn_xml: str = field(repr=False, default="")
    # Whether the viewer may change the case's urgency (its lane now, or their supervisors).
    may_set_urgency: bool = False
    # How the case's data keys read: the label of the field of that name in the process's forms.
    field_labels: dict[str, Any] = field(default_factory=dict)  # engine.model.forms.Label

    def to_json(self) -> dict[str, Any]:
        return {**self.case.to_json(), "process_name": self.process_name, "may_set_urgency": self.may_set_urgency,
                "steps": [t.to_json() for t in self.steps], "element_states": self.element_states}


@dataclass(frozen=True)
class ApprovalChoice:
    """How an approval or signature step is decided (engine.model.approvals): the form's decision
    field and the options it offers (approve, return, reject...), and where the comment goes
    (None: the completion's own comment). A comment is required for anything but approve."""

    kind: str  # approval | signature
    field: str
    options: tuple[str, ...]
    comment_field: str | None

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "field": self.field, "options": list(self.options),
                "comment_field": self.comment_field}


@dataclass(frozen=True)
class TaskPage:
    """Everything the page of one task shows: the task, its step's form and control points,
    the step's standard duration, the procedure's name and the case's data and earlier steps."""

    task: TaskView
    process_name: str
    form: Any  # engine.model.forms.FormDefinition (None for a step without a form)
    controls: tuple[Any, ...]  # engine.model.metadata.ControlPoint
    duration_minutes: int | None
    duration_working_days: float | None
    deadline_rule: dict[str, Any] | None
    case_data: dict[str, Any]
    started_by: str
    done_steps: tuple[TaskView, ...] = ()
    # For each field that names people (user, users): the active members of its group.
    choices: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # On an approval or signature step with a decision field: how it is decided.
    approval: ApprovalChoice | None = None
    # The viewer's own saved draft of the form (values as typed), if any.
    draft: dict[str, Any] | None = None
    # Who the task may be delegated to (colleagues in its lane).
    colleagues: tuple[str, ...] = ()
    # The data each earlier step of the case was completed with, by task id.
    done_data: dict[int, dict[str, Any]] = field(default_factory=dict)
    # What the deadline was counted from (engine.time.deadlines.DeadlineBasis as JSON), if it has one.
    deadline_basis: dict[str, Any] | None = None
    # How the case's data keys read: the label of the field of that name in the process's forms.
    field_labels: dict[str, Any] = field(default_factory=dict)  # engine.model.forms.Label
    # "On behalf of": who may prepare the task (save its draft) for its holder, and whether the
    # viewer is one of them; the viewer's capacity on it when they act for a position.
    preparers: tuple[str, ...] = ()
    preparing: bool = False
    capacity: dict[str, Any] | None = None
    # A signature step: completing it (unless it returns or rejects) signs with the user's password.
    signs: bool = False

    def to_json(self) -> dict[str, Any]:
        return {**self.task.to_json(), "process_name": self.process_name, "draft": self.draft, "signs": self.signs,
                "preparers": list(self.preparers), "preparing": self.preparing, "capacity": self.capacity,
                "colleagues": list(self.colleagues), "deadline_basis": self.deadline_basis,
                "done_data": {str(k): v for k, v in self.done_data.items()},
                "approval": self.approval.to_json() if self.approval is not None else None,
                "form": self.form.to_json() if self.form is not None else None,
                "control_points": [c.to_json() for c in self.controls],
                "standard_duration": {"minutes": self.duration_minutes, "working_days": self.duration_working_days},
                "deadline_rule": self.deadline_rule, "case_data": self.case_data, "started_by": self.started_by,
                "done_steps": [t.to_json() for t in self.done_steps],
                "choices": {name: list(people) for name, people in self.choices.items()}}


@dataclass(frozen=True)
class WorklistPage:
    """One page of a worklist view; ``next_cursor`` asks for the next (None on the last page)."""

    view: str
    items: tuple[TaskView, ...]
    next_cursor: str | None = None
    process_names: dict[str, str] = field(default_factory=dict)  # of the items' processes
    # The items held in an acting capacity, by task id (engine.model.acting.Capacity.to_json).
    capacities: dict[int, dict[str, Any]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"view": self.view, "items": [dict(t.to_json(), **({"capacity": self.capacities[t.id]}
                                                                   if t.id in self.capacities else {}))
                                             for t in self.items],
                "next_cursor": self.next_cursor, "process_names": self.process_names}


@dataclass(frozen=True)
class HistoryEventView:
    seq: int
    event_type: str
    actor: str | None
    occurred_at: str
    payload: dict[str, Any]
    hash: str

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class InstanceView:
    id: int
    process_id: str
    version: int
    definition_id: int
    status: str
    data: dict[str, Any]
    started_by: str
    created_at: datetime
    completed_at: datetime | None
    open_tasks: tuple[TaskView, ...] = ()
    history: tuple[HistoryEventView, ...] = field(default_factory=tuple)
    title: str = ""
    urgency: str = "normal"

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "process_id": self.process_id, "version": self.version, "status": self.status,
                "title": self.title, "urgency": self.urgency,
                "data": self.data, "open_tasks": [t.to_json() for t in self.open_tasks],
                "history": [h.to_json() for h in self.history], "started_by": self.started_by,
                "created_at": iso(self.created_at), "completed_at": iso(self.completed_at)}


@dataclass(frozen=True)
class DeadlineChange:
    """An open task whose deadline a holiday change moved."""

    task_id: int
    instance_id: int
    element_id: str
    old_due: datetime | None
    new_due: datetime | None

    def to_json(self) -> dict[str, Any]:
        return {"task_id": self.task_id, "instance_id": self.instance_id, "element_id": self.element_id,
                "old_due": iso(self.old_due), "new_due": iso(self.new_due)}


@dataclass(frozen=True)
class TimerView:
    id: int
    kind: str
    instance_id: int
    task_id: int | None
    element_id: str
    due_at: datetime
    state: str
    fired_at: datetime | None
    fired_by: str | None
    attempts: int
    last_error: str | None

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.update(due_at=iso(self.due_at), fired_at=iso(self.fired_at))
        return data


@dataclass(frozen=True)
class NotificationView:
    id: int
    username: str
    kind: str
    instance_id: int | None
    task_id: int | None
    title_th: str
    title_en: str
    due_at: datetime | None
    created_at: datetime
    read_at: datetime | None
    email_status: str

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.update(due_at=iso(self.due_at), created_at=iso(self.created_at), read_at=iso(self.read_at))
        return data


@dataclass(frozen=True)
class CaseStarted:
    """What ``start`` did: the new case and the tasks now open in it."""

    instance_id: int
    process_id: str
    version: int
    status: str
    open_tasks: tuple[TaskView, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"instance_id": self.instance_id, "process_id": self.process_id, "version": self.version,
                "status": self.status, "open_tasks": [t.to_json() for t in self.open_tasks]}


@dataclass(frozen=True)
class TaskCompleted:
    """What ``complete`` did: the completed task, and the case's status and open tasks after it."""

    task: TaskView
    status: str
    open_tasks: tuple[TaskView, ...] = ()

    @property
    def instance_id(self) -> int:
        return self.task.instance_id

    def to_json(self) -> dict[str, Any]:
        return {"task_id": self.task.id, "instance_id": self.task.instance_id, "status": "completed",
                "instance_status": self.status, "task": self.task.to_json(),
                "open_tasks": [t.to_json() for t in self.open_tasks]}


@dataclass(frozen=True)
class ChainReport:
    """Whether one case's history verifies, and where it breaks first."""

    instance_id: int
    events: int
    ok: bool
    first_bad_seq: int | None = None
    reason: str = ""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class LeasedTimer:
    """A due timer leased to one scheduler (``Jobs.claim_timers``), with what firing it needs: the
    fire reads no timer row of its own. A row's kind, case, task and element never change; a moved
    or cancelled one is no longer leased, so the fire's lease check refuses it."""

    id: int
    kind: str
    instance_id: int
    task_id: int | None
    element_id: str
    due_at: datetime
    spiff_task_id: str | None = None  # the BPMN timer event's task in the workflow (kind "bpmn")

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.update(due_at=iso(self.due_at))
        return data


@dataclass(frozen=True)
class FireResult:
    timer_id: int
    kind: str
    fired: bool
    detail: str = ""
    instance_id: int | None = None
    task_id: int | None = None  # the step whose deadline or reminder it was (None for a BPMN timer)
    element_id: str = ""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class MailResult:
    """One notification e-mailed by the scheduler, or not (``error`` says why)."""

    notification_id: int
    username: str
    error: str | None = None

    @property
    def sent(self) -> bool:
        return self.error is None

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "sent": self.sent}


@dataclass(frozen=True)
class TriggerView:
    process_id: str
    trigger_id: str
    every: str
    when: str
    catch_up_days: int
    data: dict[str, object]
    next_occurrence: str | None
    last_period: str | None
    last_instance_id: int | None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class TriggerStart:
    process_id: str
    trigger_id: str
    period: str
    instance_id: int

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class RegisterAmendment:
    """A correction or a voiding of a register entry: a row of its own, kept with what it says."""

    entry_id: int
    kind: str  # corrected | cancelled
    refers_to: int | None
    at: datetime
    by: str
    reason: str
    changes: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"entry_id": self.entry_id, "kind": self.kind, "refers_to": self.refers_to, "at": iso(self.at),
                "by": self.by, "reason": self.reason, "changes": dict(self.changes)}


@dataclass(frozen=True)
class RegisterEntryView:
    """One number of a register as it reads now (the latest correction applied), with its amendments."""

    register_id: str
    period: int
    number: int
    reference: str
    registered_on: date
    letter_reference: str
    dated: date | None
    sender: str
    addressee: str
    subject: str
    action: str
    remarks: str
    urgency: str
    secrecy: str
    instance_id: int | None
    task_id: int | None
    issued_at: datetime
    issued_by: str
    capacity: dict[str, Any]
    status: str  # issued | cancelled
    cancel_reason: str = ""
    amendments: tuple[RegisterAmendment, ...] = ()

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out.update(registered_on=self.registered_on.isoformat(), issued_at=iso(self.issued_at),
                   dated=self.dated.isoformat() if self.dated else None,
                   amendments=[a.to_json() for a in self.amendments])
        return out


@dataclass(frozen=True)
class RegisterViewing:
    """One view of a secret register entry (R-COR-08): who saw which number, when, through which
    surface (web, api, cli, engine; ``:pdf`` / ``:xlsx`` for an export)."""

    reference: str
    number: int
    secrecy: str
    viewer: str
    surface: str
    viewed_at: datetime

    def to_json(self) -> dict[str, Any]:
        return {"reference": self.reference, "number": self.number, "secrecy": self.secrecy, "viewer": self.viewer,
                "surface": self.surface, "viewed_at": iso(self.viewed_at)}


@dataclass(frozen=True)
class RegisterView:
    """A register as its readers see it: what it is and what they may do with it."""

    id: str
    name_th: str
    name_en: str
    kind: str
    period_kind: str  # calendar | fiscal
    reference: str
    may_keep: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "name": {"th": self.name_th, "en": self.name_en}, "kind": self.kind,
                "period": self.period_kind, "reference": self.reference, "may_keep": self.may_keep}


@dataclass(frozen=True)
class RegisterPage:
    """The entries of one register for one period (Buddhist-era year) that the reader may see."""

    register: RegisterView
    period: int
    periods: tuple[int, ...]
    entries: tuple[RegisterEntryView, ...]
    last_number: int
    query: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"register": self.register.to_json(), "period": self.period, "periods": list(self.periods),
                "last_number": self.last_number, "query": self.query,
                "entries": [e.to_json() for e in self.entries]}


@dataclass(frozen=True)
class RegisterExport:
    """A register's page as a file (PDF or XLSX) to hand over."""

    content: bytes
    filename: str
    content_type: str

    def to_json(self) -> dict[str, Any]:
        return {"filename": self.filename, "content_type": self.content_type, "size": len(self.content)}


@dataclass(frozen=True)
class PositionView:
    """A position of the organisation: whose groups' tasks it holds and who holds it."""

    id: str
    title_th: str
    title_en: str
    groups: tuple[str, ...]
    holder: str | None

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "title": {"th": self.title_th, "en": self.title_en}, "groups": list(self.groups),
                "holder": self.holder}


@dataclass(frozen=True)
class ActingAppointmentView:
    """An acting appointment: who acts for which position, when, in which kind, under which order."""

    id: int
    position: PositionView
    username: str
    kind: str
    kind_th: str
    starts_on: date
    ends_on: date
    order_ref: str
    created_by: str
    status: str  # "upcoming" | "in_force" | "over" | "ended" (ended early by an administrator)

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "position": self.position.to_json(), "username": self.username, "kind": self.kind,
                "kind_th": self.kind_th, "starts_on": self.starts_on.isoformat(), "ends_on": self.ends_on.isoformat(),
                "order_ref": self.order_ref, "created_by": self.created_by, "status": self.status}


@dataclass(frozen=True)
class AbsenceView:
    """A user's absence and the deputy who gets their new tasks meanwhile."""

    id: int
    username: str
    deputy: str
    starts_on: date
    ends_on: date
    reason: str
    status: str  # "upcoming" | "in_force" | "over" | "cancelled"

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "username": self.username, "deputy": self.deputy,
                "starts_on": self.starts_on.isoformat(), "ends_on": self.ends_on.isoformat(), "reason": self.reason,
                "status": self.status}


@dataclass(frozen=True)
class HandOver:
    """What handing one's claimed tasks over to the deputy did: the tasks handed over, and those kept
    (with why: the deputy may not work them)."""

    deputy: str
    handed_over: tuple[int, ...]
    kept: dict[int, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"deputy": self.deputy, "handed_over": list(self.handed_over),
                "kept": {str(k): v for k, v in self.kept.items()}}


@dataclass(frozen=True)
class SignatureProblem:
    """Why a signature no longer vouches for its step: ``kind`` is ``field`` (a field of the case
    data changed or was removed after signing; ``subject`` names it), ``file`` (an attached
    document's bytes changed or are gone; ``subject`` is its name), ``key`` (the key is not the
    signer's, or was not valid when it signed), ``digest`` (the record of what was signed was
    altered) or ``signature`` (the Ed25519 signature does not verify)."""

    kind: str
    subject: str
    message: str

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "subject": self.subject, "message": self.message}


@dataclass(frozen=True)
class SignatureView:
    """A signature of a signature step, as verified when it was read (``problems`` empty: it
    verifies and nothing it covers changed since)."""

    id: int
    instance_id: int
    task_id: int
    element_id: str
    step_name: str
    signer: str
    signer_name: str
    position: dict[str, str]  # {"th", "en"}; empty strings when the signer holds no position
    capacity: dict[str, Any]  # engine.model.acting.Capacity.to_json ({"kind": "self"} for oneself)
    signed_at: datetime
    digest: str
    public_key: str
    documents: tuple[dict[str, Any], ...]
    problems: tuple[SignatureProblem, ...] = ()

    @property
    def valid(self) -> bool:
        return not self.problems

    @property
    def capacity_th(self) -> str:
        """The capacity as a letter prints it (e.g. ``ปฏิบัติราชการแทน อธิบดีกรมอนามัย``; empty for oneself)."""
        if self.capacity.get("kind", "self") == "self":
            return ""
        title = (self.capacity.get("position_title") or {}).get("th", "")
        return f"{self.capacity.get('kind_th', '')} {title}".strip()

    @property
    def block_th(self) -> tuple[str, ...]:
        """The signature block's lines as a letter prints them: (name), position, capacity."""
        return tuple(line for line in (f"({self.signer_name})", self.position.get("th", ""), self.capacity_th) if line)

    def to_json(self) -> dict[str, Any]:
        """The stable contract of ``krabuan signatures verify --json`` and the API."""
        return {"id": self.id, "instance_id": self.instance_id, "task_id": self.task_id,
                "element_id": self.element_id, "step_name": self.step_name, "signer": self.signer,
                "signer_name": self.signer_name, "position": self.position, "capacity": self.capacity,
                "signed_at": iso(self.signed_at), "digest": self.digest, "public_key": self.public_key,
                "documents": list(self.documents), "valid": self.valid, "block_th": list(self.block_th),
                "problems": [p.to_json() for p in self.problems]}
