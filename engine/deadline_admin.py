"""A holiday change moves open deadlines: one unit of work changes the calendar, recomputes the
deadline of every open task from its stored basis (engine.deadlines), moves its escalation timers,
re-evaluates date timers of waiting BPMN timer events, and records in each affected case's
history the old and the new due time with the change's reference. Tasks whose deadline does not
move are not touched."""
from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import delete, select, update

from . import clock, deadlines, holiday_admin, timers
from .context import Context
from .history import Recorder
from .instances import _LOCK_INSTANCE, _write_state, after_run
from .models import HumanTask, Instance, Timer
from .views import DeadlineChange

_T, _I, _TM = HumanTask.__table__, Instance.__table__, Timer.__table__


def change_holiday(ctx: Context, day: date, action: str, name: str, ref: str, actor: str) -> list[DeadlineChange]:
    with ctx.db.unit_of_work() as session, ctx.operation(session) as now:
        holiday_admin.change_holiday(session, day, action, name, ref, actor)
        calendar = holiday_admin.load_calendar(session)
        with clock.operation_time(now, lambda: calendar):
            return _recompute(ctx, session, calendar, now, {"date": day.isoformat(), "action": action,
                                                             "name": name, "ref": ref}, actor)


def _recompute(ctx: Context, session: Any, calendar: Any, now: Any, reason: dict[str, Any],
               actor: str) -> list[DeadlineChange]:
    moved: dict[int, list[tuple[Any, Any]]] = {}
    rows = session.execute(select(_T.c.id, _T.c.instance_id, _T.c.element_id, _T.c.due_at, _T.c.deadline_json,
                                  _T.c.process_id, _T.c.version, _T.c.overdue_at)
                           .where(_T.c.state == "open", _T.c.deadline_json.is_not(None))).all()
    for row in rows:
        new_due = deadlines.due_at(deadlines.DeadlineBasis.from_json(row.deadline_json), calendar)
        if new_due != row.due_at:
            moved.setdefault(row.instance_id, []).append((row, new_due))
    bpmn_instances = set(session.scalars(select(_TM.c.instance_id).where(_TM.c.kind == "bpmn",
                                                                         _TM.c.state == "pending").distinct()))
    changes: list[DeadlineChange] = []
    for instance_id in sorted(set(moved) | bpmn_instances):  # one lock order: by instance id
        inst = session.execute(_LOCK_INSTANCE, {"instance_id": instance_id}).one()
        recorder = Recorder(session, instance_id, inst.history_seq, inst.history_head)
        for row, new_due in moved.get(instance_id, []):
            # Already escalated and still past due: it stays overdue and is not escalated twice.
            still_overdue = row.overdue_at is not None and new_due is not None and new_due <= now
            session.execute(update(_T).where(_T.c.id == row.id).values(
                due_at=new_due, overdue_at=row.overdue_at if still_overdue else None, version=_T.c.version + 1))
            session.execute(delete(_TM).where(_TM.c.task_id == row.id, _TM.c.state == "pending"))
            if new_due is not None and not still_overdue:
                session.execute(_TM.insert(), timers.deadline_rows(
                    instance_id, row.id, row.element_id, new_due, ctx.schedules.reminders(row.process_id), calendar,
                    now))
            recorder.record("deadline_changed", actor, task_id=row.id, element_id=row.element_id,
                            old_due=row.due_at.isoformat() if row.due_at else None,
                            new_due=new_due.isoformat() if new_due else None, holiday=reason)
            changes.append(DeadlineChange(row.id, instance_id, row.element_id, row.due_at, new_due))
        if instance_id in bpmn_instances:
            definition = ctx.definition(session, inst.definition_id)
            workflow = ctx.runtime.restore(definition.id, definition.spec_json, inst.state_json)
            if workflow.reevaluate_date_timers():
                after_run(ctx, session, instance_id, definition, workflow, recorder, now, actor)
                seq, head = recorder.flush()
                _write_state(session, instance_id, inst.version, workflow, now, history_seq=seq, history_head=head)
                continue
        seq, head = recorder.flush()
        session.execute(update(_I).where(_I.c.id == instance_id).values(history_seq=seq, history_head=head))
    return changes
