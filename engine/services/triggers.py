"""Calendar triggers: start an instance per occurrence of a process's trigger (engine.time.schedules).

Each check of a trigger is one unit of work: find the latest occurrence due by now (database
clock) within the trigger's catch-up window; if no run is recorded for that period, start the
instance and record the run under the unique key (process, trigger, period) in the same
transaction. Two schedulers checking at once: one commits, the other's insert collides and its
whole transaction (instance included) rolls back. So a period is never started twice.
"""
from __future__ import annotations

from ..context import Context
from ..errors import Conflict
from ..operation import Start, work
from ..results import TriggerStart, TriggerView
from ..store import definitions
from ..store import triggers as runs
from ..time.calendar import local_date
from ..time.schedules import Trigger

SYSTEM_ACTOR = "scheduler"


def describe(trigger: Trigger) -> str:
    if trigger.every == "year":
        days = ", ".join(f"{m:02d}-{d:02d}" for m, d in trigger.on)
        return f"every year on {days} at {trigger.at:%H:%M}"
    return f"every month on day {', '.join(str(d) for d in trigger.on)} at {trigger.at:%H:%M}"


def list_triggers(ctx: Context) -> list[TriggerView]:
    with work(ctx, write=False) as w:
        views = []
        for t in ctx.schedules.triggers():
            last = runs.last_run(w.conn, t.process_id, t.id)
            upcoming = t.next_after(w.now)
            views.append(TriggerView(t.process_id, t.id, t.every, describe(t), t.catch_up_days, dict(t.data),
                                     upcoming.isoformat() if upcoming else None,
                                     last[0] if last else None, last[1] if last else None))
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
    with work(ctx) as w:
        day = trigger.latest_due(w.now)
        if day is None:
            return None
        period = day.isoformat()
        if runs.already_run(w.conn, trigger.process_id, trigger.id, period):
            return None
        definition_id = definitions.definition_id_of(w.conn, trigger.process_id, on=local_date(w.now))
        if definition_id is None:
            return None  # not deployed (yet): nothing to start
        start = Start(ctx.definition(w.conn, definition_id), trigger.data_for(day),
                      {"trigger": trigger.id, "period": period, "occurrence": trigger.moment(day).isoformat()})
        with w.case(start=start, actor=SYSTEM_ACTOR) as op:
            pass
        runs.record_run(w.conn, (trigger.process_id, trigger.id, period), op.instance_id, w.now)
        return TriggerStart(trigger.process_id, trigger.id, period, op.instance_id)
