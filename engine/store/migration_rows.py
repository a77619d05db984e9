"""What moving cases to a newer version of their process reads: the running cases of the process on
an older version (engine.services.migration). Writing a moved case is the case operation's."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, select

from .tables import Instance, ProcessDefinition


@dataclass(frozen=True)
class CaseOnVersion:
    """A running case, the version it runs on and its stored workflow state."""

    instance_id: int
    definition_id: int
    version: int
    title: str
    state_json: str


def running_before(conn: Connection, process_id: str, version: int) -> list[CaseOnVersion]:
    """The process's cases that are not done (neither completed nor cancelled) and run on a version
    older than ``version``, oldest case first."""
    i, d = Instance.c, ProcessDefinition.c
    rows = conn.execute(
        select(i.id, i.definition_id, d.version, i.title, i.state_json)
        .join(ProcessDefinition, d.id == i.definition_id)
        .where(i.process_id == process_id, d.version < version, i.status.not_in(("completed", "cancelled")))
        .order_by(i.id)).all()
    return [CaseOnVersion(*row) for row in rows]
