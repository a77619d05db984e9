"""Whether the record is whole, and the event logs (issue 14): the verify badge of a case page
(``verdict``), the system-wide verify page for auditors (the newest background run, and a button
to ask for one now: engine.services.audit), the exports page with XES and OCEL 2.0
downloads per procedure (streamed, with a progress counter in static/audit_exports.js), and a
case's audit trail as a PDF for auditors and the case's people."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, stream_with_context, url_for
from flask_babel import gettext as _
from flask_login import login_required

from engine import ChainReport, LogQuery

from . import dates
from .auth import account, krabuan, require_role

bp = Blueprint("audit_trail", __name__)
FORMATS = {"xes": "xes", "ocel": "ocel"}


def verdict(instance_id: int) -> ChainReport | None:
    """The case's verification, from the same code as ``krabuan audit verify`` (its chain, the
    newest signed checkpoint of its head, its rows against its history)."""
    return next(iter(krabuan().audit.verify(instance_id)), None)


@bp.get("/audit/verify")
@login_required
def verify_page() -> Any:
    require_role("auditor")
    return render_template("audit_verify.html", status=krabuan().audit.verification_status(account()))


@bp.post("/audit/verify")
@login_required
def ask_to_verify() -> Any:
    require_role("auditor")
    run = krabuan().audit.request_verification(account())
    if run.state == "running":
        flash(_("A verification of every case is already running; its result will show here."), "ok")
    else:
        flash(_("Every case will be verified in the background; the result will show here."), "ok")
    return redirect(url_for("audit_trail.verify_page"))


@bp.get("/audit/exports")
@login_required
def exports() -> Any:
    require_role("auditor")
    names = [(v.process_id, v.name) for v in krabuan().repository.newest()]
    return render_template("audit_exports.html", processes=names)


@bp.get("/audit/exports/<process_id>.<fmt>")
@login_required
def download(process_id: str, fmt: str) -> Response:
    require_role("auditor")
    if fmt not in FORMATS:
        abort(404)
    query = LogQuery(process_id, dates.arg("from"), dates.arg("to"))
    logs = krabuan().event_logs
    export = logs.xes(query, account().username) if fmt == "xes" else logs.ocel(query, account().username)

    def body() -> Any:
        for chunk in export.chunks:
            yield chunk.data

    headers = {"Content-Disposition": f'attachment; filename="{export.filename}"',
               "Cache-Control": "private, no-store", "X-Krabuan-Events": str(export.events),
               "X-Krabuan-Cases": str(export.cases)}
    return Response(stream_with_context(body()), mimetype=export.media_type, headers=headers)


@bp.get("/cases/<id:instance_id>/audit.pdf")
@login_required
def trail_pdf(instance_id: int) -> Response:
    document = krabuan().event_logs.case_trail(instance_id, account())
    return Response(document.content, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{document.filename}"',
                             "Cache-Control": "private, no-store"})
