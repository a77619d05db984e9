"""Reading notifications and timers (the web app's and the CLI's view of escalations)."""
from __future__ import annotations

from sqlalchemy import select, update

from .context import Context
from .errors import Forbidden, NotFound
from .models import Notification, Timer
from .views import NotificationView, TimerView

_N, _TM = Notification.__table__, Timer.__table__
LIST_LIMIT = 500


def list_for(ctx: Context, username: str, unread_only: bool = False) -> list[NotificationView]:
    with ctx.db.unit_of_work(write=False) as session:
        query = select(_N).where(_N.c.username == username)
        if unread_only:
            query = query.where(_N.c.read_at.is_(None))
        rows = session.execute(query.order_by(_N.c.id.desc()).limit(LIST_LIMIT))
        return [NotificationView(r.id, r.username, r.kind, r.instance_id, r.task_id, r.title_th, r.title_en,
                                 r.due_at, r.created_at, r.read_at, r.email_status) for r in rows]


def mark_read(ctx: Context, notification_id: int, username: str) -> None:
    with ctx.db.unit_of_work() as session:
        row = session.execute(select(_N.c.username).where(_N.c.id == notification_id)).first()
        if row is None:
            raise NotFound(f"notification {notification_id} does not exist")
        if row.username != username:
            raise Forbidden(f"notification {notification_id} is not addressed to {username}")
        session.execute(update(_N).where(_N.c.id == notification_id, _N.c.read_at.is_(None))
                        .values(read_at=ctx.now(session)))


def list_timers(ctx: Context, instance_id: int | None = None, state: str | None = "pending") -> list[TimerView]:
    with ctx.db.unit_of_work(write=False) as session:
        query = select(_TM)
        if instance_id is not None:
            query = query.where(_TM.c.instance_id == instance_id)
        if state is not None:
            query = query.where(_TM.c.state == state)
        rows = session.execute(query.order_by(_TM.c.due_at, _TM.c.id).limit(LIST_LIMIT * 20))
        return [TimerView(r.id, r.kind, r.instance_id, r.task_id, r.element_id, r.due_at, r.state, r.fired_at,
                          r.fired_by, r.attempts, r.last_error) for r in rows]
