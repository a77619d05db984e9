"""Checkpoints of every case's chain head, outside the database the engine writes.

Every few minutes (``checkpoint_minutes``) and after every ``checkpoint_events`` new events (the
scheduler does it, and ``krabuan audit checkpoint``) the head (count of events and hash of the
last) of every case and the number of cases are written as one line of ``checkpoints.jsonl`` in
the data folder, signed with an Ed25519 key derived from the server key (engine.server_key) and
linked to the line before. The same line is mirrored to the ``checkpoints`` table, so that the
checkpoints of every machine are found in one place. The database holds neither key, so someone
who can rewrite the database cannot make it agree with a checkpoint, nor forge a mirrored one:
verify names what was deleted, cut or rewritten since the newest checkpoint that verifies (of the
file's, checked line by line and link by link, and the table's, each checked by its signature).
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

LOG = "checkpoints.jsonl"
GENESIS = "0" * 64


@dataclass(frozen=True)
class Checkpoint:
    at: datetime
    cases: int
    heads: dict[int, tuple[int, str]]


def write(folder: Path, signer: Any, heads: dict[int, tuple[int, str]], at: datetime) -> str:
    """Append one checkpoint line, signed by ``signer`` (durably); the line (to mirror)."""
    folder.mkdir(parents=True, exist_ok=True)
    log = folder / LOG
    lines = log.read_bytes().splitlines() if log.exists() else []
    prev = hashlib.sha256(lines[-1]).hexdigest() if lines else GENESIS
    body = {"at": at.isoformat(), "cases": len(heads), "heads": {str(i): list(h) for i, h in sorted(heads.items())},
            "prev": prev}
    signature = base64.b64encode(signer.sign(canonical_json(body).encode())).decode()
    line = canonical_json({"body": body, "sig": signature})
    with open(log, "ab") as out:
        out.write((line + "\n").encode())
        out.flush()
        os.fsync(out.fileno())
    return line


def _checked(line: bytes | str, public: Any, where: str) -> dict[str, Any]:
    """The body of a signed line; IntegrityViolation if it does not verify."""
    try:
        entry = json.loads(line)
        body: dict[str, Any] = entry["body"]
        public.verify(base64.b64decode(entry["sig"]), canonical_json(body).encode())
    except Exception as exc:  # noqa: BLE001 - a bad signature, a cut or edited line: all the same finding
        raise IntegrityViolation(f"{where} does not verify ({type(exc).__name__})") from None
    return body


def _newest_in_file(folder: Path, public: Any) -> dict[str, Any] | None:
    """The file's last line, every line's signature and link checked."""
    log = folder / LOG
    lines = [line for line in log.read_bytes().splitlines() if line.strip()] if log.exists() else []
    prev, body = GENESIS, None
    for number, line in enumerate(lines, start=1):
        body = _checked(line, public, f"checkpoint line {number} of {LOG}")
        if body.get("prev") != prev:
            raise IntegrityViolation(f"checkpoint line {number} of {LOG} does not follow the line before it")
        prev = hashlib.sha256(line).hexdigest()
    return body


_CACHE: dict[tuple[str, int, int, str], Checkpoint | None] = {}


def newest(folder: Path, public: Any, mirrored: list[str]) -> Checkpoint | None:
    """The newest checkpoint: of the file in ``folder`` and the ``mirrored`` lines (the table's,
    newest first, each from any machine); IntegrityViolation if any of them fails its check.
    Remembered (per process) while the file and the mirrored lines are the same ones."""
    log = folder / LOG
    stat = log.stat() if log.exists() else None
    mirror = hashlib.sha256("\n".join(mirrored).encode()).hexdigest()
    key = (str(log), stat.st_size if stat else -1, stat.st_mtime_ns if stat else -1, mirror)
    if key in _CACHE:
        return _CACHE[key]
    found = _newest(folder, public, mirrored)
    _CACHE.clear()
    _CACHE[key] = found
    return found


def _newest(folder: Path, public: Any, mirrored: list[str]) -> Checkpoint | None:
    bodies = [_checked(line, public, "a checkpoint mirrored in the database") for line in mirrored]
    in_file = _newest_in_file(folder, public)
    if in_file is not None:
        bodies.append(in_file)
    if not bodies:
        return None
    body = max(bodies, key=lambda b: datetime.fromisoformat(b["at"]))
    heads = {int(i): (int(h[0]), str(h[1])) for i, h in body["heads"].items()}
    return Checkpoint(datetime.fromisoformat(body["at"]), int(body["cases"]), heads)


def only(checkpoint: Checkpoint, instance_id: int) -> Checkpoint:
    """The checkpoint narrowed to one case (to verify that case alone)."""
    kept = {instance_id: checkpoint.heads[instance_id]} if instance_id in checkpoint.heads else {}
    return Checkpoint(checkpoint.at, checkpoint.cases, kept)


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
