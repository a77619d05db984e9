"""The auditor's case search (engine.services.audit_search) on SQLite and PostgreSQL: each filter
(procedure, Buddhist-era date range, participant, status, overdue, register number, free text in the
case data), keyset pages that neither skip nor repeat a case, CSV and XLSX exports, auditors only,
and every search, listed case and export logged."""
from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import update

from engine import CaseQuery, InvalidInput, NotFound
from engine.store import registers as register_store
from engine.store.registers import ISSUED, Letter, NewEntry
from engine.store.tables import HumanTask
from helpers import FORM_DATA, do_task, drive_sop, open_tasks

DAY1 = datetime(2026, 11, 2, 3, 0, tzinfo=UTC)  # Monday 2 Nov 2026, 10:00 in Bangkok
DAY2 = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)


@pytest.fixture
def world(k):
    """Three cases: a finished one started on 2 Nov 2569 (BE) with a register number, two running
    ones started on 20 Nov, one of them by clerk2 with an overdue step."""
    k.ctx.fixed_now = DAY1
    done, _ = drive_sop(k, roundtrip=False)
    with k.ctx.db.unit_of_work() as conn:
        register_store.append(conn, NewEntry("sent", 2570, 12, ISSUED, "สธ 0701/12", Letter(subject="ตอบรับ"), DAY1,
                                             "clerk1", date(2026, 11, 2), case=(done, None)))
    k.ctx.fixed_now = DAY2
    running = k.cases.start("sop_bench", "clerk1").instance_id
    late = k.cases.start("sop_bench", "clerk2").instance_id
    task = open_tasks(k, late)[0]
    do_task(k, task.id, "clerk2", {**FORM_DATA["register_application"], "applicant": "นางมาลี ศรีสุข"})
    k.ctx.fixed_now = DAY2 + timedelta(days=10)
    with k.ctx.db.unit_of_work() as conn:  # the step now open was due a week ago
        conn.execute(update(HumanTask).where(HumanTask.c.instance_id == late, HumanTask.c.state == "open")
                     .values(due_at=DAY2 + timedelta(days=3), due_sort=DAY2 + timedelta(days=3)))
    return {"done": done, "running": running, "late": late}


def _ids(k, query, **kw):
    return [h.instance_id for h in k.case_search.search(k.accounts.account("auditor1"), query, **kw).hits]


def test_each_filter_finds_its_cases(k, world):
    done, running, late = world["done"], world["running"], world["late"]
    assert _ids(k, CaseQuery()) == [late, running, done]  # newest first
    assert _ids(k, CaseQuery(process_id="sop_bench")) == [late, running, done]
    assert _ids(k, CaseQuery(process_id="no-such-process")) == []
    assert _ids(k, CaseQuery(status="completed")) == [done]
    assert _ids(k, CaseQuery(status="running")) == [late, running]
    assert _ids(k, CaseQuery(started_from=date(2026, 11, 2), started_to=date(2026, 11, 2))) == [done]
    assert _ids(k, CaseQuery(started_from=date(2026, 11, 3))) == [late, running]
    assert _ids(k, CaseQuery(started_to=date(2026, 11, 19))) == [done]
    assert _ids(k, CaseQuery(participant="clerk2")) == [late]
    assert _ids(k, CaseQuery(participant="director1")) == [done]  # did steps of it, started none
    assert _ids(k, CaseQuery(overdue=True)) == [late]
    assert _ids(k, CaseQuery(register_number="สธ 0701/12")) == [done]
    assert _ids(k, CaseQuery(register_number="0701/13")) == []
    assert _ids(k, CaseQuery(text="มาลี")) == [late]  # in the case data
    assert _ids(k, CaseQuery(text="สมชาย")) == [done]
    assert _ids(k, CaseQuery(text="100%")) == []  # a LIKE wildcard is a character, not a pattern
    assert running in _ids(k, CaseQuery(text=str(running)))  # a case's number finds it
    assert _ids(k, CaseQuery(participant="clerk2", overdue=True, status="running")) == [late]
    page = k.case_search.search(k.accounts.account("auditor1"), CaseQuery(register_number="0701"))
    assert page.hits[0].register_numbers == ("สธ 0701/12",) and page.hits[0].process_name
    overdue = k.case_search.search(k.accounts.account("auditor1"), CaseQuery(overdue=True)).hits[0]
    assert overdue.overdue_steps == 1 and overdue.status == "running"


def test_pages_by_keyset_neither_skip_nor_repeat(k):
    ids = sorted((k.cases.start("sop_bench", "clerk1").instance_id for _ in range(7)), reverse=True)
    auditor = k.accounts.account("auditor1")
    seen, cursor = [], None
    while True:
        page = k.case_search.search(auditor, CaseQuery(), cursor=cursor, limit=3)
        seen += [h.instance_id for h in page.hits]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == ids
    with pytest.raises(InvalidInput):
        k.case_search.search(auditor, CaseQuery(), cursor="not-a-cursor")
    with pytest.raises(InvalidInput):
        k.case_search.search(auditor, CaseQuery(), limit=0)
    with pytest.raises(InvalidInput):
        k.case_search.search(auditor, CaseQuery(status="lost"))
    with pytest.raises(InvalidInput):
        k.case_search.search(auditor, CaseQuery(started_from=date(2026, 12, 2), started_to=date(2026, 12, 1)))


def test_exports_and_the_log_of_every_view(k, world):
    auditor = k.accounts.account("auditor1")
    raw = k.case_search.export(auditor, CaseQuery(status="running"), "csv")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:3] == ["case", "procedure", "version"]
    assert [int(r[0]) for r in rows[1:]] == [world["late"], world["running"]]
    assert rows[1][6] == "20/11/2569"  # the start date in the Buddhist era
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(k.case_search.export(auditor, CaseQuery(), "xlsx"))).active
    assert [c.value for c in sheet["A"]][1:] == [world["late"], world["running"], world["done"]]
    with pytest.raises(InvalidInput):
        k.case_search.export(auditor, CaseQuery(), "pdf")
    k.case_search.search(auditor, CaseQuery(text="มาลี"))
    views = k.case_search.views_of(world["late"], auditor)
    assert [(v.viewer, v.what) for v in views][:1] == [("auditor1", "search")]
    assert "มาลี" in views[0].detail
    from engine.store import audit_views

    with k.ctx.db.unit_of_work(write=False) as conn:
        log = audit_views.recent(conn, "auditor1")
    assert [v.what for v in log if v.instance_id is None][:3] == ["search", "export", "export"]


def test_only_auditors_search(k, world):
    for who in ("clerk1", "director1", "admin1"):
        with pytest.raises(NotFound):
            k.case_search.search(k.accounts.account(who), CaseQuery())
        with pytest.raises(NotFound):
            k.case_search.export(k.accounts.account(who), CaseQuery())
