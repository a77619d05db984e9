"""Database tables (SQLAlchemy 2 typed declarative). Schema changes go through Alembic.

Only engine/ touches these rows; callers get the dataclasses of ``engine.views``.
"""
from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# BIGINT on PostgreSQL, INTEGER (rowid alias, autoincrement) on SQLite.
IdType = BigInteger().with_variant(Integer(), "sqlite")


class UTCDateTime(TypeDecorator[datetime]):
    """Timestamps are stored and returned as UTC-aware datetimes on every database
    (SQLite hands back naive ones otherwise)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> Any:
        if isinstance(value, datetime):
            value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return value

    def process_result_value(self, value: Any, dialect: Any) -> Any:
        if isinstance(value, datetime):
            return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return value


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime}


class Group(Base):
    """A position or role (the catalog's role ids); BPMN lanes map to groups."""

    __tablename__ = "groups"
    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    name_th: Mapped[str] = mapped_column(String(300), default="")
    name_en: Mapped[str] = mapped_column(String(300), default="")
    organisation: Mapped[str] = mapped_column(String(100), default="")
    # The group told when this lane's steps are overdue (e.g. the unit's director).
    supervisor: Mapped[str | None] = mapped_column(String(100), nullable=True)


class User(Base):
    __tablename__ = "users"
    username: Mapped[str] = mapped_column(String(100), primary_key=True)
    name_th: Mapped[str] = mapped_column(String(300), default="")
    name_en: Mapped[str] = mapped_column(String(300), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Membership(Base):
    __tablename__ = "memberships"
    username: Mapped[str] = mapped_column(ForeignKey("users.username", ondelete="CASCADE"), primary_key=True)
    group_id: Mapped[str] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True)


class ProcessDefinition(Base):
    """One immutable deployed version of one executable process."""

    __tablename__ = "process_definitions"
    __table_args__ = (UniqueConstraint("process_id", "version", name="uq_definition_version"),)
    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    process_id: Mapped[str] = mapped_column(String(200), index=True)
    version: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(500), default="")
    sha256: Mapped[str] = mapped_column(String(64))
    source_name: Mapped[str] = mapped_column(String(500))
    bpmn_xml: Mapped[str] = mapped_column(Text)
    # Spiff's serialized spec (+ called subprocess specs), stored once per version.
    spec_json: Mapped[str] = mapped_column(Text)
    # Krabuan's own model of the process (steps, lanes, forms), see engine.definitions.
    model_json: Mapped[str] = mapped_column(Text)
    deployed_at: Mapped[datetime] = mapped_column()


class Instance(Base):
    __tablename__ = "instances"
    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    definition_id: Mapped[int] = mapped_column(ForeignKey("process_definitions.id"), index=True)
    process_id: Mapped[str] = mapped_column(String(200), index=True)
    status: Mapped[str] = mapped_column(String(20), index=True)
    # Spiff state without the spec ("state-only"), see engine.spiff.serializer.
    state_json: Mapped[str] = mapped_column(Text)
    # Case data snapshot for readers, so that reading never deserializes the workflow.
    data_json: Mapped[str] = mapped_column(Text, default="{}")
    version: Mapped[int] = mapped_column(Integer, default=1)
    # Head of the history chain: number of events and hash of the last one (see engine.history).
    history_seq: Mapped[int] = mapped_column(Integer, default=0)
    history_head: Mapped[str] = mapped_column(String(64), default="0" * 64)
    started_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column()
    completed_at: Mapped[datetime | None] = mapped_column(nullable=True)


class HumanTask(Base):
    """A user task as a worklist row (a projection of the Spiff state)."""

    __tablename__ = "tasks"
    __table_args__ = (
        UniqueConstraint("instance_id", "spiff_task_id", name="uq_task_spiff_id"),
        Index("ix_tasks_state_assignee", "state", "assignee"),
        Index("ix_tasks_state_due", "state", "due_at"),
    )
    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("instances.id"), index=True)
    process_id: Mapped[str] = mapped_column(String(200))
    spiff_task_id: Mapped[str] = mapped_column(String(36))
    element_id: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(500), default="")
    lane: Mapped[str | None] = mapped_column(String(200), nullable=True)
    form_key: Mapped[str | None] = mapped_column(String(200), nullable=True)
    # Space-separated copy of the task_candidates rows, for reading without a join.
    candidate_groups: Mapped[str] = mapped_column(String(1000), default="")
    assignee: Mapped[str | None] = mapped_column(String(100), nullable=True)
    # A personal task (a committee member's vote or signature): only this user may claim it.
    reserved_for: Mapped[str | None] = mapped_column(String(100), nullable=True)
    state: Mapped[str] = mapped_column(String(20))
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column()
    completed_at: Mapped[datetime | None] = mapped_column(nullable=True)
    completed_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    due_at: Mapped[datetime | None] = mapped_column(nullable=True)
    # What due_at was computed from (engine.deadlines.DeadlineBasis), to recompute it.
    deadline_json: Mapped[str | None] = mapped_column(Text, nullable=True)
    # Set when the scheduler found the task past its deadline and escalated it.
    overdue_at: Mapped[datetime | None] = mapped_column(nullable=True)


class TaskCandidate(Base):
    """Which groups may claim a task (from its lane)."""

    __tablename__ = "task_candidates"
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True)
    group_id: Mapped[str] = mapped_column(String(100), primary_key=True, index=True)


class HistoryEvent(Base):
    """Append-only, hash-chained per instance. Written only by engine.history.Recorder."""

    __tablename__ = "history_events"
    __table_args__ = (UniqueConstraint("instance_id", "seq", name="uq_history_seq"),)
    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    instance_id: Mapped[int] = mapped_column(IdType, index=True)
    seq: Mapped[int] = mapped_column(Integer)
    event_type: Mapped[str] = mapped_column(String(50))
    actor: Mapped[str | None] = mapped_column(String(100), nullable=True)
    occurred_at: Mapped[str] = mapped_column(String(32))  # ISO 8601 UTC, exactly as hashed
    payload: Mapped[str] = mapped_column(Text)  # canonical JSON, exactly as hashed
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class HolidayChange(Base):
    """An administrator added or removed a holiday (every change is kept; the latest per day wins)."""

    __tablename__ = "holiday_changes"
    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    action: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(300))
    ref: Mapped[str] = mapped_column(String(300))
    actor: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column()


class Timer(Base):
    """Something due at a time: a BPMN timer event ("bpmn"), a step's deadline ("overdue") or a
    reminder before it ("reminder"). The source of truth for the scheduler, which claims due rows
    with a lease (lease_owner until lease_expires_at) and fires each in one engine operation."""

    __tablename__ = "timers"
    __table_args__ = (Index("ix_timers_state_due", "state", "due_at"),)
    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(20))
    instance_id: Mapped[int] = mapped_column(IdType, index=True)
    task_id: Mapped[int | None] = mapped_column(IdType, nullable=True, index=True)
    spiff_task_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    element_id: Mapped[str] = mapped_column(String(200), default="")
    due_at: Mapped[datetime] = mapped_column()
    state: Mapped[str] = mapped_column(String(20))  # pending | fired | cancelled
    lease_owner: Mapped[str | None] = mapped_column(String(100), nullable=True)
    lease_expires_at: Mapped[datetime | None] = mapped_column(nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column()
    fired_at: Mapped[datetime | None] = mapped_column(nullable=True)
    fired_by: Mapped[str | None] = mapped_column(String(100), nullable=True)


class Notification(Base):
    """A message for one user (read by the web app; e-mailed when SMTP is configured)."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_email", "email_status"),)
    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(100), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # overdue | reminder
    instance_id: Mapped[int | None] = mapped_column(IdType, nullable=True)
    task_id: Mapped[int | None] = mapped_column(IdType, nullable=True)
    title_th: Mapped[str] = mapped_column(String(500))
    title_en: Mapped[str] = mapped_column(String(500))
    due_at: Mapped[datetime | None] = mapped_column(nullable=True)
    created_at: Mapped[datetime] = mapped_column()
    read_at: Mapped[datetime | None] = mapped_column(nullable=True)
    email_status: Mapped[str] = mapped_column(String(20))  # off | pending | sent | failed
    email_error: Mapped[str | None] = mapped_column(Text, nullable=True)


class TriggerRun(Base):
    """A calendar trigger started an instance for one period (at most once: the unique key)."""

    __tablename__ = "trigger_runs"
    __table_args__ = (UniqueConstraint("process_id", "trigger_id", "period", name="uq_trigger_period"),)
    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    process_id: Mapped[str] = mapped_column(String(200))
    trigger_id: Mapped[str] = mapped_column(String(100))
    period: Mapped[str] = mapped_column(String(40))
    instance_id: Mapped[int] = mapped_column(IdType)
    started_at: Mapped[datetime] = mapped_column()
