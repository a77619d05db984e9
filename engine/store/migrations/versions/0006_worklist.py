"""The worklist as index range scans: every view is read in the order it shows (urgency, then
due date, then id) from an index that holds exactly its rows, branch by branch (assigned to me,
reserved for me, queued for one of my groups, open to anyone), so a page costs the same for a
user with 10,000 tasks as for one with 10, and page 500 as page 1.

- ``tasks.due_sort``: the due time, or 9999-12-31 for a task without one (no NULLs to order).
- ``task_candidates`` carries its task's sort key and whether the task waits in the group's
  queue (open, unclaimed, not reserved); a trigger keeps them following the task row, so no
  write of a task costs an extra round trip. The same trigger deletes a task's drafts once it is
  no longer open.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04
"""
from alembic import op
import sqlalchemy as sa

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)
_QUEUED = "NEW.state = 'open' AND NEW.assignee IS NULL AND NEW.reserved_for IS NULL"
_FOLLOW = f"UPDATE task_candidates SET queued = ({_QUEUED}), urgency = NEW.urgency, due_sort = NEW.due_sort " \
          "WHERE task_id = NEW.id; DELETE FROM drafts WHERE task_id = NEW.id AND NEW.state <> 'open'"
_WATCHED = "assignee, reserved_for, state, urgency, due_sort"


def _far() -> str:
    return "'9999-12-31 00:00:00+00'" if op.get_bind().dialect.name == "postgresql" else "'9999-12-31 00:00:00.000000'"


def upgrade() -> None:
    far = sa.text(_far())
    with op.batch_alter_table("tasks") as batch:
        batch.add_column(sa.Column("due_sort", _TS, nullable=False, server_default=far))
    op.execute(f"UPDATE tasks SET due_sort = COALESCE(due_at, {_far()})")
    with op.batch_alter_table("task_candidates") as batch:
        batch.add_column(sa.Column("queued", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("urgency", sa.SmallInteger(), nullable=False, server_default="4"))
        batch.add_column(sa.Column("due_sort", _TS, nullable=False, server_default=far))
    op.execute("UPDATE task_candidates SET queued = (SELECT t.state = 'open' AND t.assignee IS NULL AND "
               "t.reserved_for IS NULL FROM tasks t WHERE t.id = task_candidates.task_id), "
               "urgency = (SELECT t.urgency FROM tasks t WHERE t.id = task_candidates.task_id), "
               "due_sort = (SELECT t.due_sort FROM tasks t WHERE t.id = task_candidates.task_id)")
    op.drop_index("ix_tasks_state_assignee", "tasks")  # ix_tasks_mine holds what it held, in order
    assigned = "state = 'open' AND assignee IS NOT NULL"
    op.create_index("ix_tasks_mine", "tasks", ["assignee", "urgency", "due_sort", "id"],
                    postgresql_where=sa.text(assigned), sqlite_where=sa.text(assigned))
    reserved = "state = 'open' AND assignee IS NULL AND reserved_for IS NOT NULL"
    op.create_index("ix_tasks_reserved", "tasks", ["reserved_for", "urgency", "due_sort", "id"],
                    postgresql_where=sa.text(reserved), sqlite_where=sa.text(reserved))
    anyone = "state = 'open' AND assignee IS NULL AND reserved_for IS NULL AND candidate_groups = ''"
    op.create_index("ix_tasks_anyone", "tasks", ["urgency", "due_sort", "id"],
                    postgresql_where=sa.text(anyone), sqlite_where=sa.text(anyone))
    op.create_index("ix_tasks_completed_by", "tasks", ["completed_by", "completed_at", "id"],
                    postgresql_where=sa.text("state = 'completed'"), sqlite_where=sa.text("state = 'completed'"))
    op.create_index("ix_task_candidates_queue", "task_candidates", ["group_id", "urgency", "due_sort", "task_id"],
                    postgresql_where=sa.text("queued"), sqlite_where=sa.text("queued = 1"))
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"""CREATE FUNCTION krabuan_candidates_follow() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN {_FOLLOW}; RETURN NULL; END $$""")
        op.execute(f"CREATE TRIGGER tasks_candidates_follow AFTER UPDATE OF {_WATCHED} ON tasks "
                   "FOR EACH ROW EXECUTE FUNCTION krabuan_candidates_follow()")
    else:
        op.execute(f"CREATE TRIGGER tasks_candidates_follow AFTER UPDATE OF {_WATCHED} ON tasks "
                   f"FOR EACH ROW BEGIN {_FOLLOW}; END")


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS tasks_candidates_follow" +
               (" ON tasks" if op.get_bind().dialect.name == "postgresql" else ""))
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS krabuan_candidates_follow()")
    for name, table in (("ix_task_candidates_queue", "task_candidates"), ("ix_tasks_completed_by", "tasks"),
                        ("ix_tasks_anyone", "tasks"), ("ix_tasks_reserved", "tasks"), ("ix_tasks_mine", "tasks")):
        op.drop_index(name, table)
    op.create_index("ix_tasks_state_assignee", "tasks", ["state", "assignee"])
    with op.batch_alter_table("task_candidates") as batch:
        batch.drop_column("due_sort")
        batch.drop_column("urgency")
        batch.drop_column("queued")
    with op.batch_alter_table("tasks") as batch:
        batch.drop_column("due_sort")
