"""Timer rows: kept in step with the workflow inside each engine operation.

Three kinds, all fired by the scheduler (engine.firing):
- ``bpmn``: a BPMN timer event the workflow waits on (due when Spiff says, on the DB clock);
- ``overdue``: a human task's deadline (escalation when it passes);
- ``reminder``: N working days before a task's deadline, as configured per process.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any, Iterable

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from . import calendar as cal
from .calendar import WorkCalendar
from .models import Timer
from .schedules import Reminder
from .spiff import Workflow

_TM = Timer.__table__
_PENDING_BPMN = (select(_TM.c.id, _TM.c.spiff_task_id, _TM.c.due_at)
                 .where(_TM.c.instance_id == bindparam("instance_id"), _TM.c.kind == "bpmn",
                        _TM.c.state == "pending"))
_CANCEL = update(_TM).where(_TM.c.id == bindparam("timer_id"), _TM.c.state == "pending").values(state="cancelled")
_MOVE = (update(_TM).where(_TM.c.id == bindparam("timer_id"), _TM.c.state == "pending")
         .values(due_at=bindparam("due"), lease_owner=None, lease_expires_at=None))


def sync_bpmn_timers(session: Session, instance_id: int, workflow: Workflow, now: datetime) -> list[dict[str, Any]]:
    """Make the pending ``bpmn`` rows match the timers the workflow waits on; returns the changes
    (for the history: timers set, moved and cancelled)."""
    pending = {r.spiff_task_id: r for r in session.execute(_PENDING_BPMN, {"instance_id": instance_id})}
    waiting = {t.spiff_id: t for t in workflow.waiting_timers()}
    changes: list[dict[str, Any]] = []
    for spiff_id, row in pending.items():
        if spiff_id not in waiting:
            session.execute(_CANCEL, {"timer_id": row.id})
            changes.append({"change": "cancelled", "timer_id": row.id})
        elif waiting[spiff_id].due_at != row.due_at:
            session.execute(_MOVE, {"timer_id": row.id, "due": waiting[spiff_id].due_at})
            changes.append({"change": "moved", "timer_id": row.id, "old_due": row.due_at.isoformat(),
                            "due": waiting[spiff_id].due_at.isoformat()})
    new = [dict(kind="bpmn", instance_id=instance_id, task_id=None, spiff_task_id=t.spiff_id, element_id=t.element_id,
                due_at=t.due_at, state="pending", attempts=0, created_at=now)
           for spiff_id, t in waiting.items() if spiff_id not in pending]
    if new:
        ids = session.execute(insert(_TM).returning(_TM.c.id, sort_by_parameter_order=True), new).scalars().all()
        changes += [{"change": "set", "timer_id": i, "element_id": r["element_id"], "due": r["due_at"].isoformat()}
                    for i, r in zip(ids, new)]
    return changes


def deadline_rows(instance_id: int, task_id: int, element_id: str, due: datetime, reminders: Iterable[Reminder],
                  calendar: WorkCalendar, now: datetime) -> list[dict[str, Any]]:
    """The ``overdue`` row of a task's deadline and its ``reminder`` rows still ahead."""
    rows = [dict(kind="overdue", instance_id=instance_id, task_id=task_id, spiff_task_id=None, element_id=element_id,
                 due_at=due, state="pending", attempts=0, created_at=now)]
    for reminder in reminders:
        day = calendar.add_working_days(cal.local_date(due), -reminder.working_days_before) \
            if reminder.working_days_before else cal.local_date(due)
        at = cal.at_local(day, cal.OFFICE_OPENS)
        if now < at < due:
            rows.append(dict(kind="reminder", instance_id=instance_id, task_id=task_id, spiff_task_id=None,
                             element_id=element_id, due_at=at, state="pending", attempts=0, created_at=now))
    return rows


def cancel_task_timers(session: Session, task_ids: list[int]) -> None:
    if task_ids:
        session.execute(update(_TM).where(_TM.c.task_id.in_(task_ids), _TM.c.state == "pending")
                        .values(state="cancelled"))
