"""The page of one case: its diagram (bpmn-js, its own process version, each step's state
marked), its steps, its timeline from the history, its evidence files and its data."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, render_template
from flask_babel import lazy_gettext as _l
from flask_login import login_required

from engine import URGENCIES

from .audit_trail import verdict
from .auth import account, krabuan

bp = Blueprint("cases", __name__)

EVENTS = {
    "instance_started": _l("started the case"), "instance_completed": _l("the case was completed"),
    "task_created": _l("step opened"), "task_claimed": _l("claimed the step"),
    "task_unclaimed": _l("handed the step back"), "task_completed": _l("completed the step"),
    "task_cancelled": _l("step cancelled"), "task_overdue": _l("step overdue"),
    "reminder_sent": _l("reminder sent"), "deadline_changed": _l("deadline changed"),
    "timer_set": _l("timer set"), "timer_moved": _l("timer moved"), "timer_cancelled": _l("timer cancelled"),
    "timer_fired": _l("timer fired"), "task_delegated": _l("delegated the step"),
    "urgency_changed": _l("changed the urgency"),
    "register_number_issued": _l("issued a register number"),
    "task_signed": _l("signed the step"),
    "instance_migrated": _l("moved the case to a newer version of the procedure"),
    "timers_reevaluated": _l("timers recalculated after a holiday change"),
}


@bp.get("/cases/<id:instance_id>")
@login_required
def show(instance_id: int) -> Any:
    page = krabuan().cases.page(instance_id, account())
    krabuan().case_search.log_case_view(account(), instance_id)  # an auditor's view, in the system log
    names = {t.id: t.name for t in page.steps}
    files = krabuan().files.of_case(instance_id, account())
    signed = krabuan().signatures.of_case(instance_id, account())  # each verified now
    return render_template("case.html", page=page, events=EVENTS, step_names=names, files=files, signatures=signed,
                           file_names={f.sha256: f.name for f in files}, urgencies=URGENCIES,
                           verified=verdict(instance_id),
                           viewed_by=krabuan().case_search.views_of(instance_id, account()))


@bp.get("/cases/<id:instance_id>/diagram.bpmn")
@login_required
def diagram(instance_id: int) -> Response:
    page = krabuan().cases.page(instance_id, account())
    return Response(page.bpmn_xml, mimetype="application/xml", headers={"Cache-Control": "private, no-store"})
