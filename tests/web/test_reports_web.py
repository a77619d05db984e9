"""The reports pages (web/reports.py): auditors and administrators read them, nobody else finds them
(404); every report prints its filters, carries its chart data as a JSON block (no inline script)
with a table beside each chart, and downloads as CSV and XLSX with the same filters."""
from __future__ import annotations

import csv
import io
import json
import re

import pytest
from helpers import drive_sop
from openpyxl import load_workbook

REPORTS = ("on-time", "overdue", "controls", "risks")
PATHS = ["/reports", *(f"/reports/{r}" for r in REPORTS), *(f"/reports/{r}/export.{f}" for r in REPORTS
                                                              for f in ("csv", "xlsx"))]


@pytest.mark.parametrize("who", ["clerk1", "director1", "registrar1", "outsider"])
def test_reports_do_not_exist_for_anyone_else(app, signed_in, who):
    b = signed_in(who)
    for path in PATHS:
        assert b.get(path).status_code == 404, (who, path)
    assert 'href="/reports"' not in b.get("/").get_data(as_text=True)


def test_reports_need_a_sign_in(app):
    client = app.test_client()
    for path in PATHS:
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"], path


@pytest.mark.parametrize("who", ["auditor1", "admin1"])
def test_auditors_and_administrators_read_every_report(app, k, signed_in, who):
    drive_sop(k, roundtrip=False)
    b = signed_in(who)
    assert 'href="/reports"' in b.get("/").get_data(as_text=True)
    assert b.get("/reports").status_code == 200
    for name in REPORTS:
        response = b.get(f"/reports/{name}?process=sop_bench&from=1/1/2568&to=31/12/2580&lane=clerk")
        html = response.get_data(as_text=True)
        assert response.status_code == 200, name
        filters = re.search(r'<dl class="filters" id="report-filters">(.*?)</dl>', html, re.S)
        assert filters and "sop_bench" in filters.group(1) and "1/1/2568" in filters.group(1), name
        assert "31/12/2580" in filters.group(1) and "clerk" in filters.group(1)
        assert "dist/charts.js" in html and "<script>" not in html  # no inline script (CSP)
        for block in re.findall(r'<script type="application/json" id="([^"]+)">(.*?)</script>', html, re.S):
            chart_id, data = block
            assert f'data-chart="{chart_id}"' in html and isinstance(json.loads(data)["datasets"], list)


def test_the_on_time_page_shows_the_engine_numbers_beside_its_chart(app, k, signed_in):
    for _ in range(3):
        drive_sop(k, roundtrip=False)
    b = signed_in("auditor1")
    html = b.get("/reports/on-time?process=sop_bench").get_data(as_text=True)
    from engine import ReportFilter
    auditor = k.accounts.account("auditor1")
    report = k.reports.on_time(auditor, ReportFilter(process_id="sop_bench"))
    table = re.search(r'<table class="list report-table" id="table-steps">(.*?)</table>', html, re.S)
    assert table is not None and 'id="chart-steps"' in html
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", table.group(1))
    assert [int(c) for c in cells[3::7]] == [s.stats.count for s in report.steps]
    assert {s.element_id: s.stats.count for s in report.steps}["register_application"] == 3
    data = json.loads(re.search(r'id="chart-steps-data">(.*?)</script>', html, re.S).group(1))
    assert data["datasets"][0]["data"] == [s.stats.on_time_pct for s in report.steps]
    controls = b.get("/reports/controls").get_data(as_text=True)
    assert 'id="sod-summary"' in controls


def test_exports_of_the_page_carry_its_filters(app, k, signed_in):
    drive_sop(k, roundtrip=False)
    b = signed_in("auditor1")
    response = b.get("/reports/on-time/export.csv?process=sop_bench&from=1/10/2568")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="on-time.csv"'
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert ["กระบวนงาน (Procedure)", "sop_bench"] in rows and ["ตั้งแต่วันที่ (From)", "1/10/2568"] in rows
    xlsx = b.client.get("/reports/risks/export.xlsx?lane=clerk")
    book = load_workbook(io.BytesIO(xlsx.get_data()))
    assert [c.value for c in book["risks"][5]][:2] == ["สายงาน (หน่วยงาน) (Lane (unit))", "clerk"]
    assert b.get("/reports/on-time/export.pdf").status_code == 422
    assert b.get("/reports/nothing").status_code == 404


def test_a_date_that_is_not_one_is_refused_with_a_message(app, signed_in):
    b = signed_in("auditor1")
    response = b.get("/reports/on-time?from=31/02/2569")
    assert response.status_code == 422 and "31/02/2569" in response.get_data(as_text=True)
    response = b.get("/reports/on-time?from=1/3/2569&to=1/2/2569")
    assert response.status_code == 422 and "the period ends before it starts" in response.get_data(as_text=True)
