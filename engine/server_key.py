"""The server key: 32 random bytes in a file outside the database the engine writes.

By default ``server.key`` in the data folder (setting ``server_key_file``), created on first use,
readable by the engine's user only. Two keys are derived from it:

- the HMAC key of the history chain (engine.store.history): someone who can rewrite the database
  but not read this file cannot recompute a chain that verifies;
- the Ed25519 key that signs the checkpoints of every case's chain head (engine.services.checkpoints).

Every process that writes to one database (web workers, schedulers, the CLI, on every machine)
must use the same file; the database keeps the key's fingerprint (never the key), and an engine
with another key refuses to write (engine.store.key_fingerprint). Losing the file means the
history written with it can no longer be verified: back it up apart from the database.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConfigurationError

_HEADER = "krabuan-server-key-v1"


@dataclass(frozen=True)
class ServerKey:
    seed: bytes = field(repr=False)

    def derive(self, purpose: str) -> bytes:
        return hmac.new(self.seed, f"krabuan {purpose} v1".encode(), hashlib.sha256).digest()

    @property
    def chain(self) -> bytes:
        """The key of the history chain's HMAC."""
        return self.derive("history chain")

    @property
    def fingerprint(self) -> str:
        """What the database keeps to recognise the key (reveals nothing of it)."""
        return self.derive("fingerprint").hex()[:32]

    def signer(self) -> Any:
        """The Ed25519 private key that signs checkpoints."""
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        return Ed25519PrivateKey.from_private_bytes(self.derive("checkpoint signing"))


def load(path: Path) -> ServerKey:
    """The key in ``path``, created (atomically, mode 0600) if there is no file yet."""
    if not path.exists():
        _create(path)
    try:
        header, encoded = path.read_text(encoding="ascii").split()
        seed = base64.b64decode(encoded, validate=True)
    except (OSError, ValueError) as exc:
        raise ConfigurationError(f"the server key {path} cannot be read ({type(exc).__name__})") from None
    if header != _HEADER or len(seed) != 32:
        raise ConfigurationError(f"the server key {path} is not a Krabuan server key")
    return ServerKey(seed)


def _create(path: Path) -> None:
    """Write a new key beside the target, then link it in place: two processes starting at once
    end up with the same key (the second link fails and that process reads the first one's)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(f"{_HEADER} {base64.b64encode(secrets.token_bytes(32)).decode()}\n")
        out.flush()
        os.fsync(out.fileno())
    try:
        os.link(temporary, path)
    except FileExistsError:
        pass
    finally:
        temporary.unlink()
