"""What the event-log exports return (engine.services.event_log): XES (IEEE 1849-2016) and
OCEL 2.0 JSON, streamed as chunks of bytes with a progress count."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from .results import ChainReport


@dataclass(frozen=True)
class LogQuery:
    """One procedure's cases started from ``since`` to ``until`` (Bangkok dates, both included;
    None: no bound)."""

    process_id: str
    since: date | None = None
    until: date | None = None

    def to_json(self) -> dict[str, Any]:
        return {"process_id": self.process_id, "since": self.since.isoformat() if self.since else None,
                "until": self.until.isoformat() if self.until else None}


@dataclass(frozen=True)
class LogChunk:
    """A piece of an export, and how many of its history events have been read so far."""

    data: bytes
    events_read: int

    def to_json(self) -> dict[str, Any]:
        return {"bytes": len(self.data), "events_read": self.events_read}


@dataclass(frozen=True)
class EventLogExport:
    """An export about to be streamed: what it covers (``events``: the history events of its
    cases, the total its progress counts to) and the chunks, read from the database as they
    are consumed (the whole log is never in memory)."""

    kind: str  # "xes" | "ocel"
    filename: str
    media_type: str
    query: LogQuery
    cases: int
    events: int
    chunks: Iterator[LogChunk] = field(compare=False, repr=False)

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "filename": self.filename, "media_type": self.media_type,
                "query": self.query.to_json(), "cases": self.cases, "events": self.events}


def finding_kind(reason: str) -> str:
    """What a failed verification found: ``missing`` (a case deleted), ``cut`` (events missing
    at its end or in its middle) or ``rewritten`` (anything else: edited, inserted, swapped)."""
    if "was deleted" in reason:
        return "missing"
    if "were cut" in reason or "is missing" in reason:
        return "cut"
    return "rewritten"


@dataclass(frozen=True)
class Finding:
    report: ChainReport
    kind: str  # missing | cut | rewritten

    def to_json(self) -> dict[str, Any]:
        return {**self.report.to_json(), "kind": self.kind}


@dataclass(frozen=True)
class IntegritySummary:
    """The system-wide verification (the auditor's verify page): how many cases and events were
    checked, what failed, and the newest signed checkpoint (None: none yet)."""

    cases: int
    events: int
    findings: tuple[Finding, ...]
    checkpoint_at: datetime | None
    checkpoint_cases: int | None

    @property
    def ok(self) -> bool:
        return not self.findings

    def to_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "cases": self.cases, "events": self.events,
                "findings": [f.to_json() for f in self.findings],
                "checkpoint_at": self.checkpoint_at.isoformat() if self.checkpoint_at else None,
                "checkpoint_cases": self.checkpoint_cases}


@dataclass(frozen=True)
class TrailDocument:
    """A case's audit trail as a PDF, and whether its history verified when it was printed."""

    content: bytes = field(repr=False)
    filename: str
    verified: bool

    def to_json(self) -> dict[str, Any]:
        return {"filename": self.filename, "bytes": len(self.content), "verified": self.verified}


@dataclass(frozen=True)
class VerificationRunView:
    """One background run of the system-wide verification: who asked for it (None: due by the
    clock), when it was asked for, started and finished, and what it found (``summary``) or why it
    could not finish (``error``)."""

    id: int
    requested_by: str | None
    requested_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    summary: IntegritySummary | None = None
    error: str = ""

    @property
    def state(self) -> str:
        """waiting (asked for, no scheduler has taken it yet) | running | finished | failed"""
        if self.finished_at is None:
            return "waiting" if self.started_at is None else "running"
        return "failed" if self.error else "finished"

    @property
    def seconds(self) -> float | None:
        if self.started_at is None or self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()

    def to_json(self) -> dict[str, Any]:
        def at(moment: datetime | None) -> str | None:
            return moment.isoformat() if moment else None

        return {"id": self.id, "state": self.state, "requested_by": self.requested_by,
                "requested_at": at(self.requested_at), "started_at": at(self.started_at),
                "finished_at": at(self.finished_at), "error": self.error,
                "summary": self.summary.to_json() if self.summary else None}


@dataclass(frozen=True)
class VerificationStatus:
    """The auditor's verify page: the newest finished run and the one asked for or running."""

    newest: VerificationRunView | None
    pending: VerificationRunView | None
    every_hours: int  # how often the scheduler verifies by itself (0: only when asked)

    def to_json(self) -> dict[str, Any]:
        return {"newest": self.newest.to_json() if self.newest else None,
                "pending": self.pending.to_json() if self.pending else None, "every_hours": self.every_hours}
