"""Krabuan's web application (Flask): sign-in, the worklist and the task pages, Thai first.

Thin: each view parses input, calls one engine operation (which checks who may do it) and
renders what it returns. Nothing here opens a transaction, touches a table or sees a
SpiffWorkflow object. Engine errors are mapped to HTTP once, below.
"""
from __future__ import annotations

from typing import Any

from flask import Flask, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import Babel, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.routing import IntegerConverter

from engine import EngineError, InvalidInput, Krabuan, NotFound, Settings, Unauthorized

from . import (
    acting,
    api,
    assets,
    audit,
    audit_trail,
    auth,
    cases,
    casework,
    display,
    files,
    preferences,
    procedures,
    security,
    signatures,
    start,
    tasks,
    worklist,
)
from .messages import refusal_of
from .registers import bp as registers_bp
from .reports import bp as reports_bp

LANGUAGES = ("th", "en")


class RowId(IntegerConverter):
    """A row id in a URL: 1 to 2**63 - 1 (a longer number is a 404, not a database error)."""

    def __init__(self, url_map: Any) -> None:
        super().__init__(url_map, min=1, max=2**63 - 1)
csrf = CSRFProtect()


def _locale() -> str:
    """The signed-in user's language, else the browser's choice (a cookie), else Thai."""
    user = current_user
    chosen = getattr(getattr(user, "account", None), "language", None) or request.cookies.get("lang")
    return chosen if chosen in LANGUAGES else "th"


def create_app(settings: Settings | None = None, engine: Krabuan | None = None) -> Flask:
    app = Flask(__name__)
    app.url_map.converters["id"] = RowId
    krabuan = engine or Krabuan(settings or Settings.from_env())
    settings = krabuan.settings
    app.extensions["krabuan"] = krabuan
    app.config.update(MAX_CONTENT_LENGTH=2 * 1024 * 1024, BABEL_DEFAULT_LOCALE="th",
                      BABEL_TRANSLATION_DIRECTORIES="translations")
    security.install(app, settings.data_dir, settings.web_https)
    csrf.init_app(app)
    Babel(app, locale_selector=_locale)
    display.install(app)
    preferences.install(app)
    app.jinja_env.globals["get_locale"] = get_locale
    assets.install(app, settings.assets_dir)
    auth.install(app, settings.ratelimit_storage_url)
    app.register_blueprint(worklist.bp)
    app.register_blueprint(tasks.bp)
    app.register_blueprint(cases.bp)
    app.register_blueprint(start.bp)
    app.register_blueprint(casework.bp)
    app.register_blueprint(registers_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(acting.bp)
    app.register_blueprint(signatures.bp)
    app.register_blueprint(audit.bp)
    app.register_blueprint(audit_trail.bp)
    procedures.install(app)
    app.jinja_env.filters["signature_problem"] = signatures.problem_text
    files.install(app, settings.max_upload_bytes)
    csrf.exempt(api.bp)  # the API checks the CSRF token itself, for browser sessions only
    app.register_blueprint(api.bp)
    _errors(app)

    @app.get("/api/health")
    def health() -> Any:
        return jsonify({"status": "ok"})

    @app.post("/language/<lang>")
    def language(lang: str) -> Any:
        response = redirect(request.referrer or url_for("worklist.index"))
        if lang in LANGUAGES and current_user.is_authenticated:  # kept with the user, on every device
            me = current_user.account
            current_user.account = krabuan.accounts.set_preferences(me.username, lang, me.thai_digits)
        if lang in LANGUAGES:
            response.set_cookie("lang", lang, max_age=365 * 24 * 3600, httponly=True, samesite="Lax",
                                secure=settings.web_https)
        return response

    return app


_REFUSAL = {403: _l("You may not do this."), 409: _l("Someone else changed this first; nothing was saved."),
            422: _l("This could not be done as asked; nothing was saved.")}


def _errors(app: Flask) -> None:
    def wants_json() -> bool:
        return request.path.startswith("/api/")

    @app.errorhandler(EngineError)
    def _engine_error(exc: EngineError) -> Any:
        status = 404 if isinstance(exc, NotFound) else exc.http_status
        if wants_json():
            status = 400 if isinstance(exc, InvalidInput) else status
            return jsonify({"error": {"code": exc.error_code, "message": exc.message,
                                      "field": exc.details.get("field")}}), status
        if isinstance(exc, Unauthorized):
            return redirect(url_for("auth.login", next=request.path))
        if request.method == "POST" and status in (403, 409, 422) and current_user.is_authenticated:
            flash(refusal_of(exc.details) or f"{_REFUSAL.get(status, '')} ({exc.message})", "error")
            return redirect(request.referrer or url_for("worklist.index"))
        return render_template("error.html", status=status, message=exc.message), status

    _http_errors(app, wants_json)


def _http_errors(app: Flask, wants_json: Any) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(exc: CSRFError) -> Any:
        message = _("The form has expired. Please go back, reload the page and try again.")
        if wants_json():
            return jsonify({"error": {"code": "csrf", "message": message, "field": None}}), 400
        return render_template("error.html", status=400, message=message), 400

    @app.errorhandler(404)
    def _not_found(exc: Any) -> Any:
        if wants_json():
            return jsonify({"error": {"code": "not_found", "message": "not found", "field": None}}), 404
        return render_template("error.html", status=404, message=_("This page does not exist.")), 404

    @app.errorhandler(429)
    def _too_many(exc: Any) -> Any:
        message = _("Too many attempts. Please wait a minute and try again.")
        if wants_json():
            return jsonify({"error": {"code": "rate_limited", "message": message, "field": None}}), 429
        return render_template("login.html", error=message, username=""), 429

    @app.errorhandler(413)
    def _too_large(exc: Any) -> Any:
        message = _("What you sent is too large.")
        if wants_json():
            return jsonify({"error": {"code": "too_large", "message": message, "field": None}}), 413
        return render_template("error.html", status=413, message=message), 413
