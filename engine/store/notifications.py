"""Notification rows: messages for one user (overdue steps, reminders), and their e-mail status."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, func, insert, select, update

from ..errors import NotFound
from ..results import NotificationView
from .tables import Notification

LIST_LIMIT = 500


@dataclass(frozen=True)
class NewNotification:
    kind: str  # overdue | reminder | delegated | returned
    instance_id: int
    task_id: int
    title_th: str
    title_en: str
    due_at: datetime | None


@dataclass(frozen=True)
class Mail:
    id: int
    username: str
    title_th: str
    title_en: str


def add(conn: Connection, people: list[str], note: NewNotification, now: datetime, email_status: str) -> None:
    if people:
        conn.execute(insert(Notification), [dict(username=u, created_at=now, email_status=email_status,
                                                    **vars(note)) for u in people])


def views_for(conn: Connection, username: str, unread_only: bool) -> list[NotificationView]:
    query = select(Notification.c.id, Notification.c.username, Notification.c.kind, Notification.c.instance_id,
                   Notification.c.task_id, Notification.c.title_th, Notification.c.title_en, Notification.c.due_at,
                   Notification.c.created_at, Notification.c.read_at,
                   Notification.c.email_status).where(Notification.c.username == username)
    if unread_only:
        query = query.where(Notification.c.read_at.is_(None))
    rows = conn.execute(query.order_by(Notification.c.id.desc()).limit(LIST_LIMIT))
    return [NotificationView(*r) for r in rows]


def mark_read(conn: Connection, notification_id: int, username: str, now: datetime) -> None:
    owner = conn.scalar(select(Notification.c.username).where(Notification.c.id == notification_id))
    if owner is None or owner != username:  # someone else's is not there for this user (ids are not probed)
        raise NotFound(f"notification {notification_id} does not exist")
    conn.execute(update(Notification)
                                 .where(Notification.c.id == notification_id, Notification.c.read_at.is_(None))
                                 .values(read_at=now))


def take_pending_mail(conn: Connection, limit: int) -> list[Mail]:
    """Pending e-mails, marked ``sending`` so that no other scheduler takes them too."""
    query = (select(Notification.c.id, Notification.c.username, Notification.c.title_th, Notification.c.title_en)
             .where(Notification.c.email_status == "pending").order_by(Notification.c.id).limit(limit))
    if conn.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    mails = [Mail(*r) for r in conn.execute(query)]
    if mails:
        conn.execute(update(Notification).where(Notification.c.id.in_([m.id for m in mails]))
                        .values(email_status="sending"))
    return mails


def set_mail_status(conn: Connection, results: dict[int, str | None]) -> None:
    """Per notification id: None when sent, else the error."""
    for notification_id, error in results.items():
        conn.execute(update(Notification).where(Notification.c.id == notification_id)
                        .values(email_status="sent" if error is None else "failed", email_error=error))


def unread_count(conn: Connection, username: str) -> int:
    return int(conn.scalar(select(func.count()).select_from(Notification)
                           .where(Notification.c.username == username, Notification.c.read_at.is_(None))) or 0)


def mark_all_read(conn: Connection, username: str, now: datetime) -> None:
    conn.execute(update(Notification).where(Notification.c.username == username, Notification.c.read_at.is_(None))
                 .values(read_at=now))
