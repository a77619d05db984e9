"""The user's own settings (ตั้งค่า): language and Thai digits, kept with the account (on every
device), and the unread-notification count every page shows."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from .auth import account, krabuan

bp = Blueprint("preferences", __name__)


@bp.get("/settings")
@login_required
def show() -> Any:
    from .acting import my_absences

    return render_template("preferences.html", me=account(), **my_absences())


@bp.post("/settings")
@login_required
def save() -> Response:
    language = request.form.get("language") or None
    current_user.account = krabuan().accounts.set_preferences(account().username, language,
                                                              request.form.get("thai_digits") == "on")
    flash(_("Settings saved."), "success")
    return redirect(url_for("preferences.show"))


def install(app: Flask) -> None:
    app.register_blueprint(bp)

    @app.context_processor
    def unread() -> dict[str, Any]:
        def count() -> int:
            return krabuan().inbox.unread_count(account().username) if current_user.is_authenticated else 0
        return {"unread_count": count}
