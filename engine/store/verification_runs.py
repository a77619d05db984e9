"""Background runs of the system-wide verification (table ``verification_runs``, migration 0014)."""
from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from .tables import VerificationRun

_R = VerificationRun.c
# A run started this long ago and never finished was left by a scheduler that stopped.
ABANDONED_AFTER = timedelta(hours=1)


@dataclass(frozen=True)
class RunRow:
    id: int
    requested_by: str | None
    requested_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    cases: int | None
    events: int | None
    findings: list[dict[str, Any]]
    checkpoint_at: datetime | None
    checkpoint_cases: int | None
    error: str


def _row(r: Any) -> RunRow:
    return RunRow(r.id, r.requested_by, r.requested_at, r.started_at, r.finished_at, r.cases, r.events,
                  json.loads(r.findings_json) if r.findings_json else [], r.checkpoint_at, r.checkpoint_cases,
                  r.error or "")


def _give_up_abandoned(conn: Connection, now: datetime) -> None:
    conn.execute(update(VerificationRun)
                 .where(_R.finished_at.is_(None), _R.started_at.is_not(None), _R.started_at < now - ABANDONED_AFTER)
                 .values(finished_at=now, error="the scheduler running it stopped before it finished"))


def open_run(conn: Connection) -> RunRow | None:
    """The run asked for or running and not finished (the oldest), if any."""
    found = conn.execute(select(VerificationRun).where(_R.finished_at.is_(None)).order_by(_R.id).limit(1)).first()
    return _row(found) if found else None


def newest_finished(conn: Connection) -> RunRow | None:
    found = conn.execute(select(VerificationRun).where(_R.finished_at.is_not(None))
                         .order_by(_R.finished_at.desc(), _R.id.desc()).limit(1)).first()
    return _row(found) if found else None


def request(conn: Connection, by: str, now: datetime) -> RunRow:
    """Ask for a run (or return the one already asked for or running)."""
    _give_up_abandoned(conn, now)
    pending = open_run(conn)
    if pending is not None:
        return pending
    new_id = conn.execute(insert(VerificationRun).values(slot=f"request:{uuid.uuid4().hex}",
                                                          requested_by=by, requested_at=now)).inserted_primary_key
    assert new_id is not None
    found = conn.execute(select(VerificationRun).where(_R.id == new_id[0])).one()
    return _row(found)


def claim(conn: Connection, owner: str, now: datetime, every: timedelta | None) -> int | None:
    """Claim the run to do now for ``owner``: one asked for, else one due by the clock (``every``
    since the last was asked for; None: only when asked). None when there is nothing to do, or
    when another scheduler is running one or claimed this one first."""
    _give_up_abandoned(conn, now)
    pending = open_run(conn)
    if pending is not None:
        if pending.started_at is not None:
            return None  # one run at a time
        taken = conn.execute(update(VerificationRun).where(_R.id == pending.id, _R.started_at.is_(None))
                             .values(owner=owner, started_at=now)).rowcount
        return pending.id if taken == 1 else None
    if every is None:
        return None
    last = conn.execute(select(func.max(_R.requested_at))).scalar()
    if last is not None and now - last < every:
        return None
    slot = f"clock:{int(now.timestamp() // every.total_seconds())}"
    try:
        with conn.begin_nested():
            new_id = conn.execute(insert(VerificationRun).values(slot=slot, requested_at=now, owner=owner,
                                                                  started_at=now)).inserted_primary_key
    except IntegrityError:  # another scheduler took this period's run
        return None
    return int(new_id[0]) if new_id else None


@dataclass(frozen=True)
class Outcome:
    """What a run found (or why it could not finish)."""

    cases: int | None = None
    events: int | None = None
    findings: list[dict[str, Any]] | None = None
    checkpoint: tuple[datetime | None, int | None] = (None, None)
    error: str = ""


def finish(conn: Connection, run_id: int, outcome: Outcome, now: datetime) -> None:
    conn.execute(update(VerificationRun).where(_R.id == run_id, _R.finished_at.is_(None)).values(
        finished_at=now, cases=outcome.cases, events=outcome.events,
        findings_json=json.dumps(outcome.findings, ensure_ascii=False) if outcome.findings is not None else None,
        checkpoint_at=outcome.checkpoint[0], checkpoint_cases=outcome.checkpoint[1], error=outcome.error or None))
