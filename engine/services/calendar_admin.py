"""The working-day calendar and its administration.

A holiday change moves open deadlines: one transaction changes the calendar, recomputes the
deadline of every open task from its stored basis (engine.time.deadlines), moves its escalation
timers, re-evaluates date timers of waiting BPMN timer events, and records in each affected
case's history the old and the new due time with the change's reference. Tasks whose deadline
does not move are not touched. Cases are locked in one order (by instance id).
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ..context import Context
from ..errors import Forbidden
from ..operation import CaseOperation, Work, work
from ..results import DeadlineChange
from ..store import accounts, holidays, task_rows, timer_rows
from ..store.history import EventType
from ..store.holidays import HolidayChangeRequest
from ..store.task_rows import TaskRow
from ..time import clock, deadlines
from ..time.calendar import WorkCalendar


class CalendarAdmin:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def calendar(self) -> WorkCalendar:
        """The calendar as it stands (package holidays with the administrators' changes)."""
        with self.ctx.db.unit_of_work(write=False) as conn:
            return holidays.load_calendar(conn)

    def add_holiday(self, day: date, name: str, ref: str, actor: str) -> list[DeadlineChange]:
        """Add a holiday; every open deadline it moves is recomputed (returned, and in each case's history)."""
        return self._change(HolidayChangeRequest(day, "add", name, ref, actor))

    def remove_holiday(self, day: date, ref: str, actor: str) -> list[DeadlineChange]:
        return self._change(HolidayChangeRequest(day, "remove", "", ref, actor))

    def _change(self, request: HolidayChangeRequest) -> list[DeadlineChange]:
        """Only an administrator (role ``admin`` in the organisation file) changes the calendar."""
        with work(self.ctx) as w:
            actor = accounts.account(w.conn, request.actor)
            if actor is None or not actor.has_role("admin"):
                raise Forbidden(f"{request.actor} may not change the holiday calendar (it needs the administrator "
                                "role in the organisation file)")
            holidays.change_holiday(w.conn, request, w.now)
            version, calendar = holidays.load_versioned(w.conn)
            with clock.operation_time(w.now, lambda: calendar):
                return _recompute(w, (version, calendar), request)


def _recompute(w: Work, versioned: tuple[int, WorkCalendar], request: HolidayChangeRequest) -> list[DeadlineChange]:
    version, calendar = versioned
    moved: dict[int, list[tuple[TaskRow, datetime | None]]] = {}
    for row in task_rows.open_with_deadline_basis(w.conn):
        assert row.deadline_json is not None
        new_due = deadlines.due_at(deadlines.DeadlineBasis.from_json(row.deadline_json), calendar)
        if new_due != row.due_at:
            moved.setdefault(row.instance_id, []).append((row, new_due))
    waiting = timer_rows.instances_waiting_on_bpmn(w.conn)
    reason = {"date": request.day.isoformat(), "action": request.action, "name": request.name, "ref": request.ref}
    changes: list[DeadlineChange] = []
    for instance_id in sorted(set(moved) | waiting):  # one lock order: by instance id
        with w.case(instance_id=instance_id, actor=request.actor) as op:
            for row, new_due in moved.get(instance_id, []):
                changes.append(_move(op, row, new_due, reason))
            if instance_id in waiting and op.workflow.reevaluate_date_timers():
                # an input the workflow took (the auditor's replay evaluates them again on this calendar)
                op.record(EventType.TIMERS_REEVALUATED, request.actor, calendar_version=version, holiday=reason)
    return changes


def _move(op: CaseOperation, row: TaskRow, new_due: datetime | None, reason: dict[str, Any]) -> DeadlineChange:
    # Already escalated and still past due: it stays overdue and is not escalated twice.
    still_overdue = row.overdue_at is not None and new_due is not None and new_due <= op.now
    task_rows.move_deadline(op.conn, row.id, new_due, row.overdue_at if still_overdue else None)
    timer_rows.drop_pending_of_task(op.conn, row.id)
    if new_due is not None and not still_overdue:
        timer_rows.insert_rows(op.conn, timer_rows.deadline_rows(
            (row.instance_id, row.id, row.element_id), new_due, op.ctx.schedules.reminders(row.process_id),
            op.calendar, op.now))
    op.record(EventType.DEADLINE_CHANGED, op.actor, task_id=row.id, element_id=row.element_id,
              old_due=row.due_at.isoformat() if row.due_at else None,
              new_due=new_due.isoformat() if new_due else None, holiday=reason)
    return DeadlineChange(row.id, row.instance_id, row.element_id, row.due_at, new_due)
