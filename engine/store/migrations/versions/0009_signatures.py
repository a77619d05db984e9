"""Signatures: each user's Ed25519 key pairs and the signatures recorded at signature steps.

- ``user_keys``: one row per key pair of a user. The public key and its start of validity never
  change; the private key is stored wrapped (ChaCha20-Poly1305 under a key derived from the user's own
  password with Argon2id), re-wrapped when the user changes their password and wiped when the key is
  retired; ``valid_to`` is set once, when an administrator's password reset retires the key. Rows are
  never deleted. The triggers enforce exactly that.
- ``signatures``: one row per signature, append-only (UPDATE, DELETE and TRUNCATE refused, as for the
  history): what was signed (the canonical content and the documents' digests), its SHA-256, the
  signer, position, capacity, the server's time, the key and the Ed25519 signature.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05
"""
from alembic import op
import sqlalchemy as sa

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)
_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_FIXED = ("id", "username", "public_key", "valid_from", "created_at")


def upgrade() -> None:
    op.create_table(
        "user_keys",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("username", sa.String(100), nullable=False, index=True),
        sa.Column("public_key", sa.String(64), nullable=False, unique=True),
        sa.Column("valid_from", _TS, nullable=False),
        sa.Column("valid_to", _TS, nullable=True),
        sa.Column("wrapped_key", sa.Text(), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
    )
    op.create_table(
        "signatures",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("instance_id", _ID, nullable=False, index=True),
        sa.Column("task_id", _ID, nullable=False, index=True),
        sa.Column("element_id", sa.String(200), nullable=False),
        sa.Column("signer", sa.String(100), nullable=False),
        sa.Column("signer_name", sa.String(300), nullable=False),
        sa.Column("position_json", sa.Text(), nullable=False),
        sa.Column("capacity_json", sa.Text(), nullable=False),
        sa.Column("signed_at", _TS, nullable=False),
        sa.Column("content_json", sa.Text(), nullable=False),
        sa.Column("documents_json", sa.Text(), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("key_id", _ID, nullable=False),
        sa.Column("signature", sa.String(128), nullable=False),
    )
    if op.get_bind().dialect.name == "postgresql":
        _postgresql_guards()
    else:
        _sqlite_guards()


def _postgresql_guards() -> None:
    # krabuan_append_only() is migration 0007's.
    op.execute("CREATE TRIGGER signatures_no_update_delete BEFORE UPDATE OR DELETE ON signatures "
               "FOR EACH ROW EXECUTE FUNCTION krabuan_append_only()")
    op.execute("CREATE TRIGGER signatures_no_truncate BEFORE TRUNCATE ON signatures "
               "FOR EACH STATEMENT EXECUTE FUNCTION krabuan_append_only()")
    changed = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in _FIXED)
    op.execute(f"""CREATE FUNCTION krabuan_user_keys_guard() RETURNS trigger AS $$
        BEGIN
            IF TG_OP = 'DELETE' THEN RAISE EXCEPTION 'user_keys rows are kept (DELETE refused)'; END IF;
            IF {changed} THEN RAISE EXCEPTION 'a public key never changes (UPDATE refused)'; END IF;
            IF OLD.valid_to IS NOT NULL AND NEW.valid_to IS DISTINCT FROM OLD.valid_to THEN
                RAISE EXCEPTION 'a retired key stays retired (UPDATE refused)';
            END IF;
            RETURN NEW;
        END;
        $$ LANGUAGE plpgsql""")
    op.execute("CREATE TRIGGER user_keys_guard BEFORE UPDATE OR DELETE ON user_keys "
               "FOR EACH ROW EXECUTE FUNCTION krabuan_user_keys_guard()")
    op.execute("CREATE TRIGGER user_keys_no_truncate BEFORE TRUNCATE ON user_keys "
               "FOR EACH STATEMENT EXECUTE FUNCTION krabuan_append_only()")


def _sqlite_guards() -> None:
    for verb in ("UPDATE", "DELETE"):
        op.execute(f"CREATE TRIGGER signatures_no_{verb.lower()} BEFORE {verb} ON signatures "
                   f"BEGIN SELECT RAISE(ABORT, 'signatures is append-only ({verb} refused)'); END")
    op.execute("CREATE TRIGGER user_keys_no_delete BEFORE DELETE ON user_keys "
               "BEGIN SELECT RAISE(ABORT, 'user_keys rows are kept (DELETE refused)'); END")
    op.execute(f"CREATE TRIGGER user_keys_fixed BEFORE UPDATE OF {', '.join(_FIXED)} ON user_keys "
               "BEGIN SELECT RAISE(ABORT, 'a public key never changes (UPDATE refused)'); END")
    op.execute("CREATE TRIGGER user_keys_retired BEFORE UPDATE OF valid_to ON user_keys "
               "WHEN OLD.valid_to IS NOT NULL AND NEW.valid_to IS NOT OLD.valid_to "
               "BEGIN SELECT RAISE(ABORT, 'a retired key stays retired (UPDATE refused)'); END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS user_keys_guard ON user_keys")
        op.execute("DROP FUNCTION IF EXISTS krabuan_user_keys_guard()")
    op.drop_table("signatures")
    op.drop_table("user_keys")
