"""The server key's fingerprint and the mirror of the signed checkpoints.

- ``server_keys``: the fingerprint (never the key) of the server key the history chain is written
  with; an engine holding another key refuses to write (engine.store.key_fingerprint).
- ``checkpoints``: each signed checkpoint line of checkpoints.jsonl, as written, so that every
  machine's checkpoints are in one place (the file in the data folder stays the one an attacker
  with the database cannot reach). Append-only, like the history.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04
"""
from alembic import op
import sqlalchemy as sa

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)
_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "server_keys",
        sa.Column("id", sa.SmallInteger(), primary_key=True, autoincrement=False),  # always 1: one key
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
    )
    op.create_table(
        "checkpoints",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("written_at", _TS, nullable=False, index=True),
        sa.Column("line", sa.Text(), nullable=False),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("""CREATE FUNCTION krabuan_append_only() RETURNS trigger AS $$
            BEGIN RAISE EXCEPTION '% is append-only (% refused)', TG_TABLE_NAME, TG_OP; END;
            $$ LANGUAGE plpgsql""")
        for table in ("checkpoints", "server_keys"):
            op.execute(f"CREATE TRIGGER {table}_no_update_delete BEFORE UPDATE OR DELETE ON {table} "
                       "FOR EACH ROW EXECUTE FUNCTION krabuan_append_only()")
            op.execute(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                       "FOR EACH STATEMENT EXECUTE FUNCTION krabuan_append_only()")
    else:
        for table in ("checkpoints", "server_keys"):
            for verb in ("UPDATE", "DELETE"):
                op.execute(f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                           f"BEGIN SELECT RAISE(ABORT, '{table} is append-only ({verb} refused)'); END")


def downgrade() -> None:
    op.drop_table("checkpoints")
    op.drop_table("server_keys")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS krabuan_append_only()")
