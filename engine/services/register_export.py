"""A register's page exported as its paper form: PDF (WeasyPrint, the Sarabun font the web app serves
from node_modules, Buddhist-era dates, optionally Thai digits) and XLSX (openpyxl).

The columns are the paper register's, in its order (ทะเบียนหนังสือส่ง แบบที่ 14 / ทะเบียนหนังสือรับ):
เลขทะเบียน, ที่, ลงวันที่, จาก, ถึง, เรื่อง, การปฏิบัติ, หมายเหตุ, under a line with the date of
registration whenever it changes. A voided number keeps its row, struck through and marked ยกเลิก with
the reason; a corrected entry shows what it reads now and says it was corrected (the original stays
in the register's rows, for auditors).
"""
from __future__ import annotations

import io
from datetime import date
from html import escape
from pathlib import Path

from ..model.secrecy import secrecy_of
from ..model.urgency import URGENCIES
from ..results import RegisterEntryView, RegisterPage

TH_MONTHS = ("มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน", "กรกฎาคม", "สิงหาคม", "กันยายน",
             "ตุลาคม", "พฤศจิกายน", "ธันวาคม")
_THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
_URGENCY_TH = {u.code: u.th for u in URGENCIES}


def _digits(text: str, thai: bool) -> str:
    return text.translate(_THAI_DIGITS) if thai else text


def number_column(kind: str) -> str:
    return "เลขทะเบียนรับ" if kind == "received" else "เลขทะเบียนส่ง" if kind == "sent" else "เลขที่"


COLUMNS = ("ที่", "ลงวันที่", "จาก", "ถึง", "เรื่อง", "การปฏิบัติ", "หมายเหตุ")


def be_short(day: date | None) -> str:
    return f"{day.day}/{day.month}/{day.year + 543}" if day else ""


def be_long(day: date) -> str:
    return f"วันที่ {day.day} เดือน{TH_MONTHS[day.month - 1]} พ.ศ. {day.year + 543}"


def remarks_of(entry: RegisterEntryView) -> str:
    """หมายเหตุ as printed: the remarks, then cancelled (with its reason) or corrected."""
    parts = [entry.remarks] if entry.remarks else []
    if entry.status == "cancelled":
        parts.append(f"ยกเลิก: {entry.cancel_reason}")
    corrections = [a for a in entry.amendments if a.kind == "corrected"]
    if corrections:
        parts.append(f"แก้ไข {len(corrections)} ครั้ง: {corrections[-1].reason}")
    return " · ".join(parts)


def marks_of(entry: RegisterEntryView) -> str:
    """The urgency and secrecy words written beside the subject (never colour alone)."""
    marks = []
    if entry.urgency != "normal":
        marks.append(_URGENCY_TH.get(entry.urgency, entry.urgency))
    if secrecy_of(entry.secrecy).rank > 0:
        marks.append(secrecy_of(entry.secrecy).th)
    return " ".join(marks)


def cells(entry: RegisterEntryView) -> list[str]:
    """One row of the paper form, in its column order (after the number)."""
    subject = f"[{marks_of(entry)}] {entry.subject}" if marks_of(entry) else entry.subject
    return [entry.letter_reference, be_short(entry.dated), entry.sender, entry.addressee, subject, entry.action,
            remarks_of(entry)]


def _css(fonts: Path) -> str:
    return font_faces(fonts) + _PAGE_CSS


# Each subset file of Sarabun is a family of its own: WeasyPrint merges same-named faces into one
# PDF font, and the Thai and Latin files number their glyphs alike (glyph 62 is เ in one, a in the
# other), so one family name would print the wrong letters.
FONT_STACK = "Sarabun-thai, Sarabun-latin"


def font_faces(fonts: Path) -> str:
    """The @font-face rules of Sarabun (regular and bold, Thai and Latin) from node_modules' files,
    used as ``font-family: FONT_STACK`` (also the signed documents' PDF: engine.services.signature_pdf)."""
    faces = []
    for weight in (400, 700):
        for subset, ranges in (("thai", "U+0E01-0E5B, U+200C-200D, U+25CC"), ("latin", "U+0000-00FF, U+2000-206F")):
            src = (fonts / f"sarabun-{subset}-{weight}-normal.woff2").as_uri()
            faces.append(f"@font-face {{ font-family: Sarabun-{subset}; font-weight: {weight}; src: url({src}); "
                         f"unicode-range: {ranges}; }}")
    return "\n".join(faces)


_PAGE_CSS = """
@page { size: A4 landscape; margin: 12mm 10mm 14mm;
        @bottom-right { content: "หน้า " counter(page) " / " counter(pages); font: 10pt Sarabun-thai, Sarabun-latin; } }
body { font-family: Sarabun-thai, Sarabun-latin; font-size: 12pt; }
h1 { font-size: 16pt; text-align: center; margin: 0 0 2mm; }
p.sub { text-align: center; margin: 0 0 4mm; }
table { width: 100%; border-collapse: collapse; }
th, td { border: 0.6pt solid #000; padding: 1mm 1.5mm; vertical-align: top; }
th { font-weight: 700; text-align: center; }
tr.day td { font-weight: 700; border-left: none; border-right: none; }
tr.cancelled td.text { text-decoration: line-through; }
td.n { text-align: center; white-space: nowrap; }
td.ref { white-space: nowrap; }  /* ที่ and ลงวันที่ are read as one piece */
"""


def to_html(page: RegisterPage, fonts: Path, thai_digits: bool = False) -> str:
    """The page as the register's paper form (HTML for WeasyPrint)."""
    def digits(text: str) -> str:
        return _digits(text, thai_digits)

    reg = page.register
    head = "".join(f"<th>{escape(c)}</th>" for c in (number_column(reg.kind), *COLUMNS))
    rows: list[str] = []
    day: date | None = None
    for e in page.entries:
        if e.registered_on != day:
            day = e.registered_on
            rows.append(f'<tr class="day"><td colspan="8">{escape(digits(be_long(day)))}</td></tr>')
        status = ' class="cancelled"' if e.status == "cancelled" else ""
        texts = "".join(f'<td class="text{" ref" if i < 2 else ""}">{escape(digits(c))}</td>'
                        for i, c in enumerate(cells(e)[:-1]))
        rows.append(f'<tr{status}><td class="n">{escape(digits(str(e.number)))}</td>{texts}'
                    f"<td>{escape(digits(cells(e)[-1]))}</td></tr>")
    if not rows:
        rows.append('<tr><td colspan="8">ยังไม่มีรายการ</td></tr>')
    title = escape(reg.name_th)
    sub = escape(digits(f"ปี พ.ศ. {page.period}" + (" (ปีงบประมาณ)" if reg.period_kind == "fiscal" else "")
                        + (f" · ค้นหา “{page.query}”" if page.query else "")))
    return (f'<!doctype html><html lang="th"><head><meta charset="utf-8"><title>{title}</title>'
            f"<style>{_css(fonts)}</style></head><body><h1>{title}</h1><p class=\"sub\">{sub}</p>"
            f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></body></html>")


def to_pdf(page: RegisterPage, fonts: Path, thai_digits: bool = False) -> bytes:
    from weasyprint import HTML  # imported only to export

    pdf: bytes = HTML(string=to_html(page, fonts, thai_digits)).write_pdf()
    return pdf


def to_xlsx(page: RegisterPage, thai_digits: bool = False) -> bytes:
    from openpyxl import Workbook  # imported only to export
    from openpyxl.styles import Alignment, Font

    def digits(text: str) -> str:
        return _digits(text, thai_digits)

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = f"{page.register.id}-{page.period}"
    sheet.append([f"{page.register.name_th} ปี พ.ศ. {digits(str(page.period))}"])
    sheet["A1"].font = Font(name="TH Sarabun New", bold=True, size=16)
    header = ["วันที่ลงทะเบียน", number_column(page.register.kind), *COLUMNS, "ชั้นความเร็ว", "ชั้นความลับ", "สถานะ"]
    sheet.append(header)
    for cell in sheet[2]:
        cell.font = Font(name="TH Sarabun New", bold=True)
    for e in page.entries:
        row = [digits(be_short(e.registered_on)), e.number if not thai_digits else digits(str(e.number)),
               *[digits(c) for c in cells(e)], _URGENCY_TH.get(e.urgency, e.urgency),
               secrecy_of(e.secrecy).th, "ยกเลิก" if e.status == "cancelled" else "ออกเลขแล้ว"]
        sheet.append(row)
    for column, width in zip("ABCDEFGHIJKL", (14, 10, 18, 12, 24, 24, 40, 24, 24, 12, 10, 10), strict=True):
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows(min_row=3):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

