"""Process owners change procedures: drafts, four-eyes publishing, effective dates, versioned forms.

- ``process_changes``: one proposed change of one procedure, from its draft (saved on the server
  as the owner works, ``lock_version`` guards against a lost update) through its submission (with
  an effective date and a reason) to the second person's decision; an approved change names the
  version it published. ``open_slot`` is 1 while the change is a draft or submitted and NULL once
  decided or withdrawn: the unique (process_id, open_slot) keeps one open change per procedure.
- ``process_definitions`` gains ``effective_from`` (new cases start on the newest version in
  effect on their start date; NULL: in effect since deployed), who published and approved it,
  the change it came from, its readable diff against the version before, and ``forms_json`` (the
  forms the version uses, when they were edited with it; NULL: the forms folder's).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05
"""
from alembic import op
import sqlalchemy as sa

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)
_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "process_changes",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("process_id", sa.String(200), nullable=False),
        sa.Column("base_version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("open_slot", sa.SmallInteger()),
        sa.Column("bpmn_xml", sa.Text(), nullable=False),
        sa.Column("forms_json", sa.Text(), nullable=False, server_default="{}"),
        sa.Column("authors", sa.String(1000), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.Column("lock_version", sa.Integer(), nullable=False, server_default="1"),
        sa.Column("effective_from", sa.Date()),
        sa.Column("note", sa.Text(), nullable=False, server_default=""),
        sa.Column("submitted_by", sa.String(100)),
        sa.Column("submitted_at", _TS),
        sa.Column("diff_json", sa.Text()),
        sa.Column("decided_by", sa.String(100)),
        sa.Column("decided_at", _TS),
        sa.Column("decision_note", sa.Text(), nullable=False, server_default=""),
        sa.Column("published_version", sa.Integer()),
        sa.UniqueConstraint("process_id", "open_slot", name="uq_process_change_open"),
    )
    op.create_index("ix_process_changes_process", "process_changes", ["process_id", "id"])
    with op.batch_alter_table("process_definitions") as batch:
        batch.add_column(sa.Column("effective_from", sa.Date()))
        batch.add_column(sa.Column("published_by", sa.String(100)))
        batch.add_column(sa.Column("approved_by", sa.String(100)))
        batch.add_column(sa.Column("change_id", _ID))
        batch.add_column(sa.Column("diff_json", sa.Text()))
        batch.add_column(sa.Column("forms_json", sa.Text()))


def downgrade() -> None:
    with op.batch_alter_table("process_definitions") as batch:
        for name in ("forms_json", "diff_json", "change_id", "approved_by", "published_by", "effective_from"):
            batch.drop_column(name)
    op.drop_index("ix_process_changes_process", "process_changes")
    op.drop_table("process_changes")
