"""Trigger runs: which period of a calendar trigger started which instance (at most once, by the
unique key on (process, trigger, period))."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from .tables import TriggerRun


def already_run(session: Session, process_id: str, trigger_id: str, period: str) -> bool:
    return session.connection().execute(select(TriggerRun.id).where(
        TriggerRun.process_id == process_id, TriggerRun.trigger_id == trigger_id,
        TriggerRun.period == period)).first() is not None


def record_run(session: Session, key: tuple[str, str, str], instance_id: int, now: datetime) -> None:
    """``key`` is (process id, trigger id, period); a second run of the same key is a Conflict at flush."""
    process_id, trigger_id, period = key
    session.connection().execute(insert(TriggerRun), [dict(process_id=process_id, trigger_id=trigger_id, period=period,
                                              instance_id=instance_id, started_at=now)])
    session.flush()


def last_run(session: Session, process_id: str, trigger_id: str) -> tuple[str, int] | None:
    row = session.connection().execute(select(TriggerRun.period, TriggerRun.instance_id)
                          .where(TriggerRun.process_id == process_id, TriggerRun.trigger_id == trigger_id)
                          .order_by(TriggerRun.period.desc()).limit(1)).first()
    return (row.period, row.instance_id) if row else None
