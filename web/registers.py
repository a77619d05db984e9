"""The official registers (ทะเบียน): each register laid out like its paper form, filtered by year and
text, exported as PDF or XLSX; a keeper voids a number with its reason. Who reads what is the
engine's (engine.services.registers): a register you do not read does not exist for you (404)."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from engine import InvalidInput

from .auth import account, krabuan

bp = Blueprint("registers", __name__)

NUMBER_COLUMN = {"received": "เลขทะเบียนรับ", "sent": "เลขทะเบียนส่ง"}
SECRECY_WORDS = {"secret": "ลับ", "very_secret": "ลับมาก", "most_secret": "ลับที่สุด"}


def year_arg() -> int | None:
    """The ?year= of the request: a Buddhist-era year (Thai digits accepted), or None for the current one."""
    text = (request.args.get("year") or request.form.get("year") or "").strip()
    if not text:
        return None
    text = text.translate(str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789"))
    if not text.isdigit() or not 2400 <= int(text) <= 2800:
        raise InvalidInput("year is a Buddhist-era year, e.g. 2569", field="year")
    return int(text)


@bp.get("/registers")
@login_required
def index() -> Any:
    return render_template("registers.html", registers=krabuan().registers.registers(account().username))


@bp.get("/registers/<register_id>")
@login_required
def show(register_id: str) -> Any:
    registers = krabuan().registers.through("web")  # each secret entry shown is logged as seen on the web
    page = registers.page(register_id, account().username, year_arg(), request.args.get("q", ""))
    return render_template("register.html", page=page, number_column=NUMBER_COLUMN, secrecy_words=SECRECY_WORDS)


@bp.get("/registers/<register_id>/export.<fmt>")
@login_required
def export(register_id: str, fmt: str) -> Response:
    me = account()
    registers = krabuan().registers.through("web")
    exported = registers.export(register_id, me.username, year_arg(), (fmt, request.args.get("q", ""), me.thai_digits))
    return Response(exported.content, mimetype=exported.content_type, headers={
        "Content-Disposition": f'attachment; filename="{exported.filename}"', "Cache-Control": "private, no-store"})


@bp.post("/registers/<register_id>/void")
@login_required
def void(register_id: str) -> Any:
    number_text = request.form.get("number", "").strip()
    if not number_text.isdigit():
        raise InvalidInput("number is a whole number", field="number")
    entry = krabuan().registers.void(register_id, int(number_text), account().username,
                                     request.form.get("reason", ""), year_arg())
    flash(_("Number %(number)s was cancelled.", number=entry.reference), "success")
    return redirect(url_for("registers.show", register_id=register_id, year=entry.period))
