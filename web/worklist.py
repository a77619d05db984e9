"""The worklist (งานของฉัน): saved views as tabs, one page at a time; claim and hand back."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from werkzeug.wrappers import Response

from engine import WorklistFilter

from .auth import account, krabuan

bp = Blueprint("worklist", __name__)

TABS = [("all", _l("My work")), ("mine", _l("Claimed by me")), ("group", _l("My groups, unclaimed")),
        ("overdue", _l("Overdue")), ("due_today", _l("Due today")), ("completed", _l("Completed by me"))]
PAGE = 25


@bp.get("/")
@login_required
def index() -> Any:
    k = krabuan()
    view = request.args.get("view", "all")
    where = WorklistFilter(request.args.get("process") or None, request.args.get("q", ""))
    page = k.tasks.page(account().username, view, request.args.get("cursor") or None, PAGE, where)
    return render_template("worklist.html", page=page, tabs=TABS, view=view, where=where,
                           processes=k.repository.newest())


@bp.get("/notifications")
@login_required
def notifications() -> Any:
    return render_template("notifications.html", items=krabuan().inbox.notifications(account().username))


@bp.post("/notifications/read")
@login_required
def mark_read() -> Response:
    krabuan().inbox.mark_all_read(account().username)
    return redirect(url_for("worklist.notifications"))


@bp.post("/tasks/<id:task_id>/claim")
@login_required
def claim(task_id: int) -> Response:
    krabuan().tasks.claim(task_id, account().username)
    return redirect(url_for("tasks.show", task_id=task_id))


@bp.post("/tasks/<id:task_id>/unclaim")
@login_required
def unclaim(task_id: int) -> Response:
    krabuan().tasks.unclaim(task_id, account().username)
    return redirect(url_for("worklist.index"))
