"""The JSON API's request and response bodies as pydantic models: requests are validated with
them, responses are checked against them, and the OpenAPI document is generated from them."""
from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Out(BaseModel):
    model_config = ConfigDict(extra="allow")  # a contract: keys may be added, never removed


class ErrorDetail(Out):
    code: str
    message: str
    field: str | None = None


class ErrorOut(Out):
    error: ErrorDetail


class Me(Out):
    username: str
    groups: list[str]
    roles: list[str]
    display_name: str


class ProcessOut(Out):
    process_id: str
    version: int
    name: str
    can_start: bool
    # The groups whose members may start a case of it (empty: anyone).
    start_groups: list[str]


Urgency = Literal["most_urgent", "very_urgent", "urgent", "normal"]


class StartIn(Body):
    data: dict[str, Any] = Field(default_factory=dict)
    # What the case is called on worklists (its subject or reference) and how urgent it is.
    title: str = Field(default="", max_length=500)
    urgency: Urgency = "normal"


class DelegateIn(Body):
    to: str = Field(min_length=1, max_length=100)
    reason: str = Field(min_length=1, max_length=500)


class UrgencyIn(Body):
    urgency: Urgency


class DraftIn(Body):
    # The form's values as typed (texts, or lists of texts for several choices).
    data: dict[str, str | list[str]] = Field(default_factory=dict)


class Notification(Out):
    id: int
    kind: str
    instance_id: int | None
    task_id: int | None
    title_th: str
    title_en: str
    created_at: str
    read_at: str | None


class Notifications(Out):
    unread: int
    items: list[Notification]


class Started(Out):
    instance_id: int
    process_id: str
    version: int
    status: str
    open_tasks: list[Task]


class Task(Out):
    id: int
    instance_id: int
    process_id: str
    element_id: str
    name: str
    candidate_groups: list[str]
    assignee: str | None
    form_key: str | None
    state: str
    due_at: str | None
    due_status: Literal["on_time", "due_soon", "overdue"] | None
    working_days_left: int | None = None
    urgency: Urgency | None = None
    title: str | None = None
    # A return for revision: {"kind", "decision", "by", "comment", "at", "from_step"}.
    notice: dict[str, Any] | None = None


class TaskPage(Out):
    view: str
    items: list[Task]
    next_cursor: str | None


class FormOut(Out):
    key: str
    title: dict[str, str]
    # Each field with its constraints: type, required, options, min, max, max_length, pattern, group.
    fields: list[dict[str, Any]]
    # Cross-field rules: {"check", "field" (shown next to), "message" {th, en}, "uses" (fields read)}.
    rules: list[dict[str, Any]] = Field(default_factory=list)


class Approval(Out):
    kind: Literal["approval", "signature"]
    field: str  # the form's decision field: send one of its options
    options: list[str]  # approve, return, reject...
    comment_field: str | None  # where the comment goes (None: the completion's comment)


class TaskDetail(Task):
    process_name: str
    form: FormOut | None
    control_points: list[dict[str, Any]]
    approval: Approval | None = None


class CompleteIn(Body):
    data: dict[str, Any] = Field(default_factory=dict)
    confirm: list[str] = Field(default_factory=list, max_length=100)
    comment: str = Field(default="", max_length=2000)
    # A signature step signs with the user's own password (never stored; a wrong one: 422, nothing written).
    password: str | None = Field(default=None, max_length=256, json_schema_extra={"writeOnly": True})


class Completed(Out):
    task_id: int
    instance_id: int
    instance_status: str
    task: Task
    open_tasks: list[Task]


class FileOut(Out):
    """An uploaded evidence file: a form's file field takes its ``sha256`` (a list of them for several)."""

    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    name: str
    size: int
    content_type: str


class HistoryEvent(Out):
    seq: int
    event_type: str
    actor: str | None
    occurred_at: str
    payload: dict[str, Any]
    hash: str


class SignatureProblemOut(Out):
    kind: Literal["field", "file", "key", "digest", "signature"]
    subject: str
    message: str


class SignatureOut(Out):
    id: int
    instance_id: int
    task_id: int
    element_id: str
    step_name: str
    signer: str
    signer_name: str
    position: dict[str, str]
    capacity: dict[str, Any]
    signed_at: str
    digest: str
    public_key: str
    documents: list[dict[str, Any]]
    valid: bool
    problems: list[SignatureProblemOut]


class Instance(Out):
    id: int
    process_id: str
    version: int
    status: str
    data: dict[str, Any]
    open_tasks: list[Task]
    history: list[HistoryEvent]
    started_by: str
    created_at: str
    completed_at: str | None


class RegisterOut(Out):
    """A register the caller reads (processes/registers.yaml)."""

    id: str
    name: dict[str, str]
    kind: str
    # calendar or fiscal: the Buddhist-era year its numbers count in.
    period: str
    # How a number is written: {n} the number, {be_year} the year (e.g. สธ 0701/{n}).
    reference: str
    # The caller keeps it: may void numbers and correct entries.
    may_keep: bool


class RegisterAmendmentOut(Out):
    entry_id: int
    kind: Literal["corrected", "cancelled"]
    refers_to: int | None
    at: str
    by: str
    reason: str
    changes: dict[str, Any]


class RegisterEntryOut(Out):
    """One number of a register as it reads now (the latest correction applied)."""

    register_id: str
    period: int
    number: int
    reference: str
    registered_on: str
    letter_reference: str
    dated: str | None
    sender: str
    addressee: str
    subject: str
    action: str
    remarks: str
    urgency: str
    secrecy: Literal["normal", "secret", "very_secret", "most_secret"]
    instance_id: int | None
    task_id: int | None
    issued_at: str
    issued_by: str
    status: Literal["issued", "cancelled"]
    cancel_reason: str
    amendments: list[RegisterAmendmentOut]


class RegisterPageOut(Out):
    model_config = ConfigDict(extra="allow", serialize_by_alias=True)
    # "register" (a name BaseModel keeps for itself in Python).
    register_: RegisterOut = Field(alias="register")
    period: int
    periods: list[int]
    last_number: int
    query: str
    entries: list[RegisterEntryOut]


class RegisterViewingOut(Out):
    """One view of a secret register entry (R-COR-08)."""

    reference: str
    number: int
    secrecy: str
    viewer: str
    # web, api, cli or engine; an export adds its format (web:pdf, api:xlsx).
    surface: str
    viewed_at: str


class VoidIn(Body):
    reason: str = Field(min_length=1, max_length=1000)
    # The Buddhist-era year of the number (default: the current one).
    year: int | None = Field(default=None, ge=2400, le=2800)


class CorrectIn(Body):
    # Register columns to change: reference, dated (YYYY-MM-DD), from, to, subject, action, remarks, secrecy.
    changes: dict[str, str | None] = Field(min_length=1, max_length=8)
    reason: str = Field(min_length=1, max_length=1000)
    year: int | None = Field(default=None, ge=2400, le=2800)
