"""Checkpoints of every case's chain head, outside the database the engine writes.

Every few minutes (``checkpoint_minutes``; the scheduler does it, and ``krabuan audit checkpoint``)
the head (count of events and hash of the last) of every case and the number of cases are written
as one line of ``checkpoints.jsonl`` in the data folder, signed with an Ed25519 key kept beside it
(``checkpoint-key.pem``, created on first use, readable by the engine's user only) and linked to the
line before. The database does not hold the key, so someone who can rewrite the database can
recompute a chain but cannot make it agree with a checkpoint: verify names what was deleted, cut
or rewritten since the newest one.
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from ..errors import IntegrityViolation
from ..results import ChainReport
from ..store.history import canonical_json

LOG, KEY = "checkpoints.jsonl", "checkpoint-key.pem"
GENESIS = "0" * 64


@dataclass(frozen=True)
class Checkpoint:
    at: datetime
    cases: int
    heads: dict[int, tuple[int, str]]


def _key(folder: Path) -> Any:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    path = folder / KEY
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        pem = Ed25519PrivateKey.generate().private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                         serialization.NoEncryption())
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(pem)
    return serialization.load_pem_private_key(path.read_bytes(), password=None)


def write(folder: Path, heads: dict[int, tuple[int, str]], at: datetime) -> Checkpoint:
    """Append one signed checkpoint line (durably) and return it."""
    log = folder / LOG
    lines = log.read_bytes().splitlines() if log.exists() else []
    prev = hashlib.sha256(lines[-1]).hexdigest() if lines else GENESIS
    body = {"at": at.isoformat(), "cases": len(heads), "heads": {str(i): list(h) for i, h in sorted(heads.items())},
            "prev": prev}
    text = canonical_json(body)
    signature = base64.b64encode(_key(folder).sign(text.encode())).decode()
    with open(log, "ab") as out:
        out.write((canonical_json({"body": body, "sig": signature}) + "\n").encode())
        out.flush()
        os.fsync(out.fileno())
    return Checkpoint(at, len(heads), heads)


def newest(folder: Path) -> Checkpoint | None:
    """The newest checkpoint, its signature and its link checked; IntegrityViolation if either fails."""
    log = folder / LOG
    if not log.exists():
        return None
    lines = [line for line in log.read_bytes().splitlines() if line.strip()]
    if not lines:
        return None
    public = _key(folder).public_key()
    prev = GENESIS
    body: dict[str, Any] = {}
    for number, line in enumerate(lines, start=1):
        try:
            entry = json.loads(line)
            body = entry["body"]
            public.verify(base64.b64decode(entry["sig"]), canonical_json(body).encode())
        except Exception as exc:  # noqa: BLE001 - a bad signature, a cut or edited line: all the same finding
            raise IntegrityViolation(f"checkpoint line {number} of {LOG} does not verify "
                                     f"({type(exc).__name__})") from None
        if body.get("prev") != prev:
            raise IntegrityViolation(f"checkpoint line {number} of {LOG} does not follow the line before it")
        prev = hashlib.sha256(line).hexdigest()
    heads = {int(i): (int(h[0]), str(h[1])) for i, h in body["heads"].items()}
    return Checkpoint(datetime.fromisoformat(body["at"]), int(body["cases"]), heads)


def compare(checkpoint: Checkpoint, heads: dict[int, tuple[int, str]], hash_at: Any) -> list[ChainReport]:
    """What the database lost or rewrote since the checkpoint: one failed report per case.
    ``hash_at(instance_id, seq)`` is the hash of that event in the database now (None if none)."""
    when = checkpoint.at.isoformat(timespec="seconds")
    found: list[ChainReport] = []
    for instance_id, (seq, digest) in sorted(checkpoint.heads.items()):
        now = heads.get(instance_id)
        if now is None:
            found.append(ChainReport(instance_id, 0, False, 1, f"the case was deleted (the checkpoint of {when} "
                                                               f"recorded {seq} events)"))
        elif now[0] < seq:
            found.append(ChainReport(instance_id, now[0], False, now[0] + 1,
                                     f"events after {now[0]} were cut (the checkpoint of {when} recorded {seq})"))
        elif hash_at(instance_id, seq) != digest:
            found.append(ChainReport(instance_id, now[0], False, seq, f"the history was rewritten: event {seq} is not "
                                                                     f"the one the checkpoint of {when} recorded"))
    return found
