"""Deployed process versions: immutable rows, one per (process id, version)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

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


_LOAD = (select(ProcessDefinition.id, ProcessDefinition.process_id, ProcessDefinition.version,
                ProcessDefinition.spec_json, ProcessDefinition.model_json)
         .where(ProcessDefinition.id == bindparam("definition_id")))


def load(session: Session, definition_id: int) -> DefinitionRow | None:
    row = session.connection().execute(_LOAD, {"definition_id": definition_id}).first()
    return DefinitionRow(row.id, row.process_id, row.version, row.spec_json, row.model_json) if row else None


def latest(session: Session, process_id: str) -> tuple[int, str] | None:
    """(version, sha256) of the newest version of a process, if any."""
    row = session.connection().execute(select(ProcessDefinition.version, ProcessDefinition.sha256)
                          .where(ProcessDefinition.process_id == process_id)
                          .order_by(ProcessDefinition.version.desc()).limit(1)).first()
    return (row.version, row.sha256) if row else None


def add_version(session: Session, new: NewVersion, version: int, now: datetime) -> None:
    session.add(ProcessDefinition(process_id=new.process_id, version=version, name=new.name, sha256=new.sha256,
                                  source_name=new.source_name, bpmn_xml=new.bpmn_xml, spec_json=new.spec_json,
                                  model_json=new.model_json, deployed_at=now))


def versions(session: Session, process_id: str | None = None) -> list[ProcessVersionView]:
    query = select(ProcessDefinition.id, ProcessDefinition.process_id, ProcessDefinition.version,
                   ProcessDefinition.name, ProcessDefinition.sha256, ProcessDefinition.source_name,
                   ProcessDefinition.deployed_at).order_by(ProcessDefinition.process_id, ProcessDefinition.version)
    if process_id is not None:
        query = query.where(ProcessDefinition.process_id == process_id)
    return [ProcessVersionView(*row) for row in session.connection().execute(query)]


def definition_id_of(session: Session, process_id: str, version: int | None = None) -> int | None:
    """The id of a process's given version, or of its latest."""
    query = select(ProcessDefinition.id).where(ProcessDefinition.process_id == process_id)
    if version is not None:
        return session.connection().scalar(query.where(ProcessDefinition.version == version))
    newest = select(func.max(ProcessDefinition.version)).where(ProcessDefinition.process_id == process_id)
    return session.connection().scalar(query.where(ProcessDefinition.version == newest.scalar_subquery()))
