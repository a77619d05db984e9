"""Working a case in the browser: case title and urgency (denormalised onto its tasks for the
worklist's order), a note shown at the top of a returned task, evidence files, private drafts, and
each user's display preferences.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04
"""
from alembic import op
import sqlalchemy as sa

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("instances") as batch:
        batch.add_column(sa.Column("title", sa.String(500), nullable=False, server_default=""))
        batch.add_column(sa.Column("urgency", sa.SmallInteger(), nullable=False, server_default="4"))
    with op.batch_alter_table("tasks") as batch:
        batch.add_column(sa.Column("title", sa.String(500), nullable=False, server_default=""))
        batch.add_column(sa.Column("urgency", sa.SmallInteger(), nullable=False, server_default="4"))
        batch.add_column(sa.Column("notice_json", sa.Text(), nullable=True))
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("language", sa.String(5), nullable=True))
        batch.add_column(sa.Column("thai_digits", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table(
        "files",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("content_type", sa.String(100), nullable=False),
        sa.Column("uploaded_by", sa.String(100), nullable=False),
        sa.Column("uploaded_at", _TS, nullable=False),
    )
    op.create_index("ix_files_sha256", "files", ["sha256"])
    op.create_table(
        "case_files",
        sa.Column("instance_id", _ID, primary_key=True),
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("task_id", _ID, primary_key=True),
        sa.Column("field", sa.String(100), primary_key=True),
        sa.Column("added_by", sa.String(100), nullable=False),
        sa.Column("added_at", _TS, nullable=False),
    )
    op.create_index("ix_case_files_sha256", "case_files", ["sha256"])
    op.create_table(
        "drafts",
        sa.Column("task_id", _ID, primary_key=True),
        sa.Column("username", sa.String(100), primary_key=True),
        sa.Column("data_json", sa.Text(), nullable=False),
        sa.Column("saved_at", _TS, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("drafts")
    op.drop_index("ix_case_files_sha256", "case_files")
    op.drop_table("case_files")
    op.drop_index("ix_files_sha256", "files")
    op.drop_table("files")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("thai_digits")
        batch.drop_column("language")
    with op.batch_alter_table("tasks") as batch:
        batch.drop_column("notice_json")
        batch.drop_column("urgency")
        batch.drop_column("title")
    with op.batch_alter_table("instances") as batch:
        batch.drop_column("urgency")
        batch.drop_column("title")
