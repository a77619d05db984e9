"""A case's audit trail as a PDF (WeasyPrint, Sarabun, Buddhist-era dates): every history event
with its date and time (Bangkok, BE), the actor and the capacity they acted in, the step, the data
entered, the control points confirmed, comments, the signatures and whether they verify now, and
the result of verifying the case's history (chain, signed checkpoint, rows against history), and
who viewed the case as an auditor (the system's log of views, engine.services.view_log)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from html import escape
from pathlib import Path
from typing import Any

from ..audit_results import AuditViewEntry
from ..results import ChainReport, HistoryEventView, SignatureView
from ..time.calendar import BANGKOK
from .register_export import TH_MONTHS, font_faces

_CSS = """
@page { size: A4 landscape; margin: 14mm 14mm 18mm;
        @bottom-right { content: "หน้า " counter(page) " / " counter(pages); font: 9pt Sarabun-thai, Sarabun-latin; } }
body { font-family: Sarabun-thai, Sarabun-latin; font-size: 11pt; }
h1 { font-size: 16pt; margin: 0 0 2mm; }
table { width: 100%; border-collapse: collapse; margin-bottom: 5mm; }
th, td { border: 0.5pt solid #000; padding: 0.8mm 1.5mm; vertical-align: top; text-align: left; }
thead th { background: #eee; }
.status { border: 1pt solid #000; padding: 2mm 3mm; }
.status.broken { color: #a00000; font-weight: 700; }
code { font-size: 8pt; word-break: break-all; }
"""
_EVENTS_TH = {
    "instance_started": "เริ่มเรื่อง", "instance_completed": "เรื่องเสร็จสิ้น", "task_created": "เปิดขั้นตอน",
    "task_claimed": "รับงาน", "task_unclaimed": "คืนงาน", "task_completed": "ดำเนินการขั้นตอนเสร็จ",
    "task_cancelled": "ยกเลิกขั้นตอน", "task_overdue": "เกินกำหนด", "reminder_sent": "แจ้งเตือน",
    "deadline_changed": "เปลี่ยนกำหนดเวลา", "timer_set": "ตั้งเวลา", "timer_moved": "เลื่อนเวลา",
    "timer_cancelled": "ยกเลิกเวลา", "timer_fired": "ครบเวลา", "task_delegated": "มอบหมายงาน",
    "urgency_changed": "เปลี่ยนชั้นความเร็ว", "register_number_issued": "ออกเลขทะเบียน",
    "task_handed_over": "ส่งงานให้ผู้รักษาการ", "task_shared_for_preparation": "ให้ผู้อื่นเตรียมงานแทน",
    "task_signed": "ลงนาม", "instance_migrated": "ย้ายไปใช้รุ่นใหม่ของกระบวนงาน",
}


@dataclass(frozen=True)
class Trail:
    """What the PDF shows of one case."""

    instance_id: int
    title: str
    process_name: str
    events: list[HistoryEventView]
    signatures: tuple[SignatureView, ...]
    verified: ChainReport | None
    viewed: tuple[AuditViewEntry, ...] = ()


def be_datetime(moment: datetime) -> str:
    """E.g. ``5 ธ.ค. 2569 10:15:03`` written out: ``5 ธันวาคม 2569 เวลา 10:15:03 น.`` (Bangkok)."""
    local = moment.astimezone(BANGKOK)
    return f"{local.day} {TH_MONTHS[local.month - 1]} {local.year + 543} เวลา {local:%H:%M:%S} น."


def _text(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_text(v)}" for k, v in value.items())
    if isinstance(value, str) and "T" in value and len(value) >= 19:
        try:  # a moment with its offset (a due time, a meeting's start): in the Buddhist era, Bangkok
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
        return be_datetime(moment) if moment.tzinfo is not None else value
    return "" if value is None else str(value)


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _row(event: HistoryEventView, steps: dict[int, str]) -> str:
    payload = event.payload
    task_id = payload.get("task_id")
    if event.event_type == "task_created" and isinstance(task_id, int):
        steps[task_id] = str(payload.get("name") or payload.get("element_id") or "")
    step = steps.get(task_id, str(payload.get("element_id") or "")) if isinstance(task_id, int) else ""
    capacity = _mapping(payload.get("capacity"))
    title = _mapping(capacity.get("position_title"))
    acted_as = f"{capacity.get('kind_th') or ''} {title.get('th') or ''}".strip()
    data = dict(_mapping(payload.get("data")))
    comment = data.pop("comment", "")
    controls = _text(payload.get("confirmed_controls") or [])
    extra = {k: v for k, v in payload.items() if k in ("to", "reason", "number", "reference", "urgency", "due")}
    cells = [str(event.seq), be_datetime(datetime.fromisoformat(event.occurred_at)), event.actor or "ระบบ",
             acted_as, _EVENTS_TH.get(event.event_type, event.event_type), step,
             _text({**data, **extra}), controls, _text(comment)]
    return "<tr>" + "".join(f"<td>{escape(c)}</td>" for c in cells) + "</tr>"


def _signatures(signatures: tuple[SignatureView, ...]) -> str:
    if not signatures:
        return "<p>ไม่มีลายมือชื่ออิเล็กทรอนิกส์ในเรื่องนี้</p>"
    rows = "".join(
        f"<tr><td>{escape(s.step_name)}</td><td>{escape(s.signer_name)} ({escape(s.signer)})</td>"
        f"<td>{escape(s.capacity_th)}</td><td>{escape(be_datetime(s.signed_at))}</td>"
        f"<td>{'ถูกต้อง' if s.valid else escape('ไม่ถูกต้อง: ' + '; '.join(p.message for p in s.problems))}</td>"
        f"<td><code>{escape(s.digest)}</code></td></tr>" for s in signatures)
    return ("<table><thead><tr><th>ขั้นตอน</th><th>ผู้ลงนาม</th><th>ในฐานะ</th><th>เมื่อ</th><th>ผลการตรวจสอบ</th>"
            f"<th>SHA-256</th></tr></thead><tbody>{rows}</tbody></table>")


VIEWS_TH = {"case": "เปิดหน้าเรื่อง", "replay": "ดูการย้อนรอยทีละขั้น", "search": "พบในผลการค้นหา",
            "export": "ส่งออกผลการค้นหา", "report": "ปรากฏในรายงาน", "event_log": "ส่งออกบันทึกเหตุการณ์ (XES/OCEL)",
            "trail": "พิมพ์ประวัติการดำเนินงาน (PDF)"}
_SURFACES_TH = {"web": "เว็บ", "cli": "คำสั่ง krabuan", "api": "API"}


def _views(viewed: tuple[AuditViewEntry, ...]) -> str:
    if not viewed:
        return "<p>ยังไม่มีผู้ตรวจสอบเปิดดูเรื่องนี้</p>"
    rows = "".join(f"<tr><td>{escape(be_datetime(v.viewed_at))}</td><td>{escape(v.viewer)}</td>"
                   f"<td>{escape(VIEWS_TH.get(v.what, v.what))}</td>"
                   f"<td>{escape(_SURFACES_TH.get(v.surface, v.surface))}</td></tr>" for v in viewed)
    return (f"<table><thead><tr><th>เมื่อ</th><th>ผู้ตรวจสอบ</th><th>ดูอย่างไร</th><th>ช่องทาง</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>")


def _verdict(report: ChainReport | None) -> str:
    if report is not None and report.ok:
        return (f'<p class="status">ผลการตรวจสอบประวัติ: บันทึกครบถ้วน ไม่ถูกแก้ไข '
                f"(ห่วงโซ่แฮช {report.events} รายการ จุดตรวจสอบที่ลงนาม และข้อมูลปัจจุบันตรงกับประวัติ)</p>")
    reason = "ไม่พบประวัติ" if report is None else f"รายการที่ {report.first_bad_seq}: {report.reason}"
    return f'<p class="status broken">ผลการตรวจสอบประวัติ: ไม่ผ่าน — {escape(reason)}</p>'


def to_html(trail: Trail, printed_at: datetime) -> str:
    steps: dict[int, str] = {}
    rows = "".join(_row(e, steps) for e in trail.events)
    head = ("<tr><th>ลำดับ</th><th>วันเวลา</th><th>ผู้ดำเนินการ</th><th>ในฐานะ</th><th>เหตุการณ์</th><th>ขั้นตอน</th>"
            "<th>ข้อมูล</th><th>จุดควบคุมที่ยืนยัน</th><th>ความเห็น</th></tr>")
    return (f'<!doctype html><html lang="th"><head><meta charset="utf-8"><title>ประวัติเรื่องที่ {trail.instance_id}'
            f"</title><style>{_CSS}</style></head><body>"
            f"<h1>ประวัติการดำเนินงาน เรื่องที่ {trail.instance_id}: {escape(trail.title or trail.process_name)}</h1>"
            f"<p>{escape(trail.process_name)} · พิมพ์เมื่อ {escape(be_datetime(printed_at))}</p>"
            f"{_verdict(trail.verified)}<table><thead>{head}</thead><tbody>{rows}</tbody></table>"
            f"<h2>ลายมือชื่ออิเล็กทรอนิกส์</h2>{_signatures(trail.signatures)}"
            f"<h2>ผู้ตรวจสอบที่เปิดดูเรื่องนี้ (ล่าสุดก่อน)</h2>{_views(trail.viewed)}</body></html>")


def to_pdf(trail: Trail, printed_at: datetime, fonts: Path) -> bytes:
    from weasyprint import HTML  # imported only to export

    html = to_html(trail, printed_at).replace("<style>", f"<style>{font_faces(fonts)}", 1)
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf
