"""Escalation: a step past its deadline, or a reminder before it, becomes notifications.

Who is told: the assignee (else the person the task is reserved for, else every active member of
the task's lane groups) and, for an overdue step, the members of the lane's supervisor group
(organisation.yaml). Notifications are rows the web app reads; when SMTP is configured they are
also e-mailed (engine.services.inbox sends the pending ones after the transaction that made them).
"""
from __future__ import annotations

from sqlalchemy import Connection

from ..operation import CaseOperation
from ..store import notifications, people, task_rows
from ..store.history import EventType
from ..store.notifications import NewNotification
from ..store.task_rows import TaskRow
from ..time import calendar as cal


def recipients(conn: Connection, task: TaskRow, supervisors: bool) -> list[str]:
    found: set[str] = set()
    if task.assignee:
        found.add(task.assignee)
    elif task.reserved_for:
        found.add(task.reserved_for)
    else:
        for group in task.groups:
            found |= people.group_members(conn, group)
    if supervisors:
        found |= people.supervisors_of(conn, task.groups)
    return sorted(found)


def escalate(op: CaseOperation, task: TaskRow, kind: str) -> list[str]:
    """Notify about one open task of the case ("overdue" or "reminder"); marks an overdue task.
    Returns who was told."""
    assert task.due_at is not None
    overdue = kind == "overdue"
    told = recipients(op.conn, task, supervisors=overdue)
    due_th = cal.be_date(cal.local_date(task.due_at))
    due_en = cal.local_date(task.due_at).isoformat()
    if overdue:
        title_th = f"เกินกำหนด: {task.name} (คำขอ {task.instance_id}) ครบกำหนด {due_th}"
        title_en = f"Overdue: {task.name} (case {task.instance_id}) was due {due_en}"
        task_rows.mark_overdue(op.conn, task.id, op.now)
    else:
        title_th = f"ใกล้ครบกำหนด: {task.name} (คำขอ {task.instance_id}) ครบกำหนด {due_th}"
        title_en = f"Due soon: {task.name} (case {task.instance_id}) is due {due_en}"
    email = "pending" if op.ctx.settings.smtp_host else "off"
    notifications.add(op.conn, told, NewNotification(kind, task.instance_id, task.id, title_th, title_en,
                                                        task.due_at), op.now, email)
    op.record(EventType.TASK_OVERDUE if overdue else EventType.REMINDER_SENT, None, task_id=task.id,
              element_id=task.element_id, due_at=task.due_at.isoformat(), notified=told)
    return told
