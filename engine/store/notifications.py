"""Notification rows: messages for one user (overdue steps, reminders), and their e-mail status."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from ..errors import Forbidden, NotFound
from ..results import NotificationView
from .tables import Notification

LIST_LIMIT = 500


@dataclass(frozen=True)
class NewNotification:
    kind: str  # overdue | reminder
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


def add(session: Session, people: list[str], note: NewNotification, now: datetime, email_status: str) -> None:
    if people:
        session.connection().execute(insert(Notification), [dict(username=u, created_at=now, email_status=email_status,
                                                    **vars(note)) for u in people])


def views_for(session: Session, username: str, unread_only: bool) -> list[NotificationView]:
    query = select(Notification.id, Notification.username, Notification.kind, Notification.instance_id,
                   Notification.task_id, Notification.title_th, Notification.title_en, Notification.due_at,
                   Notification.created_at, Notification.read_at,
                   Notification.email_status).where(Notification.username == username)
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    rows = session.connection().execute(query.order_by(Notification.id.desc()).limit(LIST_LIMIT))
    return [NotificationView(*r) for r in rows]


def mark_read(session: Session, notification_id: int, username: str, now: datetime) -> None:
    owner = session.connection().scalar(select(Notification.username).where(Notification.id == notification_id))
    if owner is None:
        raise NotFound(f"notification {notification_id} does not exist")
    if owner != username:
        raise Forbidden(f"notification {notification_id} is not addressed to {username}")
    session.connection().execute(update(Notification)
                                 .where(Notification.id == notification_id, Notification.read_at.is_(None))
                                 .values(read_at=now))


def take_pending_mail(session: Session, limit: int) -> list[Mail]:
    """Pending e-mails, marked ``sending`` so that no other scheduler takes them too."""
    query = (select(Notification.id, Notification.username, Notification.title_th, Notification.title_en)
             .where(Notification.email_status == "pending").order_by(Notification.id).limit(limit))
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    mails = [Mail(*r) for r in session.connection().execute(query)]
    if mails:
        session.connection().execute(update(Notification).where(Notification.id.in_([m.id for m in mails]))
                        .values(email_status="sending"))
    return mails


def set_mail_status(session: Session, results: dict[int, str | None]) -> None:
    """Per notification id: None when sent, else the error."""
    for notification_id, error in results.items():
        session.connection().execute(update(Notification).where(Notification.id == notification_id)
                        .values(email_status="sent" if error is None else "failed", email_error=error))
