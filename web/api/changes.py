"""The JSON API of process owners and approvers (engine.services.authoring): the editor's draft,
validation at the element, submitting with an effective date, four-eyes approval, and the
readable diff between versions."""
from __future__ import annotations

from datetime import date
from typing import Any

from flask import Response, request
from pydantic import Field

from engine import DraftInput, InvalidInput, SubmitInput

from ..auth import account, krabuan
from . import answer, body, bp, signed_in
from .openapi import Doc, route
from .schemas import Body, Out

MAX_XML = 2 * 1024 * 1024


class ChangeLine(Out):
    kind: str
    element_id: str
    th: str
    en: str


class DiffOut(Out):
    process_id: str
    from_version: int
    to_version: int
    changes: list[ChangeLine]


class ChangeOut(Out):
    id: int
    process_id: str
    base_version: int
    status: str
    authors: list[str]
    lock_version: int
    effective_from: str | None
    note: str
    submitted_by: str | None
    decided_by: str | None
    decision_note: str
    published_version: int | None
    diff: DiffOut | None


class StewardOut(Out):
    process_id: str
    name: str
    version: int
    owns: bool
    approves: bool
    open_change: ChangeOut | None


class DraftOut(Out):
    process_id: str
    name: str
    base_version: int
    bpmn_xml: str
    forms: dict[str, Any]
    lock_version: int
    change: ChangeOut | None
    form_titles: dict[str, str]
    variables: list[dict[str, Any]]
    may_edit: bool
    may_approve: bool


class DraftSaveIn(Body):
    bpmn_xml: str = Field(min_length=1, max_length=MAX_XML)
    forms: dict[str, Any] = Field(default_factory=dict)
    lock_version: int = Field(ge=0)


class ProblemOut(Out):
    element_id: str
    severity: str
    rule: str
    th: str
    en: str


class ValidationOut(Out):
    ok: bool
    errors: int
    warnings: int
    problems: list[ProblemOut]


class SubmitIn(Body):
    effective_from: date
    note: str = Field(min_length=1, max_length=2000)
    lock_version: int = Field(ge=1)


class DecisionIn(Body):
    note: str = Field(default="", max_length=2000)


class RejectIn(Body):
    reason: str = Field(min_length=1, max_length=2000)


@route(bp, "GET", "/procedures", Doc(out=StewardOut, many=True,
       summary="The procedures I own or approve, each with its open change"))
@signed_in
def procedures_mine() -> Any:
    return answer(StewardOut, [s.to_json() for s in krabuan().changes.mine(account().username)])


@route(bp, "GET", "/procedures/<process_id>/draft", Doc(out=DraftOut,
       summary="The editor's content: the open change (owners; approvers once submitted), else the newest version"))
@signed_in
def procedure_draft(process_id: str) -> Any:
    return answer(DraftOut, krabuan().changes.draft(account().username, process_id).to_json())


@route(bp, "PUT", "/procedures/<process_id>/draft", Doc(body=DraftSaveIn, out=ChangeOut,
       summary="Save the draft (owners): lock_version is the one the editor holds (0: no draft yet); a stale one "
               "is a 409"))
@signed_in
def procedure_save_draft(process_id: str) -> Any:
    given = body(DraftSaveIn)
    saved = krabuan().changes.save(account().username, process_id,
                                   DraftInput(given.bpmn_xml, given.forms, given.lock_version))
    return answer(ChangeOut, saved.to_json())


@route(bp, "POST", "/procedures/<process_id>/validate", Doc(out=ValidationOut,
       summary="Every problem of the saved draft at its element (check, deploy and bpmnlint rules), Thai and "
               "English"))
@signed_in
def procedure_validate(process_id: str) -> Any:
    return answer(ValidationOut, krabuan().changes.validate(account().username, process_id).to_json())


@route(bp, "POST", "/procedures/<process_id>/submit", Doc(body=SubmitIn, out=ChangeOut,
       summary="Submit the draft for approval with its effective date and reason (owners; it must validate)"))
@signed_in
def procedure_submit(process_id: str) -> Any:
    given = body(SubmitIn)
    done = krabuan().changes.submit(account().username, process_id,
                                    SubmitInput(given.effective_from, given.note, given.lock_version))
    return answer(ChangeOut, done.to_json())


@route(bp, "POST", "/procedures/<process_id>/withdraw", Doc(out=ChangeOut, summary="Drop the open change (owners)"))
@signed_in
def procedure_withdraw(process_id: str) -> Any:
    return answer(ChangeOut, krabuan().changes.withdraw(account().username, process_id).to_json())


@route(bp, "GET", "/changes", Doc(out=ChangeOut, many=True, query=("process_id",),
       summary="Changes of the procedures I own or approve, newest first"))
@signed_in
def procedure_changes() -> Any:
    found = krabuan().changes.changes(account().username, request.args.get("process_id") or None)
    return answer(ChangeOut, [c.to_json() for c in found])


@route(bp, "POST", "/changes/<id:change_id>/approve", Doc(body=DecisionIn, out=ChangeOut,
       summary="Approve and publish a submitted change as the next version (an approver who did not edit it)"))
@signed_in
def change_approve(change_id: int) -> Any:
    given = body(DecisionIn)
    return answer(ChangeOut, krabuan().changes.approve(account().username, change_id, given.note).to_json())


@route(bp, "POST", "/changes/<id:change_id>/reject", Doc(body=RejectIn, out=ChangeOut,
       summary="Return a submitted change to its owners with the reason"))
@signed_in
def change_reject(change_id: int) -> Any:
    given = body(RejectIn)
    return answer(ChangeOut, krabuan().changes.reject(account().username, change_id, given.reason).to_json())


@route(bp, "GET", "/processes/<process_id>/diff", Doc(out=DiffOut, query=("from", "to"),
       summary="What changed between two versions, as readable lines with the element each is shown on"))
@signed_in
def version_diff(process_id: str) -> Any:
    versions = [request.args.get(k, "") for k in ("from", "to")]
    if not all(v.isdigit() for v in versions):
        raise InvalidInput("from and to are version numbers", field="from")
    found = krabuan().changes.version_diff(process_id, int(versions[0]), int(versions[1]))
    return answer(DiffOut, found.to_json())


@route(bp, "GET", "/processes/<process_id>/versions/<id:version>/bpmn", Doc(out=None,
       summary="The BPMN XML of a deployed version"))
@signed_in
def version_bpmn(process_id: str, version: int) -> Any:
    xml = krabuan().changes.version_xml(process_id, version)
    return Response(xml, mimetype="application/xml")
