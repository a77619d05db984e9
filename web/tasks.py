"""The page of one task: its form in the user's language, its control points, and completing it.
The form's values are read here as text, as submitted; the engine converts and checks them, and
its problems are shown next to their fields with every entered value kept. Attached files are
uploaded first (web.files): a second try sends their SHA-256s, not the files again."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.datastructures import MultiDict

from engine import Completion, Forbidden, InvalidInput

from .auth import account, krabuan
from .dates import month_to_iso, to_iso
from .files import names_of, take_uploads
from .messages import problem_text, refusal_of

bp = Blueprint("tasks", __name__)


@bp.get("/tasks/<id:task_id>")
@login_required
def show(task_id: int) -> Any:
    page = krabuan().tasks.open(task_id, account())
    values = MultiDict(_as_typed(page.draft if page.draft is not None else _earlier_values(page)))
    return render_task(page=page, values=values, problems={}, confirmed=set(),
                           files=names_of(page.form, values))


def render_task(**context: Any) -> str:
    """The task page; the case's files by SHA-256 name the documents its earlier steps attached."""
    page = context["page"]
    case_files = {f.sha256: f.name for f in krabuan().files.of_case(page.task.instance_id, account())}
    signed = [s for s in krabuan().signatures.of_case(page.task.instance_id, account()) if s.task_id == page.task.id]
    return render_template("task.html", case_files=case_files, signatures=signed, **context)


def _earlier_values(page: Any) -> dict[str, Any]:
    """A step the case comes back to (returned for revision, or a loop) starts from what the case
    holds for its fields, so that only what is to be fixed needs typing again."""
    if page.form is None or page.task.notice is None:
        return {}
    return {f.name: page.case_data[f.name] for f in page.form.fields if f.name in page.case_data}


def _as_typed(values: dict[str, Any]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for name, value in values.items():
        for v in value if isinstance(value, list) else [value]:
            out.append((name, "true" if v is True else "" if v is False else str(v)))
    return out


def submitted(form: Any, values: MultiDict[str, str]) -> dict[str, Any]:
    """The submitted values of a form's fields, as the browser sent them (lists for multiple
    choices, true/false for checkboxes, dates as ISO when they read as dates, a month from its
    select and its year box, ``<name>.year``); fields left empty are left out."""
    data: dict[str, Any] = {}
    for f in form.fields if form is not None else ():
        if f.type in ("multiselect", "users", "file"):
            chosen = [v for v in values.getlist(f.name) if v]
            if chosen:
                data[f.name] = chosen
        elif f.type == "checkbox":
            data[f.name] = "true" if values.get(f.name) else "false"
        elif f.type == "date":
            if values.get(f.name, "").strip():  # typed as 15/12/2569; the engine takes ISO (CE)
                data[f.name] = to_iso(values[f.name])
        elif f.type == "month":
            month = month_to_iso(values.get(f.name, ""), values.get(f"{f.name}.year", ""))
            if month:
                data[f.name] = month
        elif values.get(f.name, "") != "":
            data[f.name] = values[f.name]
    return data


@bp.post("/tasks/<id:task_id>/complete")
@login_required
def complete(task_id: int) -> Any:
    k, me = krabuan(), account()
    page = k.tasks.open(task_id, me)
    values = MultiDict(request.form)
    problems = take_uploads(page.form, values)  # each file once: on a second try it is a value
    data = submitted(page.form, values)
    confirmed = request.form.getlist("confirm")
    try:
        if problems:
            raise InvalidInput("a file was refused")
        done = k.cases.complete(task_id, me.username, data, confirmed,
                                how=Completion(claim=True, comment=_own_comment(page, values),
                                               password=request.form.get("password") or None))
    except InvalidInput as exc:
        problems = problems or {p["field"]: problem_text(p) for p in exc.details.get("problems", [])}
        if not problems:
            flash(problem_text({"code": "", "message": exc.message}), "error")
        return render_task(page=page, values=values, problems=problems,
                               confirmed=set(confirmed), files=names_of(page.form, values)), 422
    except Forbidden as exc:  # segregation of duties: said on the task's page, with what was entered kept
        refusal = refusal_of(exc.details)
        if refusal is None:
            raise
        flash(refusal, "error")
        return render_task(page=page, values=values, problems={}, confirmed=set(confirmed),
                               files=names_of(page.form, values)), 403
    flash(_("Step completed: %(name)s.", name=done.task.name), "success")
    return redirect(url_for("worklist.index"))


def _own_comment(page: Any, values: MultiDict[str, str]) -> str:
    """The comment of an approval step whose form has no comment field of its own (the page then
    offers one, named ``comment``); the engine reads a form's comment field from the form data."""
    approval = page.approval
    return values.get("comment", "") if approval is not None and approval.comment_field is None else ""
