"""Working a case from its pages besides completing a step: delegate a task to a colleague, save
a draft of its form, change the case's urgency. Each is one engine operation; refusals come back
as a message on the page the user was on."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from .auth import account, krabuan
from .tasks import submitted

bp = Blueprint("casework", __name__)


@bp.post("/tasks/<id:task_id>/delegate")
@login_required
def delegate(task_id: int) -> Response:
    task = krabuan().tasks.delegate(task_id, account().username, request.form.get("to", ""),
                                    request.form.get("reason", ""))
    flash(_("Delegated to %(who)s.", who=task.assignee), "success")
    return redirect(url_for("worklist.index"))


@bp.post("/tasks/<id:task_id>/draft")
@login_required
def save_draft(task_id: int) -> Response:
    k = krabuan()
    page = k.tasks.open(task_id, account())
    k.tasks.save_draft(task_id, account().username, submitted(page.form, request.form))
    flash(_("Draft saved. Only you can see it; it stays until the step is completed."), "success")
    return redirect(url_for("tasks.show", task_id=task_id))


@bp.post("/cases/<id:instance_id>/urgency")
@login_required
def set_urgency(instance_id: int) -> Any:
    krabuan().cases.set_urgency(instance_id, account().username, request.form.get("urgency", ""))
    flash(_("Urgency changed."), "success")
    return redirect(url_for("cases.show", instance_id=instance_id))
