"""The scheduler's operations: lease due timers, fire each exactly once, start calendar triggers.

``fire`` is one case operation: it locks the case, marks the timer ``fired`` only while the lease
is the caller's (``WHERE state = 'pending' AND lease_owner = me AND lease_expires_at > now``),
and does the work (a BPMN timer moves the workflow on; a deadline escalates; a reminder
notifies). Whatever fails rolls all of it back. A scheduler that was killed, or whose lease ran
out while it was stalled, has lost the timer: its late write matches no row and is refused as a
Conflict, and another scheduler fires the timer once its lease expired.
"""
from __future__ import annotations

from datetime import timedelta

from ..context import Context
from ..errors import Conflict, EngineError
from ..operation import CaseOperation, work
from ..results import FireResult, LeasedTimer, TimerView, TriggerStart, TriggerView
from ..store import task_rows, timer_rows
from ..store.history import EventType
from ..time import clock
from . import escalation, triggers


class Jobs:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def claim_timers(self, owner: str, batch: int, lease_seconds: int) -> list[LeasedTimer]:
        """Lease up to ``batch`` due timers to ``owner``, earliest due first."""
        with self.ctx.db.unit_of_work() as conn:
            return timer_rows.claim(conn, owner, batch, (self.ctx.now(conn), lease_seconds))

    def fire_timer(self, timer: LeasedTimer | int, owner: str) -> FireResult:
        """Fire one leased timer (one transaction): as claimed, or by id (its row is read first).
        Raises Conflict when the lease was lost."""
        with work(self.ctx) as w:
            leased = timer if isinstance(timer, LeasedTimer) else timer_rows.load(w.conn, timer)
            if leased is None:
                raise Conflict(f"timer {timer} does not exist")
            with w.case(instance_id=leased.instance_id) as op:
                if not timer_rows.take(op.conn, leased.id, owner, op.now):
                    raise Conflict(f"timer {leased.id} is no longer leased to {owner} (fired, cancelled or "
                                   "taken over)")
                detail = _fire_bpmn(op, leased) if leased.kind == "bpmn" else _escalate(op, leased)
            return FireResult(leased.id, leased.kind, True, detail, leased.instance_id, leased.task_id,
                              leased.element_id)

    def release_leases(self, owner: str, timer_ids: list[int] | None = None) -> int:
        """Give back ``owner``'s leases (these timers, or all of them): a scheduler shutting down,
        or one whose connection dropped mid-batch; returns how many."""
        with self.ctx.db.unit_of_work() as conn:
            return timer_rows.release(conn, owner, timer_ids)

    def record_failure(self, timer_id: int, owner: str, error: EngineError) -> None:
        """A fire that failed: keep the message; after a few attempts the timer is parked as failed."""
        with self.ctx.db.unit_of_work() as conn:
            timer_rows.record_failure(conn, timer_id, owner, error.message)

    def timers(self, instance_id: int | None = None, state: str | None = "pending") -> list[TimerView]:
        with self.ctx.db.unit_of_work(write=False) as conn:
            return timer_rows.views(conn, instance_id, state)

    def run_triggers(self) -> list[TriggerStart]:
        return triggers.run_due(self.ctx)

    def triggers(self) -> list[TriggerView]:
        return triggers.list_triggers(self.ctx)


def _fire_bpmn(op: CaseOperation, timer: LeasedTimer) -> str:
    # The timer is due by the row (database clock); Spiff compares strictly, so its clock is put
    # just past the due time when the database clock equals it. The calendar is read only if the
    # workflow asks for it (by its version, which the lock read: cached, no query).
    moment = max(op.now, timer.due_at + timedelta(microseconds=1))
    with clock.operation_time(moment, op.work.load_calendar):
        workflow = op.workflow
        # The pending timer rows mirror what the workflow waited on before it ran; this one's row
        # was just marked fired: out of the mirror, the projection has no row to cancel for it.
        op.timers_before.pop(timer.spiff_task_id or "", None)
        workflow.fire_due_timers()
    op.record(EventType.TIMER_FIRED, None, timer_id=timer.id, element_id=timer.element_id,
              due_at=timer.due_at.isoformat())
    return timer.element_id


def _escalate(op: CaseOperation, timer: LeasedTimer) -> str:
    task = task_rows.load(op.conn, timer.task_id) if timer.task_id is not None else None
    if task is None or task.state != "open" or task.due_at is None:
        return "task no longer open"
    if timer.kind == "reminder" and op.now >= task.due_at:
        return "already past due: no reminder (the overdue notice says it)"
    return ", ".join(escalation.escalate(op, task, timer.kind))
