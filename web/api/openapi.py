"""The OpenAPI 3.1 document of /api/v1, generated from the routes as they are registered and the
pydantic models of their bodies (nothing in it is written by hand)."""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Blueprint
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from . import schemas

_PARAM = re.compile(r"<(?:(id):)?(\w+)>")
QUERY = {"limit": {"type": "integer", "minimum": 1, "maximum": 200},
         "view": {"type": "string", "enum": ["all", "mine", "group", "overdue", "due_today", "completed"]},
         "cursor": {"type": "string", "description": "next_cursor of the page before (opaque)"},
         "process_id": {"type": "string", "description": "only this procedure's tasks"},
         "q": {"type": "string", "maxLength": 100,
               "description": "a text in the step's name or the case's title, or a case number"},
         "year": {"type": "integer", "minimum": 2400, "maximum": 2800, "description": "a Buddhist-era year"},
         "format": {"type": "string", "enum": ["pdf", "xlsx"]}}
ERRORS = {400: "invalid data (the field is named)", 401: "no or bad credentials",
          403: "not allowed (e.g. it needs the administrator role, or the task is not of your lane)",
          404: "not found, or not yours",
          409: "someone else changed it first; nothing was written", 413: "too large", 429: "too many requests",
          503: "the database cannot be reached; nothing was written, try again"}


@dataclass(frozen=True)
class Doc:
    """What the document says of one operation: its answer (a list of ``out`` when ``many``; a
    file's bytes when None), its body (JSON; or ``upload``: multipart/form-data with that one file
    part), its success status, its query parameters and a summary."""

    out: type[BaseModel] | None
    summary: str = ""
    body: type[BaseModel] | None = None
    many: bool = False
    status: int = 200
    query: tuple[str, ...] = ()
    upload: str | None = None


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    doc: Doc
    name: str


def route(bp: Blueprint, method: str, path: str, doc: Doc) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a view on the blueprint and record what the document says of it."""
    def bind(view: Callable[..., Any]) -> Callable[..., Any]:
        bp.add_url_rule(path, endpoint=view.__name__, view_func=view, methods=[method])
        routes: list[Route] = bp.__dict__.setdefault("openapi_routes", [])
        routes.append(Route(method, path, doc, view.__name__))
        return view

    return bind


def _ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def _answer(doc: Doc) -> dict[str, Any]:
    """The content of a success: JSON of ``out`` (or a list of it), or a file's bytes of any type."""
    if doc.out is None:
        return {"*/*": {"schema": {"type": "string", "format": "binary"}}}
    schema = {"type": "array", "items": _ref(doc.out)} if doc.many else _ref(doc.out)
    return {"application/json": {"schema": schema}}


def document(bp: Blueprint) -> dict[str, Any]:
    routes: list[Route] = bp.__dict__.get("openapi_routes", [])
    models: set[type[BaseModel]] = {schemas.ErrorOut, *(r.doc.out for r in routes if r.doc.out is not None),
                                    *(r.doc.body for r in routes if r.doc.body is not None)}
    _, defs = models_json_schema([(m, "validation") for m in sorted(models, key=lambda m: m.__name__)],
                                 ref_template="#/components/schemas/{model}")
    paths: dict[str, dict[str, Any]] = {}
    for r in routes:
        params = [{"name": name, "in": "path", "required": True,
                   "schema": {"type": "integer", "minimum": 1, "maximum": 2**63 - 1} if kind == "id"
                   else {"type": "string"}}
                  for kind, name in _PARAM.findall(r.path)]
        params += [{"name": q, "in": "query", "required": False, "schema": QUERY.get(q, {"type": "string"})}
                   for q in r.doc.query]
        responses: dict[str, Any] = {str(r.doc.status): {"description": "No content"} if r.doc.status == 204
                                     else {"description": "OK", "content": _answer(r.doc)}}
        for code, text in ERRORS.items():
            responses[str(code)] = {"description": text, "content": {"application/json":
                                                                      {"schema": _ref(schemas.ErrorOut)}}}
        operation: dict[str, Any] = {"operationId": r.name, "summary": r.doc.summary, "responses": responses}
        if params:
            operation["parameters"] = params
        if r.doc.body is not None:
            operation["requestBody"] = {"required": False,
                                        "content": {"application/json": {"schema": _ref(r.doc.body)}}}
        if r.doc.upload is not None:
            operation["requestBody"] = {"required": True, "content": {"multipart/form-data": {"schema": {
                "type": "object", "required": [r.doc.upload],
                "properties": {r.doc.upload: {"type": "string", "format": "binary"}}}}}}
        paths.setdefault((bp.url_prefix or "") + _PARAM.sub(r"{\2}", r.path), {})[r.method.lower()] = operation
    return {"openapi": "3.1.0",
            "info": {"title": "Krabuan API", "version": "1",
                     "description": "Run Thai government SOPs as BPMN: worklist, tasks, cases."},
            "paths": paths,
            "components": {"schemas": defs.get("$defs", {}),
                           "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
            "security": [{"bearer": []}]}
