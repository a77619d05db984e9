"""Event logs for process mining, from the history only: XES (IEEE 1849-2016) and OCEL 2.0 (JSON).

XES: one trace per case of the procedure started in the period (``concept:name`` the case id,
``krabuan:version`` the process version it ran on); one event per step transition: a task created
is ``schedule``, claimed ``assign``, delegated or handed over ``reassign``, completed ``complete``,
cancelled ``ate_abort``; ``concept:name`` the step's name, ``org:resource`` the username,
``org:group`` the lane (candidate group), ``org:role`` the capacity (an acting official's) or
the lane, ``time:timestamp`` in Bangkok time with its offset. The log's elements are in no XML
namespace: the standard's schema (tests/data/xes) declares no target namespace.

OCEL 2.0: events are the steps completed, the case started and completed, register numbers issued
and signatures; objects are the case, the people who acted, the committee members and other users
named in forms (fields of type user/users), the evidence documents (file fields, by SHA-256) and the
register numbers. The events are written first and the objects after them (JSON members are
unordered), so that only the objects, not the log, are held in memory.

Both are streamed: cases are read in batches by id, each batch in its own short read unit of work.
Only auditors and administrators may export. A case's audit trail as a PDF (``case_trail``) is for
anyone who may see the case.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any
from xml.sax.saxutils import quoteattr

from sqlalchemy import Connection

from ..context import Context
from ..errors import Forbidden, NotFound
from ..event_log_results import EventLogExport, LogChunk, LogQuery, TrailDocument
from ..results import Account
from ..store import accounts, audit_views, event_log_rows
from ..store.event_log_rows import CaseRow, CaseWindow, EventRow
from ..time.calendar import BANGKOK
from .view_log import ViewLog

BATCH = 500
_LIFECYCLE = {"task_created": "schedule", "task_claimed": "assign", "task_delegated": "reassign",
              "task_handed_over": "reassign", "task_completed": "complete", "task_cancelled": "ate_abort"}
_XES_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<log xes.version="1.0">
<extension name="Concept" prefix="concept" uri="http://www.xes-standard.org/concept.xesext"/>
<extension name="Lifecycle" prefix="lifecycle" uri="http://www.xes-standard.org/lifecycle.xesext"/>
<extension name="Organizational" prefix="org" uri="http://www.xes-standard.org/org.xesext"/>
<extension name="Time" prefix="time" uri="http://www.xes-standard.org/time.xesext"/>
<global scope="trace"><string key="concept:name" value="UNKNOWN"/></global>
<global scope="event"><string key="concept:name" value="UNKNOWN"/><string key="lifecycle:transition" value="complete"/>\
<date key="time:timestamp" value="1970-01-01T00:00:00.000+00:00"/></global>
<classifier name="Activity" keys="concept:name"/>
<classifier name="ActivityLifecycle" keys="concept:name lifecycle:transition"/>
<string key="lifecycle:model" value="standard"/>
"""
_OBJECT_TYPES = [
    {"name": "case", "attributes": [{"name": "process", "type": "string"}, {"name": "version", "type": "integer"},
                                    {"name": "status", "type": "string"}, {"name": "title", "type": "string"}]},
    {"name": "person", "attributes": []},
    {"name": "document", "attributes": [{"name": "sha256", "type": "string"}]},
    {"name": "register_number", "attributes": [{"name": "register", "type": "string"}]},
]
_OCEL_FIXED = {"instance_started": "Case started", "instance_completed": "Case completed",
               "register_number_issued": "Register number issued", "task_signed": "Signed"}


def _stamp(occurred_at: str) -> str:
    return datetime.fromisoformat(occurred_at).astimezone(BANGKOK).isoformat(timespec="milliseconds")


def _window(query: LogQuery) -> CaseWindow:
    def instant(day: Any) -> datetime | None:
        return None if day is None else datetime.combine(day, time(), BANGKOK)

    until = instant(query.until)
    return CaseWindow(query.process_id, instant(query.since), None if until is None else until + timedelta(days=1))


_SPECIAL = re.compile(r'[&<>"\n\r\t]')


def _escaped(text: str) -> str:
    """``text`` as an XML attribute value between double quotes (most values need nothing)."""
    if _SPECIAL.search(text) is None:
        return text
    return quoteattr(text)[1:-1] if '"' not in text else (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
        .replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;"))


def _attr(kind: str, key: str, value: Any) -> str:
    """An XES attribute; ``key`` is one of this module's constants (no escaping needed)."""
    return f'<{kind} key="{key}" value="{_escaped(str(value))}"/>'


@dataclass
class _Steps:
    """Each task of a case as its task_created event named it."""

    names: dict[int, tuple[str, str]] = field(default_factory=dict)  # task id -> (name, lane)

    def see(self, event: EventRow) -> tuple[str, str]:
        payload = event.payload
        task_id = payload.get("task_id")
        if event.event_type == "task_created" and isinstance(task_id, int):
            groups = payload.get("candidate_groups") or []
            self.names[task_id] = (str(payload.get("name") or payload.get("element_id") or ""),
                                   str(groups[0]) if groups else "")
        fallback = (str(payload.get("element_id") or event.event_type), "")
        return self.names.get(task_id, fallback) if isinstance(task_id, int) else fallback


def _xes_event(event: EventRow, steps: _Steps) -> str | None:
    transition = _LIFECYCLE.get(event.event_type)
    name, lane = steps.see(event)
    if transition is None:
        return None
    parts = [_attr("string", "concept:name", name), _attr("string", "concept:instance", event.payload.get("task_id")),
             _attr("string", "lifecycle:transition", transition),
             _attr("date", "time:timestamp", _stamp(event.occurred_at))]
    resource = event.payload.get("to") if transition == "reassign" else event.actor
    if resource:
        parts.append(_attr("string", "org:resource", resource))
    capacity = event.payload.get("capacity")
    role = capacity.get("position") if isinstance(capacity, dict) and capacity.get("position") else lane
    if lane:
        parts.append(_attr("string", "org:group", lane))
    if role:
        parts.append(_attr("string", "org:role", role))
    if isinstance(event.payload.get("late"), bool):
        parts.append(_attr("boolean", "krabuan:late", str(event.payload["late"]).lower()))
    return "<event>" + "".join(parts) + "</event>"


def _xes_trace(case: CaseRow, events: list[EventRow]) -> str:
    steps = _Steps()
    body = [e for e in (_xes_event(event, steps) for event in events) if e is not None]
    head = [_attr("string", "concept:name", case.id), _attr("int", "krabuan:version", case.version),
            _attr("string", "krabuan:status", case.status), _attr("string", "krabuan:started_by", case.started_by)]
    if case.title:
        head.append(_attr("string", "krabuan:title", case.title))
    return "<trace>" + "".join(head) + "\n" + "\n".join(body) + "\n</trace>\n"


@dataclass
class _Objects:
    """The OCEL objects met so far, each once (cases, people, documents, register numbers)."""

    field_types: dict[str, str]
    process_id: str
    found: dict[str, dict[str, Any]] = field(default_factory=dict)

    def add(self, object_id: str, kind: str, attributes: list[dict[str, Any]] | None = None) -> str:
        self.found.setdefault(object_id, {"id": object_id, "type": kind, "attributes": attributes or [],
                                          "relationships": []})
        return object_id

    def case(self, case: CaseRow) -> str:
        at = case.created_at.astimezone(BANGKOK).isoformat(timespec="milliseconds")
        values = (("process", self.process_id), ("version", case.version), ("status", case.status),
                  ("title", case.title))
        return self.add(f"case-{case.id}", "case", [{"name": n, "time": at, "value": v} for n, v in values])

    def named_in(self, data: dict[str, Any]) -> list[dict[str, str]]:
        """Relationships to the people and documents a form's data names."""
        out: list[dict[str, str]] = []
        for name, value in data.items():
            kind = self.field_types.get(name)
            values = value if isinstance(value, list) else [value]
            for item in (v for v in values if isinstance(v, str) and v):
                if kind in ("user", "users"):
                    out.append({"objectId": self.add(f"person-{item}", "person"), "qualifier": name})
                elif kind == "file":
                    doc = self.add(f"document-{item}", "document", [{"name": "sha256", "time": _EPOCH,
                                                                     "value": item}])
                    out.append({"objectId": doc, "qualifier": name})
        return out


_EPOCH = "1970-01-01T00:00:00.000+00:00"


def _ocel_type(event: EventRow, steps: _Steps) -> str | None:
    name, _ = steps.see(event)
    if event.event_type == "task_completed":
        return name
    return _OCEL_FIXED.get(event.event_type)


def _ocel_event(event: EventRow, activity: str, case_object: str, objects: _Objects) -> dict[str, Any]:
    relationships = [{"objectId": case_object, "qualifier": "case"}]
    if event.actor:
        relationships.append({"objectId": objects.add(f"person-{event.actor}", "person"), "qualifier": "resource"})
    data = event.payload.get("data")
    related = objects.named_in(data) if isinstance(data, dict) else []
    if event.event_type == "register_number_issued" and event.payload.get("reference"):
        number = objects.add(f"register-{event.payload['reference']}", "register_number",
                             [{"name": "register", "time": _stamp(event.occurred_at),
                               "value": str(event.payload.get("register_id") or "")}])
        related.append({"objectId": number, "qualifier": "issued"})
    relationships += related
    owner = objects.found[case_object]["relationships"]
    owner += [r for r in related if r not in owner]
    step = str(event.payload.get("element_id") or "")
    return {"id": f"e-{event.instance_id}-{event.seq}", "type": activity, "time": _stamp(event.occurred_at),
            "attributes": [{"name": "step", "value": step}], "relationships": relationships}


class EventLogs:
    """XES and OCEL exports of a procedure's cases (auditors and administrators)."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def xes(self, query: LogQuery, username: str, surface: str = "web") -> EventLogExport:
        """The procedure's XES event log, streamed (an auditor's export is logged: the query, and
        each case as its batch is read)."""
        window, (cases, events), log = self._open(query, username, ("xes", surface))
        return EventLogExport("xes", f"{query.process_id}.xes", "application/xml", query, cases, events,
                              self._xes_chunks(window, log))

    def ocel(self, query: LogQuery, username: str, surface: str = "web") -> EventLogExport:
        """The procedure's OCEL 2.0 JSON log, streamed (logged like ``xes``)."""
        window, (cases, events), log = self._open(query, username, ("ocel", surface))
        return EventLogExport("ocel", f"{query.process_id}.ocel.json", "application/json", query, cases, events,
                              self._ocel_chunks(window, log))

    def case_trail(self, instance_id: int, viewer: Account) -> TrailDocument:
        """A case's audit trail as a PDF (engine.services.audit_trail_pdf), for someone who may see
        the case (else NotFound): every event, the signatures verified now and the history's
        verification (the same as ``audit.verify``)."""
        from . import audit_trail_pdf
        from .audit import Audit
        from .cases import Cases
        from .signatures import Signatures

        page = Cases(self.ctx).page(instance_id, viewer)
        signatures = Signatures(self.ctx).of_case(instance_id, viewer)
        verified = next(iter(Audit(self.ctx).verify(instance_id)), None)
        ViewLog.of(viewer, "trail").write(self.ctx, [instance_id], summary=False)
        with self.ctx.db.unit_of_work(write=False) as conn:
            viewed = tuple(audit_views.of_case(conn, instance_id, limit=5000))
        trail = audit_trail_pdf.Trail(instance_id, page.case.title, page.process_name, list(page.case.history),
                                      signatures, verified, viewed)
        with self.ctx.db.unit_of_work(write=False) as conn:
            now = self.ctx.now(conn)
        fonts = self.ctx.settings.assets_dir / "@fontsource" / "sarabun" / "files"
        return TrailDocument(audit_trail_pdf.to_pdf(trail, now, fonts), f"audit-trail-{instance_id}.pdf",
                             verified is not None and verified.ok)

    def _open(self, query: LogQuery, username: str,
              how: tuple[str, str]) -> tuple[CaseWindow, tuple[int, int], ViewLog]:
        window = _window(query)
        fmt, surface = how
        with self.ctx.db.unit_of_work(write=False) as conn:
            viewer = accounts.account(conn, username)
            if viewer is None or not (viewer.has_role("auditor") or viewer.has_role("admin")):
                raise Forbidden("only auditors and administrators may export event logs")
            if not event_log_rows.known_process(conn, query.process_id):
                raise NotFound(f"process {query.process_id[:200]} is not deployed")
            counts = event_log_rows.count(conn, window)
        log = ViewLog.of(viewer, "event_log", dict(query.to_json(), format=fmt, cases=counts[0]), surface)
        log.write(self.ctx)
        return window, counts, log

    def _batches(self, window: CaseWindow, log: ViewLog) -> Iterator[list[tuple[CaseRow, list[EventRow]]]]:
        """The cases in batches, each read in its own short unit of work and, for an auditor, the
        batch's cases logged as viewed before it is handed on."""
        after = 0
        while True:
            with self.ctx.db.unit_of_work(write=False) as conn:
                batch = _read_batch(conn, window, after)
            if not batch:
                return
            log.write(self.ctx, [case.id for case, _ in batch], summary=False)
            yield batch
            after = batch[-1][0].id

    def _xes_chunks(self, window: CaseWindow, log: ViewLog) -> Iterator[LogChunk]:
        read = 0
        yield LogChunk(_XES_HEAD.encode(), 0)
        yield LogChunk(f"{_attr('string', 'concept:name', window.process_id)}\n".encode(), 0)
        for batch in self._batches(window, log):
            for case, events in batch:
                read += len(events)
                yield LogChunk(_xes_trace(case, events).encode(), read)
        yield LogChunk(b"</log>\n", read)

    def _ocel_chunks(self, window: CaseWindow, log: ViewLog) -> Iterator[LogChunk]:
        objects = _Objects(_field_types(self.ctx, window.process_id), window.process_id)
        event_types: dict[str, None] = {}
        read, first = 0, True
        yield LogChunk(b'{"objectTypes":' + _dumps(_OBJECT_TYPES) + b',\n"events":[\n', 0)
        for batch in self._batches(window, log):
            lines = []
            for case, events in batch:
                read += len(events)
                case_object, steps = objects.case(case), _Steps()
                for event in events:
                    activity = _ocel_type(event, steps)
                    if activity is not None:
                        event_types[activity] = None
                        lines.append(("" if first else ",\n").encode() + _dumps(_ocel_event(event, activity,
                                                                                            case_object, objects)))
                        first = False
            yield LogChunk(b"".join(lines), read)
        types = [{"name": name, "attributes": [{"name": "step", "type": "string"}]} for name in event_types]
        yield LogChunk(b'\n],\n"eventTypes":' + _dumps(types) + b',\n"objects":[\n', read)
        yield LogChunk(b",\n".join(_dumps(o) for o in objects.found.values()) + b"\n]}\n", read)


def _dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def _read_batch(conn: Connection, window: CaseWindow, after: int) -> list[tuple[CaseRow, list[EventRow]]]:
    cases = event_log_rows.cases_after(conn, window, after, BATCH)
    by_case: dict[int, list[EventRow]] = {c.id: [] for c in cases}
    for event in event_log_rows.events_of(conn, list(by_case)):
        by_case[event.instance_id].append(event)
    return [(c, by_case[c.id]) for c in cases]


def _field_types(ctx: Context, process_id: str) -> dict[str, str]:
    """The type of every field of the procedure's forms (of the forms folder), by field name."""
    forms = ctx.forms
    types: dict[str, str] = {}
    for key in forms.keys():
        form = forms.get(key)
        if form is not None and key.startswith(f"{process_id}."):
            for f in form.fields:
                types.setdefault(f.name, f.type)
    return types
