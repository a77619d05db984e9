"""Acting officials (an administrator's page), my absences (a section of the settings page) and
"on behalf of" preparation (shared from the task page). The engine checks every rule
(engine.services.acting); a refusal comes back as a message on the page."""
from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from engine import ACTING_KINDS as KINDS
from engine import AbsenceRequest, AppointmentRequest, Forbidden, InvalidInput

from . import dates
from .auth import account, krabuan

bp = Blueprint("acting", __name__)


def _day(name: str) -> date:
    found = dates.parse(request.form.get(name, ""))
    if found is None:
        raise InvalidInput(_("Type a date such as 15/12/2569."), field=name)
    return found


def _admin() -> None:
    if not account().has_role("admin"):
        raise Forbidden("only an administrator manages acting appointments")


@bp.get("/admin/acting")
@login_required
def index() -> Any:
    _admin()
    k = krabuan()
    return render_template("acting.html", appointments=k.acting.appointments(account().username),
                           positions=k.acting.positions(), users=[u for u in k.people.users() if u.active],
                           kinds=KINDS)


@bp.post("/admin/acting")
@login_required
def appoint() -> Response:
    made = krabuan().acting.appoint(account().username, AppointmentRequest(
        request.form.get("username", ""), request.form.get("position", ""), request.form.get("kind", ""),
        (_day("starts_on"), _day("ends_on")), request.form.get("order_ref", "")))
    flash(_("%(user)s acts as %(kind)s %(position)s.", user=made.username, kind=made.kind_th,
            position=made.position.title_th), "success")
    return redirect(url_for("acting.index"))


@bp.post("/admin/acting/<id:appointment_id>/end")
@login_required
def end(appointment_id: int) -> Response:
    krabuan().acting.end(account().username, appointment_id)
    flash(_("The acting appointment has ended."), "success")
    return redirect(url_for("acting.index"))


def my_absences() -> dict[str, Any]:
    """What the settings page's absence section shows: my absences, and the colleagues of my
    groups who may be my deputy."""
    me = account()
    k = krabuan()
    mine = set(me.groups)
    colleagues = [u for u in k.people.users() if u.active and u.username != me.username and set(u.groups) & mine]
    return {"absences": k.absences.absences(me.username), "colleagues": colleagues}


@bp.post("/settings/absence")
@login_required
def add_absence() -> Response:
    krabuan().absences.add(account().username, AbsenceRequest(
        (_day("starts_on"), _day("ends_on")), request.form.get("deputy", ""), request.form.get("reason", "")))
    flash(_("Your absence is recorded: new tasks go to your deputy meanwhile."), "success")
    return redirect(url_for("preferences.show"))


@bp.post("/settings/absence/<id:absence_id>/cancel")
@login_required
def cancel_absence(absence_id: int) -> Response:
    krabuan().absences.cancel(account().username, absence_id)
    flash(_("The absence is cancelled."), "success")
    return redirect(url_for("preferences.show"))


@bp.post("/settings/absence/hand-over")
@login_required
def hand_over() -> Response:
    result = krabuan().absences.hand_over(account().username)
    flash(_("%(n)s task(s) handed over to %(deputy)s.", n=len(result.handed_over), deputy=result.deputy), "success")
    return redirect(url_for("preferences.show"))


@bp.post("/tasks/<id:task_id>/preparers")
@login_required
def share(task_id: int) -> Response:
    krabuan().tasks.share_for_preparation(task_id, account().username, request.form.get("to", ""))
    flash(_("%(user)s may now prepare this task on your behalf; only you complete it.",
            user=request.form.get("to", "")), "success")
    return redirect(url_for("tasks.show", task_id=task_id))
