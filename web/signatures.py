"""Signatures: the verification page of one signature (anyone who may see its case; the engine
checks it) and the signed document as a PDF whose foot carries the digest and this page's address."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import login_required

from .auth import account, krabuan

bp = Blueprint("signatures", __name__)


@bp.get("/signatures/<id:signature_id>")
@login_required
def show(signature_id: int) -> Any:
    found = krabuan().signatures.one(signature_id, account())
    labels = krabuan().cases.page(found.instance_id, account()).field_labels  # fields named as the forms name them
    return render_template("signature.html", s=found, field_labels=labels)


@bp.get("/signatures/<id:signature_id>/document.pdf")
@login_required
def document(signature_id: int) -> Response:
    address = url_for("signatures.show", signature_id=signature_id, _external=True)
    pdf, name = krabuan().signatures.document(signature_id, account(), address)
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "private, no-store"})


def problem_text(problem: Any, labels: dict[str, Any]) -> str:
    """What a verification found, in the user's language; a field by its form's label."""
    subject = problem.subject
    if problem.kind == "field":
        label = labels.get(subject)
        thai = str(get_locale() or "th").startswith("th")
        shown = (label.th if thai else label.en) if label is not None else subject
        return str(_("The field “%(field)s” changed after signing.", field=shown))
    if problem.kind == "file":
        return str(_("The attached file %(name)s changed or is missing since signing.", name=subject))
    if problem.kind == "key":
        return str(_("The key is not the signer's (%(who)s), or was not valid when it signed.", who=subject))
    if problem.kind == "digest":
        return str(_("The record of what was signed was altered."))
    return str(_("The electronic signature does not verify."))
