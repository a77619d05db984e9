"""The cryptography of signatures (no database, no Spiff): Ed25519 key pairs, their private keys
wrapped under a key derived from the user's own password, digests and signed statements.

- A private key is stored only wrapped: ChaCha20-Poly1305 under a 256-bit key that Argon2id
  (argon2-cffi's ``hash_secret_raw``; RFC 9106's second recommended option: t=3, m=64 MiB, p=4)
  derives from the user's password and a random salt. The associated data binds the wrapped bytes
  to their user and public key, so a wrapped key moved to another row does not open. The password
  is never stored in any form that opens it: without it, nobody (the server included) can sign.
- What is signed: ``digest_of(content, documents)`` is the SHA-256 of the canonical JSON of the
  case data shown to the signer and the SHA-256 of every document of the case; ``statement`` is the
  canonical JSON of that digest with the case, step, signer, position, capacity, public key, the
  server's time and the fields verification watches, and the Ed25519 signature is over it, so a
  signature copied into another case, step or signer does not verify.
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

STATEMENT_VERSION = 1
_WRAP = "argon2id+chacha20poly1305"


class WrongPassword(Exception):
    """The password does not open the wrapped key."""


@dataclass(frozen=True)
class KdfParams:
    time_cost: int = 3
    memory_cost: int = 65536  # KiB
    parallelism: int = 4


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def plain(value: Any) -> Any:
    """``value`` as plain JSON (dates and other values as their text), as the case data is stored."""
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))


def new_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def public_hex(key: Ed25519PrivateKey) -> str:
    return key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw).hex()


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _derive(password: str, salt: bytes, params: KdfParams) -> bytes:
    from argon2.low_level import Type, hash_secret_raw

    return hash_secret_raw(password.encode("utf-8"), salt, params.time_cost, params.memory_cost,
                           params.parallelism, 32, Type.ID)


def _aad(username: str, public: str) -> bytes:
    return f"krabuan-user-key:{username}:{public}".encode()


def wrap(key: Ed25519PrivateKey, password: str, username: str, params: KdfParams = KdfParams()) -> str:
    """The private key sealed under the password, as JSON (the ``user_keys.wrapped_key`` column)."""
    salt, nonce = os.urandom(16), os.urandom(12)
    raw = key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    sealed = ChaCha20Poly1305(_derive(password, salt, params)).encrypt(nonce, raw, _aad(username, public_hex(key)))
    return canonical_json({"alg": _WRAP, "t": params.time_cost, "m": params.memory_cost, "p": params.parallelism,
                           "salt": _b64(salt), "nonce": _b64(nonce), "sealed": _b64(sealed)})


def unwrap(wrapped: str, password: str, username: str, public: str) -> Ed25519PrivateKey:
    """The private key, if the password opens it (else WrongPassword) and it is the key of
    ``public`` (a key wiped when retired opens for no password)."""
    try:
        box = json.loads(wrapped)
        params = KdfParams(int(box["t"]), int(box["m"]), int(box["p"]))
        salt, nonce, sealed = (base64.b64decode(box[k]) for k in ("salt", "nonce", "sealed"))
    except (ValueError, KeyError, TypeError):
        raise WrongPassword("the key is not stored in a form that opens") from None
    try:
        raw = ChaCha20Poly1305(_derive(password, salt, params)).decrypt(nonce, sealed, _aad(username, public))
    except InvalidTag:
        raise WrongPassword("the password does not open the signing key") from None
    key = Ed25519PrivateKey.from_private_bytes(raw)
    if public_hex(key) != public:
        raise WrongPassword("the signing key does not match its public key")
    return key


def digest_of(content: Mapping[str, Any], documents: Sequence[Mapping[str, Any]]) -> str:
    """SHA-256 of what a signer signs: the case data shown (``content``) and the documents'
    SHA-256s (with their names), as canonical JSON."""
    docs = sorted(({"sha256": str(d["sha256"]), "name": str(d.get("name", ""))} for d in documents),
                  key=lambda d: (d["sha256"], d["name"]))
    return hashlib.sha256(canonical_json({"data": dict(content), "documents": docs}).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Statement:
    """What the Ed25519 signature covers."""

    digest: str
    instance_id: int
    task_id: int
    element_id: str
    signer: str
    signed_at: datetime
    position: Mapping[str, Any]
    capacity: Mapping[str, Any]
    public_key: str
    watched: tuple[str, ...] = ()  # the signed fields verification compares with the case data

    def message(self) -> bytes:
        return canonical_json({"v": STATEMENT_VERSION, "digest": self.digest, "instance_id": self.instance_id,
                               "task_id": self.task_id, "element_id": self.element_id, "signer": self.signer,
                               "signed_at": self.signed_at.astimezone(UTC).isoformat(), "position": dict(self.position),
                               "capacity": dict(self.capacity), "public_key": self.public_key,
                               "watched": list(self.watched)}).encode("utf-8")


def sign(key: Ed25519PrivateKey, statement: Statement) -> str:
    return key.sign(statement.message()).hex()


def verify(statement: Statement, signature: str) -> bool:
    """Whether ``signature`` (hex) is the statement's public key's signature over it."""
    try:
        public = Ed25519PublicKey.from_public_bytes(bytes.fromhex(statement.public_key))
        public.verify(bytes.fromhex(signature), statement.message())
    except (InvalidSignature, ValueError):
        return False
    return True
