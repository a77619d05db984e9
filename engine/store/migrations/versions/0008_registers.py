"""The official registers: a counter per register and period, and the append-only entries.

- ``register_counters``: the last number issued per register and Buddhist-era year; moved by a
  locking ``UPDATE ... RETURNING`` inside the transaction of the step that takes the number.
- ``register_entries``: one row per number issued, correction or voiding (a new row that refers to
  the one it amends). Append-only: triggers refuse UPDATE and DELETE (and TRUNCATE on PostgreSQL),
  as for the history and the checkpoints.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05
"""
from alembic import op
import sqlalchemy as sa

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)
_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_ISSUED = sa.text("kind = 'issued'")


def upgrade() -> None:
    op.create_table(
        "register_counters",
        sa.Column("register_id", sa.String(64), primary_key=True),
        sa.Column("period", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("last_number", sa.BigInteger(), nullable=False),
    )
    op.create_table(
        "register_entries",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("register_id", sa.String(64), nullable=False),
        sa.Column("period", sa.Integer(), nullable=False),
        sa.Column("number", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("refers_to", _ID, nullable=True),
        sa.Column("reference", sa.String(200), nullable=False),
        sa.Column("registered_on", sa.Date(), nullable=False),
        sa.Column("letter_reference", sa.String(200), nullable=False),
        sa.Column("dated", sa.Date(), nullable=True),
        sa.Column("sender", sa.Text(), nullable=False),
        sa.Column("addressee", sa.Text(), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("remarks", sa.Text(), nullable=False),
        sa.Column("urgency", sa.SmallInteger(), nullable=False),
        sa.Column("secrecy", sa.SmallInteger(), nullable=False),
        sa.Column("instance_id", _ID, nullable=True),
        sa.Column("task_id", _ID, nullable=True),
        sa.Column("issued_at", _TS, nullable=False),
        sa.Column("issued_by", sa.String(100), nullable=False),
        sa.Column("capacity_json", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
    )
    op.create_index("ix_register_entries_number", "register_entries", ["register_id", "period", "number"])
    op.create_index("ix_register_entries_instance", "register_entries", ["instance_id"])
    op.create_index("uq_register_entries_issued", "register_entries", ["register_id", "period", "number"],
                    unique=True, postgresql_where=_ISSUED, sqlite_where=_ISSUED)
    if op.get_bind().dialect.name == "postgresql":
        # krabuan_append_only() is migration 0007's.
        op.execute("CREATE TRIGGER register_entries_no_update_delete BEFORE UPDATE OR DELETE ON register_entries "
                   "FOR EACH ROW EXECUTE FUNCTION krabuan_append_only()")
        op.execute("CREATE TRIGGER register_entries_no_truncate BEFORE TRUNCATE ON register_entries "
                   "FOR EACH STATEMENT EXECUTE FUNCTION krabuan_append_only()")
    else:
        for verb in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER register_entries_no_{verb.lower()} BEFORE {verb} ON register_entries "
                       f"BEGIN SELECT RAISE(ABORT, 'register_entries is append-only ({verb} refused)'); END")


def downgrade() -> None:
    op.drop_index("uq_register_entries_issued", "register_entries")
    op.drop_index("ix_register_entries_instance", "register_entries")
    op.drop_index("ix_register_entries_number", "register_entries")
    op.drop_table("register_entries")
    op.drop_table("register_counters")
