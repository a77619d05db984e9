"""Firing timers: claimed with a lease, fired exactly once, each in one engine operation.

``claim`` takes up to N due, unleased (or lease-expired) ``pending`` timers and leases them to
one scheduler until ``now + lease`` (database clock). On PostgreSQL the candidate rows are
selected ``FOR UPDATE SKIP LOCKED``, so concurrent schedulers never wait for or double-claim a
row; on SQLite the claim is one conditional UPDATE inside ``BEGIN IMMEDIATE``.

``fire`` is one unit of work: it locks the instance row, then marks the timer ``fired`` only
``WHERE state = 'pending' AND lease_owner = me AND lease_expires_at > now``, and then does the
work (a BPMN timer moves the workflow on; a deadline escalates; a reminder notifies). Whatever
fails rolls all of it back. A scheduler that was killed, or whose lease ran out while it was
stalled, has lost the timer: its late write matches no row and is refused as a Conflict, and
another scheduler fires the timer once its lease expired.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from . import clock, escalation
from .context import Context
from .errors import Conflict, EngineError
from .history import Recorder
from .instances import _LOCK_INSTANCE, _write_state, after_run
from .views import FireResult
from .models import Instance, Timer

_TM, _I = Timer.__table__, Instance.__table__
MAX_ATTEMPTS = 5


def _due(now: datetime):  # type: ignore[no-untyped-def]
    return (select(_TM.c.id).where(_TM.c.state == "pending", _TM.c.due_at <= now,
                                   or_(_TM.c.lease_expires_at.is_(None), _TM.c.lease_expires_at < now))
            .order_by(_TM.c.due_at, _TM.c.id))


def claim(ctx: Context, owner: str, batch: int, lease_seconds: int) -> list[int]:
    """Lease up to `batch` due timers to `owner`; returns their ids (earliest due first)."""
    with ctx.db.unit_of_work() as session:
        now = ctx.now(session)
        expires = now + timedelta(seconds=lease_seconds)
        candidates = _due(now).limit(batch)
        if session.get_bind().dialect.name == "postgresql":
            ids = list(session.scalars(candidates.with_for_update(skip_locked=True)))
            if not ids:
                return []
            session.execute(update(_TM).where(_TM.c.id.in_(ids))
                            .values(lease_owner=owner, lease_expires_at=expires, attempts=_TM.c.attempts + 1))
            return ids
        claimed = session.execute(
            update(_TM).where(_TM.c.id.in_(candidates.scalar_subquery()), _TM.c.state == "pending")
            .values(lease_owner=owner, lease_expires_at=expires, attempts=_TM.c.attempts + 1)
            .returning(_TM.c.id, _TM.c.due_at)).all()
        return [r.id for r in sorted(claimed, key=lambda r: (r.due_at, r.id))]


def fire(ctx: Context, timer_id: int, owner: str) -> FireResult:
    """Fire one leased timer (one transaction). Raises Conflict when the lease was lost."""
    with ctx.db.unit_of_work() as session, ctx.operation(session) as now:
        timer = session.execute(select(_TM).where(_TM.c.id == timer_id)).first()
        if timer is None:
            raise Conflict(f"timer {timer_id} does not exist")
        inst = session.execute(_LOCK_INSTANCE, {"instance_id": timer.instance_id}).one()
        taken = session.execute(
            update(_TM).where(_TM.c.id == timer_id, _TM.c.state == "pending", _TM.c.lease_owner == owner,
                              _TM.c.lease_expires_at > ctx.now(session))
            .values(state="fired", fired_at=now, fired_by=owner, lease_expires_at=None))
        if taken.rowcount != 1:
            raise Conflict(f"timer {timer_id} is no longer leased to {owner} (fired, cancelled or taken over)")
        recorder = Recorder(session, timer.instance_id, inst.history_seq, inst.history_head)
        if timer.kind == "bpmn":
            detail = _fire_bpmn(ctx, session, timer, inst, recorder, now)
        else:
            detail = _escalate(ctx, session, timer, recorder, now)
        seq, head = recorder.flush()
        if timer.kind != "bpmn":
            session.execute(update(_I).where(_I.c.id == timer.instance_id)
                            .values(history_seq=seq, history_head=head))
        return FireResult(timer_id, timer.kind, True, detail)


def _fire_bpmn(ctx: Context, session: Session, timer, inst, recorder: Recorder, now: datetime) -> str:  # type: ignore[no-untyped-def]
    definition = ctx.definition(session, inst.definition_id)
    # The timer is due by the row (database clock); Spiff compares strictly, so its clock is put
    # just past the due time when the database clock equals it.
    moment = max(now, timer.due_at + timedelta(microseconds=1))
    calendar = clock.calendar()
    with clock.operation_time(moment, lambda: calendar):
        workflow = ctx.runtime.restore(definition.id, definition.spec_json, inst.state_json)
        workflow.fire_due_timers()
        recorder.record("timer_fired", None, timer_id=timer.id, element_id=timer.element_id,
                        due_at=timer.due_at.isoformat())
        after_run(ctx, session, timer.instance_id, definition, workflow, recorder, now, None)
        seq, head = recorder.flush()
        _write_state(session, timer.instance_id, inst.version, workflow, now, history_seq=seq, history_head=head)
    return timer.element_id


def _escalate(ctx: Context, session: Session, timer, recorder: Recorder, now: datetime) -> str:  # type: ignore[no-untyped-def]
    task = escalation.open_task(session, timer.task_id)
    if task is None or task.due_at is None:
        return "task no longer open"
    if timer.kind == "reminder" and now >= task.due_at:
        return "already past due: no reminder (the overdue notice says it)"
    people = escalation.escalate(session, ctx.settings, task, timer.kind, now, recorder)
    return ", ".join(people)


def record_failure(ctx: Context, timer_id: int, owner: str, error: EngineError) -> None:
    """A fire that failed: keep the message; after MAX_ATTEMPTS the timer is parked as failed."""
    with ctx.db.unit_of_work() as session:
        row = session.execute(select(_TM.c.attempts).where(_TM.c.id == timer_id, _TM.c.lease_owner == owner,
                                                            _TM.c.state == "pending")).first()
        if row is None:
            return
        values: dict[str, object] = {"last_error": error.message[:2000]}
        if row.attempts >= MAX_ATTEMPTS:
            values["state"] = "failed"
        session.execute(update(_TM).where(_TM.c.id == timer_id).values(**values))
