"""Process owners change their procedures in the browser (engine.services.authoring): the list of
procedures one owns or approves, the editor (bpmn-js with the Krabuan properties panel and the
forms editor; the draft saves itself as one works), submitting with an effective date, the
approver's review of the readable diff (list and coloured diagram), and the diff between any two
versions. Who may do what is the engine's: a draft is private to the procedure's owners (404 for
anyone else), and whoever edited a change cannot approve it."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from engine import InvalidInput, SubmitInput

from . import dates
from .auth import account, krabuan

bp = Blueprint("procedures", __name__)

STATUS = {"draft": "ร่าง", "submitted": "รออนุมัติ", "published": "เผยแพร่แล้ว", "rejected": "ส่งกลับแก้ไข",
          "withdrawn": "ยกเลิกแล้ว"}


@bp.get("/procedures")
@login_required
def index() -> Any:
    k, me = krabuan(), account().username
    mine = k.changes.mine(me)
    versions = {s.process_id: k.repository.versions(s.process_id) for s in mine}
    return render_template("procedures.html", mine=mine, versions=versions, changes=k.changes.changes(me),
                           status=STATUS)


@bp.get("/procedures/<process_id>/edit")
@login_required
def edit(process_id: str) -> Any:
    draft = krabuan().changes.draft(account().username, process_id)
    if draft.change is not None and draft.change.status == "submitted":
        return redirect(url_for("procedures.change", change_id=draft.change.id))
    return render_template("editor.html", draft=draft, status=STATUS)


@bp.post("/procedures/<process_id>/submit")
@login_required
def submit(process_id: str) -> Any:
    effective = dates.parse(request.form.get("effective_from", ""))
    if effective is None:
        raise InvalidInput("the effective date is required (day/month/Buddhist-era year)", field="effective_from")
    lock = request.form.get("lock_version", "")
    if not lock.isdigit():
        raise InvalidInput("save the draft first", field="lock_version")
    done = krabuan().changes.submit(account().username, process_id,
                                    SubmitInput(effective, request.form.get("note", ""), int(lock)))
    flash(_("The change was sent to the approvers."), "ok")
    return redirect(url_for("procedures.change", change_id=done.id))


@bp.post("/procedures/<process_id>/withdraw")
@login_required
def withdraw(process_id: str) -> Any:
    krabuan().changes.withdraw(account().username, process_id)
    flash(_("The change was withdrawn; nothing was published."), "ok")
    return redirect(url_for("procedures.index"))


@bp.get("/changes/<id:change_id>")
@login_required
def change(change_id: int) -> Any:
    k, me = krabuan(), account().username
    found = k.changes.change(me, change_id)
    old_xml = k.changes.version_xml(found.process_id, found.base_version)
    if found.published_version is not None:
        new_xml = k.changes.version_xml(found.process_id, found.published_version)
        may_approve = False
    else:
        draft = k.changes.draft(me, found.process_id)
        new_xml, may_approve = draft.bpmn_xml, draft.may_approve
    diff = found.diff.to_json() if found.diff else None
    return render_template("change.html", change=found, diff=diff, old_xml=old_xml, new_xml=new_xml,
                           may_approve=may_approve, status=STATUS, title_versions=(found.base_version, None))


@bp.post("/changes/<id:change_id>/approve")
@login_required
def approve(change_id: int) -> Any:
    done = krabuan().changes.approve(account().username, change_id, request.form.get("note", ""))
    flash(_("Version %(v)s was published.", v=done.published_version), "ok")
    return redirect(url_for("procedures.change", change_id=change_id))


@bp.post("/changes/<id:change_id>/reject")
@login_required
def reject(change_id: int) -> Any:
    krabuan().changes.reject(account().username, change_id, request.form.get("reason", ""))
    flash(_("The change was returned to its owners."), "ok")
    return redirect(url_for("procedures.change", change_id=change_id))


@bp.get("/procedures/<process_id>/diff")
@login_required
def version_diff(process_id: str) -> Any:
    versions = [request.args.get(k, "") for k in ("from", "to")]
    if not all(v.isdigit() for v in versions):
        abort(404)
    old, new = int(versions[0]), int(versions[1])
    k = krabuan()
    diff = k.changes.version_diff(process_id, old, new)
    return render_template("change.html", change=None, diff=diff.to_json(),
                           old_xml=k.changes.version_xml(process_id, old),
                           new_xml=k.changes.version_xml(process_id, new), may_approve=False, status=STATUS,
                           title_versions=(old, new), process_id=process_id)


def install(app: Flask) -> None:
    app.register_blueprint(bp)

    @app.context_processor
    def stewardship() -> dict[str, Any]:
        def looks_after() -> bool:
            return current_user.is_authenticated and krabuan().changes.looks_after(account())
        return {"looks_after_procedures": looks_after}


@bp.get("/procedures/<process_id>/migrate")
@login_required
def migrate_page(process_id: str) -> Any:
    k, to_version = krabuan(), _version_arg()
    plans = k.migrations.candidates(account().username, process_id, to_version)
    return render_template("migrate.html", process_id=process_id, to_version=to_version, plans=plans,
                           outcomes=None, names=_step_names(process_id, to_version))


@bp.post("/procedures/<process_id>/migrate")
@login_required
def migrate(process_id: str) -> Any:
    k, to_version = krabuan(), _version_arg()
    chosen = [int(v) for v in request.form.getlist("case") if v.isdigit()]
    if not chosen:
        raise InvalidInput("choose the cases to move", field="case")
    outcomes = k.migrations.migrate(account().username, process_id, to_version, chosen)
    moved = sum(o.migrated for o in outcomes)
    flash(_("%(moved)s of %(asked)s case(s) moved to version %(v)s.", moved=moved, asked=len(outcomes),
            v=to_version), "ok" if moved == len(outcomes) else "error")
    plans = k.migrations.candidates(account().username, process_id, to_version)
    return render_template("migrate.html", process_id=process_id, to_version=to_version, plans=plans,
                           outcomes=outcomes, names=_step_names(process_id, to_version))


def _version_arg() -> int:
    text = request.args.get("to") or request.form.get("to") or ""
    if not text.isdigit():
        raise InvalidInput("to is the version number to move the cases to", field="to")
    return int(text)


def _step_names(process_id: str, version: int) -> dict[str, str]:
    """Each step's name in the versions up to this one (the newest name wins), for the plan's lines."""
    names: dict[str, str] = {}
    for v in krabuan().repository.versions(process_id):
        if v.version <= version:
            names.update({s.element_id: s.name for s in krabuan().repository.process_model(
                process_id, v.version)[1].steps.values()})
    return names
