"""Time: deadline basis and overdue mark on tasks; timers, notifications, calendar-trigger runs.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-20
"""
from alembic import op
import sqlalchemy as sa

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("groups") as batch:
        batch.add_column(sa.Column("supervisor", sa.String(100), nullable=True))
    with op.batch_alter_table("tasks") as batch:
        batch.add_column(sa.Column("deadline_json", sa.Text, nullable=True))
        batch.add_column(sa.Column("overdue_at", _TS, nullable=True))
    op.create_index("ix_tasks_state_due", "tasks", ["state", "due_at"])
    op.create_table(
        "timers",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("instance_id", _ID, nullable=False, index=True),
        sa.Column("task_id", _ID, nullable=True, index=True),
        sa.Column("spiff_task_id", sa.String(36), nullable=True),
        sa.Column("element_id", sa.String(200), nullable=False, server_default=""),
        sa.Column("due_at", _TS, nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("lease_owner", sa.String(100), nullable=True),
        sa.Column("lease_expires_at", _TS, nullable=True),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("last_error", sa.Text, nullable=True),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("fired_at", _TS, nullable=True),
        sa.Column("fired_by", sa.String(100), nullable=True),
    )
    op.create_index("ix_timers_state_due", "timers", ["state", "due_at"])
    op.create_table(
        "notifications",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("username", sa.String(100), nullable=False, index=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("instance_id", _ID, nullable=True),
        sa.Column("task_id", _ID, nullable=True),
        sa.Column("title_th", sa.String(500), nullable=False),
        sa.Column("title_en", sa.String(500), nullable=False),
        sa.Column("due_at", _TS, nullable=True),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("read_at", _TS, nullable=True),
        sa.Column("email_status", sa.String(20), nullable=False),
        sa.Column("email_error", sa.Text, nullable=True),
    )
    op.create_index("ix_notifications_email", "notifications", ["email_status"])
    op.create_table(
        "trigger_runs",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("process_id", sa.String(200), nullable=False),
        sa.Column("trigger_id", sa.String(100), nullable=False),
        sa.Column("period", sa.String(40), nullable=False),
        sa.Column("instance_id", _ID, nullable=False),
        sa.Column("started_at", _TS, nullable=False),
        sa.UniqueConstraint("process_id", "trigger_id", "period", name="uq_trigger_period"),
    )


def downgrade() -> None:
    op.drop_table("trigger_runs")
    op.drop_index("ix_notifications_email", "notifications")
    op.drop_table("notifications")
    op.drop_index("ix_timers_state_due", "timers")
    op.drop_table("timers")
    op.drop_index("ix_tasks_state_due", "tasks")
    with op.batch_alter_table("tasks") as batch:
        batch.drop_column("overdue_at")
        batch.drop_column("deadline_json")
    with op.batch_alter_table("groups") as batch:
        batch.drop_column("supervisor")
