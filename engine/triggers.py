"""Calendar triggers: start an instance per occurrence of a process's trigger (engine.schedules).

Each check of a trigger is one unit of work: find the latest occurrence due by now (database
clock) within the trigger's catch-up window; if no run is recorded for that period, start the
instance and record the run under the unique key (process, trigger, period) in the same
transaction. Two schedulers checking at once: one commits, the other's insert collides and its
whole transaction (instance included) rolls back. So a period is never started twice.
"""
from __future__ import annotations

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from .context import Context
from .deploy import latest_definition_id
from .errors import Conflict
from .instances import start_in_session
from .views import TriggerStart, TriggerView
from .models import TriggerRun
from .schedules import Trigger

SYSTEM_ACTOR = "scheduler"
_R = TriggerRun.__table__


def describe(trigger: Trigger) -> str:
    if trigger.every == "year":
        days = ", ".join(f"{m:02d}-{d:02d}" for m, d in trigger.on)
        return f"every year on {days} at {trigger.at:%H:%M}"
    return f"every month on day {', '.join(str(d) for d in trigger.on)} at {trigger.at:%H:%M}"


def list_triggers(ctx: Context) -> list[TriggerView]:
    with ctx.db.unit_of_work(write=False) as session:
        now = ctx.now(session)
        views = []
        for t in ctx.schedules.triggers():
            last = session.execute(select(_R.c.period, _R.c.instance_id)
                                   .where(_R.c.process_id == t.process_id, _R.c.trigger_id == t.id)
                                   .order_by(_R.c.period.desc()).limit(1)).first()
            upcoming = t.next_after(now)
            views.append(TriggerView(t.process_id, t.id, t.every, describe(t), t.catch_up_days, dict(t.data),
                                     upcoming.isoformat() if upcoming else None,
                                     last.period if last else None, last.instance_id if last else None))
        return views


def run_due(ctx: Context) -> list[TriggerStart]:
    """Start what is due; a trigger whose period another scheduler started meanwhile is skipped."""
    started = []
    for trigger in ctx.schedules.triggers():
        try:
            result = _run_one(ctx, trigger)
        except Conflict:
            continue
        if result is not None:
            started.append(result)
    return started


def _run_one(ctx: Context, trigger: Trigger) -> TriggerStart | None:
    with ctx.db.unit_of_work() as session, ctx.operation(session) as now:
        day = trigger.latest_due(now)
        if day is None:
            return None
        period = day.isoformat()
        if _already(session, trigger, period):
            return None
        definition_id = latest_definition_id(session, trigger.process_id, None)
        if definition_id is None:
            return None  # not deployed (yet): nothing to start
        definition = ctx.definition(session, definition_id)
        instance_id = start_in_session(ctx, session, definition, SYSTEM_ACTOR, trigger.data_for(day), now,
                                       trigger=trigger.id, period=period,
                                       occurrence=trigger.moment(day).isoformat())
        session.execute(insert(_R), [dict(process_id=trigger.process_id, trigger_id=trigger.id, period=period,
                                          instance_id=instance_id, started_at=now)])
        session.flush()
        return TriggerStart(trigger.process_id, trigger.id, period, instance_id)


def _already(session: Session, trigger: Trigger, period: str) -> bool:
    return session.execute(select(_R.c.id).where(_R.c.process_id == trigger.process_id,
                                                 _R.c.trigger_id == trigger.id, _R.c.period == period)).first() is not None
