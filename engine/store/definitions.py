"""Deployed process versions: immutable rows, one per (process id, version)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Connection, bindparam, func, insert, or_, select

from ..results import ProcessVersionView
from .tables import ProcessDefinition


@dataclass(frozen=True)
class DefinitionRow:
    id: int
    process_id: str
    version: int
    spec_json: str
    model_json: str
    # The forms the version uses, when edited with it (None: the forms folder's).
    forms_json: str | None = None


@dataclass(frozen=True)
class Publication:
    """How a version published from the browser came about (None for a deployed file)."""

    effective_from: date
    published_by: str
    approved_by: str
    change_id: int
    diff_json: str
    forms_json: str


@dataclass(frozen=True)
class NewVersion:
    process_id: str
    name: str
    sha256: str
    source_name: str
    bpmn_xml: str
    spec_json: str
    model_json: str
    publication: Publication | None = None


_LOAD = (select(ProcessDefinition.c.id, ProcessDefinition.c.process_id, ProcessDefinition.c.version,
                ProcessDefinition.c.spec_json, ProcessDefinition.c.model_json, ProcessDefinition.c.forms_json)
         .where(ProcessDefinition.c.id == bindparam("definition_id")))


def load(conn: Connection, definition_id: int) -> DefinitionRow | None:
    row = conn.execute(_LOAD, {"definition_id": definition_id}).first()
    return DefinitionRow(row.id, row.process_id, row.version, row.spec_json, row.model_json,
                         row.forms_json) if row else None


def latest(conn: Connection, process_id: str) -> tuple[int, str, str] | None:
    """(version, sha256, source file name) of the newest version of a process, if any."""
    d = ProcessDefinition.c
    row = conn.execute(select(d.version, d.sha256, d.source_name).where(d.process_id == process_id)
                       .order_by(d.version.desc()).limit(1)).first()
    return (row.version, row.sha256, row.source_name) if row else None


MAX_VERSION = 2**31 - 1  # an INTEGER column: a larger number asked for is no version at all


def _is_version(version: int) -> bool:
    return 0 < version <= MAX_VERSION


def add_version(conn: Connection, new: NewVersion, version: int, now: datetime) -> int:
    published = new.publication
    extra = {} if published is None else {
        "effective_from": published.effective_from, "published_by": published.published_by,
        "approved_by": published.approved_by, "change_id": published.change_id, "diff_json": published.diff_json,
        "forms_json": published.forms_json}
    key = conn.execute(insert(ProcessDefinition).values(
        process_id=new.process_id, version=version, name=new.name, sha256=new.sha256, source_name=new.source_name,
        bpmn_xml=new.bpmn_xml, spec_json=new.spec_json, model_json=new.model_json, deployed_at=now,
        **extra)).inserted_primary_key
    assert key is not None
    return int(key[0])


def has_sha(conn: Connection, process_id: str, sha256: str) -> int | None:
    """The version of a process deployed with exactly these bytes, if any (the newest such)."""
    d = ProcessDefinition.c
    found = conn.scalar(select(func.max(d.version)).where(d.process_id == process_id, d.sha256 == sha256))
    return int(found) if found is not None else None


def versions(conn: Connection, process_id: str | None = None) -> list[ProcessVersionView]:
    d = ProcessDefinition.c
    query = (select(d.id, d.process_id, d.version, d.name, d.sha256, d.source_name, d.deployed_at,
                    d.effective_from, d.published_by, d.approved_by)
             .order_by(d.process_id, d.version))
    if process_id is not None:
        query = query.where(d.process_id == process_id)
    return [ProcessVersionView(row.id, row.process_id, row.version, row.name, row.sha256, row.source_name,
                               row.deployed_at, effective_from=row.effective_from, published_by=row.published_by,
                               approved_by=row.approved_by) for row in conn.execute(query)]


def definition_id_of(conn: Connection, process_id: str, version: int | None = None,
                     on: date | None = None) -> int | None:
    """The id of a process's given version; else of the newest version in effect ``on`` that
    day (a version takes effect on its effective date, or when deployed if it has none); else,
    without ``on``, of its newest version."""
    d = ProcessDefinition.c
    query = select(d.id).where(d.process_id == process_id)
    if version is not None:
        return conn.scalar(query.where(d.version == version)) if _is_version(version) else None
    newest = select(func.max(d.version)).where(d.process_id == process_id)
    if on is not None:
        newest = newest.where(or_(d.effective_from.is_(None), d.effective_from <= on))
    return conn.scalar(query.where(d.version == newest.scalar_subquery()))


def diff_json_of(conn: Connection, process_id: str, version: int) -> str | None:
    """The readable diff kept with a version published from the browser."""
    if not _is_version(version):
        return None
    d = ProcessDefinition.c
    return conn.scalar(select(d.diff_json).where(d.process_id == process_id, d.version == version))


def bpmn_and_forms(conn: Connection, process_id: str, version: int) -> tuple[int, str, str | None] | None:
    """(definition id, BPMN XML, own forms JSON) of one version."""
    if not _is_version(version):
        return None
    d = ProcessDefinition.c
    row = conn.execute(select(d.id, d.bpmn_xml, d.forms_json)
                       .where(d.process_id == process_id, d.version == version)).first()
    return (row.id, row.bpmn_xml, row.forms_json) if row else None


def names(conn: Connection, process_ids: set[str]) -> dict[str, str]:
    """The name of each process's newest version (for lists that show procedures by name)."""
    if not process_ids:
        return {}
    d = ProcessDefinition.c
    rows = conn.execute(select(d.process_id, d.name).where(d.process_id.in_(sorted(process_ids)))
                        .order_by(d.process_id, d.version))
    return {r.process_id: r.name or r.process_id for r in rows}  # the last (newest) version wins


def bpmn_of(conn: Connection, definition_id: int) -> str:
    """The BPMN XML of a deployed version, as it was deployed."""
    return str(conn.scalar(select(ProcessDefinition.c.bpmn_xml).where(ProcessDefinition.c.id == definition_id)) or "")
