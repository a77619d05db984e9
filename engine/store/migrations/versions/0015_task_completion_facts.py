"""What a completion recorded, on its task row (issue 14: the controls report at 100,000 cases).

- ``tasks.controls_confirmed``: how many control points the completion confirmed;
- ``tasks.acting``: whether an acting official completed it (its history event has a capacity).

The auditors' controls report grouped every ``task_completed`` history payload, parsed as JSON
(1 to 1.5 s of its 2.1 s at 100,000 cases); it now reads the task rows. Both are written with the
completion, in its operation, and ``krabuan audit verify`` checks them against the history. The
rows completed before this migration are filled from their ``task_completed`` events here.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06
"""
from alembic import op
import sqlalchemy as sa

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tasks") as batch:
        batch.add_column(sa.Column("controls_confirmed", sa.SmallInteger()))
        batch.add_column(sa.Column("acting", sa.Boolean()))
    backfill(op.get_bind())


def backfill(bind: sa.engine.Connection) -> None:
    """Fill the completed rows from their ``task_completed`` events (tests/engine/store/test_schema.py)."""
    if bind.dialect.name == "postgresql":
        bind.execute(sa.text("""
            UPDATE tasks SET controls_confirmed = coalesce(json_array_length(r.confirmed_controls), 0),
                             acting = r.capacity IS NOT NULL
            FROM history_events h,
                 json_to_record(CAST(h.payload AS json)) AS r(task_id bigint, confirmed_controls json, capacity json)
            WHERE h.event_type = 'task_completed' AND r.task_id = tasks.id AND tasks.state = 'completed'"""))
    else:
        bind.execute(sa.text("""
            UPDATE tasks SET controls_confirmed = h.controls, acting = h.acting
            FROM (SELECT json_extract(payload, '$.task_id') AS task_id,
                         coalesce(json_array_length(payload, '$.confirmed_controls'), 0) AS controls,
                         json_type(payload, '$.capacity') IS NOT NULL AS acting
                  FROM history_events WHERE event_type = 'task_completed') AS h
            WHERE h.task_id = tasks.id AND tasks.state = 'completed'"""))


def downgrade() -> None:
    with op.batch_alter_table("tasks") as batch:
        batch.drop_column("acting")
        batch.drop_column("controls_confirmed")
