"""The auditors' reports (auditors and administrators; to anyone else these pages do not exist, 404;
the engine checks again): on time per procedure and step, overdue now, controls (segregation of
duties, control points, acting officials) and the risk register. Every report prints its filters
(procedure, Buddhist-era date range, lane) and draws its charts with Chart.js from a static script
(web/static/dist/charts.js) out of <script type="application/json"> data blocks, each chart with
the table of its numbers beside it; every report downloads as CSV or XLSX."""
from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, abort, render_template, request
from flask_babel import gettext as _
from flask_login import login_required

from engine import ReportFilter

from . import dates
from .auth import account, krabuan, require_role

bp = Blueprint("reports", __name__)

REPORTS = ("on-time", "overdue", "controls", "risks")


def filter_of_request() -> ReportFilter:
    a = request.args
    return ReportFilter(process_id=a.get("process") or None, date_from=dates.arg("from"), date_to=dates.arg("to"),
                        lane=a.get("lane") or None)


def _choices() -> tuple[list[tuple[str, str]], list[str]]:
    k = krabuan()
    processes = [(v.process_id, v.name) for v in k.repository.newest()]
    chosen = request.args.get("process") or None
    lanes: set[str] = set()
    for pid, _name in processes:
        if chosen in (None, pid):
            lanes.update(k.repository.process_model(pid)[1].lanes)
    return processes, sorted(lanes)


@bp.get("/reports")
@login_required
def index() -> Any:
    require_role("auditor", "admin")
    processes, lanes = _choices()
    return render_template("reports.html", report=None, processes=processes, lanes=lanes, filter=None)


def _charts(name: str, report: Any) -> dict[str, Any]:
    """The data of each chart of a report (drawn by charts.js)."""
    if name == "on-time":
        return {"chart-steps": {"type": "bar", "labels": [_short(s.name) for s in report.steps], "horizontal": True,
                                "yMax": 100, "yLabel": _("On time (%)"), "datasets": [{"label": _("On time (%)"),
                                                            "data": [s.stats.on_time_pct for s in report.steps]}]},
                "chart-trend": {"type": "line", "labels": [_month(m.month) for m in report.trend], "yMax": 100,
                                "yLabel": _("On time (%)"),
                                "datasets": [{"label": _("On time (%)"),
                                              "data": [m.on_time_pct for m in report.trend]}]}}
    if name == "overdue":
        return {"chart-overdue": {"type": "bar", "labels": [p for p, _n in report.by_process],
                                  "datasets": [{"label": _("Overdue steps"),
                                                "data": [n for _p, n in report.by_process]}]}}
    if name == "controls":
        return {"chart-controls": {"type": "bar", "labels": [_short(r.name) for r in report.rates], "yMax": 100,
                                   "yLabel": _("Control points confirmed (%)"),
                                   "horizontal": True, "datasets": [{"label": _("Control points confirmed (%)"),
                                                                     "data": [r.rate_pct for r in report.rates]}]}}
    return {"chart-risks": {"type": "bar", "labels": [_short(r.step) for r in report.risks], "horizontal": True,
                            "yMax": 100, "yLabel": _("Ran late (%)"), "datasets": [{"label": _("Ran late (%)"),
                                                       "data": [r.late_pct for r in report.risks]}]}}


def _short(label: str, size: int = 26) -> str:
    """A step's name as a chart's axis shows it (the table beside it has the whole name)."""
    return label if len(label) <= size else label[:size - 1] + "…"


def _month(month: str) -> str:
    year, mon = month.split("-")
    return f"{int(mon)}/{int(year) + 543}"


@bp.get("/reports/<name>")
@login_required
def show(name: str) -> Any:
    require_role("auditor", "admin")
    if name not in REPORTS:
        abort(404)
    processes, lanes = _choices()
    f = filter_of_request()
    reports = krabuan().reports
    made: Any = {"on-time": reports.on_time, "overdue": reports.overdue, "controls": reports.controls,
                 "risks": reports.risks}[name](account(), f)
    charts = {key: json.dumps(spec, ensure_ascii=False).replace("<", "\\u003c")  # cannot end the script block
              for key, spec in _charts(name, made).items()}
    return render_template("reports.html", report=made, name=name, processes=processes, lanes=lanes, filter=f,
                           charts=charts)


@bp.get("/reports/<name>/export.<fmt>")
@login_required
def export(name: str, fmt: str) -> Response:
    require_role("auditor", "admin")
    if name not in REPORTS:
        abort(404)
    exported = krabuan().reports.export(account(), name, filter_of_request(), fmt)
    return Response(exported.content, mimetype=exported.content_type, headers={
        "Content-Disposition": f'attachment; filename="{exported.filename}"', "Cache-Control": "private, no-store"})
