"""System-wide verifications run in the background (issue 14): one row per run.

- ``verification_runs``: a run of ``krabuan audit verify`` over every case, asked for by an auditor
  (``requested_by``) or due by the clock (``slot``: one run per period, unique, so that two
  schedulers never start the same one), claimed by one scheduler (``owner``, ``started_at``), and
  its result (cases, events, findings as JSON, the checkpoint it was compared with, or the error).
  The auditor's verify page shows the newest result instead of re-verifying every case per view.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06
"""
from alembic import op
import sqlalchemy as sa

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)
_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "verification_runs",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("slot", sa.String(64), nullable=False, unique=True),
        sa.Column("requested_by", sa.String(100)),
        sa.Column("requested_at", _TS, nullable=False),
        sa.Column("owner", sa.String(200)),
        sa.Column("started_at", _TS),
        sa.Column("finished_at", _TS),
        sa.Column("cases", sa.Integer()),
        sa.Column("events", sa.BigInteger()),
        sa.Column("findings_json", sa.Text()),
        sa.Column("checkpoint_at", _TS),
        sa.Column("checkpoint_cases", sa.Integer()),
        sa.Column("error", sa.Text()),
    )
    op.create_index("ix_verification_runs_requested", "verification_runs", ["requested_at"])


def downgrade() -> None:
    op.drop_index("ix_verification_runs_requested", "verification_runs")
    op.drop_table("verification_runs")
