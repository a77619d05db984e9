"""Start a new case (เริ่มเรื่องใหม่): the deployed procedures, newest version of each."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from engine import URGENCIES, CaseHeader

from .auth import account, krabuan

bp = Blueprint("start", __name__)


@bp.get("/start")
@login_required
def index() -> Any:
    mine = [p for p in krabuan().repository.newest(for_user=account().username) if p.can_start]
    return render_template("start.html", processes=mine, urgencies=URGENCIES)


@bp.post("/start/<process_id>")
@login_required
def start(process_id: str) -> Any:
    header = CaseHeader(request.form.get("title", ""), request.form.get("urgency") or "normal")
    started = krabuan().cases.start(process_id, account().username, header=header)
    flash(_("Case #%(id)s started.", id=started.instance_id), "success")
    mine = [t for t in started.open_tasks if account().username == t.reserved_for
            or set(t.candidate_groups) & set(account().groups)]
    if mine:
        return redirect(url_for("tasks.show", task_id=mine[0].id))
    return redirect(url_for("cases.show", instance_id=started.instance_id))
