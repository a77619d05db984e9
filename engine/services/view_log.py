"""What an auditor saw, in the system's log of views (``audit_views``), not in any case's history.

Every read an auditor makes is logged: a case page, its replay, a page of search results, a
search's export, a report, an event log (XES, OCEL) and a case's audit trail as a PDF. A view that
shows cases logs one row for what was asked (the filters, with no case) and one row per case shown,
so that a case's own audit trail can list everyone who saw it and how. Other people's reads are not
logged (a participant's case page is their work, not an inspection).
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..context import Context
from ..errors import InvalidInput
from ..operation import work
from ..results import Account
from ..store import audit_views

SURFACES = ("web", "cli", "api")
# case page | replay | search (a page of results) | export (a search's CSV/XLSX) | report | event_log | trail
WHATS = ("case", "replay", "search", "export", "report", "event_log", "trail")


def checked_surface(surface: str) -> str:
    if surface not in SURFACES:
        raise InvalidInput(f"surface is one of: {', '.join(SURFACES)}", field="surface")
    return surface


@dataclass(frozen=True)
class ViewLog:
    """One view by one person: what it was, its details (a JSON text) and the surface."""

    viewer: Account
    what: str
    detail: str = ""
    surface: str = "web"

    @classmethod
    def of(cls, viewer: Account, what: str, detail: dict[str, Any] | None = None, surface: str = "web") -> ViewLog:
        if what not in WHATS:
            raise ValueError(f"unknown view {what!r}")
        text = json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str) if detail else ""
        return cls(viewer, what, text, checked_surface(surface))

    @property
    def logged(self) -> bool:
        """Only an auditor's views are logged."""
        return self.viewer.has_role("auditor")

    def rows(self, case_ids: Iterable[int], summary: bool = True) -> list[audit_views.View]:
        """The rows to log: what was asked (when ``summary``) and one per case shown, each once."""
        if not self.logged:
            return []
        head = [audit_views.View(self.viewer.username, self.what, None, self.detail, self.surface)] if summary else []
        return head + [audit_views.View(self.viewer.username, self.what, i, self.detail, self.surface)
                       for i in dict.fromkeys(case_ids)]

    def write(self, ctx: Context, case_ids: Iterable[int] = (), summary: bool = True) -> None:
        """Log the view in its own short transaction (nothing for someone who is not an auditor)."""
        rows = self.rows(case_ids, summary)
        if rows:
            with work(ctx) as w:
                audit_views.record(w.conn, rows, w.now)
