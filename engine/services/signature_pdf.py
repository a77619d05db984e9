"""A signed step as a PDF document (WeasyPrint, Sarabun, Buddhist-era dates): what was signed (the
data shown to the signer, with the forms' labels, and the documents with their SHA-256), the
signature block as a letter prints it, whether it verifies now, and on every page's foot the digest
and the address of the verification page."""
from __future__ import annotations

import re
from collections.abc import Mapping
from html import escape
from pathlib import Path
from typing import Any

from ..results import SignatureView
from ..time.calendar import BANGKOK
from .register_export import TH_MONTHS, font_faces

_CSS = """
@page { size: A4; margin: 18mm 18mm 24mm;
        @bottom-left { content: element(foot); }
        @bottom-right { content: "หน้า " counter(page) " / " counter(pages); font: 9pt Sarabun-thai, Sarabun-latin; } }
body { font-family: Sarabun-thai, Sarabun-latin; font-size: 14pt; }
h1 { font-size: 18pt; text-align: center; margin: 0 0 2mm; }
p.sub { text-align: center; margin: 0 0 6mm; }
table { width: 100%; border-collapse: collapse; margin-bottom: 6mm; }
th, td { border: 0.6pt solid #000; padding: 1mm 2mm; vertical-align: top; text-align: left; }
th { font-weight: 700; width: 38%; }
.block { margin: 10mm 0 6mm 30%; text-align: center; line-height: 1.5; }  /* a capacity line fits on one line */
.status { border: 1pt solid #000; padding: 2mm 3mm; }
.status.broken { color: #a00000; font-weight: 700; }
.foot { position: running(foot); font-size: 8pt; word-break: break-all; }
code { font-size: 9pt; }
"""


def be_datetime(sig: SignatureView) -> str:
    """The signing time in Bangkok, in the Buddhist era (วันที่ 5 ธันวาคม พ.ศ. 2569 เวลา 10:15 น.)."""
    local = sig.signed_at.astimezone(BANGKOK)
    return (f"วันที่ {local.day} {TH_MONTHS[local.month - 1]} พ.ศ. {local.year + 543} "
            f"เวลา {local:%H:%M} น.")


_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def _value(value: Any, names: Mapping[str, str]) -> str:
    """A value as printed: files by name, a date in the Buddhist era (22 กันยายน 2568)."""
    if isinstance(value, list):
        return ", ".join(names.get(str(v), str(v)) for v in value)
    text = "" if value is None else str(value)
    day = _ISO_DATE.fullmatch(text)
    if day and 1 <= int(day[2]) <= 12:
        return f"{int(day[3])} {TH_MONTHS[int(day[2]) - 1]} {int(day[1]) + 543}"
    return text


def to_html(sig: SignatureView, signed: Mapping[str, Any], labels: Mapping[str, str], verify_url: str) -> str:
    """``signed``: the data the signer saw; ``labels``: the forms' Thai labels by field name."""
    names = {str(d.get("sha256")): str(d.get("name")) for d in sig.documents}
    rows = "".join(f"<tr><th>{escape(labels.get(k, k))}</th><td>{escape(_value(v, names))}</td></tr>"
                   for k, v in sorted(signed.items(), key=lambda kv: (kv[0] not in labels, kv[0])))
    docs = "".join(f"<tr><th>{escape(str(d.get('name')))}</th><td><code>{escape(str(d.get('sha256')))}</code></td></tr>"
                   for d in sig.documents) or '<tr><td colspan="2">ไม่มีเอกสารแนบ</td></tr>'
    block = "<br>".join(escape(line) for line in sig.block_th)
    if sig.valid:
        status = '<p class="status">ตรวจสอบแล้ว: ลายมือชื่ออิเล็กทรอนิกส์ถูกต้อง และเอกสารไม่ถูกแก้ไขหลังลงนาม</p>'
    else:
        status = ('<p class="status broken">เอกสารถูกแก้ไขหลังลงนาม: '
                  + escape("; ".join(p.message for p in sig.problems)) + "</p>")
    foot = (f'<div class="foot">SHA-256 ของสิ่งที่ลงนาม: <code>{escape(sig.digest)}</code><br>'
            f"ตรวจสอบลายมือชื่อ: <code>{escape(verify_url)}</code></div>")
    return (f'<!doctype html><html lang="th"><head><meta charset="utf-8"><title>{escape(sig.step_name)}</title>'
            f"<style>{_CSS}</style></head><body>{foot}<h1>{escape(sig.step_name)}</h1>"
            f'<p class="sub">เรื่องที่ {sig.instance_id} · ลงนาม{escape(be_datetime(sig))}</p>'
            f"<table><tbody>{rows}</tbody></table><h2>เอกสารแนบ</h2><table><tbody>{docs}</tbody></table>"
            f'<div class="block">{block}</div>{status}</body></html>')


def to_pdf(sig: SignatureView, signed: Mapping[str, Any], labels: Mapping[str, str], where: tuple[Path, str]) -> bytes:
    """``where``: the Sarabun font files' folder and the verification page's address."""
    from weasyprint import HTML  # imported only to export

    fonts, verify_url = where  # the CSS names register_export.FONT_STACK's families
    html = to_html(sig, signed, labels, verify_url).replace("<style>", f"<style>{font_faces(fonts)}", 1)
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf
