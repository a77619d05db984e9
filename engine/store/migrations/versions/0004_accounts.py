"""Accounts: passwords and system roles on users; browser sessions; API tokens.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04
"""
from alembic import op
import sqlalchemy as sa

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("roles", sa.String(200), nullable=False, server_default=""))
        batch.add_column(sa.Column("password_hash", sa.String(200), nullable=True))
        batch.add_column(sa.Column("password_changed_at", _TS, nullable=True))
    op.create_table(
        "web_sessions",
        sa.Column("id_hash", sa.String(64), primary_key=True),
        sa.Column("username", sa.String(100), sa.ForeignKey("users.username", ondelete="CASCADE"), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("last_seen_at", _TS, nullable=False),
        sa.Column("expires_at", _TS, nullable=False),
        sa.Column("address", sa.String(100), nullable=False),
    )
    op.create_index("ix_web_sessions_username", "web_sessions", ["username"])
    op.create_table(
        "api_tokens",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("username", sa.String(100), sa.ForeignKey("users.username", ondelete="CASCADE"), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("last_used_at", _TS, nullable=True),
        sa.Column("revoked_at", _TS, nullable=True),
    )
    op.create_index("ix_api_tokens_username", "api_tokens", ["username"])


def downgrade() -> None:
    op.drop_index("ix_api_tokens_username", "api_tokens")
    op.drop_table("api_tokens")
    op.drop_index("ix_web_sessions_username", "web_sessions")
    op.drop_table("web_sessions")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("password_changed_at")
        batch.drop_column("password_hash")
        batch.drop_column("roles")
