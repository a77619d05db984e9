"""Who viewed which secret register entry (R-COR-08): one row per entry per view.

- ``register_views``: the viewer, when (the server's time), which entry (register, period,
  number, reference), its secrecy rank and through which surface (web page, JSON API, export,
  CLI). Written by ``engine.services.registers`` whenever an entry marked ลับ / ลับมาก / ลับที่สุด is
  shown. Append-only: triggers refuse UPDATE and DELETE (and TRUNCATE on PostgreSQL), as for the
  register entries.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05
"""
from alembic import op
import sqlalchemy as sa

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)
_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "register_views",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("register_id", sa.String(64), nullable=False),
        sa.Column("period", sa.Integer(), nullable=False),
        sa.Column("number", sa.BigInteger(), nullable=False),
        sa.Column("reference", sa.String(200), nullable=False),
        sa.Column("secrecy", sa.SmallInteger(), nullable=False),
        sa.Column("viewer", sa.String(100), nullable=False),
        sa.Column("surface", sa.String(16), nullable=False),
        sa.Column("viewed_at", _TS, nullable=False),
    )
    op.create_index("ix_register_views_entry", "register_views", ["register_id", "period", "number"])
    if op.get_bind().dialect.name == "postgresql":
        # krabuan_append_only() is migration 0007's.
        op.execute("CREATE TRIGGER register_views_no_update_delete BEFORE UPDATE OR DELETE ON register_views "
                   "FOR EACH ROW EXECUTE FUNCTION krabuan_append_only()")
        op.execute("CREATE TRIGGER register_views_no_truncate BEFORE TRUNCATE ON register_views "
                   "FOR EACH STATEMENT EXECUTE FUNCTION krabuan_append_only()")
    else:
        for verb in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER register_views_no_{verb.lower()} BEFORE {verb} ON register_views "
                       f"BEGIN SELECT RAISE(ABORT, 'register_views is append-only ({verb} refused)'); END")


def downgrade() -> None:
    op.drop_index("ix_register_views_entry", "register_views")
    op.drop_table("register_views")
