"""Escalation: a step past its deadline, or a reminder before it, becomes notifications.

Who is told: the assignee (else the person the task is reserved for, else every active member of
the task's lane groups) and, for an overdue step, the members of the lane's supervisor group
(organisation.yaml). Notifications are rows the web app reads; when SMTP is configured they are
also e-mailed (engine.mail sends the pending ones after the transaction that made them).
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from . import calendar as cal
from . import org
from .history import Recorder
from .models import HumanTask, Notification
from .settings import Settings

_T, _N = HumanTask.__table__, Notification.__table__


def recipients(session: Session, task: Any, supervisors: bool) -> list[str]:
    groups = task.candidate_groups.split()
    people: set[str] = set()
    if task.assignee:
        people.add(task.assignee)
    elif task.reserved_for:
        people.add(task.reserved_for)
    else:
        for group in groups:
            people |= org.group_members(session, group)
    if supervisors:
        people |= org.supervisors_of(session, groups)
    return sorted(people)


def _be_date(moment: datetime) -> str:
    day = cal.local_date(moment)
    return f"{day.day}/{day.month}/{day.year + cal.BE_OFFSET}"


def escalate(session: Session, settings: Settings, task: Any, kind: str, now: datetime,
             recorder: Recorder) -> list[str]:
    """Notify about one open task ("overdue" or "reminder"); marks an overdue task. Returns who was told."""
    overdue = kind == "overdue"
    people = recipients(session, task, supervisors=overdue)
    due_th = _be_date(task.due_at)
    due_en = cal.local_date(task.due_at).isoformat()
    if overdue:
        title_th = f"เกินกำหนด: {task.name} (คำขอ {task.instance_id}) ครบกำหนด {due_th}"
        title_en = f"Overdue: {task.name} (case {task.instance_id}) was due {due_en}"
        session.execute(update(_T).where(_T.c.id == task.id, _T.c.overdue_at.is_(None)).values(overdue_at=now))
    else:
        title_th = f"ใกล้ครบกำหนด: {task.name} (คำขอ {task.instance_id}) ครบกำหนด {due_th}"
        title_en = f"Due soon: {task.name} (case {task.instance_id}) is due {due_en}"
    email = "pending" if settings.smtp_host else "off"
    if people:
        session.execute(insert(_N), [dict(username=u, kind=kind, instance_id=task.instance_id, task_id=task.id,
                                          title_th=title_th, title_en=title_en, due_at=task.due_at, created_at=now,
                                          email_status=email) for u in people])
    recorder.record("task_overdue" if overdue else "reminder_sent", None, task_id=task.id,
                    element_id=task.element_id, due_at=task.due_at.isoformat(), notified=people)
    return people


def open_task(session: Session, task_id: int) -> Any:
    return session.execute(select(_T).where(_T.c.id == task_id, _T.c.state == "open")).first()
