"""Evidence files: upload once, refer to from a case's forms, download if you may see the case.

The bytes are stored once, named by their SHA-256, under ``<data dir>/files/ab/cd/<sha256>``
(outside the workflow data: a case's data holds only the SHA-256, in the file field). Each upload
is a row of its own (who sent which bytes under which name), so two people sending the same scan
share one stored file and each keeps their own name for it. A file is written to a temporary file
beside its place and moved there (``os.replace``), so a reader never sees half a file; if the
transaction that records the upload then fails, the stored bytes stay unreferenced (harmless).

A form's file field holds SHA-256s; a completion (or a start) may name only files the user
uploaded or files the case already refers to (``Evidence``), so nobody can attach, and so read,
someone else's upload by guessing or copying its hash. Once completed, the case refers to them
(``case_files``). Who may download a file: whoever uploaded it, and whoever may see a case that
refers to it (engine.store.access). Anyone else is told it does not exist.
"""
from __future__ import annotations

import hashlib
import os
import re
import tempfile
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection

from ..context import Context
from ..errors import ConfigurationError, InvalidInput, NotFound, TooLarge
from ..model.filetypes import detect
from ..model.forms import FormDefinition
from ..model.secrecy import MOST_SECRET
from ..operation import work
from ..results import Account, FileView
from ..store import access, files, people
from ..store import registers as register_rows
from ..store.files import Reference

SHA256 = re.compile(r"[0-9a-f]{64}")
MAX_NAME = 300
START_FORM = 0  # the task id of a start form's files in case_files
MOST_SECRET_FILES = ("a ลับที่สุด (most secret) letter is registered as metadata only: no file may be attached "
                     "to its case")
_UNSEEN = ("Cc", "Cf", "Zl", "Zp")  # control, format (bidi overrides...), line and paragraph separators


def clean_name(name: str) -> str:
    """The name to keep: its last path part, without control or format characters, at most 300
    characters (the end kept: it says what kind of file it is)."""
    base = re.split(r"[\\/]", unicodedata.normalize("NFC", name or ""))[-1]
    base = "".join(c for c in base if unicodedata.category(c) not in _UNSEEN).strip()
    if base in ("", ".", ".."):
        return "file"
    if len(base) > MAX_NAME:
        stem, dot, suffix = base.rpartition(".")
        suffix = dot + suffix if dot and len(suffix) <= 10 else ""
        base = base[:MAX_NAME - len(suffix)].rstrip() + suffix
    return base


class Files:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    @property
    def folder(self) -> Path:
        return (self.ctx.settings.data_dir / "files").resolve()

    def path_of(self, sha256: str) -> Path:
        return self.folder / sha256[:2] / sha256[2:4] / sha256

    def upload(self, username: str, name: str, content: bytes) -> FileView:
        """Store an evidence file (once per content) and record this upload of it. TooLarge over
        ``max_upload_bytes``; InvalidInput (field ``file``) for a kind of file not accepted."""
        limit = self.ctx.settings.max_upload_bytes
        if len(content) > limit:
            size = f"{limit / 2**20:g} MB" if limit >= 2**20 else f"{limit} bytes"
            raise TooLarge(f"the file is larger than {size}, the most accepted", field="file",
                           code="file_too_large", limit=size)
        content_type = detect(content)
        sha256 = hashlib.sha256(content).hexdigest()
        with work(self.ctx) as w:
            people.user_groups(w.conn, username)  # an active user
            self._store(sha256, content)
            view = FileView(sha256, clean_name(name), len(content), content_type, username, w.now)
            files.insert_upload(w.conn, view)
        return view

    def open(self, sha256: str, viewer: Account) -> tuple[FileView, Path]:
        """A file and where its bytes are, for its uploader or someone who may see a case that
        refers to it; NotFound for anyone else."""
        with work(self.ctx, write=False) as w:
            view = self._visible(w.conn, sha256, viewer)
        path = self.path_of(sha256)
        if not path.is_file():
            raise ConfigurationError(f"file {sha256} is missing from {self.folder}")
        return view, path

    def known(self, sha256s: list[str] | tuple[str, ...], viewer: Account) -> tuple[FileView, ...]:
        """Those of these files that the viewer may open (to show their names again on a form)."""
        found = []
        with work(self.ctx, write=False) as w:
            for sha256 in dict.fromkeys(sha256s):
                try:
                    found.append(self._visible(w.conn, sha256, viewer))
                except NotFound:
                    continue
        return tuple(found)

    def of_case(self, instance_id: int, viewer: Account) -> tuple[FileView, ...]:
        """The files a case refers to, for someone who may see the case (else NotFound)."""
        with work(self.ctx, write=False) as w:
            if not access.can_see_case(w.conn, instance_id, viewer):
                raise NotFound(f"instance {instance_id} does not exist")
            return tuple(files.case_files(w.conn, instance_id))

    def _visible(self, conn: Connection, sha256: str, viewer: Account) -> FileView:
        missing = NotFound(f"file {sha256[:80]} does not exist")
        if not isinstance(sha256, str) or not SHA256.fullmatch(sha256):
            raise missing
        own = files.upload_by(conn, sha256, viewer.username)
        if own is not None:
            return own
        for instance_id in files.instances_referring(conn, sha256):
            if access.can_see_case(conn, instance_id, viewer):
                view = files.case_view(conn, instance_id, sha256)
                if view is not None:
                    return view
        raise missing

    def _store(self, sha256: str, content: bytes) -> None:
        """Write the bytes to their place unless they are there already (atomically)."""
        target = self.path_of(sha256)
        if target.is_file():
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(content)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


@dataclass(frozen=True)
class Evidence:
    """The files a submitted form names, as (field, sha256) pairs, and who submitted it."""

    refs: tuple[tuple[str, str], ...]
    username: str

    @classmethod
    def of(cls, form: FormDefinition, clean: Mapping[str, Any], username: str) -> Evidence:
        refs = [(f.name, sha256) for f in form.fields if f.type == "file"
                for sha256 in (clean.get(f.name) or ())]
        return cls(tuple(dict.fromkeys(refs)), username)

    def check(self, conn: Connection, instance_id: int | None) -> None:
        """Each file must be the user's own upload or one the case already refers to; else one
        InvalidInput whose ``problems`` name each field with an unknown file."""
        if not self.refs:
            return
        if instance_id is not None and register_rows.holds_most_secret(conn, instance_id, MOST_SECRET.rank):
            raise InvalidInput(MOST_SECRET_FILES, field=self.refs[0][0], reason="most_secret_files")  # R-COR-08
        named = [sha256 for _, sha256 in self.refs]
        known = files.uploaded_by(conn, named, self.username)
        if instance_id is not None:
            known |= files.of_instance(conn, instance_id, named)
        bad = list(dict.fromkeys(field for field, sha256 in self.refs if sha256 not in known))
        if bad:
            message = "field {}: a file is not one you uploaded nor one of this case"
            problems = [{"field": field, "code": "unknown_file", "params": {}, "message": message.format(field)}
                        for field in bad]
            raise InvalidInput(message.format(bad[0]), field=bad[0], problems=problems)

    def attach(self, conn: Connection, instance_id: int, task_id: int, now: datetime) -> None:
        """Record that the case refers to these files (from this task; START_FORM for a start form)."""
        files.add_references(conn, Reference(instance_id, task_id, self.username, now), self.refs)
