"""Every view an auditor makes is logged in the system's log (engine.services.view_log), one row per
case it showed, so that a case's audit trail lists who saw it and how: a report that lists the case,
an exported event log, the printed audit trail. Other people's views are not logged."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from engine import InvalidInput, LogQuery, ReportFilter
from engine.services.audit_trail_pdf import Trail, to_html
from engine.services.view_log import ViewLog
from engine.store import audit_views
from engine.store.tables import HumanTask
from helpers import drive_sop

NOW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)


@pytest.fixture
def cases(k):
    """A completed case and a running one whose open step is past due."""
    k.ctx.fixed_now = NOW
    done, _ = drive_sop(k, roundtrip=False)
    late = k.cases.start("sop_bench", "clerk1").instance_id
    with k.ctx.db.unit_of_work() as conn:
        conn.execute(update(HumanTask).where(HumanTask.c.instance_id == late, HumanTask.c.state == "open")
                     .values(due_at=NOW - timedelta(days=3), due_sort=NOW - timedelta(days=3)))
    return done, late


def _log(k, viewer=None):
    with k.ctx.db.unit_of_work(write=False) as conn:
        return audit_views.recent(conn, viewer, limit=1000)


def test_a_report_logs_the_cases_it_lists(k, cases):
    done, late = cases
    auditor = k.accounts.account("auditor1")
    report = k.reports.overdue(auditor, ReportFilter(process_id="sop_bench"))
    assert [i.instance_id for i in report.items] == [late]
    rows = _log(k, "auditor1")
    assert [(v.what, v.instance_id) for v in rows] == [("report", late), ("report", None)]
    assert '"report": "overdue"' in rows[0].detail and '"process_id": "sop_bench"' in rows[0].detail
    k.reports.on_time(auditor, ReportFilter(), surface="api")  # lists no case: what was asked only
    assert [(v.what, v.instance_id, v.surface) for v in _log(k, "auditor1")][:1] == [("report", None, "api")]
    k.reports.export(auditor, "overdue", ReportFilter(), "csv")
    assert '"format": "csv"' in _log(k, "auditor1")[0].detail
    assert [v.what for v in k.case_search.views_of(late, auditor)] == ["report", "report"]
    assert k.case_search.views_of(done, auditor) == ()


def test_an_administrators_report_is_not_logged(k, cases):
    k.reports.overdue(k.accounts.account("admin1"), ReportFilter())
    k.event_logs.xes(LogQuery("sop_bench"), "admin1")
    assert _log(k) == []


def test_an_exported_event_log_logs_each_case_as_it_is_read(k, cases):
    done, late = cases
    export = k.event_logs.xes(LogQuery("sop_bench"), "auditor1", "cli")
    assert [(v.what, v.instance_id) for v in _log(k)] == [("event_log", None)]  # asked; nothing read yet
    b"".join(c.data for c in export.chunks)
    rows = _log(k)
    assert sorted((v.what, v.instance_id or 0, v.surface) for v in rows) == [
        ("event_log", 0, "cli"), ("event_log", done, "cli"), ("event_log", late, "cli")]
    assert '"format": "xes"' in rows[0].detail and '"cases": 2' in rows[0].detail
    list(k.event_logs.ocel(LogQuery("sop_bench"), "auditor1").chunks)
    assert sum(1 for v in _log(k) if v.instance_id == late) == 2


def test_the_printed_audit_trail_lists_who_viewed_the_case(k, cases):
    done, _ = cases
    auditor = k.accounts.account("auditor1")
    k.case_replay.replay(done, auditor)
    document = k.event_logs.case_trail(done, auditor)
    assert document.content.startswith(b"%PDF")
    views = k.case_search.views_of(done, k.accounts.account("clerk1"))  # a participant sees who audited it
    assert [(v.viewer, v.what) for v in views] == [("auditor1", "trail"), ("auditor1", "replay")]
    k.event_logs.case_trail(done, k.accounts.account("clerk1"))  # a participant's print is not logged
    assert len(k.case_search.views_of(done, auditor)) == 2
    html = to_html(Trail(done, "t", "p", [], (), None, views), NOW)
    assert "ผู้ตรวจสอบที่เปิดดูเรื่องนี้" in html and "พิมพ์ประวัติการดำเนินงาน (PDF)" in html
    assert "ดูการย้อนรอยทีละขั้น" in html and html.count("auditor1") == 2
    assert "ยังไม่มีผู้ตรวจสอบเปิดดูเรื่องนี้" in to_html(Trail(done, "t", "p", [], (), None, ()), NOW)


def test_a_view_names_a_known_kind_and_surface(k):
    auditor = k.accounts.account("auditor1")
    with pytest.raises(InvalidInput):
        ViewLog.of(auditor, "report", None, "fax")
    with pytest.raises(ValueError):
        ViewLog.of(auditor, "glance")
    rows = ViewLog.of(auditor, "search", {"text": "มาลี"}).rows([3, 3, 4])
    assert [(r.instance_id, r.detail) for r in rows] == [(None, '{"text": "มาลี"}'), (3, '{"text": "มาลี"}'),
                                                        (4, '{"text": "มาลี"}')]
    assert ViewLog.of(k.accounts.account("admin1"), "search").rows([3]) == []
