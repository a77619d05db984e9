"""A user's notifications (overdue steps, reminders), and their e-mail.

E-mail is off unless ``smtp_host`` is set. The scheduler sends what is pending after the
transaction that created it, in three steps so that no transaction waits on the mail server:
take the pending rows (marked ``sending``, so no other scheduler takes them), talk SMTP outside
any transaction, then record each result. A failure is kept on the row and never retried in a
loop; a scheduler killed while sending leaves its rows ``sending`` (e-mail at most once). The
notification itself is never undone: the web app shows it anyway.
"""
from __future__ import annotations

import smtplib
from email.message import EmailMessage

from ..context import Context
from ..operation import work
from ..results import MailResult, NotificationView
from ..settings import Settings
from ..store import notifications
from ..store.notifications import Mail


class Inbox:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def notifications(self, username: str, unread_only: bool = False) -> list[NotificationView]:
        with self.ctx.db.unit_of_work(write=False) as conn:
            return notifications.views_for(conn, username, unread_only)

    def mark_read(self, notification_id: int, username: str) -> None:
        with work(self.ctx) as w:
            notifications.mark_read(w.conn, notification_id, username, w.now)

    def unread_count(self, username: str) -> int:
        """How many of the user's notifications are unread (the badge on every page)."""
        with self.ctx.db.unit_of_work(write=False) as conn:
            return notifications.unread_count(conn, username)

    def mark_all_read(self, username: str) -> None:
        with work(self.ctx) as w:
            notifications.mark_all_read(w.conn, username, w.now)

    def send_pending_mail(self, limit: int = 50) -> int:
        """E-mail pending notifications; returns how many were sent."""
        return sum(1 for mail in self.send_mail(limit) if mail.sent)

    def send_mail(self, limit: int = 50) -> list[MailResult]:
        """E-mail pending notifications; what became of each (the scheduler logs it)."""
        settings = self.ctx.settings
        if not settings.smtp_host:
            return []
        with self.ctx.db.unit_of_work() as conn:
            mails = notifications.take_pending_mail(conn, limit)
        if not mails:
            return []
        results = _send(settings, mails)
        with self.ctx.db.unit_of_work() as conn:
            notifications.set_mail_status(conn, results)
        return [MailResult(m.id, m.username, results.get(m.id)) for m in mails]


def _send(settings: Settings, mails: list[Mail]) -> dict[int, str | None]:
    """Talk SMTP (no transaction open); per notification id, None when sent, else the error."""
    results: dict[int, str | None] = {}
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=10) as smtp:
            if settings.smtp_starttls:
                smtp.starttls()
            if settings.smtp_user:
                smtp.login(settings.smtp_user, settings.smtp_password.get_secret_value())
            for mail in mails:
                message = EmailMessage()
                message["From"] = settings.smtp_from
                message["To"] = settings.smtp_address_template.format(username=mail.username)
                message["Subject"] = mail.title_th
                message.set_content(f"{mail.title_th}\n{mail.title_en}\n")
                try:
                    smtp.send_message(message)
                    results[mail.id] = None
                except smtplib.SMTPException as exc:
                    results[mail.id] = str(exc)[:2000]
    except (OSError, smtplib.SMTPException) as exc:
        error = f"SMTP {settings.smtp_host}: {exc}"[:2000]
        results.update({m.id: error for m in mails if m.id not in results})
    return results
