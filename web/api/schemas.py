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


class StartIn(Body):
    data: dict[str, Any] = Field(default_factory=dict)


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
    urgency: str | None = None


class TaskPage(Out):
    view: str
    items: list[Task]
    next_cursor: str | None


class FormOut(Out):
    key: str
    title: dict[str, str]
    fields: list[dict[str, Any]]


class TaskDetail(Task):
    process_name: str
    form: FormOut | None
    control_points: list[dict[str, Any]]


class CompleteIn(Body):
    data: dict[str, Any] = Field(default_factory=dict)
    confirm: list[str] = Field(default_factory=list, max_length=100)
    comment: str = Field(default="", max_length=2000)


class Completed(Out):
    task_id: int
    instance_id: int
    instance_status: str
    task: Task
    open_tasks: list[Task]


class HistoryEvent(Out):
    seq: int
    event_type: str
    actor: str | None
    occurred_at: str
    payload: dict[str, Any]
    hash: str


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
