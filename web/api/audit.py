"""The JSON API of auditors (issue 14): the case search, a case's step-by-step replay, who viewed a
case as an auditor, and the reports (engine.services.audit_search, case_replay and reports). The
engine decides who may: the search exists for auditors only (404 to anyone else), the reports for
auditors and administrators (403), a case's views for the people of the case. Every search, replay
and report an auditor reads is logged by the engine with the surface "api". Dates are ISO (CE)."""
from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

from flask import request

from engine import CaseQuery, InvalidInput, NotFound, ReportFilter

from ..auth import account, krabuan
from . import answer, bp, signed_in
from .openapi import Doc, route
from .schemas import FileOut, Out, SignatureOut

_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_YES, _NO = ("1", "true"), ("", "0", "false")
SEARCH_ARGS = ("process", "from", "to", "participant", "status", "overdue", "register", "text", "cursor", "limit")
REPORT_ARGS = ("process", "from", "to", "lane")


class CaseQueryOut(Out):
    process_id: str
    participant: str
    status: str
    started_from: str | None
    started_to: str | None
    overdue: bool
    register_number: str
    text: str


class CaseHitOut(Out):
    instance_id: int
    process_id: str
    process_name: str
    version: int
    title: str
    status: str
    started_by: str
    created_at: str
    completed_at: str | None
    overdue_steps: int
    register_numbers: list[str]


class CaseSearchOut(Out):
    query: CaseQueryOut
    hits: list[CaseHitOut]
    next_cursor: str | None


class AuditViewOut(Out):
    """One view in the system's log of auditors' views."""

    id: int
    viewer: str
    # case, replay, search, export, report, event_log or trail.
    what: str
    instance_id: int | None
    # What was asked (a JSON text: the search's or report's filters), or "".
    detail: str
    # web, api or cli.
    surface: str
    viewed_at: str


class ReplayStepOut(Out):
    """Event k of the case's history as the auditor reads it."""

    seq: int
    event_type: str
    actor: str | None
    occurred_at: str
    be_date: str
    be_time: str
    element_id: str | None
    step_name: str
    task_id: int | None
    capacity: dict[str, Any]
    comment: str
    data: dict[str, Any]
    controls_confirmed: list[dict[str, Any]]
    # A completion's {"opened_at", "working_days", "standard_working_days", "late"}.
    timing: dict[str, Any] | None
    signature_ids: list[int]


class ReplayStateOut(Out):
    """The case right after event ``seq``: elements done (with how many times), waiting, data, files."""

    seq: int
    done: dict[str, int]
    active: list[str]
    data: dict[str, Any]
    files: list[str]


class CaseReplayOut(Out):
    instance_id: int
    process_id: str
    process_name: str
    version: int
    title: str
    status: str
    steps: list[ReplayStepOut]
    # states[k - 1]: after event k.
    states: list[ReplayStateOut]
    files: list[FileOut]
    signatures: list[SignatureOut]
    viewed_by: list[AuditViewOut]


class ReportFilterOut(Out):
    process_id: str | None
    lane: str | None
    date_from: str | None
    date_to: str | None


class OnTimeReportOut(Out):
    filter: ReportFilterOut
    # Each with count, median_days, p90_days, on_time, judged, on_time_pct.
    procedures: list[dict[str, Any]]
    steps: list[dict[str, Any]]
    trend: list[dict[str, Any]]


class OverdueItemOut(Out):
    task_id: int
    instance_id: int
    process_id: str
    step: str
    lane: str | None
    title: str
    assignee: str | None
    due_at: str
    days_overdue: int
    age_days: int


class OverdueReportOut(Out):
    filter: ReportFilterOut
    today: str
    total: int
    items: list[OverdueItemOut]
    # [process_id, overdue steps].
    by_process: list[list[Any]]


class ControlsReportOut(Out):
    filter: ReportFilterOut
    # Segregation-of-duties violations (must be none), each with its case.
    violations: list[dict[str, Any]]
    rates: list[dict[str, Any]]
    acting_total: int
    acting: list[dict[str, Any]]
    rules_checked: int


class RiskReportOut(Out):
    filter: ReportFilterOut
    risks: list[dict[str, Any]]
    # 5 x 5 counts: row = likelihood 5..1, column = impact 1..5.
    heat_map: list[list[int]]


def _day(name: str) -> date | None:
    """The request's ?name as an ISO date (YYYY-MM-DD, CE), or None when empty."""
    text = request.args.get(name, "").strip()
    if not text:
        return None
    try:
        if _ISO_DAY.fullmatch(text):
            return date.fromisoformat(text)
    except ValueError:
        pass
    raise InvalidInput(f"{name} is a date YYYY-MM-DD (CE)", field=name)


def _query() -> CaseQuery:
    a = request.args
    overdue = a.get("overdue", "").strip().lower()
    if overdue not in _YES + _NO:
        raise InvalidInput("overdue is true or false (1 or 0)", field="overdue")
    return CaseQuery(process_id=a.get("process", ""), started_from=_day("from"), started_to=_day("to"),
                     participant=a.get("participant", ""), status=a.get("status", ""), overdue=overdue in _YES,
                     register_number=a.get("register", ""), text=a.get("text", ""))


def _filter() -> ReportFilter:
    a = request.args
    return ReportFilter(process_id=a.get("process") or None, date_from=_day("from"), date_to=_day("to"),
                        lane=a.get("lane") or None)


@route(bp, "GET", "/audit/cases", Doc(out=CaseSearchOut, query=SEARCH_ARGS,
       summary="Search cases (auditors): by procedure (process), start dates from/to (YYYY-MM-DD), participant, "
               "status (running, completed), overdue (true), register number and a text in the case data; a page, "
               "newest first (logged)"))
@signed_in
def audit_search() -> Any:
    try:
        limit = int(request.args.get("limit", "50"))
    except ValueError:
        raise InvalidInput("limit must be a whole number", field="limit") from None
    page = krabuan().case_search.search(account(), _query(), cursor=request.args.get("cursor") or None, limit=limit,
                                        surface="api")
    return answer(CaseSearchOut, page.to_json())


@route(bp, "GET", "/audit/cases/<id:instance_id>/replay", Doc(out=CaseReplayOut,
       summary="A case step by step from its history (auditors): each event with who, capacity, when, data, "
               "controls and timing, and the case's state after it (logged)"))
@signed_in
def audit_replay(instance_id: int) -> Any:
    me = account()
    if not me.has_role("auditor"):  # as the replay page: to anyone else it does not exist
        raise NotFound(f"instance {instance_id} does not exist")
    return answer(CaseReplayOut, krabuan().case_replay.replay(instance_id, me, surface="api").to_json())


@route(bp, "GET", "/audit/cases/<id:instance_id>/views", Doc(out=AuditViewOut, many=True,
       summary="Who viewed a case as an auditor, what, when and through which surface, newest first (the people "
               "of the case)"))
@signed_in
def audit_views(instance_id: int) -> Any:
    return answer(AuditViewOut, [v.to_json() for v in krabuan().case_search.views_of(instance_id, account())])


# The reports by the name in their path: the engine's method, the answer's schema, what it says.
_REPORTS: dict[str, tuple[str, type[Out], str]] = {
    "on-time": ("on_time", OnTimeReportOut, "On time per procedure and step (median and p90 working days) and by "
                "month (auditors, administrators)"),
    "overdue": ("overdue", OverdueReportOut, "Open steps past their deadline now, most overdue first (auditors, "
                "administrators)"),
    "controls": ("controls", ControlsReportOut, "Segregation-of-duties violations, control-point confirmation per "
                 "step and steps completed by acting officials (auditors, administrators)"),
    "risks": ("risks", RiskReportOut, "The risk register with how often each step ran late, and its 5 x 5 heat map "
              "(auditors, administrators)"),
}


def _report_view(method: str, out: type[Out]) -> Callable[[], Any]:
    def view() -> Any:
        made = getattr(krabuan().reports, method)(account(), _filter(), surface="api")
        return answer(out, made.to_json())

    view.__name__ = f"report_{method}"
    return view


for _name, (_method, _out, _summary) in _REPORTS.items():
    route(bp, "GET", f"/reports/{_name}", Doc(out=_out, query=REPORT_ARGS, summary=_summary))(
        signed_in(_report_view(_method, _out)))


class IntegrityOut(Out):
    ok: bool
    cases: int
    events: int
    # Each case found missing, cut or rewritten: instance_id, events, ok, first_bad_seq, reason, kind.
    findings: list[dict[str, Any]]
    checkpoint_at: str | None
    checkpoint_cases: int | None


class VerificationRunOut(Out):
    id: int
    # waiting (asked for), running, finished or failed.
    state: str
    requested_by: str | None
    requested_at: str
    started_at: str | None
    finished_at: str | None
    error: str
    summary: IntegrityOut | None


class VerificationStatusOut(Out):
    newest: VerificationRunOut | None
    pending: VerificationRunOut | None
    every_hours: int


@route(bp, "GET", "/audit/verify", Doc(out=VerificationStatusOut,
       summary="Is the record whole? The newest background verification of every case, and the one asked for or "
               "running (auditors)"))
@signed_in
def audit_verify_status() -> Any:
    return answer(VerificationStatusOut, krabuan().audit.verification_status(account()).to_json())


@route(bp, "POST", "/audit/verify", Doc(out=VerificationRunOut, status=202,
       summary="Ask for every case to be verified now, in the background (auditors); the run already asked for "
               "or running, if any"))
@signed_in
def audit_verify_request() -> Any:
    return answer(VerificationRunOut, krabuan().audit.request_verification(account()).to_json(), 202)
