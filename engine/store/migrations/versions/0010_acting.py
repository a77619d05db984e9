"""Acting officials, absences and "on behalf of" preparation.

- ``positions``: the organisation file's positions (whose groups' tasks each holds, who holds it).
- ``acting_appointments``: who acts for which position, from and to (Bangkok dates, inclusive), the
  kind (รักษาราชการแทน / ปฏิบัติราชการแทน / รักษาการในตำแหน่ง) and the order's reference.
- ``absences``: a user's absence with the deputy who gets their new tasks.
- ``task_preparers``: a task shared for preparation (drafts only) with a named colleague.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05
"""
from alembic import op
import sqlalchemy as sa

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)
_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "positions",
        sa.Column("id", sa.String(100), primary_key=True),
        sa.Column("title_th", sa.String(300), nullable=False),
        sa.Column("title_en", sa.String(300), nullable=False),
        sa.Column("groups", sa.String(1000), nullable=False),
        sa.Column("holder", sa.String(100), nullable=True),
    )
    op.create_table(
        "acting_appointments",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("position_id", sa.String(100), nullable=False),
        sa.Column("username", sa.String(100), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("order_ref", sa.String(200), nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("ended_at", _TS, nullable=True),
        sa.Column("ended_by", sa.String(100), nullable=True),
    )
    op.create_index("ix_acting_user", "acting_appointments", ["username", "ends_on"])
    op.create_index("ix_acting_position", "acting_appointments", ["position_id", "ends_on"])
    op.create_table(
        "absences",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("username", sa.String(100), nullable=False),
        sa.Column("deputy", sa.String(100), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(500), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("cancelled_at", _TS, nullable=True),
    )
    op.create_index("ix_absences_user", "absences", ["username", "ends_on"])
    op.create_table(
        "task_preparers",
        sa.Column("task_id", _ID, primary_key=True),
        sa.Column("username", sa.String(100), primary_key=True),
        sa.Column("shared_by", sa.String(100), nullable=False),
        sa.Column("shared_at", _TS, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("task_preparers")
    op.drop_index("ix_absences_user", table_name="absences")
    op.drop_table("absences")
    op.drop_index("ix_acting_position", table_name="acting_appointments")
    op.drop_index("ix_acting_user", table_name="acting_appointments")
    op.drop_table("acting_appointments")
    op.drop_table("positions")
