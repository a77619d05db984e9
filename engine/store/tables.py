"""Database tables as SQLAlchemy Core tables (no ORM: nothing here maps rows to objects, and a
command need not import the ORM). Schema changes go through Alembic.

Only engine/ touches these rows; callers get the dataclasses of ``engine.views``.
"""
from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
    text,
)

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


metadata = MetaData()


# A position or role (the catalog's role ids); BPMN lanes map to groups.
Group = Table(
    "groups", metadata,
    Column("id", String(100), primary_key=True),
    Column("name_th", String(300), default="", nullable=False),
    Column("name_en", String(300), default="", nullable=False),
    Column("organisation", String(100), default="", nullable=False),
    # The group told when this lane's steps are overdue (e.g. the unit's director).
    Column("supervisor", String(100)),
)


User = Table(
    "users", metadata,
    Column("username", String(100), primary_key=True),
    Column("name_th", String(300), default="", nullable=False),
    Column("name_en", String(300), default="", nullable=False),
    Column("active", Boolean, default=True, nullable=False),
    # System roles, space-separated (engine.model.organisation.ROLES).
    Column("roles", String(200), default="", server_default="", nullable=False),
    # Argon2id (argon2-cffi); NULL: the user cannot sign in.
    Column("password_hash", String(200)),
    Column("password_changed_at", UTCDateTime),
    # Display preferences: language ("th" | "en", None = the app's default), Thai digits.
    Column("language", String(5)),
    Column("thai_digits", Boolean, default=False, server_default=false(), nullable=False),
)


Membership = Table(
    "memberships", metadata,
    Column("username", ForeignKey("users.username", ondelete="CASCADE"), primary_key=True),
    Column("group_id", ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True),
)


# One immutable deployed version of one executable process.
ProcessDefinition = Table(
    "process_definitions", metadata,
    Column("id", IdType, primary_key=True, autoincrement=True),
    Column("process_id", String(200), index=True, nullable=False),
    Column("version", Integer, nullable=False),
    Column("name", String(500), default="", nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("source_name", String(500), nullable=False),
    Column("bpmn_xml", Text, nullable=False),
    # Spiff's serialized spec (+ called subprocess specs), stored once per version.
    Column("spec_json", Text, nullable=False),
    # Krabuan's own model of the process (steps, lanes, forms), see engine.definitions.
    Column("model_json", Text, nullable=False),
    Column("deployed_at", UTCDateTime, nullable=False),
    # New cases start on the newest version in effect on their start date (NULL: since deployed).
    Column("effective_from", Date),
    # A version published from the browser: its author, its second person, its change.
    Column("published_by", String(100)),
    Column("approved_by", String(100)),
    Column("change_id", IdType),
    # The readable diff against the version before (engine.model.process_diff), kept with it.
    Column("diff_json", Text),
    # The forms this version uses, when edited with it ({key: form as in a forms file}); NULL:
    # the forms folder's.
    Column("forms_json", Text),
    UniqueConstraint("process_id", "version", name="uq_definition_version"),
)


# One proposed change of a procedure: a draft saved as its owners work, then submitted with an
# effective date, then approved (publishing version n + 1) or rejected by a second person.
ProcessChange = Table(
    "process_changes", metadata,
    Column("id", IdType, primary_key=True, autoincrement=True),
    Column("process_id", String(200), nullable=False),
    Column("base_version", Integer, nullable=False),
    # draft | submitted | published | rejected | withdrawn
    Column("status", String(16), nullable=False),
    # 1 while open (draft or submitted), NULL after: one open change per procedure.
    Column("open_slot", SmallInteger),
    Column("bpmn_xml", Text, nullable=False),
    # The forms edited with this change ({key: form as in a forms file}).
    Column("forms_json", Text, nullable=False, server_default="{}"),
    # Everyone who saved the draft, space-separated: none of them may approve it.
    Column("authors", String(1000), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("lock_version", Integer, nullable=False, server_default="1"),
    Column("effective_from", Date),
    Column("note", Text, nullable=False, server_default=""),
    Column("submitted_by", String(100)),
    Column("submitted_at", UTCDateTime),
    Column("diff_json", Text),
    Column("decided_by", String(100)),
    Column("decided_at", UTCDateTime),
    Column("decision_note", Text, nullable=False, server_default=""),
    Column("published_version", Integer),
    UniqueConstraint("process_id", "open_slot", name="uq_process_change_open"),
    Index("ix_process_changes_process", "process_id", "id"),
)


Instance = Table(
    "instances", metadata,
    Column("id", IdType, primary_key=True, autoincrement=True),
    Column("definition_id", ForeignKey("process_definitions.id"), index=True, nullable=False),
    Column("process_id", String(200), index=True, nullable=False),
    Column("status", String(20), index=True, nullable=False),
    # Spiff state without the spec ("state-only"), see engine.spiff.serializer.
    Column("state_json", Text, nullable=False),
    # Case data snapshot for readers, so that reading never deserializes the workflow.
    Column("data_json", Text, default="{}", nullable=False),
    Column("version", Integer, default=1, nullable=False),
    # Head of the history chain: number of events and hash of the last one (see engine.history).
    Column("history_seq", Integer, default=0, nullable=False),
    Column("history_head", String(64), default="0" * 64, nullable=False),
    Column("started_by", String(100), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("completed_at", UTCDateTime),
    # What the worklist shows of the case: its title (or reference) and urgency rank
    # (1 ด่วนที่สุด, 2 ด่วนมาก, 3 ด่วน, 4 ปกติ; see engine.model.urgency), set at start.
    Column("title", String(500), default="", server_default="", nullable=False),
    Column("urgency", SmallInteger, default=4, server_default="4", nullable=False),
)


FAR_FUTURE = datetime(9999, 12, 31, tzinfo=UTC)
_ASSIGNED = "state = 'open' AND assignee IS NOT NULL"
_RESERVED = "state = 'open' AND assignee IS NULL AND reserved_for IS NOT NULL"
_ANYONE = "state = 'open' AND assignee IS NULL AND reserved_for IS NULL AND candidate_groups = ''"


# A user task as a worklist row (a projection of the Spiff state).
HumanTask = Table(
    "tasks", metadata,
    Column("id", IdType, primary_key=True, autoincrement=True),
    Column("instance_id", ForeignKey("instances.id"), index=True, nullable=False),
    Column("process_id", String(200), nullable=False),
    Column("spiff_task_id", String(36), nullable=False),
    Column("element_id", String(200), nullable=False),
    Column("name", String(500), default="", nullable=False),
    Column("lane", String(200)),
    Column("form_key", String(200)),
    # Space-separated copy of the task_candidates rows, for reading without a join.
    Column("candidate_groups", String(1000), default="", nullable=False),
    Column("assignee", String(100)),
    # A personal task (a committee member's vote or signature): only this user may claim it.
    Column("reserved_for", String(100)),
    Column("state", String(20), nullable=False),
    Column("version", Integer, default=1, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("completed_at", UTCDateTime),
    Column("completed_by", String(100)),
    # What the completion recorded, kept on the row for the auditors' reports (migration 0015;
    # verify checks both against the history): how many control points were confirmed, and
    # whether an acting official completed it. NULL until the task is completed.
    Column("controls_confirmed", SmallInteger),
    Column("acting", Boolean),
    Column("due_at", UTCDateTime),
    # What due_at was computed from (engine.deadlines.DeadlineBasis), to recompute it.
    Column("deadline_json", Text),
    # Set when the scheduler found the task past its deadline and escalated it.
    Column("overdue_at", UTCDateTime),
    # The case's title and urgency, copied here so that the worklist sorts and filters on one table.
    Column("title", String(500), default="", server_default="", nullable=False),
    Column("urgency", SmallInteger, default=4, server_default="4", nullable=False),
    # A note for whoever works the task (a return for revision: who returned it, why), JSON.
    Column("notice_json", Text),
    # The due time, or FAR_FUTURE without one: the worklist's order has no NULLs (migration 0006).
    Column("due_sort", UTCDateTime, nullable=False),
    UniqueConstraint("instance_id", "spiff_task_id", name="uq_task_spiff_id"),
    Index("ix_tasks_state_due", "state", "due_at"),
    # The worklist's branches, each an index in the order it shows (engine.store.worklist).
    Index("ix_tasks_mine", "assignee", "urgency", "due_sort", "id", postgresql_where=text(_ASSIGNED),
          sqlite_where=text(_ASSIGNED)),
    Index("ix_tasks_reserved", "reserved_for", "urgency", "due_sort", "id",
          postgresql_where=text(_RESERVED), sqlite_where=text(_RESERVED)),
    Index("ix_tasks_anyone", "urgency", "due_sort", "id", postgresql_where=text(_ANYONE), sqlite_where=text(_ANYONE)),
    Index("ix_tasks_completed_by", "completed_by", "completed_at", "id",
          postgresql_where=text("state = 'completed'"), sqlite_where=text("state = 'completed'")),
)


# Which groups may claim a task (from its lane). Each row carries its task's worklist sort key and
# whether the task waits in the group's queue (open, unclaimed, not reserved): written with the
# task, then kept following it by a trigger on tasks (migration 0006).
TaskCandidate = Table(
    "task_candidates", metadata,
    Column("task_id", ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True),
    Column("group_id", String(100), primary_key=True, index=True),
    Column("queued", Boolean, default=False, server_default=false(), nullable=False),
    Column("urgency", SmallInteger, default=4, server_default="4", nullable=False),
    Column("due_sort", UTCDateTime, nullable=False),
    Index("ix_task_candidates_queue", "group_id", "urgency", "due_sort", "task_id",
          postgresql_where=text("queued"), sqlite_where=text("queued = 1")),
)


# Append-only, hash-chained per instance. Written only by engine.history.Recorder.
HistoryEvent = Table(
    "history_events", metadata,
    Column("id", IdType, primary_key=True, autoincrement=True),
    Column("instance_id", IdType, index=True, nullable=False),
    Column("seq", Integer, nullable=False),
    Column("event_type", String(50), nullable=False),
    Column("actor", String(100)),
    Column("occurred_at", String(32), nullable=False),  # ISO 8601 UTC, exactly as hashed
    Column("payload", Text, nullable=False),  # canonical JSON, exactly as hashed
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    UniqueConstraint("instance_id", "seq", name="uq_history_seq"),
)


# An administrator added or removed a holiday (every change is kept; the latest per day wins).
HolidayChange = Table(
    "holiday_changes", metadata,
    Column("id", IdType, primary_key=True, autoincrement=True),
    Column("day", Date, index=True, nullable=False),
    Column("action", String(10), nullable=False),
    Column("name", String(300), nullable=False),
    Column("ref", String(300), nullable=False),
    Column("actor", String(100), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)


# Something due at a time: a BPMN timer event ("bpmn"), a step's deadline ("overdue") or a
# reminder before it ("reminder"). The source of truth for the scheduler, which claims due rows
# with a lease (lease_owner until lease_expires_at) and fires each in one engine operation.
Timer = Table(
    "timers", metadata,
    Column("id", IdType, primary_key=True, autoincrement=True),
    Column("kind", String(20), nullable=False),
    Column("instance_id", IdType, index=True, nullable=False),
    Column("task_id", IdType, index=True),
    Column("spiff_task_id", String(36)),
    Column("element_id", String(200), default="", nullable=False),
    Column("due_at", UTCDateTime, nullable=False),
    Column("state", String(20), nullable=False),  # pending | fired | cancelled
    Column("lease_owner", String(100)),
    Column("lease_expires_at", UTCDateTime),
    Column("attempts", Integer, default=0, nullable=False),
    Column("last_error", Text),
    Column("created_at", UTCDateTime, nullable=False),
    Column("fired_at", UTCDateTime),
    Column("fired_by", String(100)),
    Index("ix_timers_state_due", "state", "due_at"),
)


# A message for one user (read by the web app; e-mailed when SMTP is configured).
Notification = Table(
    "notifications", metadata,
    Column("id", IdType, primary_key=True, autoincrement=True),
    Column("username", String(100), index=True, nullable=False),
    Column("kind", String(20), nullable=False),  # overdue | reminder | delegated | returned
    Column("instance_id", IdType),
    Column("task_id", IdType),
    Column("title_th", String(500), nullable=False),
    Column("title_en", String(500), nullable=False),
    Column("due_at", UTCDateTime),
    Column("created_at", UTCDateTime, nullable=False),
    Column("read_at", UTCDateTime),
    Column("email_status", String(20), nullable=False),  # off | pending | sent | failed
    Column("email_error", Text),
    Index("ix_notifications_email", "email_status"),
)


# A calendar trigger started an instance for one period (at most once: the unique key).
TriggerRun = Table(
    "trigger_runs", metadata,
    Column("id", IdType, primary_key=True, autoincrement=True),
    Column("process_id", String(200), nullable=False),
    Column("trigger_id", String(100), nullable=False),
    Column("period", String(40), nullable=False),
    Column("instance_id", IdType, nullable=False),
    Column("started_at", UTCDateTime, nullable=False),
    UniqueConstraint("process_id", "trigger_id", "period", name="uq_trigger_period"),
)


# A signed-in browser: the cookie holds a random secret, this row its SHA-256. Deleted at
# logout; dead after ``expires_at`` or when idle past the settings' limit.
WebSession = Table(
    "web_sessions", metadata,
    Column("id_hash", String(64), primary_key=True),
    Column("username", ForeignKey("users.username", ondelete="CASCADE"), nullable=False, index=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_seen_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("address", String(100), default="", nullable=False),
)


# A bearer token for scripts (/api/v1): shown once, stored as its SHA-256.
ApiToken = Table(
    "api_tokens", metadata,
    Column("id", IdType, primary_key=True, autoincrement=True),
    Column("username", ForeignKey("users.username", ondelete="CASCADE"), nullable=False, index=True),
    Column("name", String(100), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_used_at", UTCDateTime),
    Column("revoked_at", UTCDateTime),
)


# An uploaded evidence file: one row per upload (its name as given), the bytes stored once by
# SHA-256 in the data folder (engine.services.files).
StoredFile = Table(
    "files", metadata,
    Column("id", IdType, primary_key=True, autoincrement=True),
    Column("sha256", String(64), nullable=False, index=True),
    Column("name", String(300), nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("content_type", String(100), nullable=False),
    Column("uploaded_by", String(100), nullable=False),
    Column("uploaded_at", UTCDateTime, nullable=False),
)


# A file a case refers to (from a file field of a completed task): who may see the case may
# download it.
CaseFile = Table(
    "case_files", metadata,
    Column("instance_id", IdType, primary_key=True),
    Column("sha256", String(64), primary_key=True, index=True),
    Column("task_id", IdType, primary_key=True),
    Column("field", String(100), primary_key=True),
    Column("added_by", String(100), nullable=False),
    Column("added_at", UTCDateTime, nullable=False),
)


# A task's form as someone saved it without completing: private to that person, kept across
# sign-outs, deleted when the task is completed.
Draft = Table(
    "drafts", metadata,
    Column("task_id", IdType, primary_key=True),
    Column("username", String(100), primary_key=True),
    Column("data_json", Text, nullable=False),
    Column("saved_at", UTCDateTime, nullable=False),
)


# The fingerprint of the server key the history chain is written with (engine.server_key).
ServerKeyRow = Table(
    "server_keys", metadata,
    Column("id", SmallInteger, primary_key=True, autoincrement=False),  # always 1: one key per database
    Column("fingerprint", String(64), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)


# Each signed checkpoint line, as written to checkpoints.jsonl (engine.services.checkpoints).
CheckpointRow = Table(
    "checkpoints", metadata,
    Column("id", IdType, primary_key=True, autoincrement=True),
    Column("written_at", UTCDateTime, nullable=False, index=True),
    Column("line", Text, nullable=False),
)


# The official registers (engine.model.registers, processes/registers.yaml): one counter per
# register and period (the Buddhist-era calendar or fiscal year), moved only by the transaction
# that issues a number (engine.store.registers), so a rolled-back step leaves no gap.
RegisterCounter = Table(
    "register_counters", metadata,
    Column("register_id", String(64), primary_key=True),
    Column("period", Integer, primary_key=True, autoincrement=False),
    Column("last_number", BigInteger, nullable=False),
)


# The entries of the registers, append-only (triggers refuse UPDATE and DELETE, migration 0008):
# a number issued is one "issued" row; a correction is a "corrected" row and a voided number a
# "cancelled" row, each referring to the row it amends (refers_to), with its reason. The columns
# are the paper register's (ที่, ลงวันที่, จาก, ถึง, เรื่อง, การปฏิบัติ, หมายเหตุ).
RegisterEntry = Table(
    "register_entries", metadata,
    Column("id", IdType, primary_key=True, autoincrement=True),
    Column("register_id", String(64), nullable=False),
    Column("period", Integer, nullable=False),
    Column("number", BigInteger, nullable=False),
    Column("kind", String(16), nullable=False),  # issued | corrected | cancelled
    Column("refers_to", IdType),
    Column("reference", String(200), nullable=False),  # the number as written (สธ 0701/12)
    Column("registered_on", Date, nullable=False),  # วันที่ลงทะเบียน (Bangkok)
    Column("letter_reference", String(200), nullable=False),  # ที่
    Column("dated", Date),  # ลงวันที่
    Column("sender", Text, nullable=False),  # จาก
    Column("addressee", Text, nullable=False),  # ถึง
    Column("subject", Text, nullable=False),  # เรื่อง
    Column("action", Text, nullable=False),  # การปฏิบัติ
    Column("remarks", Text, nullable=False),  # หมายเหตุ
    Column("urgency", SmallInteger, nullable=False),  # engine.model.urgency rank
    Column("secrecy", SmallInteger, nullable=False),  # engine.model.registers.SECRECY rank
    Column("instance_id", IdType),
    Column("task_id", IdType),
    Column("issued_at", UTCDateTime, nullable=False),
    Column("issued_by", String(100), nullable=False),
    # In what capacity (free data until acting officials exist: e.g. {"capacity": "self"}), JSON.
    Column("capacity_json", Text, nullable=False),
    Column("reason", Text, nullable=False),
    Index("ix_register_entries_number", "register_id", "period", "number"),
    Index("ix_register_entries_instance", "instance_id"),
    Index("uq_register_entries_issued", "register_id", "period", "number", unique=True,
          postgresql_where=text("kind = 'issued'"), sqlite_where=text("kind = 'issued'")),
)


# Who viewed which secret register entry, when and through which surface (R-COR-08; append-only,
# migration 0011; written by engine.services.registers).
RegisterViewLog = Table(
    "register_views", metadata,
    Column("id", IdType, primary_key=True, autoincrement=True),
    Column("register_id", String(64), nullable=False),
    Column("period", Integer, nullable=False),
    Column("number", BigInteger, nullable=False),
    Column("reference", String(200), nullable=False),
    Column("secrecy", SmallInteger, nullable=False),  # engine.model.registers.SECRECY rank
    Column("viewer", String(100), nullable=False),
    Column("surface", String(16), nullable=False),  # web | api | export | cli | engine
    Column("viewed_at", UTCDateTime, nullable=False),
    Index("ix_register_views_entry", "register_id", "period", "number"),
)

# Positions (ตำแหน่ง) of the organisation file: whose tasks each holds (its groups, space-separated)
# and who holds it (engine.model.organisation.OrgPosition).
Position = Table(
    "positions", metadata,
    Column("id", String(100), primary_key=True),
    Column("title_th", String(300), default="", nullable=False),
    Column("title_en", String(300), default="", nullable=False),
    Column("groups", String(1000), default="", nullable=False),
    Column("holder", String(100)),
)


# Acting appointments (engine.services.acting): who acts for which position, from and to (Bangkok
# dates, inclusive), in which kind (engine.model.acting.KINDS), under which order. Never deleted:
# ending one early sets ``ended_at``; the rights end on their own after ``ends_on``.
ActingAppointment = Table(
    "acting_appointments", metadata,
    Column("id", IdType, primary_key=True, autoincrement=True),
    Column("position_id", String(100), nullable=False),
    Column("username", String(100), nullable=False),
    Column("kind", String(30), nullable=False),
    Column("starts_on", Date, nullable=False),
    Column("ends_on", Date, nullable=False),
    Column("order_ref", String(200), nullable=False),
    Column("created_by", String(100), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("ended_at", UTCDateTime),
    Column("ended_by", String(100)),
    Index("ix_acting_user", "username", "ends_on"),
    Index("ix_acting_position", "position_id", "ends_on"),
)


# A user's absence (ลา): from and to (Bangkok dates, inclusive), and the deputy of the same group
# who gets the new tasks that would go to them. Cancelling sets ``cancelled_at``.
Absence = Table(
    "absences", metadata,
    Column("id", IdType, primary_key=True, autoincrement=True),
    Column("username", String(100), nullable=False),
    Column("deputy", String(100), nullable=False),
    Column("starts_on", Date, nullable=False),
    Column("ends_on", Date, nullable=False),
    Column("reason", String(500), default="", nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("cancelled_at", UTCDateTime),
    Index("ix_absences_user", "username", "ends_on"),
)


# "On behalf of": a task shared for preparation with a named colleague (a secretary), who may open
# it and save its draft, never complete it (the history records the sharing).
TaskPreparer = Table(
    "task_preparers", metadata,
    Column("task_id", IdType, primary_key=True),
    Column("username", String(100), primary_key=True),
    Column("shared_by", String(100), nullable=False),
    Column("shared_at", UTCDateTime, nullable=False),
)


# Each user's Ed25519 key pairs (engine.signing): the public key (hex) with its validity, and the
# private key wrapped under a key derived from the user's own password (engine.signing.WrappedKey,
# JSON). Migration 0009's triggers keep the public part fixed and the rows forever.
UserKey = Table(
    "user_keys", metadata,
    Column("id", IdType, primary_key=True, autoincrement=True),
    Column("username", String(100), nullable=False, index=True),
    Column("public_key", String(64), nullable=False, unique=True),
    Column("valid_from", UTCDateTime, nullable=False),
    Column("valid_to", UTCDateTime),
    Column("wrapped_key", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)


# Signatures recorded at signature steps (engine.services.signatures); append-only (migration 0009).
SignatureRow = Table(
    "signatures", metadata,
    Column("id", IdType, primary_key=True, autoincrement=True),
    Column("instance_id", IdType, nullable=False, index=True),
    Column("task_id", IdType, nullable=False, index=True),
    Column("element_id", String(200), nullable=False),
    Column("signer", String(100), nullable=False),
    Column("signer_name", String(300), nullable=False),
    Column("position_json", Text, nullable=False),
    Column("capacity_json", Text, nullable=False),
    Column("signed_at", UTCDateTime, nullable=False),
    Column("content_json", Text, nullable=False),
    Column("documents_json", Text, nullable=False),
    Column("digest", String(64), nullable=False),
    Column("key_id", IdType, nullable=False),
    Column("signature", String(128), nullable=False),
)


# Who viewed what as an auditor: a case page, its replay, a search (its results) or an export; when
# and through which surface (append-only, migration 0013; written by engine.services.audit_search
# and engine.services.case_replay). The system's log, not a case's hash-chained history.
AuditViewLog = Table(
    "audit_views", metadata,
    Column("id", IdType, primary_key=True, autoincrement=True),
    Column("viewer", String(100), nullable=False),
    Column("what", String(16), nullable=False),  # case | replay | search | export
    Column("instance_id", IdType),  # the case viewed (None: a search or an export)
    Column("detail", Text, nullable=False),  # the search's filters (JSON), or ""
    Column("surface", String(16), nullable=False),  # web | cli | api
    Column("viewed_at", UTCDateTime, nullable=False),
    Index("ix_audit_views_instance", "instance_id", "id"),
)


# System-wide verifications run in the background (migration 0014; engine.store.verification_runs):
# asked for by an auditor or due by the clock (one per ``slot``), claimed by one scheduler, and
# their result. The auditor's verify page shows the newest instead of verifying every case per view.
VerificationRun = Table(
    "verification_runs", metadata,
    Column("id", IdType, primary_key=True, autoincrement=True),
    Column("slot", String(64), nullable=False, unique=True),
    Column("requested_by", String(100)),  # None: due by the clock
    Column("requested_at", UTCDateTime, nullable=False),
    Column("owner", String(200)),  # the scheduler running it
    Column("started_at", UTCDateTime),
    Column("finished_at", UTCDateTime),
    Column("cases", Integer),
    Column("events", BigInteger),
    Column("findings_json", Text),  # [Finding.to_json(), …]
    Column("checkpoint_at", UTCDateTime),
    Column("checkpoint_cases", Integer),
    Column("error", Text),  # why the run could not finish
    Index("ix_verification_runs_requested", "requested_at"),
)
