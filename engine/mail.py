"""E-mail for notifications, off unless ``smtp_host`` is set. The scheduler sends what is
pending after the transaction that created it; a failure is kept on the row, never retried in a
loop, and never undoes the notification (which the web app shows anyway)."""
from __future__ import annotations

import smtplib
from email.message import EmailMessage

from sqlalchemy import select, update

from .context import Context
from .models import Notification

_N = Notification.__table__


def send_pending(ctx: Context, limit: int = 50) -> int:
    settings = ctx.settings
    if not settings.smtp_host:
        return 0
    sent = 0
    with ctx.db.unit_of_work() as session:
        query = select(_N).where(_N.c.email_status == "pending").order_by(_N.c.id).limit(limit)
        if session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        rows = session.execute(query).all()
        if not rows:
            return 0
        try:
            with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=10) as smtp:
                if settings.smtp_starttls.lower() in ("1", "true", "yes"):
                    smtp.starttls()
                if settings.smtp_user:
                    smtp.login(settings.smtp_user, settings.smtp_password)
                for row in rows:
                    message = EmailMessage()
                    message["From"] = settings.smtp_from
                    message["To"] = settings.smtp_address_template.format(username=row.username)
                    message["Subject"] = row.title_th
                    message.set_content(f"{row.title_th}\n{row.title_en}\n")
                    try:
                        smtp.send_message(message)
                        status, error = "sent", None
                        sent += 1
                    except smtplib.SMTPException as exc:
                        status, error = "failed", str(exc)[:2000]
                    session.execute(update(_N).where(_N.c.id == row.id).values(email_status=status, email_error=error))
        except (OSError, smtplib.SMTPException) as exc:
            session.execute(update(_N).where(_N.c.id.in_([r.id for r in rows]))
                            .values(email_status="failed", email_error=f"SMTP {settings.smtp_host}: {exc}"[:2000]))
    return sent
