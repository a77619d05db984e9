"""The page of one task: its form in the user's language, its control points, and completing it.
The form's values are read here as text, as submitted; the engine converts and checks them, and
its problems are shown next to their fields with every entered value kept."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.datastructures import MultiDict

from engine import Completion, InvalidInput

from .auth import account, krabuan
from .messages import problem_text

bp = Blueprint("tasks", __name__)


@bp.get("/tasks/<id:task_id>")
@login_required
def show(task_id: int) -> Any:
    page = krabuan().tasks.open(task_id, account())
    return render_template("task.html", page=page, values=MultiDict(), problems={}, confirmed=set())


def submitted(form: Any, values: MultiDict[str, str]) -> dict[str, Any]:
    """The submitted values of a form's fields, as the browser sent them (lists for multiple
    choices, true/false for checkboxes); fields left empty are left out."""
    data: dict[str, Any] = {}
    for f in form.fields if form is not None else ():
        if f.type in ("multiselect", "users"):
            chosen = [v for v in values.getlist(f.name) if v]
            if chosen:
                data[f.name] = chosen
        elif f.type == "checkbox":
            data[f.name] = "true" if values.get(f.name) else "false"
        elif values.get(f.name, "") != "":
            data[f.name] = values[f.name]
    return data


@bp.post("/tasks/<id:task_id>/complete")
@login_required
def complete(task_id: int) -> Any:
    k, me = krabuan(), account()
    page = k.tasks.open(task_id, me)
    data = submitted(page.form, request.form)
    confirmed = request.form.getlist("confirm")
    try:
        done = k.cases.complete(task_id, me.username, data, confirmed, how=Completion(claim=True))
    except InvalidInput as exc:
        problems = {p["field"]: problem_text(p) for p in exc.details.get("problems", [])}
        if not problems:
            flash(problem_text({"code": "", "message": exc.message}), "error")
        return render_template("task.html", page=page, values=request.form, problems=problems,
                               confirmed=set(confirmed)), 422
    flash(_("Step completed: %(name)s.", name=done.task.name), "success")
    return redirect(url_for("worklist.index"))
