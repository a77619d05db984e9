"""Evidence files are told from their bytes: accepted kinds get their content type, anything else
(whatever its name says) is refused naming the field ``file``."""
from __future__ import annotations

import io
import zipfile

import pytest

from engine.errors import InvalidInput
from engine.model.filetypes import DOC, DOCX, PDF, PPTX, TEXT, XLS, XLSX, detect

TINY_PDF = (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
            b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 44 + b"PE\x00\x00"


def _zip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _ooxml(folder: str, *extra: str) -> bytes:
    parts = {"[Content_Types].xml": b"<Types/>", "_rels/.rels": b"<Relationships/>",
             f"{folder}/document.xml": b"<document/>"}
    parts.update({name: b"x" for name in extra})
    return _zip(parts)


def _ole2(stream: str) -> bytes:
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500 + stream.encode("utf-16-le") + b"\x00\x00" + b"\x00" * 64


@pytest.mark.parametrize("content, expected", [
    (TINY_PDF, PDF),
    (PNG, "image/png"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "image/jpeg"),
    (b"GIF89a\x01\x00\x01\x00", "image/gif"),
    (b"RIFF\x24\x00\x00\x00WEBPVP8 ", "image/webp"),
    (b"II*\x00\x08\x00\x00\x00", "image/tiff"),
    (_ooxml("word"), DOCX),
    (_ooxml("xl"), XLSX),
    (_ooxml("ppt"), PPTX),
    (_zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"}),
     "application/vnd.oasis.opendocument.text"),
    (_ole2("WordDocument"), DOC),
    (_ole2("Workbook"), XLS),
    ("รายงานผล,จำนวน\nไตรมาส 1,12\n".encode(), TEXT),
])
def test_accepted_kinds_get_their_content_type(content, expected):
    assert detect(content) == expected


@pytest.mark.parametrize("content, message", [
    (EXE, "not accepted"),  # a Windows program, whatever it is named
    (b"", "empty"),
    (b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 32, "not accepted"),
    (_zip({"evil.exe": EXE}), "zip archives are not accepted"),
    (_ooxml("word", "word/vbaProject.bin"), "macros"),
    (_zip({"mimetype": b"application/vnd.oasis.opendocument.text", "Basic/Standard/Module1.xml": b"x"}), "macros"),
    (_ole2("SummaryInformation"), "not a Word, Excel or PowerPoint"),  # e.g. an .msi installer
    (b"PK\x03\x04" + b"\x00" * 40, "damaged"),
    ("ข้อความ".encode("utf-16"), "not accepted"),  # NUL bytes: not UTF-8 text
])
def test_anything_else_is_refused_naming_the_file_field(content, message):
    with pytest.raises(InvalidInput, match=message) as info:
        detect(content)
    assert info.value.details["field"] == "file"


def test_the_name_plays_no_part(tmp_path):
    """An .exe renamed .pdf is still a program: detect() never sees a name at all."""
    renamed = tmp_path / "หนังสือ.pdf"
    renamed.write_bytes(EXE)
    with pytest.raises(InvalidInput):
        detect(renamed.read_bytes())
