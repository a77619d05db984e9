"""Signatures of signature steps: the signer's key opened with their password, the signature
recorded in the completion's own transaction, and its verification whenever it is read.

Keys (engine.signing): each user's Ed25519 key pair is made by Krabuan **at their first signature**
(the password is checked against their account's hash first), its private key wrapped under a key
derived from that password; so signing always needs the password, which is the re-authentication.
The user's own password change with the current password re-wraps the key; a new password set
without the current one (an administrator's reset) retires the key pair (its validity ends, its
wrapped private key is wiped, its public key stays for verification) and the next signature makes a
new one. The slow part (Argon2id) runs before the case is locked; the transaction then checks that
the key is still the one opened.

What is signed, precisely: the task's data as its page shows it (the case data the task sees before
completion) overlaid with the form's submitted fields (cleaned, with any register number the step
issues), and the SHA-256 and name of every document of the case at that moment (its files and those
this completion attaches): ``engine.signing.digest_of``. The Ed25519 signature covers that digest
with the case, task, step, signer, position, capacity, public key and the server's time
(``engine.signing.Statement``), and the fields to watch: those of the signed data that are fields
of the process's forms and that the case data holds after the completion with the value signed (a
committee member's own task data is not the case's; the engine's own variables, such as a loop's
collections, are not watched). Verification re-checks the digest, the key (the signer's, not retired
before it signed) and the signature, and compares each watched field with the case data now (a value
a later step of the case recorded in the history, after a return for revision, is not a tampering)
and each document's bytes with their SHA-256: whatever differs is named.
"""
from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, select

from .. import signing
from ..context import Context
from ..errors import Conflict, InvalidInput, NotFound
from ..operation import work
from ..results import Account, HistoryEventView, SignatureProblem, SignatureView
from ..store import access, accounts, files, instances, task_rows
from ..store import signatures as rows
from ..store.history import EventType, events_of
from ..store.tables import Position

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from ..operation import CaseOperation
    from ..store.task_rows import TaskRow

WRONG_PASSWORD = "the password is wrong: nothing was signed"
NEEDS_PASSWORD = "signing this step needs your password (the one you sign in with)"
SELF_CAPACITY: dict[str, Any] = {"kind": "self"}


@dataclass(frozen=True)
class Unlocked:
    """A signer's private key, opened with their password before the transaction; ``row`` is the
    stored key pair it came from (None: a new pair, stored with the first signature)."""

    username: str
    key: Ed25519PrivateKey
    row: rows.KeyRow | None
    wrapped: str = ""

    def key_row(self, conn: Connection, now: datetime) -> rows.KeyRow:
        """The key pair in the transaction: still the one opened (else Conflict), or stored now."""
        live = rows.live_key(conn, self.username)
        if self.row is not None:
            if live is None or live.id != self.row.id or live.wrapped_key != self.row.wrapped_key:
                raise Conflict("your signing key changed while you signed (a new password?); sign again")
            return live
        if live is not None:
            raise Conflict("a signing key was made for you meanwhile; sign again")
        public = signing.public_hex(self.key)
        key_id = rows.insert_key(conn, self.username, public, self.wrapped, now)
        return rows.KeyRow(key_id, self.username, public, now, None, self.wrapped)


def password_error(message: str = WRONG_PASSWORD) -> InvalidInput:
    code = "wrong_password" if message == WRONG_PASSWORD else "password_required"
    problem: dict[str, Any] = {"field": "password", "code": code, "params": {}, "message": message}
    return InvalidInput(message, field="password", problems=[problem])


def unlock(ctx: Context, username: str, password: str | None) -> Unlocked:
    """Open the user's signing key with their password (one Argon2id derivation), or, at their first
    signature, check the password against their account and make their key pair."""
    if not password:
        raise password_error(NEEDS_PASSWORD)
    with ctx.db.unit_of_work(write=False) as conn:
        live = rows.live_key(conn, username)
        found = accounts.credentials(conn, username) if live is None else None
    if live is not None:
        try:
            return Unlocked(username, signing.unwrap(live.wrapped_key, password, username, live.public_key), live)
        except signing.WrongPassword:
            raise password_error() from None
    if found is None or not found.active or found.password_hash is None:
        raise password_error("you have no password to sign with: set one first (krabuan users passwd)")
    if not _password_matches(found.password_hash, password):
        raise password_error()
    key = signing.new_key()
    return Unlocked(username, key, None, signing.wrap(key, password, username))


def rewrap_for(ctx: Context, username: str, current: str, new: str) -> tuple[rows.KeyRow, str] | None:
    """The user's live key wrapped under the new password (None: no key), opened with the current
    one (else InvalidInput on ``current_password``); stored by ``store_new_password``."""
    wrong = InvalidInput("the current password is wrong: the password was not changed", field="current_password")
    with ctx.db.unit_of_work(write=False) as conn:
        live = rows.live_key(conn, username)
        found = accounts.credentials(conn, username) if live is None else None
    if live is None:  # no key yet: the current password is still checked, against the account
        if found is None or found.password_hash is None or not _password_matches(found.password_hash, current):
            raise wrong
        return None
    try:
        key = signing.unwrap(live.wrapped_key, current, username, live.public_key)
    except signing.WrongPassword:
        raise wrong from None
    return live, signing.wrap(key, new, username)


def _password_matches(stored_hash: str, password: str) -> bool:
    from argon2 import PasswordHasher
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return bool(PasswordHasher().verify(stored_hash, password))
    except (VerificationError, InvalidHashError):
        return False


def store_new_password(conn: Connection, username: str, rewrapped: tuple[rows.KeyRow, str] | None,
                       now: datetime) -> None:
    """In the password change's transaction: store the re-wrapped key, or (no current password
    given: an administrator's reset) retire the user's key pair."""
    if rewrapped is None:
        rows.retire(conn, username, now)
        return
    if not rows.rewrap(conn, *rewrapped):
        raise Conflict("the signing key changed meanwhile; change the password again")


@dataclass(frozen=True)
class Signing:
    """What a signature step's completion signs (see the module docstring)."""

    shown: Mapping[str, Any]  # the task's data before completion
    submitted: Mapping[str, Any]  # the form's fields as completed (cleaned, numbers issued)
    attached: tuple[tuple[str, str], ...]  # (field, sha256) of the files this completion attaches
    capacity: Mapping[str, Any]


def sign_step(op: CaseOperation, task: TaskRow, unlocked: Unlocked, what: Signing) -> int:
    """Record the signature of ``task`` by the unlocked signer, in the operation's transaction,
    after the workflow completed it; returns the signature's id."""
    conn, username = op.conn, unlocked.username
    content = signing.plain({**what.shown, **what.submitted})
    after = signing.plain(op.workflow.case_data())
    entered = op.ctx.forms_for(op.definition).field_labels(op.definition.model.form_keys())  # the fields people fill in
    watched = sorted(k for k, v in content.items() if k in entered and k in after and after[k] == v)
    documents = _documents(conn, task.instance_id, what.attached, username)
    key = unlocked.key_row(conn, op.now)
    name, position = _signer(conn, username)
    statement = signing.Statement(signing.digest_of(content, documents), task.instance_id, task.id,
                                  task.element_id, username, op.now, position, dict(what.capacity), key.public_key,
                                  tuple(watched))
    stored = rows.StoredSignature(0, task.instance_id, task.id, task.element_id, username, name, position,
                                  dict(what.capacity), op.now, {"data": content, "watched": watched},
                                  documents, statement.digest, key.id, signing.sign(unlocked.key, statement))
    signature_id = rows.insert_signature(conn, stored)
    op.record(EventType.TASK_SIGNED, username, task_id=task.id, element_id=task.element_id,
              signature_id=signature_id, digest=statement.digest, public_key=key.public_key,
              capacity=dict(what.capacity), position=position, documents=[d["sha256"] for d in documents])
    return signature_id


def _documents(conn: Connection, instance_id: int, attached: tuple[tuple[str, str], ...],
               username: str) -> list[dict[str, Any]]:
    """Every document of the case now: its files, and those this completion attaches."""
    found: dict[str, str] = {f.sha256: f.name for f in files.case_files(conn, instance_id)}
    for _field, sha256 in attached:
        if sha256 not in found:
            own = files.upload_by(conn, sha256, username)
            found[sha256] = own.name if own is not None else ""
    return [{"sha256": sha256, "name": name} for sha256, name in sorted(found.items())]


def _signer(conn: Connection, username: str) -> tuple[str, dict[str, str]]:
    """The signer's name (Thai) and the position they hold (organisation file; empty if none)."""
    user = accounts.account(conn, username)
    name = user.name_th if user is not None else username
    held = conn.execute(select(Position.c.title_th, Position.c.title_en).where(Position.c.holder == username)
                        .order_by(Position.c.id).limit(1)).first()
    return name, {"th": held.title_th if held else "", "en": held.title_en if held else ""}


class Signatures:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def _path(self, sha256: str) -> Path:
        return (self.ctx.settings.data_dir / "files").resolve() / sha256[:2] / sha256[2:4] / sha256

    def verify(self, instance_id: int | None = None) -> list[SignatureView]:
        """Every signature (or a case's), verified now (for ``krabuan signatures verify``)."""
        with work(self.ctx, write=False) as w:
            return self._checked(w.conn, rows.signatures(w.conn, instance_id))

    def of_case(self, instance_id: int, viewer: Account) -> tuple[SignatureView, ...]:
        """A case's signatures, verified now, for someone who may see the case (else NotFound)."""
        with work(self.ctx, write=False) as w:
            if not access.can_see_case(w.conn, instance_id, viewer):
                raise NotFound(f"instance {instance_id} does not exist")
            return tuple(self._checked(w.conn, rows.signatures(w.conn, instance_id)))

    def one(self, signature_id: int, viewer: Account) -> SignatureView:
        """One signature, verified now, for someone who may see its case (else NotFound)."""
        with work(self.ctx, write=False) as w:
            found = rows.signature(w.conn, signature_id)
            if found is None or not access.can_see_case(w.conn, found.instance_id, viewer):
                raise NotFound(f"signature {signature_id} does not exist")
            return self._checked(w.conn, [found])[0]

    def document(self, signature_id: int, viewer: Account, verify_url: str) -> tuple[bytes, str]:
        """The signed step as a PDF (engine.services.signature_pdf) and its file name, for someone
        who may see its case (else NotFound); ``verify_url``: the verification page's address."""
        from . import signature_pdf

        with work(self.ctx, write=False) as w:
            found = rows.signature(w.conn, signature_id)
            if found is None or not access.can_see_case(w.conn, found.instance_id, viewer):
                raise NotFound(f"signature {signature_id} does not exist")
            view = self._checked(w.conn, [found])[0]
            definition = self.ctx.definition(w.conn, instances.read(w.conn, found.instance_id).definition_id)
            fields = self.ctx.forms_for(definition).field_labels(definition.model.form_keys())
            labels = {k: v.th for k, v in fields.items()}
        fonts = self.ctx.settings.assets_dir / "@fontsource" / "sarabun" / "files"
        pdf = signature_pdf.to_pdf(view, found.content.get("data", {}), labels, (fonts, verify_url))
        return pdf, f"signed-{found.instance_id}-{found.element_id}-{found.id}.pdf"

    def keys(self, username: str) -> list[rows.KeyRow]:
        """A user's key pairs, oldest first (public keys and validity; for tests and audits)."""
        with work(self.ctx, write=False) as w:
            return rows.keys_of(w.conn, username)

    def _checked(self, conn: Connection, found: list[rows.StoredSignature]) -> list[SignatureView]:
        keys = rows.keys_by_id(conn, [s.key_id for s in found])
        cases: dict[int, tuple[dict[str, Any], list[HistoryEventView]]] = {}
        out = []
        for sig in found:
            if sig.instance_id not in cases:
                cases[sig.instance_id] = (signing.plain(instances.read(conn, sig.instance_id).data),
                                          events_of(conn, sig.instance_id))
            task = task_rows.load(conn, sig.task_id)
            key = keys.get(sig.key_id)
            problems = (*_record_problems(sig, key), *_field_problems(sig, *cases[sig.instance_id]),
                        *self._file_problems(sig))
            out.append(SignatureView(sig.id, sig.instance_id, sig.task_id, sig.element_id,
                                     task.name if task is not None else sig.element_id, sig.signer, sig.signer_name,
                                     {"th": str(sig.position.get("th", "")), "en": str(sig.position.get("en", ""))},
                                     sig.capacity, sig.signed_at, sig.digest, key.public_key if key else "",
                                     tuple(sig.documents), tuple(problems)))
        return out

    def _file_problems(self, sig: rows.StoredSignature) -> list[SignatureProblem]:
        problems = []
        for doc in sig.documents:
            sha256, name = str(doc.get("sha256", "")), str(doc.get("name", "")) or str(doc.get("sha256", ""))
            path = self._path(sha256)
            if not path.is_file():
                problems.append(SignatureProblem("file", name, f"the file {name} ({sha256[:12]}…) is missing"))
            elif _sha256_of(path) != sha256:
                problems.append(SignatureProblem("file", name, f"the file {name} changed after signing"))
        return problems


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _statement(sig: rows.StoredSignature, public_key: str) -> signing.Statement:
    return signing.Statement(sig.digest, sig.instance_id, sig.task_id, sig.element_id, sig.signer, sig.signed_at,
                             sig.position, sig.capacity, public_key, tuple(sig.content.get("watched", ())))


def _record_problems(sig: rows.StoredSignature, key: rows.KeyRow | None) -> list[SignatureProblem]:
    """The signature row itself: its digest, its key (the signer's, valid then), its signature."""
    problems = []
    if signing.digest_of(sig.content.get("data", {}), sig.documents) != sig.digest:
        problems.append(SignatureProblem("digest", "digest", "the record of what was signed was altered"))
    if key is None or key.username != sig.signer:
        problems.append(SignatureProblem("key", sig.signer, f"the key is not {sig.signer}'s"))
        return problems
    if key.valid_to is not None and sig.signed_at >= key.valid_to:
        problems.append(SignatureProblem("key", sig.signer, f"{sig.signer}'s key was not valid when it signed"))
    if not signing.verify(_statement(sig, key.public_key), sig.signature):
        problems.append(SignatureProblem("signature", sig.signer, "the signature does not verify"))
    return problems


_GONE = object()


def _revisions(events: list[HistoryEventView], signature_id: int) -> dict[str, list[Any]]:
    """The values later steps of the case gave each field after the signature, as the history
    records their completions (a case returned and revised after signing: not a tampering)."""
    later: dict[str, list[Any]] = {}
    after = False
    for event in events:
        if event.event_type == EventType.TASK_SIGNED.value and event.payload.get("signature_id") == signature_id:
            after = True
        elif after and event.event_type == EventType.TASK_COMPLETED.value:
            for name, value in (event.payload.get("data") or {}).items():
                later.setdefault(name, []).append(signing.plain(value))
    return later


def _field_problems(sig: rows.StoredSignature, now: Mapping[str, Any],
                    events: list[HistoryEventView]) -> list[SignatureProblem]:
    """Each watched field whose value now is neither the one signed nor one a later step recorded."""
    signed = sig.content.get("data", {})
    revised = _revisions(events, sig.id)
    problems = []
    for name in sig.content.get("watched", ()):
        value = now.get(name, _GONE)
        if value is _GONE:
            problems.append(SignatureProblem("field", name, f"the field {name} was removed after signing"))
        elif value != signed.get(name) and value not in revised.get(name, ()):
            problems.append(SignatureProblem("field", name, f"the field {name} changed after signing"))
    return problems
