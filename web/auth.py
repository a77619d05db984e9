"""Sign-in and sign-out, and who is asking: a browser session (Flask-Login, the session's secret
as the user id) or a bearer token (the JSON API). The checks themselves are the engine's."""
from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, Flask, abort, current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from engine import Account, Krabuan, Unauthorized

login_manager = LoginManager()


class WebUser:
    """The signed-in user as Flask-Login sees it: an engine Account and the session's secret."""

    is_authenticated = True
    is_active = True
    is_anonymous = False

    def __init__(self, account: Account, secret: str | None) -> None:
        self.account = account
        self.secret = secret

    def get_id(self) -> str | None:
        return self.secret


def krabuan() -> Krabuan:
    engine: Krabuan = current_app.extensions["krabuan"]
    return engine


def account() -> Account:
    """The signed-in user's account (views behind ``login_required``)."""
    user: WebUser = current_user
    return user.account


def require_role(*roles: str) -> None:
    """Pages of one kind of reader (auditors, administrators): to anyone else they do not exist (404).
    The engine checks the role again for what the page reads."""
    me = account()
    if not any(me.has_role(role) for role in roles):
        abort(404)


@login_manager.user_loader
def _load_session(secret: str) -> WebUser | None:
    try:
        return WebUser(krabuan().accounts.session(secret), secret)
    except Unauthorized:
        return None


@login_manager.request_loader
def _load_bearer(req: Any) -> WebUser | None:
    header = req.headers.get("Authorization", "")
    if not header.lower().startswith("bearer "):
        return None
    try:
        return WebUser(krabuan().accounts.token(header[7:].strip()), None)
    except Unauthorized:
        return None


def _account_key() -> str:
    return "account:" + request.form.get("username", "").strip().lower()[:100]


def _safe_next(target: str | None) -> str:
    """Only a path of this site (never another host, never //host)."""
    if not target:
        return url_for("worklist.index")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("worklist.index")
    return target


def login() -> Any:
    error = None
    username = ""
    if request.method == "POST":
        username = request.form.get("username", "").strip()
        password = request.form.get("password", "")
        try:
            signed_in = krabuan().accounts.sign_in(username, password, request.remote_addr or "")
        except Unauthorized:
            error = _("Wrong username or password.")
        else:
            session.clear()  # a new session: nothing of the anonymous one is carried over
            login_user(WebUser(signed_in.account, signed_in.secret))
            return redirect(_safe_next(request.args.get("next")))
    return render_template("login.html", error=error, username=username), 401 if error else 200


@login_required
def logout() -> Response:
    user: WebUser = current_user
    if user.secret:
        krabuan().accounts.sign_out(user.secret)
    logout_user()
    session.clear()
    return redirect(url_for("auth.login"))


def install(app: Flask, storage_url: str) -> None:
    """Sign-in for this app; its attempts are limited per address and per account (one limiter
    per app, counting in ``storage_url``: memory:// for one process, redis:// for several)."""
    login_manager.login_view = "auth.login"
    login_manager.login_message = ""
    login_manager.session_protection = None  # the engine's session row is the protection
    login_manager.init_app(app)
    limiter = Limiter(key_func=get_remote_address, app=app, storage_uri=storage_url, headers_enabled=True)
    limited = limiter.limit("20 per minute", methods=["POST"])(
        limiter.limit("5 per minute;30 per hour", key_func=_account_key, methods=["POST"])(login))
    bp = Blueprint("auth", __name__)
    bp.add_url_rule("/login", view_func=limited, methods=["GET", "POST"])
    bp.add_url_rule("/logout", view_func=logout, methods=["POST"])
    app.register_blueprint(bp)
