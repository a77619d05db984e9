"""Evidence files in the browser: downloading one (``/files/<sha256>``, for whoever the engine lets
open it, as an attachment that no browser runs), the uploads of a task form, and how large a
request that carries files may be.

A request body is limited to ``MAX_CONTENT_LENGTH`` (2 MiB: forms and JSON); the routes that take
files get room for them (one file of ``max_upload_bytes`` through the API, a few on a task form),
set before anything reads the body, so a larger one is refused with 413 unread. Each file is then
checked by the engine (its kind from its bytes, its size), and a refused one is named next to its
field with everything else that was entered kept.
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, Response, request, send_file
from flask_login import login_required
from werkzeug.datastructures import MultiDict

from engine import FILE_ACCEPT, InvalidInput, TooLarge

from .auth import account, krabuan
from .messages import problem_text

bp = Blueprint("files", __name__)
FORM_FILES = 5  # a task form's request has room for this many files of the largest size
MARGIN = 1024 * 1024  # for the multipart headers and the other fields of the form


def send_evidence(sha256: str) -> Response:
    """The file's bytes as a download under its own name (RFC 5987 for Thai names), never sniffed,
    never run, never cached: only for whoever the engine lets open it (404 for anyone else)."""
    view, path = krabuan().files.open(sha256, account())
    response = send_file(path, mimetype=view.content_type, as_attachment=True, download_name=view.name,
                         etag=view.sha256, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


@bp.get("/files/<sha256>")
@login_required
def download(sha256: str) -> Response:
    return send_evidence(sha256)


def take_uploads(form: Any, values: MultiDict[str, str]) -> dict[str, str]:
    """Upload the files sent for each file field of ``form`` and add their SHA-256s to that field's
    ``values`` (next to those kept from an earlier try); the problems of refused files, by field."""
    k, me = krabuan(), account()
    problems: dict[str, str] = {}
    for f in form.fields if form is not None else ():
        if f.type != "file":
            continue
        for part in request.files.getlist(f.name):
            if not part.filename:
                continue  # the field was left empty
            try:
                view = k.files.upload(me.username, part.filename, part.read())
            except (InvalidInput, TooLarge) as exc:
                problems.setdefault(f.name, problem_text({"code": exc.details.get("code", ""),
                                                          "message": exc.message,
                                                          "params": {"limit": exc.details.get("limit", "")}}))
                continue
            if view.sha256 not in values.getlist(f.name):
                values.add(f.name, view.sha256)
    return problems


def names_of(form: Any, values: MultiDict[str, str]) -> dict[str, str]:
    """The names of the files a form's file fields hold (those the user may open), by SHA-256."""
    hashes = [sha for f in (form.fields if form is not None else ()) if f.type == "file"
              for sha in values.getlist(f.name)]
    return {v.sha256: v.name for v in krabuan().files.known(hashes, account())} if hashes else {}


def size_text(size: int) -> str:
    for unit, scale in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}".replace(".0 ", " ")
    return f"{size} B"


def install(app: Flask, max_upload_bytes: int) -> None:
    """The download route, the template helpers, and room in the body for the routes that take files."""
    limits = {"tasks.complete": FORM_FILES * max_upload_bytes + MARGIN,
              "api_v1.upload_file": max_upload_bytes + MARGIN}

    def room_for_files() -> None:
        limit = limits.get(request.endpoint or "")
        if limit is not None:
            request.max_content_length = limit

    # First of all hooks: CSRFProtect reads the form (and so the body) in its own.
    app.before_request_funcs.setdefault(None, []).insert(0, room_for_files)
    app.jinja_env.globals.update(file_accept=FILE_ACCEPT, max_upload=size_text(max_upload_bytes))
    app.jinja_env.filters["size"] = size_text
    app.register_blueprint(bp)
