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

from flask import Blueprint, jsonify, request
from flask_login import current_user
from pydantic import BaseModel, ValidationError

from engine import Completion, InvalidInput, Unauthorized

from ..auth import account, krabuan
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
    raw = request.get_json(silent=True)
    if raw is None:
        raw = {} if not request.get_data() else None
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


@route(bp, "GET", "/processes", Doc(out=schemas.ProcessOut, many=True, summary="Deployed processes (newest versions)"))
@signed_in
def processes() -> Any:
    return answer(schemas.ProcessOut, [{"process_id": v.process_id, "version": v.version, "name": v.name,
                                        "can_start": True} for v in krabuan().repository.newest()])


@route(bp, "POST", "/processes/<process_id>/instances", Doc(body=schemas.StartIn, out=schemas.Started, status=201,
       summary="Start a case of a process's newest version"))
@signed_in
def start(process_id: str) -> Any:
    started = krabuan().cases.start(process_id, account().username, body(schemas.StartIn).data)
    return answer(schemas.Started, started.to_json(), 201)


@route(bp, "GET", "/tasks", Doc(out=schemas.TaskPage, query=("view", "cursor", "limit"),
       summary="A page of one of my worklist's views: all, mine, group, overdue, due_today, completed"))
@signed_in
def tasks() -> Any:
    try:
        limit = int(request.args.get("limit", "50"))
    except ValueError:
        raise InvalidInput("limit must be a whole number", field="limit") from None
    page = krabuan().tasks.page(account().username, request.args.get("view", "all"),
                                request.args.get("cursor") or None, limit)
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


@route(bp, "POST", "/tasks/<id:task_id>/complete", Doc(body=schemas.CompleteIn, out=schemas.Completed,
       summary="Complete a task (claiming it if it is still unclaimed) with its data and confirmed controls"))
@signed_in
def complete(task_id: int) -> Any:
    given = body(schemas.CompleteIn)
    done = krabuan().cases.complete(task_id, account().username, given.data, given.confirm,
                                    Completion(claim=True, comment=given.comment))
    return answer(schemas.Completed, done.to_json())


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


@bp.get("/openapi.json")
def openapi() -> Any:
    return jsonify(document(bp))
