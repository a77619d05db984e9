"""The system's log of auditors' views (table ``audit_views``, append-only: migration 0013)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, insert, or_, select

from ..audit_results import AuditViewEntry
from .tables import AuditViewLog

_V = AuditViewLog.c


@dataclass(frozen=True)
class View:
    """One view to log: who, what (case | replay | search | export), which case, the detail, the surface."""

    viewer: str
    what: str
    instance_id: int | None = None
    detail: str = ""
    surface: str = "web"


def record(conn: Connection, views: list[View], now: datetime) -> None:
    if views:
        conn.execute(insert(AuditViewLog), [{"viewer": v.viewer, "what": v.what, "instance_id": v.instance_id,
                                             "detail": v.detail, "surface": v.surface, "viewed_at": now}
                                            for v in views])


def of_case(conn: Connection, instance_id: int, limit: int = 200) -> list[AuditViewEntry]:
    """Who viewed a case (its page, its replay, or it among a search's results), newest first."""
    rows = conn.execute(select(AuditViewLog).where(_V.instance_id == instance_id)
                        .order_by(_V.id.desc()).limit(limit))
    return [AuditViewEntry(r.id, r.viewer, r.what, r.instance_id, r.detail, r.surface, r.viewed_at) for r in rows]


def recent(conn: Connection, viewer: str | None = None, limit: int = 200) -> list[AuditViewEntry]:
    query = select(AuditViewLog).order_by(_V.id.desc()).limit(limit)
    if viewer:
        query = query.where(or_(_V.viewer == viewer))
    return [AuditViewEntry(r.id, r.viewer, r.what, r.instance_id, r.detail, r.surface, r.viewed_at)
            for r in conn.execute(query)]
