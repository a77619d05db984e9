"""The auditors' reports as CSV (UTF-8 with a BOM, so that Excel reads the Thai) and XLSX (openpyxl,
one sheet per table, in the registers' style: TH Sarabun New, bold headings). Both start with the
report's filters, as the page prints them."""
from __future__ import annotations

import csv
import io

from ..report_results import ReportFilter, ReportTable

TITLES = {"on-time": "รายงานความตรงเวลา (On time)", "overdue": "รายงานงานเกินกำหนด (Overdue now)",
          "controls": "รายงานการควบคุม (Controls)", "risks": "ทะเบียนความเสี่ยง (Risk register)"}


def _filter_lines(f: ReportFilter) -> list[list[str]]:
    return [[f"{th} ({en})", value] for th, en, value in f.describe()]


def to_csv(report: str, f: ReportFilter, tables: tuple[ReportTable, ...]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([TITLES.get(report, report)])
    writer.writerows(_filter_lines(f))
    for table in tables:
        writer.writerow([])
        writer.writerow([f"{table.title_th} ({table.title_en})"])
        writer.writerow([f"{th} ({en})" for th, en in table.columns])
        writer.writerows(["" if c is None else c for c in row] for row in table.rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(report: str, f: ReportFilter, tables: tuple[ReportTable, ...]) -> bytes:
    from openpyxl import Workbook  # imported only to export
    from openpyxl.styles import Font

    book = Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    for table in tables:
        sheet = book.create_sheet(table.key[:31])
        sheet.append([TITLES.get(report, report)])
        sheet["A1"].font = Font(name="TH Sarabun New", bold=True, size=16)
        for line in _filter_lines(f):
            sheet.append(line)
        sheet.append([])
        sheet.append([f"{table.title_th} ({table.title_en})"])
        sheet.cell(sheet.max_row, 1).font = Font(name="TH Sarabun New", bold=True, size=14)
        sheet.append([th for th, _ in table.columns])
        for cell in sheet[sheet.max_row]:
            cell.font = Font(name="TH Sarabun New", bold=True)
        for row in table.rows:
            sheet.append(list(row))
        for n, (th, _) in enumerate(table.columns, start=1):
            sheet.column_dimensions[sheet.cell(1, n).column_letter].width = max(12, min(40, len(th) + 4))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
