"""The auditor's pages (role ``auditor``, read-only): the case search (procedure, Buddhist-era date
range, participant, status, overdue, register number, free text in the case data), paged and
exported as CSV or XLSX, and a case's step-by-step replay (a step list and a slider over its
history; at step k the diagram of the case's own version with what was done, what waited and how
many times each loop was taken, beside it the data, evidence, actor, capacity, time, working days
against the standard, controls, signatures and comments). Every view is logged by the engine
(``audit_views``); to anyone but an auditor these pages do not exist (404)."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, render_template, request
from flask_babel import gettext as _
from flask_login import login_required

from engine import CaseQuery, InvalidInput

from . import dates
from .auth import account, krabuan, require_role
from .cases import EVENTS

bp = Blueprint("audit", __name__)

STATUS_CHOICES = ("running", "completed")


def query_of_request() -> CaseQuery:
    """The search in the request's ?query (the dates typed in the Buddhist era, 15/12/2569)."""
    a = request.args
    return CaseQuery(process_id=a.get("process", ""), started_from=dates.arg("from"), started_to=dates.arg("to"),
                     participant=a.get("participant", ""), status=a.get("status", ""),
                     overdue=a.get("overdue") == "1", register_number=a.get("register", ""), text=a.get("q", ""))


@bp.get("/audit")
@login_required
def search() -> Any:
    require_role("auditor")
    me = account()
    names = [(v.process_id, v.name) for v in krabuan().repository.newest()]
    if not request.args:
        return render_template("audit_search.html", page=None, processes=names, statuses=STATUS_CHOICES)
    try:
        page = krabuan().case_search.search(me, query_of_request(), request.args.get("cursor") or None)
    except InvalidInput as exc:  # shown next to the form, with what was typed kept
        field = exc.details.get("field")
        problem = _("Please enter a date.") if field in ("from", "to") else _("This search cannot be run.")
        return render_template("audit_search.html", page=None, processes=names, statuses=STATUS_CHOICES,
                               error=problem, error_field=field), 422
    return render_template("audit_search.html", page=page, processes=names, statuses=STATUS_CHOICES)


@bp.get("/audit/export.<fmt>")
@login_required
def export(fmt: str) -> Response:
    require_role("auditor")
    if fmt not in ("csv", "xlsx"):
        abort(404)
    content = krabuan().case_search.export(account(), query_of_request(), fmt)
    mimetype = ("text/csv; charset=utf-8" if fmt == "csv"
                else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    return Response(content, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="cases.{fmt}"', "Cache-Control": "private, no-store"})


@bp.get("/audit/cases/<id:instance_id>")
@login_required
def replay(instance_id: int) -> Any:
    require_role("auditor")
    shown = krabuan().case_replay.replay(instance_id, account())
    steps = shown.steps
    wanted = request.args.get("step", "")
    k = int(wanted) if wanted.isdigit() and 1 <= int(wanted) <= len(steps) else len(steps)
    signatures = {s.id: s for s in shown.signatures}
    file_names = {f.sha256: f.name for f in shown.files}
    return render_template("audit_replay.html", r=shown, k=k, events=EVENTS, signatures=signatures,
                           file_names=file_names)
