"""The JSON API (/api/v1): the operations of the web pages as a stable contract for scripts.

Who is asking: ``Authorization: Bearer <token>`` (``krabuan tokens create``) or the browser's
session, which must then send its CSRF token (``X-CSRFToken``) with every change. Bodies are
validated with the models of ``schemas`` and answers are checked against them; the OpenAPI
document at /api/v1/openapi.json is generated from the same models (``openapi``). Errors are
``{"error": {"code", "message", "field"}}`` with the status that fits.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Blueprint, Response, jsonify, request
from flask_login import current_user
from pydantic import BaseModel, ValidationError

from engine import CaseHeader, Completion, InvalidInput, Unauthorized, WorklistFilter, load_json

from ..auth import account, krabuan
from ..files import send_evidence
from . import schemas
from .openapi import Doc, document, route

bp = Blueprint("api_v1", __name__, url_prefix="/api/v1")
M = TypeVar("M", bound=BaseModel)


def signed_in(view: Callable[..., Any]) -> Callable[..., Any]:
    """The caller must be known (401 otherwise); a browser session changing something must send
    its CSRF token (a bearer token needs none: no browser sends it on its own)."""
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            raise Unauthorized("sign in, or send Authorization: Bearer <token>")
        if request.method != "GET" and current_user.secret is not None:
            from flask_wtf.csrf import CSRFError, validate_csrf

            try:
                validate_csrf(request.headers.get("X-CSRFToken", ""))
            except Exception as exc:  # noqa: BLE001 - every kind of bad token is the same refusal
                raise CSRFError("the CSRF token is missing or wrong (send X-CSRFToken)") from exc
        return view(*args, **kwargs)
    return wrapper


def body(model: type[M]) -> M:
    """The request's JSON body as ``model``; InvalidInput naming the first wrong field."""
    sent = request.get_data()
    raw = load_json(sent, "the body") if sent.strip() else {}
    if not isinstance(raw, dict):
        raise InvalidInput("the body must be a JSON object", field="body")
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "body"
        raise InvalidInput(f"{where}: {first['msg']}", field=where) from None


def answer(model: type[BaseModel], value: Any, status: int = 200) -> Any:
    """``value`` checked against its documented shape, as JSON."""
    if isinstance(value, list):
        checked: Any = [model.model_validate(v).model_dump(mode="json") for v in value]
    else:
        checked = model.model_validate(value).model_dump(mode="json")
    return jsonify(checked), status


@route(bp, "GET", "/me", Doc(out=schemas.Me, summary="Who I am: username, groups, roles"))
@signed_in
def me() -> Any:
    return answer(schemas.Me, account().to_json())


@route(bp, "GET", "/processes", Doc(out=schemas.ProcessOut, many=True,
       summary="Deployed processes (newest versions), each with whether I may start it (a member of its starters)"))
@signed_in
def processes() -> Any:
    return answer(schemas.ProcessOut, [v.to_json() for v in krabuan().repository.newest(for_user=account().username)])


@route(bp, "POST", "/processes/<process_id>/instances", Doc(body=schemas.StartIn, out=schemas.Started, status=201,
       summary="Start a case of a process's newest version"))
@signed_in
def start(process_id: str) -> Any:
    given = body(schemas.StartIn)
    started = krabuan().cases.start(process_id, account().username, given.data,
                                    header=CaseHeader(given.title, given.urgency))
    return answer(schemas.Started, started.to_json(), 201)


@route(bp, "POST", "/instances/<id:instance_id>/urgency", Doc(body=schemas.UrgencyIn, out=None, status=204,
       summary="Change how urgent a running case is (the lane now working it)"))
@signed_in
def set_urgency(instance_id: int) -> Any:
    krabuan().cases.set_urgency(instance_id, account().username, body(schemas.UrgencyIn).urgency)
    return "", 204


@route(bp, "GET", "/tasks", Doc(out=schemas.TaskPage, query=("view", "cursor", "limit", "process_id", "q"),
       summary="A page of one of my worklist's views (all, mine, group, overdue, due_today, completed), most "
               "urgent first then by due date; narrowed to a procedure (process_id) and/or a text (q)"))
@signed_in
def tasks() -> Any:
    try:
        limit = int(request.args.get("limit", "50"))
    except ValueError:
        raise InvalidInput("limit must be a whole number", field="limit") from None
    where = WorklistFilter(request.args.get("process_id") or None, request.args.get("q", ""))
    page = krabuan().tasks.page(account().username, request.args.get("view", "all"),
                                request.args.get("cursor") or None, limit, where)
    return answer(schemas.TaskPage, page.to_json())


@route(bp, "GET", "/tasks/<id:task_id>", Doc(out=schemas.TaskDetail, summary="A task with its form and control points"))
@signed_in
def task(task_id: int) -> Any:
    return answer(schemas.TaskDetail, krabuan().tasks.open(task_id, account()).to_json())


@route(bp, "POST", "/tasks/<id:task_id>/claim", Doc(out=schemas.Task, summary="Claim a task of my groups"))
@signed_in
def claim(task_id: int) -> Any:
    return answer(schemas.Task, krabuan().tasks.claim(task_id, account().username).to_json())


@route(bp, "POST", "/tasks/<id:task_id>/unclaim", Doc(out=schemas.Task, summary="Hand a task I claimed back"))
@signed_in
def unclaim(task_id: int) -> Any:
    return answer(schemas.Task, krabuan().tasks.unclaim(task_id, account().username).to_json())


@route(bp, "POST", "/tasks/<id:task_id>/delegate", Doc(body=schemas.DelegateIn, out=schemas.Task,
       summary="Give a task I hold (or an unclaimed one of my lane) to a colleague of its lane, with a reason"))
@signed_in
def delegate(task_id: int) -> Any:
    given = body(schemas.DelegateIn)
    return answer(schemas.Task, krabuan().tasks.delegate(task_id, account().username, given.to, given.reason).to_json())


@route(bp, "PUT", "/tasks/<id:task_id>/draft", Doc(body=schemas.DraftIn, out=None, status=204,
       summary="Save my draft of a task's form (private to me; gone when the task is completed)"))
@signed_in
def save_draft(task_id: int) -> Any:
    krabuan().tasks.save_draft(task_id, account().username, body(schemas.DraftIn).data)
    return "", 204


@route(bp, "GET", "/notifications", Doc(out=schemas.Notifications,
       summary="My notifications (reminders, overdue notices, delegations), newest first, with the unread count"))
@signed_in
def notifications() -> Any:
    k, me = krabuan(), account().username
    return answer(schemas.Notifications, {"unread": k.inbox.unread_count(me),
                                          "items": [n.to_json() for n in k.inbox.notifications(me)]})


@route(bp, "POST", "/tasks/<id:task_id>/complete", Doc(body=schemas.CompleteIn, out=schemas.Completed,
       summary="Complete a task (claiming it if it is still unclaimed) with its data and confirmed controls; "
               "a signature step also takes the user's password"))
@signed_in
def complete(task_id: int) -> Any:
    given = body(schemas.CompleteIn)
    done = krabuan().cases.complete(task_id, account().username, given.data, given.confirm,
                                    Completion(claim=True, comment=given.comment, password=given.password))
    return answer(schemas.Completed, done.to_json())


@route(bp, "GET", "/instances/<id:instance_id>/signatures", Doc(out=schemas.SignatureOut, many=True,
       summary="A case's signatures, each verified now: valid, or the problems naming what changed after signing"))
@signed_in
def signatures(instance_id: int) -> Any:
    found = krabuan().signatures.of_case(instance_id, account())
    return answer(schemas.SignatureOut, [s.to_json() for s in found])


@route(bp, "GET", "/instances/<id:instance_id>", Doc(out=schemas.Instance,
       summary="A case: state, data, open tasks, history"))
@signed_in
def instance(instance_id: int) -> Any:
    return answer(schemas.Instance, krabuan().cases.page(instance_id, account()).case.to_json())


@route(bp, "GET", "/instances/<id:instance_id>/history", Doc(out=schemas.HistoryEvent, many=True,
       summary="A case's history events, in order"))
@signed_in
def history(instance_id: int) -> Any:
    page = krabuan().cases.page(instance_id, account())
    return answer(schemas.HistoryEvent, [e.to_json() for e in page.case.history])


@route(bp, "POST", "/files", Doc(out=schemas.FileOut, status=201, upload="file",
       summary="Upload an evidence file (multipart/form-data, part 'file'): PDF, images, office documents or "
               "text, checked from its bytes; a form's file field takes its sha256 (a list of them for several)"))
@signed_in
def upload_file() -> Any:
    part = request.files.get("file")
    if part is None:
        raise InvalidInput("send the file as the part 'file' of a multipart/form-data body", field="file")
    view = krabuan().files.upload(account().username, part.filename or "", part.read())
    return answer(schemas.FileOut, view.to_json(), 201)


@route(bp, "GET", "/files/<sha256>", Doc(out=None, summary="Download an evidence file: its uploader's, or one of "
                                                           "a case you may see (404 otherwise)"))
@signed_in
def download_file(sha256: str) -> Any:
    return send_evidence(sha256)


def _year() -> int | None:
    text = request.args.get("year", "")
    if not text:
        return None
    if not text.isdigit() or not 2400 <= int(text) <= 2800:
        raise InvalidInput("year is a Buddhist-era year from 2400 to 2800", field="year")
    return int(text)


@route(bp, "GET", "/registers", Doc(out=schemas.RegisterOut, many=True,
       summary="The official registers I read (received and sent letters, circulars, orders, ...)"))
@signed_in
def registers() -> Any:
    return answer(schemas.RegisterOut, [r.to_json() for r in krabuan().registers.registers(account().username)])


@route(bp, "GET", "/registers/<register_id>/entries", Doc(out=schemas.RegisterPageOut, query=("year", "q"),
       summary="A register's entries for a Buddhist-era year (default: the current one), as they read now, that "
               "I may see (secret ones: readers cleared for them and the people of their case); narrowed to a text"))
@signed_in
def register_entries(register_id: str) -> Any:
    registers = krabuan().registers.through("api")  # each secret entry shown is logged as seen through the API
    page = registers.page(register_id, account().username, _year(), request.args.get("q", "")[:100])
    return answer(schemas.RegisterPageOut, page.to_json())


@route(bp, "GET", "/registers/<register_id>/views", Doc(out=schemas.RegisterViewingOut, many=True, query=("year",),
       summary="Who viewed which secret entry of a register's year, when and through which surface (its keepers "
               "and auditors)"))
@signed_in
def register_views(register_id: str) -> Any:
    seen = krabuan().registers.viewings(register_id, account().username, _year())
    return answer(schemas.RegisterViewingOut, [v.to_json() for v in seen])


@route(bp, "POST", "/registers/<register_id>/entries/<id:number>/void", Doc(
       body=schemas.VoidIn, out=schemas.RegisterEntryOut,
       summary="Void a number (a keeper of the register): it stays in the register, marked cancelled with the reason"))
@signed_in
def void_number(register_id: str, number: int) -> Any:
    given = body(schemas.VoidIn)
    entry = krabuan().registers.void(register_id, number, account().username, given.reason, given.year)
    return answer(schemas.RegisterEntryOut, entry.to_json())


@route(bp, "POST", "/registers/<register_id>/entries/<id:number>/correct", Doc(
       body=schemas.CorrectIn, out=schemas.RegisterEntryOut,
       summary="Correct an entry's columns (a keeper): a new row that refers to the original, which stays"))
@signed_in
def correct_entry(register_id: str, number: int) -> Any:
    given = body(schemas.CorrectIn)
    entry = krabuan().registers.correct(register_id, (number, given.year), account().username, given.changes,
                                        given.reason)
    return answer(schemas.RegisterEntryOut, entry.to_json())


@route(bp, "GET", "/registers/<register_id>/export", Doc(out=None, query=("format", "year", "q"),
       summary="A register's page for a year as its paper form: PDF (Sarabun, Buddhist-era dates) or XLSX"))
@signed_in
def export_register(register_id: str) -> Any:
    me = account()
    registers = krabuan().registers.through("api")
    exported = registers.export(register_id, me.username, _year(),
                                (request.args.get("format", "pdf"), request.args.get("q", "")[:100], me.thai_digits))
    return Response(exported.content, mimetype=exported.content_type, headers={
        "Content-Disposition": f'attachment; filename="{exported.filename}"', "Cache-Control": "private, no-store"})


@bp.get("/openapi.json")
def openapi() -> Any:
    return jsonify(document(bp))


from . import acting, audit, changes  # noqa: E402,F401 - their routes, on this blueprint
