"""Trigger runs: which period of a calendar trigger started which instance (at most once, by the
unique key on (process, trigger, period))."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, insert, select

from .tables import TriggerRun


def already_run(conn: Connection, process_id: str, trigger_id: str, period: str) -> bool:
    return conn.execute(select(TriggerRun.c.id).where(
        TriggerRun.c.process_id == process_id, TriggerRun.c.trigger_id == trigger_id,
        TriggerRun.c.period == period)).first() is not None


def record_run(conn: Connection, key: tuple[str, str, str], instance_id: int, now: datetime) -> None:
    """``key`` is (process id, trigger id, period); a second run of the same key is a Conflict (the unique key)."""
    process_id, trigger_id, period = key
    conn.execute(insert(TriggerRun), [dict(process_id=process_id, trigger_id=trigger_id, period=period,
                                              instance_id=instance_id, started_at=now)])


def last_run(conn: Connection, process_id: str, trigger_id: str) -> tuple[str, int] | None:
    row = conn.execute(select(TriggerRun.c.period, TriggerRun.c.instance_id)
                          .where(TriggerRun.c.process_id == process_id, TriggerRun.c.trigger_id == trigger_id)
                          .order_by(TriggerRun.c.period.desc()).limit(1)).first()
    return (row.period, row.instance_id) if row else None
