"""Deployed process versions: immutable rows, one per (process id, version)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, bindparam, func, insert, select

from ..results import ProcessVersionView
from .tables import ProcessDefinition


@dataclass(frozen=True)
class DefinitionRow:
    id: int
    process_id: str
    version: int
    spec_json: str
    model_json: str


@dataclass(frozen=True)
class NewVersion:
    process_id: str
    name: str
    sha256: str
    source_name: str
    bpmn_xml: str
    spec_json: str
    model_json: str


_LOAD = (select(ProcessDefinition.c.id, ProcessDefinition.c.process_id, ProcessDefinition.c.version,
                ProcessDefinition.c.spec_json, ProcessDefinition.c.model_json)
         .where(ProcessDefinition.c.id == bindparam("definition_id")))


def load(conn: Connection, definition_id: int) -> DefinitionRow | None:
    row = conn.execute(_LOAD, {"definition_id": definition_id}).first()
    return DefinitionRow(row.id, row.process_id, row.version, row.spec_json, row.model_json) if row else None


def latest(conn: Connection, process_id: str) -> tuple[int, str, str] | None:
    """(version, sha256, source file name) of the newest version of a process, if any."""
    d = ProcessDefinition.c
    row = conn.execute(select(d.version, d.sha256, d.source_name).where(d.process_id == process_id)
                       .order_by(d.version.desc()).limit(1)).first()
    return (row.version, row.sha256, row.source_name) if row else None


def add_version(conn: Connection, new: NewVersion, version: int, now: datetime) -> None:
    conn.execute(insert(ProcessDefinition).values(
        process_id=new.process_id, version=version, name=new.name, sha256=new.sha256, source_name=new.source_name,
        bpmn_xml=new.bpmn_xml, spec_json=new.spec_json, model_json=new.model_json, deployed_at=now))


def versions(conn: Connection, process_id: str | None = None) -> list[ProcessVersionView]:
    d = ProcessDefinition.c
    query = (select(d.id, d.process_id, d.version, d.name, d.sha256, d.source_name, d.deployed_at)
             .order_by(d.process_id, d.version))
    if process_id is not None:
        query = query.where(d.process_id == process_id)
    return [ProcessVersionView(*row) for row in conn.execute(query)]


def definition_id_of(conn: Connection, process_id: str, version: int | None = None) -> int | None:
    """The id of a process's given version, or of its latest."""
    query = select(ProcessDefinition.c.id).where(ProcessDefinition.c.process_id == process_id)
    if version is not None:
        return conn.scalar(query.where(ProcessDefinition.c.version == version))
    newest = select(func.max(ProcessDefinition.c.version)).where(ProcessDefinition.c.process_id == process_id)
    return conn.scalar(query.where(ProcessDefinition.c.version == newest.scalar_subquery()))


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
