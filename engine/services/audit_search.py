"""The auditor's case search (issue 14): by procedure, Buddhist-era date range, participant,
status, overdue, register number and free text in the case data; pages by keyset; exported as
CSV or XLSX. Every search, export and page of results is itself logged (``audit_views``: who, what,
when, through which surface), in the system's log, not in any case's history.

Who may search: auditors only (role ``auditor``), who see every case read-only. A participant
already has their cases in their worklist and on the case page; a search across cases would tell
them of cases they may not see, so to anyone else the search does not exist (NotFound, like a case
they may not see).
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from ..audit_results import AuditViewEntry, CaseHit, CaseQuery, CaseSearchPage
from ..context import Context
from ..errors import InvalidInput, NotFound
from ..operation import work
from ..results import Account
from ..store import access, audit_views, case_search
from ..time.calendar import be_date, local_date
from .view_log import ViewLog

MAX_PAGE = 200
EXPORT_LIMIT = 100_000
EXPORT_FORMATS = ("csv", "xlsx")
COLUMNS = ("case", "procedure", "version", "title", "status", "started_by", "started_be", "completed_be",
           "overdue_steps", "register_numbers")


def check_auditor(viewer: Account) -> None:
    """The auditor's pages exist only for auditors (anyone else: not found)."""
    if not viewer.has_role("auditor"):
        raise NotFound("no such page")


class CaseSearch:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def search(self, viewer: Account, query: CaseQuery, cursor: str | None = None, limit: int = 50,
               surface: str = "web") -> CaseSearchPage:
        """One page of the cases that match, newest first (an auditor's; logged: the search and
        each case listed)."""
        check_auditor(viewer)
        if not 1 <= limit <= MAX_PAGE:
            raise InvalidInput(f"a page has 1 to {MAX_PAGE} cases", field="limit")
        checked = query.checked()
        log = ViewLog.of(viewer, "search", checked.to_json(), surface)
        after = case_search.decode_cursor(cursor) if cursor else None
        with work(self.ctx) as w:
            found = case_search.hits(w.conn, case_search.page_query(checked, w.now, after, limit), w.now)
            shown = found[:limit]
            audit_views.record(w.conn, log.rows(h.instance_id for h in shown), w.now)
        more = len(found) > limit
        return CaseSearchPage(checked, tuple(shown), case_search.encode_cursor(shown[-1].instance_id) if more else None)

    def export(self, viewer: Account, query: CaseQuery, fmt: str = "csv", surface: str = "web") -> bytes:
        """Every case that matches (up to EXPORT_LIMIT), as CSV (UTF-8 with BOM, for spreadsheet
        programs) or XLSX, dates in the Buddhist era; logged as an export."""
        check_auditor(viewer)
        if fmt not in EXPORT_FORMATS:
            raise InvalidInput(f"format is one of: {', '.join(EXPORT_FORMATS)}", field="format")
        checked = query.checked()
        ViewLog.of(viewer, "export", None, surface)  # the surface is checked before reading
        with work(self.ctx) as w:
            found = case_search.hits(w.conn, case_search.page_query(checked, w.now, None, EXPORT_LIMIT - 1), w.now)
            log = ViewLog.of(viewer, "export", dict(checked.to_json(), format=fmt, cases=len(found)), surface)
            audit_views.record(w.conn, log.rows(h.instance_id for h in found), w.now)
        rows = list(_rows(found))
        return _csv(rows) if fmt == "csv" else _xlsx(rows)

    def views_of(self, instance_id: int, viewer: Account) -> tuple[AuditViewEntry, ...]:
        """Who viewed a case as an auditor (newest first), for someone who may see the case."""
        with work(self.ctx, write=False) as w:
            if not access.can_see_case(w.conn, instance_id, viewer):
                raise NotFound(f"instance {instance_id} does not exist")
            return tuple(audit_views.of_case(w.conn, instance_id))

    def log_case_view(self, viewer: Account, instance_id: int, surface: str = "web") -> bool:
        """Log that an auditor opened a case's page (True); anyone else's view is not logged (False)."""
        if not viewer.has_role("auditor"):
            return False
        with work(self.ctx) as w:
            if not access.can_see_case(w.conn, instance_id, viewer):
                raise NotFound(f"instance {instance_id} does not exist")
            audit_views.record(w.conn, ViewLog.of(viewer, "case", None, surface).rows([instance_id], summary=False),
                               w.now)
        return True


def _be(moment: object) -> str:
    from datetime import datetime

    return be_date(local_date(moment)) if isinstance(moment, datetime) else ""


def _rows(found: list[CaseHit]) -> Iterator[list[object]]:
    yield list(COLUMNS)
    for h in found:
        yield [h.instance_id, h.process_name, h.version, h.title, h.status, h.started_by, _be(h.created_at),
               _be(h.completed_at), h.overdue_steps, " ".join(h.register_numbers)]


def _csv(rows: list[list[object]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([_safe_cell(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _safe_cell(value: object) -> object:
    """A text that a spreadsheet would read as a formula is written as text (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _xlsx(rows: list[list[object]]) -> bytes:
    from openpyxl import Workbook  # imported only to export

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "cases"
    for row in rows:
        sheet.append([_safe_cell(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
