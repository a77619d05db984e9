"""Who viewed what as an auditor (issue 14): one row per view.

- ``audit_views``: the viewer, what they viewed (a case page, a case's replay, a search, an export),
  the case (None for a search or an export), the search's filters, the surface (web, cli, api) and
  when (the server's time). Written by the engine whenever an auditor looks; shown as "viewed by"
  in a case's audit trail. It is the system's log, not the case's hash-chained history.
  Append-only: triggers refuse UPDATE and DELETE (and TRUNCATE on PostgreSQL), as migration 0011's.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05
"""
from alembic import op
import sqlalchemy as sa

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)
_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "audit_views",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("viewer", sa.String(100), nullable=False),
        sa.Column("what", sa.String(16), nullable=False),
        sa.Column("instance_id", _ID),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("surface", sa.String(16), nullable=False),
        sa.Column("viewed_at", _TS, nullable=False),
    )
    op.create_index("ix_audit_views_instance", "audit_views", ["instance_id", "id"])
    if op.get_bind().dialect.name == "postgresql":
        # krabuan_append_only() is migration 0007's.
        op.execute("CREATE TRIGGER audit_views_no_update_delete BEFORE UPDATE OR DELETE ON audit_views "
                   "FOR EACH ROW EXECUTE FUNCTION krabuan_append_only()")
        op.execute("CREATE TRIGGER audit_views_no_truncate BEFORE TRUNCATE ON audit_views "
                   "FOR EACH STATEMENT EXECUTE FUNCTION krabuan_append_only()")
    else:
        for verb in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER audit_views_no_{verb.lower()} BEFORE {verb} ON audit_views "
                       f"BEGIN SELECT RAISE(ABORT, 'audit_views is append-only ({verb} refused)'); END")


def downgrade() -> None:
    op.drop_index("ix_audit_views_instance", "audit_views")
    op.drop_table("audit_views")
