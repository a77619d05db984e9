"""Initial schema: organisation, process definitions, instances, tasks, history.

Revision ID: 0001
Revises:
Create Date: 2026-11-20
"""
from alembic import op
import sqlalchemy as sa

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "groups",
        sa.Column("id", sa.String(100), primary_key=True),
        sa.Column("name_th", sa.String(300), nullable=False),
        sa.Column("name_en", sa.String(300), nullable=False),
        sa.Column("organisation", sa.String(100), nullable=False),
    )
    op.create_table(
        "users",
        sa.Column("username", sa.String(100), primary_key=True),
        sa.Column("name_th", sa.String(300), nullable=False),
        sa.Column("name_en", sa.String(300), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
    )
    op.create_table(
        "memberships",
        sa.Column("username", sa.String(100), sa.ForeignKey("users.username", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("group_id", sa.String(100), sa.ForeignKey("groups.id", ondelete="CASCADE"),
                  primary_key=True),
    )
    op.create_table(
        "process_definitions",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("process_id", sa.String(200), nullable=False, index=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("name", sa.String(500), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("source_name", sa.String(500), nullable=False),
        sa.Column("bpmn_xml", sa.Text, nullable=False),
        sa.Column("spec_json", sa.Text, nullable=False),
        sa.Column("model_json", sa.Text, nullable=False),
        sa.Column("deployed_at", TS, nullable=False),
        sa.UniqueConstraint("process_id", "version", name="uq_definition_version"),
    )
    op.create_table(
        "instances",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("definition_id", Id, sa.ForeignKey("process_definitions.id"), nullable=False, index=True),
        sa.Column("process_id", sa.String(200), nullable=False, index=True),
        sa.Column("status", sa.String(20), nullable=False, index=True),
        sa.Column("state_json", sa.Text, nullable=False),
        sa.Column("data_json", sa.Text, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("history_seq", sa.Integer, nullable=False),
        sa.Column("history_head", sa.String(64), nullable=False),
        sa.Column("started_by", sa.String(100), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("completed_at", TS, nullable=True),
    )
    op.create_table(
        "tasks",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("instance_id", Id, sa.ForeignKey("instances.id"), nullable=False, index=True),
        sa.Column("process_id", sa.String(200), nullable=False),
        sa.Column("spiff_task_id", sa.String(36), nullable=False),
        sa.Column("element_id", sa.String(200), nullable=False),
        sa.Column("name", sa.String(500), nullable=False),
        sa.Column("lane", sa.String(200), nullable=True),
        sa.Column("form_key", sa.String(200), nullable=True),
        sa.Column("candidate_groups", sa.String(1000), nullable=False),
        sa.Column("assignee", sa.String(100), nullable=True),
        sa.Column("reserved_for", sa.String(100), nullable=True),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("completed_at", TS, nullable=True),
        sa.Column("completed_by", sa.String(100), nullable=True),
        sa.Column("due_at", TS, nullable=True),
        sa.UniqueConstraint("instance_id", "spiff_task_id", name="uq_task_spiff_id"),
    )
    op.create_index("ix_tasks_state_assignee", "tasks", ["state", "assignee"])
    op.create_table(
        "task_candidates",
        sa.Column("task_id", Id, sa.ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("group_id", sa.String(100), primary_key=True, index=True),
    )
    op.create_table(
        "history_events",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("instance_id", Id, nullable=False, index=True),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("event_type", sa.String(50), nullable=False),
        sa.Column("actor", sa.String(100), nullable=True),
        sa.Column("occurred_at", sa.String(32), nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.UniqueConstraint("instance_id", "seq", name="uq_history_seq"),
    )
    _append_only_guard()


def _append_only_guard() -> None:
    """Refuse UPDATE and DELETE (and TRUNCATE) on the history, in the database itself."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("""
            CREATE FUNCTION krabuan_history_append_only() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION 'history_events is append-only (% refused)', TG_OP;
            END;
            $$ LANGUAGE plpgsql
        """)
        op.execute("""CREATE TRIGGER history_events_no_update_delete
                      BEFORE UPDATE OR DELETE ON history_events
                      FOR EACH ROW EXECUTE FUNCTION krabuan_history_append_only()""")
        op.execute("""CREATE TRIGGER history_events_no_truncate
                      BEFORE TRUNCATE ON history_events
                      FOR EACH STATEMENT EXECUTE FUNCTION krabuan_history_append_only()""")
    else:
        op.execute("""CREATE TRIGGER history_events_no_update BEFORE UPDATE ON history_events
                      BEGIN SELECT RAISE(ABORT, 'history_events is append-only (UPDATE refused)'); END""")
        op.execute("""CREATE TRIGGER history_events_no_delete BEFORE DELETE ON history_events
                      BEGIN SELECT RAISE(ABORT, 'history_events is append-only (DELETE refused)'); END""")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS history_events_no_truncate ON history_events")
        op.execute("DROP TRIGGER IF EXISTS history_events_no_update_delete ON history_events")
        op.execute("DROP FUNCTION IF EXISTS krabuan_history_append_only()")
    for table in ("history_events", "task_candidates", "tasks", "instances", "process_definitions",
                  "memberships", "users", "groups"):
        op.drop_table(table)
