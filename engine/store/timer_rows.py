"""Timer rows: kept in step with the workflow inside each case operation, claimed and fired by
the scheduler (engine.services.jobs).

Three kinds:
- ``bpmn``: a BPMN timer event the workflow waits on (due when Spiff says, on the DB clock);
- ``overdue``: a human task's deadline (escalation when it passes);
- ``reminder``: N working days before a task's deadline, as configured per process.

``claim`` leases up to N due, unleased (or lease-expired) ``pending`` rows to one scheduler until
``now + lease``: on PostgreSQL the candidates are selected ``FOR UPDATE SKIP LOCKED``, so
concurrent schedulers never wait for or double-claim a row; on SQLite it is one conditional
UPDATE inside ``BEGIN IMMEDIATE``. ``take`` marks a row fired only while the lease is the
caller's, so a scheduler that lost its lease cannot fire it.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Select, bindparam, delete, insert, or_, select, update

from ..results import LeasedTimer, TimerView
from ..time import calendar as cal
from ..time.calendar import WorkCalendar
from .db import affected
from .tables import Timer

if TYPE_CHECKING:
    from ..spiff import WaitingTimer
    from ..time.schedules import Reminder

MAX_ATTEMPTS = 5
LIST_LIMIT = 10_000


@dataclass(frozen=True)
class TimerChange:
    """A BPMN timer set, moved or cancelled by a run of the workflow (for the history)."""

    change: str  # set | moved | cancelled
    timer_id: int
    detail: dict[str, Any]


_PENDING_BPMN_OF = (Timer.c.instance_id == bindparam("iid"), Timer.c.kind == "bpmn", Timer.c.state == "pending")
_CANCEL_BPMN = (update(Timer)
                .where(*_PENDING_BPMN_OF, Timer.c.spiff_task_id.in_(bindparam("spiff_ids", expanding=True)))
                .values(state="cancelled").returning(Timer.c.id))
_MOVE_BPMN = (update(Timer).where(*_PENDING_BPMN_OF, Timer.c.spiff_task_id == bindparam("spiff_id"))
              .values(due_at=bindparam("due"), lease_owner=None, lease_expires_at=None).returning(Timer.c.id))
# What firing a timer needs (engine.results.LeasedTimer), in its field order.
_LEASED = (Timer.c.id, Timer.c.kind, Timer.c.instance_id, Timer.c.task_id, Timer.c.element_id, Timer.c.due_at,
           Timer.c.spiff_task_id)
_LOAD = select(*_LEASED).where(Timer.c.id == bindparam("timer_id"))
_TAKE = (update(Timer).where(Timer.c.id == bindparam("timer_id"), Timer.c.state == "pending",
                             Timer.c.lease_owner == bindparam("owner"), Timer.c.lease_expires_at > bindparam("now"))
         .values(state="fired", fired_at=bindparam("now"), fired_by=bindparam("owner"), lease_expires_at=None))


def sync_bpmn(conn: Connection, instance_id: int, before: dict[str, datetime], timers: list[WaitingTimer],
              now: datetime) -> list[TimerChange]:
    """Make the pending ``bpmn`` rows match the timers the workflow waits on; returns the changes.

    The pending rows mirror ``before``, what the workflow waited on before it ran (every change
    to either is made by a case operation, in one transaction), so they are changed without
    being read first: cancelled and moved by spiff task id (a row the scheduler fired in this
    operation is no longer pending and is left alone), new ones inserted."""
    connection = conn
    waiting = {t.spiff_id: t for t in timers}
    changes: list[TimerChange] = []
    gone = [spiff_id for spiff_id in before if spiff_id not in waiting]
    if gone:
        for row in connection.execute(_CANCEL_BPMN, {"iid": instance_id, "spiff_ids": gone}):
            changes.append(TimerChange("cancelled", row.id, {}))
    new = [t for spiff_id, t in waiting.items() if spiff_id not in before]
    for spiff_id, old_due in before.items():
        if spiff_id in waiting and waiting[spiff_id].due_at != old_due:
            new_due = waiting[spiff_id].due_at
            moved = connection.execute(_MOVE_BPMN, {"iid": instance_id, "spiff_id": spiff_id, "due": new_due}).first()
            if moved is None:  # its row was just fired: a cycle's next repetition gets a row of its own
                new.append(waiting[spiff_id])
            else:
                changes.append(TimerChange("moved", moved.id, {"old_due": old_due.isoformat(),
                                                               "due": new_due.isoformat()}))
    if new:
        rows = [dict(kind="bpmn", instance_id=instance_id, task_id=None, spiff_task_id=t.spiff_id,
                     element_id=t.element_id, due_at=t.due_at, state="pending", attempts=0, created_at=now)
                for t in new]
        inserted = connection.execute(insert(Timer).returning(Timer.c.id, sort_by_parameter_order=True), rows)
        ids = inserted.scalars().all()
        changes += [TimerChange("set", i, {"element_id": t.element_id, "due": t.due_at.isoformat()})
                    for i, t in zip(ids, new, strict=True)]
    return changes


def deadline_rows(task: tuple[int, int, str], due: datetime, reminders: Iterable[Reminder],
                  calendar: WorkCalendar, now: datetime) -> list[dict[str, Any]]:
    """The ``overdue`` row of a task's deadline and its ``reminder`` rows still ahead;
    ``task`` is (instance id, task id, element id)."""
    instance_id, task_id, element_id = task
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


def insert_rows(conn: Connection, rows: list[dict[str, Any]]) -> None:
    if rows:
        conn.execute(insert(Timer), rows)


def cancel_task_timers(conn: Connection, task_ids: list[int]) -> None:
    if task_ids:
        conn.execute(update(Timer).where(Timer.c.task_id.in_(task_ids), Timer.c.state == "pending")
                        .values(state="cancelled"))


def drop_pending_of_task(conn: Connection, task_id: int) -> None:
    conn.execute(delete(Timer).where(Timer.c.task_id == task_id, Timer.c.state == "pending"))


def instances_waiting_on_bpmn(conn: Connection) -> set[int]:
    return set(conn.scalars(select(Timer.c.instance_id)
                                            .where(Timer.c.kind == "bpmn", Timer.c.state == "pending")
                                            .distinct()))


def _due(now: datetime) -> Select[int]:
    return (select(Timer.c.id).where(Timer.c.state == "pending", Timer.c.due_at <= now,
                                   or_(Timer.c.lease_expires_at.is_(None), Timer.c.lease_expires_at < now))
            .order_by(Timer.c.due_at, Timer.c.id))


def claim(conn: Connection, owner: str, batch: int, lease: tuple[datetime, int]) -> list[LeasedTimer]:
    """Lease up to ``batch`` due timers to ``owner``; ``lease`` is (now, seconds). Earliest due first,
    each with what firing it needs (so that the fire reads no timer row)."""
    now, seconds = lease
    expires = now + timedelta(seconds=seconds)
    candidates = _due(now).limit(batch)
    leasing = update(Timer).values(lease_owner=owner, lease_expires_at=expires, attempts=Timer.c.attempts + 1)
    if conn.dialect.name == "postgresql":
        ids = list(conn.scalars(candidates.with_for_update(skip_locked=True)))
        if not ids:
            return []
        leasing = leasing.where(Timer.c.id.in_(ids))
    else:
        leasing = leasing.where(Timer.c.id.in_(candidates.scalar_subquery()), Timer.c.state == "pending")
    claimed = [LeasedTimer(*row) for row in conn.execute(leasing.returning(*_LEASED))]
    return sorted(claimed, key=lambda t: (t.due_at, t.id))


def release(conn: Connection, owner: str, timer_ids: list[int] | None) -> int:
    """Give back the leases ``owner`` holds on pending timers (these, or all): another scheduler,
    or this one, may take them at once instead of after the lease runs out."""
    query = update(Timer).where(Timer.c.lease_owner == owner, Timer.c.state == "pending")
    if timer_ids is not None:
        query = query.where(Timer.c.id.in_(timer_ids))
    return affected(conn.execute(query.values(lease_owner=None, lease_expires_at=None)))


def load(conn: Connection, timer_id: int) -> LeasedTimer | None:
    row = conn.execute(_LOAD, {"timer_id": timer_id}).first()
    return LeasedTimer(*row) if row is not None else None


def take(conn: Connection, timer_id: int, owner: str, now: datetime) -> bool:
    """Mark the timer fired if it is still pending and leased to ``owner``."""
    return affected(conn.execute(_TAKE, {"timer_id": timer_id, "owner": owner, "now": now})) == 1


def record_failure(conn: Connection, timer_id: int, owner: str, message: str) -> None:
    """Keep the message; after MAX_ATTEMPTS the timer is parked as failed."""
    row = conn.execute(select(Timer.c.attempts).where(Timer.c.id == timer_id, Timer.c.lease_owner == owner,
                                                       Timer.c.state == "pending")).first()
    if row is None:
        return
    values: dict[str, object] = {"last_error": message[:2000]}
    if row.attempts >= MAX_ATTEMPTS:
        values["state"] = "failed"
    conn.execute(update(Timer).where(Timer.c.id == timer_id).values(**values))


def views(conn: Connection, instance_id: int | None, state: str | None) -> list[TimerView]:
    query = select(Timer.c.id, Timer.c.kind, Timer.c.instance_id, Timer.c.task_id, Timer.c.element_id, Timer.c.due_at,
                   Timer.c.state, Timer.c.fired_at, Timer.c.fired_by, Timer.c.attempts, Timer.c.last_error)
    if instance_id is not None:
        query = query.where(Timer.c.instance_id == instance_id)
    if state is not None:
        query = query.where(Timer.c.state == state)
    rows = conn.execute(query.order_by(Timer.c.due_at, Timer.c.id).limit(LIST_LIMIT))
    return [TimerView(*r) for r in rows]
