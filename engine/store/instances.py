"""Instance rows: the case's workflow state, its version and its history chain head.

Only the case operation (engine.operation) calls the writers here: one lock order (the instance
row first), and every write of state or head checks the version read under the lock.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Select, bindparam, func, insert, null, select, update

from ..errors import Conflict, NotFound
from .db import affected
from .history import Recorder
from .holidays import LATEST_CHANGE
from .tables import HumanTask, Instance, Membership, User
from .task_rows import TASK_COLUMNS, TaskRow


@dataclass(frozen=True)
class LockedInstance:
    """The instance row as read under its lock (with the working-day calendar's version, read in
    the same statement so that a cached calendar needs no query of its own)."""

    id: int
    version: int
    definition_id: int
    state_json: str
    history_seq: int
    history_head: str
    # What new task rows copy from the case for the worklist: its title and urgency rank.
    title: str = ""
    urgency: int = 4
    calendar_version: int = 0
    # The acting user as read in the same statement: active (None: unknown) and groups.
    actor_active: bool | None = None
    actor_groups: str | None = None
    # The database's clock in the same round trip (PostgreSQL; None on SQLite, whose clock is local).
    db_time: datetime | None = None


@dataclass(frozen=True)
class StateValues:
    """What a run of the workflow changes on the instance row."""

    state_json: str
    data_json: str
    status: str
    updated_at: datetime
    completed_at: datetime | None


_COLUMNS = (Instance.c.id, Instance.c.version, Instance.c.definition_id, Instance.c.state_json,
            Instance.c.history_seq, Instance.c.history_head, Instance.c.title, Instance.c.urgency)
# What an operation needs besides the row, read in the same statement to save round trips: the
# calendar's version, the acting user's membership, and (PostgreSQL) the database's clock.
_ACTOR_ACTIVE = select(User.c.active).where(User.c.username == bindparam("actor")).scalar_subquery()
_ACTOR_GROUPS = (select(func.aggregate_strings(Membership.c.group_id, " "))
                 .where(Membership.c.username == bindparam("actor")).scalar_subquery())
_CONTEXT = (LATEST_CHANGE, _ACTOR_ACTIVE, _ACTOR_GROUPS)
_WIDTH = len(_COLUMNS) + len(_CONTEXT) + 1


def _lock_statements(dialect: str) -> tuple[Select[Any], Select[Any]]:
    clock = func.clock_timestamp() if dialect == "postgresql" else null()
    by_id = select(*_COLUMNS, *_CONTEXT, clock).where(Instance.c.id == bindparam("instance_id")).with_for_update()
    # Locks the task row too, so that what is read of it is its latest committed version.
    by_task = (select(*_COLUMNS, *_CONTEXT, clock, *TASK_COLUMNS)
               .join(HumanTask, HumanTask.c.instance_id == Instance.c.id)
               .where(HumanTask.c.id == bindparam("task_id")).with_for_update())
    return by_id, by_task


_LOCKS = {dialect: _lock_statements(dialect) for dialect in ("postgresql", "sqlite")}
_WRITE_HEAD = (update(Instance).where(Instance.c.id == bindparam("iid"), Instance.c.version == bindparam("v"))
               .values(history_seq=bindparam("seq"), history_head=bindparam("head")))
_WRITE_STATE = _WRITE_HEAD.values(
    version=bindparam("v") + 1, state_json=bindparam("p_state"), data_json=bindparam("p_data"),
    status=bindparam("p_status"), updated_at=bindparam("p_updated"), completed_at=bindparam("p_completed"))
# A case moved to another version of its process: the state and the version it runs on.
_WRITE_MOVED_STATE = _WRITE_STATE.values(definition_id=bindparam("p_definition"))


def lock(conn: Connection, instance_id: int, actor: str | None) -> LockedInstance:
    connection = conn
    statement = _LOCKS[connection.dialect.name][0]
    row = connection.execute(statement, {"instance_id": instance_id, "actor": actor or ""}).first()
    if row is None:
        raise NotFound(f"instance {instance_id} does not exist")
    return LockedInstance(*row)


def lock_by_task(conn: Connection, task_id: int, actor: str | None) -> tuple[LockedInstance, TaskRow]:
    """Lock a task's case (and the task's row); both as read under the lock."""
    connection = conn
    statement = _LOCKS[connection.dialect.name][1]
    row = connection.execute(statement, {"task_id": task_id, "actor": actor or ""}).first()
    if row is None:
        raise NotFound(f"task {task_id} does not exist")
    return LockedInstance(*row[:_WIDTH]), TaskRow(*row[_WIDTH:])


def insert_started(conn: Connection, definition: tuple[int, str], started_by: str, header: tuple[str, int],
                   state: StateValues) -> int:
    """A new instance row at version 1 (its history head is written when the start is done);
    ``definition`` is (id, process id), ``header`` (title, urgency rank)."""
    (definition_id, process_id), (title, urgency) = definition, header
    instance_id: int = conn.execute(
        insert(Instance).returning(Instance.c.id),
        [dict(definition_id=definition_id, process_id=process_id, version=1, history_seq=0,
              history_head="0" * 64, started_by=started_by, created_at=state.updated_at, title=title,
              urgency=urgency, **vars(state))]
    ).scalar_one()
    return instance_id


def write(conn: Connection, locked: LockedInstance, recorder: Recorder, state: StateValues | None,
          definition_id: int | None = None) -> None:
    """Append the recorder's events and store the new chain head, and the new state if the
    workflow ran, with the optimistic version check. The version counts state changes: it moves
    only with the state. ``definition_id``: the state runs on this version of the process now (a
    case moved to another version; only with a state)."""
    params: dict[str, Any] = {"iid": locked.id, "v": locked.version}
    statement = _WRITE_HEAD
    if state is not None:
        params.update(p_state=state.state_json, p_data=state.data_json, p_status=state.status,
                      p_updated=state.updated_at, p_completed=state.completed_at)
        statement = _WRITE_STATE
        if definition_id is not None and definition_id != locked.definition_id:
            params.update(p_definition=definition_id)
            statement = _WRITE_MOVED_STATE
    result = recorder.flush(statement, params)
    if result is None or affected(result) != 1:
        raise Conflict(f"instance {locked.id} was changed by someone else at the same time; reload and retry")


@dataclass(frozen=True)
class InstanceRow:
    id: int
    process_id: str
    definition_id: int
    status: str
    data: dict[str, object]
    started_by: str
    created_at: datetime
    completed_at: datetime | None
    title: str = ""
    urgency: int = 4


def read(conn: Connection, instance_id: int) -> InstanceRow:
    row = conn.execute(
        select(Instance.c.id, Instance.c.process_id, Instance.c.definition_id, Instance.c.status, Instance.c.data_json,
               Instance.c.started_by, Instance.c.created_at, Instance.c.completed_at, Instance.c.title,
               Instance.c.urgency)
        .where(Instance.c.id == instance_id)).first()
    if row is None:
        raise NotFound(f"instance {instance_id} does not exist")
    return InstanceRow(row.id, row.process_id, row.definition_id, row.status, json.loads(row.data_json),
                       row.started_by, row.created_at, row.completed_at, row.title, row.urgency)


def set_urgency(conn: Connection, locked: LockedInstance, urgency: int) -> None:
    """A new urgency rank for the case and its open tasks (the worklist sorts by the task's copy)."""
    conn.execute(update(Instance).where(Instance.c.id == locked.id).values(urgency=urgency))
    conn.execute(update(HumanTask).where(HumanTask.c.instance_id == locked.id, HumanTask.c.state == "open")
                 .values(urgency=urgency))


def started_by_of(conn: Connection, instance_id: int) -> str:
    """Who started a case (segregation of duties: they may not approve it)."""
    started_by: str | None = conn.execute(select(Instance.c.started_by)
                                          .where(Instance.c.id == instance_id)).scalar_one_or_none()
    if started_by is None:
        raise NotFound(f"instance {instance_id} does not exist")
    return started_by
