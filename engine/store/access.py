"""Who may see a case: its participants, the members and supervisors of its lanes, auditors.

A participant started the case, or holds or did one of its tasks, or prepares one on behalf of
its holder. A lane member belongs to a
candidate group of one of its tasks (they could take it from their worklist), or acts today for a
position that holds such a group's tasks (engine.model.acting); a supervisor
belongs to the supervisor group of such a group. Auditors see every case. Anyone else gets
the answer a missing case gets (not found), so that ids cannot be probed.
"""
from __future__ import annotations

from sqlalchemy import Connection, exists, or_, select

from ..results import Account
from ..time import clock
from ..time.calendar import local_date
from . import acting
from .db import is_row_id
from .tables import Group, HumanTask, Instance, TaskCandidate, TaskPreparer


def can_see_case(conn: Connection, instance_id: int, viewer: Account) -> bool:
    if not is_row_id(instance_id):
        return False
    if viewer.has_role("auditor"):
        return True
    rights = acting.rights(conn, viewer.username, local_date(clock.now()))  # an acting official's, today
    groups = sorted(set(viewer.groups) | rights.groups)
    of_case = HumanTask.c.instance_id == instance_id
    did = exists().where(of_case, or_(HumanTask.c.assignee == viewer.username,
                                      HumanTask.c.completed_by == viewer.username,
                                      HumanTask.c.reserved_for.in_(sorted({viewer.username} | rights.holders))))
    lane = exists().where(of_case, TaskCandidate.c.task_id == HumanTask.c.id, TaskCandidate.c.group_id.in_(groups))
    supervises = exists().where(of_case, TaskCandidate.c.task_id == HumanTask.c.id,
                                Group.c.id == TaskCandidate.c.group_id, Group.c.supervisor.in_(groups))
    prepares = exists().where(of_case, TaskPreparer.c.task_id == HumanTask.c.id,
                              TaskPreparer.c.username == viewer.username)  # on behalf of a task's holder
    ways = [Instance.c.started_by == viewer.username, did, prepares] + ([lane, supervises] if groups else [])
    query = select(Instance.c.id).where(Instance.c.id == instance_id, or_(*ways))
    return conn.execute(query).first() is not None


def works_case_now(conn: Connection, instance_id: int, username: str, groups: set[str]) -> bool:
    """The case's lane as it is now: the holder of one of its open tasks, a member of their
    candidate groups, or a supervisor of those groups (who may, e.g., change its urgency)."""
    open_task = (HumanTask.c.instance_id == instance_id) & (HumanTask.c.state == "open")
    holds = exists().where(open_task, or_(HumanTask.c.assignee == username, HumanTask.c.reserved_for == username))
    member = exists().where(open_task, TaskCandidate.c.task_id == HumanTask.c.id,
                            TaskCandidate.c.group_id.in_(list(groups)))
    supervises = exists().where(open_task, TaskCandidate.c.task_id == HumanTask.c.id,
                                Group.c.id == TaskCandidate.c.group_id, Group.c.supervisor.in_(list(groups)))
    return conn.execute(select(or_(holds, member, supervises) if groups else holds)).scalar() is True
