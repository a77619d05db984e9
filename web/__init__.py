"""Krabuan's web application (Flask). Thin: each view parses input, calls one engine method
and renders or jsonifies the result. The worklist and forms UI arrive with the web issue;
this module already owns the app factory and the one mapping of engine errors to HTTP.
"""
from __future__ import annotations

from typing import Any

from flask import Flask, jsonify, request

from engine import EngineError, Krabuan, Settings


def create_app(settings: Settings | None = None, engine: Krabuan | None = None) -> Flask:
    app = Flask(__name__)
    krabuan = engine or Krabuan(settings or Settings.from_env())
    app.extensions["krabuan"] = krabuan

    @app.errorhandler(EngineError)
    def _engine_error(exc: EngineError) -> Any:
        return jsonify(exc.to_dict()), exc.http_status

    @app.get("/api/health")
    def health() -> Any:
        return jsonify({"status": "ok", "processes": len({v.process_id for v in krabuan.repository.versions()})})

    @app.get("/api/processes")
    def processes() -> Any:
        return jsonify([v.to_json() for v in krabuan.repository.versions()])

    @app.get("/api/instances/<int:instance_id>")
    def instance(instance_id: int) -> Any:
        return jsonify(krabuan.cases.show(instance_id).to_json())

    # Read-only until the web issue brings sign-in: a user's worklist (with deadline status)
    # and notifications (overdue steps, reminders).
    @app.get("/api/users/<username>/tasks")
    def user_tasks(username: str) -> Any:
        return jsonify([t.to_json() for t in krabuan.tasks.worklist(username)])

    @app.get("/api/users/<username>/notifications")
    def user_notifications(username: str) -> Any:
        unread = request.args.get("unread", "") in ("1", "true")
        return jsonify([n.to_json() for n in krabuan.inbox.notifications(username, unread)])

    return app
