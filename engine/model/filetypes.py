"""What an evidence file is, told from its bytes (never from its name).

An office keeps PDFs, scans and photos, and office documents as evidence; anything else (a program,
a script, an archive, a web page that a browser might run) is refused. The name a user gives a
file is only a label: ``letter.pdf`` holding a Windows program is refused, a PDF named ``scan``
is accepted. Each accepted kind has one content type, which is what a download is sent as.

Office documents are zip (OOXML, OpenDocument) or OLE2 (the older Word, Excel and PowerPoint)
containers; only the container's directory is read (its part names, and the few bytes of the
OpenDocument ``mimetype`` entry), never its content, so a zip bomb costs nothing here. Documents
with macros (an OOXML ``vbaProject.bin`` part, an OpenDocument ``Basic/`` folder) and OLE2 files
that are none of the three (an ``.msi`` installer) are refused.
"""
from __future__ import annotations

import io
import re
import zipfile
import zlib

from ..errors import InvalidInput

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
DOC, XLS, PPT = "application/msword", "application/vnd.ms-excel", "application/vnd.ms-powerpoint"
TEXT = "text/plain; charset=utf-8"
ODF_TYPES = frozenset({"application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.spreadsheet",
                       "application/vnd.oasis.opendocument.presentation"})
# The browser's file chooser offers these (a hint only: the bytes decide).
FILE_ACCEPT = (".pdf,.png,.jpg,.jpeg,.gif,.webp,.tif,.tiff,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.odt,.ods,.odp,"
               ".txt,.csv")
ACCEPTED = ("PDF, images (PNG, JPEG, GIF, WebP, TIFF), Word, Excel, PowerPoint, OpenDocument "
            "and plain text (UTF-8)")

_SIGNATURES = (
    (b"%PDF-", PDF),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
)
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# An OLE2 file's directory names its streams in UTF-16LE; the main stream tells the program.
_OLE2_STREAMS = (("WordDocument", DOC), ("Workbook", XLS), ("Book", XLS), ("PowerPoint Document", PPT))
_OOXML_PARTS = (("word/", DOCX), ("xl/", XLSX), ("ppt/", PPTX))
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def refused(message: str, code: str = "file_type") -> InvalidInput:
    return InvalidInput(message, field="file", code=code)


def detect(content: bytes) -> str:
    """The content type of an accepted file; InvalidInput (field ``file``) for anything else."""
    if not content:
        raise refused("the file is empty", "file_empty")
    for magic, content_type in _SIGNATURES:
        if content.startswith(magic):
            return content_type
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp"
    if content.startswith(_OLE2):
        return _ole2(content)
    if content.startswith(b"PK\x03\x04"):
        return _zip(content)
    if _is_text(content):
        return TEXT
    raise refused(f"this kind of file is not accepted; accepted are {ACCEPTED}")


def _ole2(content: bytes) -> str:
    for stream, content_type in _OLE2_STREAMS:
        if stream.encode("utf-16-le") + b"\x00\x00" in content:
            return content_type
    raise refused(f"this older office file is not a Word, Excel or PowerPoint document; accepted are {ACCEPTED}")


def _zip(content: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = archive.namelist()
            if "mimetype" in names and archive.getinfo("mimetype").file_size <= 100:
                declared = archive.read("mimetype").decode("ascii", "replace").strip()
                if declared in ODF_TYPES:
                    if any(name.startswith(("Basic/", "Scripts/")) for name in names):
                        raise refused("office documents with macros are not accepted; save it without macros")
                    return declared
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, ValueError, OSError,
            EOFError, zlib.error):  # damaged, encrypted or of a compression zipfile does not know
        raise refused("the file is a damaged zip or office document") from None
    if "[Content_Types].xml" in names:
        if any(name.lower().endswith("vbaproject.bin") for name in names):
            raise refused("office documents with macros are not accepted; save it without macros")
        for prefix, content_type in _OOXML_PARTS:
            if any(name.startswith(prefix) for name in names):
                return content_type
    raise refused(f"zip archives are not accepted, only office documents; accepted are {ACCEPTED}")


def _is_text(content: bytes) -> bool:
    """UTF-8 text (a BOM allowed) with no NUL and no control characters but tab, line ends and form feed."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    return _CONTROL.search(text) is None
