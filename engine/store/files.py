"""Evidence files: one ``files`` row per upload (the name as given), and the ``case_files`` rows
saying which case refers to which file, from which task and field (task 0: the start form)."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select

from ..results import FileView
from .tables import CaseFile, StoredFile

_VIEW = select(StoredFile.c.sha256, StoredFile.c.name, StoredFile.c.size, StoredFile.c.content_type,
               StoredFile.c.uploaded_by, StoredFile.c.uploaded_at)


@dataclass(frozen=True)
class Reference:
    """A case's reference to a file: which case, from which task (0: the start form) and field, by whom, when."""

    instance_id: int
    task_id: int
    added_by: str
    added_at: datetime


def insert_upload(conn: Connection, view: FileView) -> None:
    conn.execute(insert(StoredFile).values(sha256=view.sha256, name=view.name, size=view.size,
                                           content_type=view.content_type, uploaded_by=view.uploaded_by,
                                           uploaded_at=view.uploaded_at))


def _view(row: Any, where: tuple[int, str] | None = None) -> FileView:
    task_id, field = where if where is not None else (None, None)
    return FileView(row.sha256, row.name, row.size, row.content_type, row.uploaded_by, row.uploaded_at,
                    task_id, field)


def upload_by(conn: Connection, sha256: str, username: str) -> FileView | None:
    """The newest upload of these bytes by this user."""
    row = conn.execute(_VIEW.where(StoredFile.c.sha256 == sha256, StoredFile.c.uploaded_by == username)
                       .order_by(StoredFile.c.id.desc()).limit(1)).first()
    return _view(row) if row else None


def uploaded_by(conn: Connection, sha256s: Iterable[str], username: str) -> set[str]:
    """Which of these files the user uploaded."""
    wanted = sorted(set(sha256s))
    if not wanted:
        return set()
    return set(conn.scalars(select(StoredFile.c.sha256).distinct()
                            .where(StoredFile.c.sha256.in_(wanted), StoredFile.c.uploaded_by == username)))


def of_instance(conn: Connection, instance_id: int, sha256s: Iterable[str] | None = None) -> set[str]:
    """Which files (of ``sha256s``, or all) the case refers to."""
    query = select(CaseFile.c.sha256).distinct().where(CaseFile.c.instance_id == instance_id)
    if sha256s is not None:
        query = query.where(CaseFile.c.sha256.in_(sorted(set(sha256s))))
    return set(conn.scalars(query))


def instances_referring(conn: Connection, sha256: str) -> list[int]:
    """The cases that refer to a file, oldest first."""
    return list(conn.scalars(select(CaseFile.c.instance_id).distinct().where(CaseFile.c.sha256 == sha256)
                             .order_by(CaseFile.c.instance_id)))


def add_references(conn: Connection, ref: Reference, fields: Sequence[tuple[str, str]]) -> None:
    """Record that the case refers to each (field, sha256)."""
    if fields:
        conn.execute(insert(CaseFile), [{"instance_id": ref.instance_id, "sha256": sha256, "task_id": ref.task_id,
                                         "field": field, "added_by": ref.added_by, "added_at": ref.added_at}
                                        for field, sha256 in fields])


def case_view(conn: Connection, instance_id: int, sha256: str) -> FileView | None:
    """A file as the case knows it: named as uploaded by whoever first added it to the case."""
    views = [v for v in case_files(conn, instance_id) if v.sha256 == sha256]
    return views[0] if views else None


def case_files(conn: Connection, instance_id: int) -> list[FileView]:
    """Every file the case refers to, in the order they were added, each named as uploaded by the
    person who added it (their newest upload of those bytes up to then; else the first upload)."""
    refs = conn.execute(select(CaseFile).where(CaseFile.c.instance_id == instance_id)
                        .order_by(CaseFile.c.added_at, CaseFile.c.task_id, CaseFile.c.field)).all()
    if not refs:
        return []
    uploads = conn.execute(_VIEW.where(StoredFile.c.sha256.in_(sorted({r.sha256 for r in refs})))
                           .order_by(StoredFile.c.id)).all()
    found = []
    for ref in refs:
        same = [u for u in uploads if u.sha256 == ref.sha256]
        theirs = [u for u in same if u.uploaded_by == ref.added_by and u.uploaded_at <= ref.added_at]
        if same:
            found.append(_view((theirs or same)[-1 if theirs else 0], (ref.task_id, ref.field)))
    return found
