"""Vet BPMN/DMN bytes before anything else parses them.

The encoding is decided once, strictly, before any scan: UTF-8 (with or without a byte-order
mark) is the only one accepted; a UTF-16 or UTF-32 file (with or without its mark), a NUL byte,
bytes that are not UTF-8, or an XML declaration naming another encoding (UTF-7, EBCDIC, Latin-1,
TIS-620 ...) is refused with a message saying to save the file as UTF-8. Then any DOCTYPE or ENTITY
declaration is refused; the parser (no DTD, no entities, no network, no huge trees, the encoding
forced to UTF-8) is the second line, and a parsed tree that still has a doctype, or an XInclude
element, is refused too. Files over the size cap never reach any of it. SpiffWorkflow only ever
sees the tree this module returns.
"""
from __future__ import annotations

import re

from lxml import etree

from ..errors import DeployError

_DECLARATION = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.I)
_XML_ENCODING = re.compile(r"""^\s*<\?xml[^>]*?\bencoding\s*=\s*["']([^"']*)["']""")
_UTF8_NAMES = {"utf-8", "utf8"}
_ASCII_NAMES = {"ascii", "us-ascii", "ansi_x3.4-1968", "iso646-us"}  # a subset of UTF-8, when the bytes are
_MAX_ELEMENTS = 50_000
_XINCLUDE = "http://www.w3.org/2001/XInclude"
_OTHER_MARKS = ((b"\x00\x00\xfe\xff", "UTF-32"), (b"\xff\xfe\x00\x00", "UTF-32"), (b"\xfe\xff", "UTF-16"),
                (b"\xff\xfe", "UTF-16"))
_SAVE_AS = "; save the file as UTF-8"


def _utf8_text(data: bytes, source: str) -> bytes:
    """The file's bytes as UTF-8 without a byte-order mark, or DeployError (the only encoding)."""
    for mark, name in _OTHER_MARKS:
        if data.startswith(mark):
            raise DeployError(f"the file is {name}; only UTF-8 is accepted{_SAVE_AS}", file=source)
    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    if b"\x00" in body:  # UTF-16 or UTF-32 without a mark, or binary: never in UTF-8 text
        raise DeployError(f"the file has NUL bytes (UTF-16 or UTF-32 without a byte-order mark?); only UTF-8 "
                          f"is accepted{_SAVE_AS}", file=source)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DeployError(f"the file is not valid UTF-8 (byte {exc.start}){_SAVE_AS}", file=source) from None
    declared = _XML_ENCODING.match(text)
    name = declared.group(1).strip() if declared else "utf-8"
    if name.lower() not in _UTF8_NAMES and not (name.lower() in _ASCII_NAMES and body.isascii()):
        raise DeployError(f"the file declares encoding {name!r}; only UTF-8 is accepted{_SAVE_AS}", file=source)
    match = _DECLARATION.search(text)
    if match:
        raise DeployError(f"{match.group(1).upper()} declarations are not allowed in process models", file=source)
    return body


def parse_model_bytes(data: bytes, source: str, max_bytes: int) -> etree._Element:
    """Return the root element of a vetted model file, or raise ``DeployError``."""
    if len(data) > max_bytes:
        raise DeployError(f"file is {len(data):,} bytes, larger than the {max_bytes:,}-byte limit", file=source)
    if not data.strip():
        raise DeployError("file is empty", file=source)
    body = _utf8_text(data, source)
    parser = etree.XMLParser(encoding="utf-8", resolve_entities=False, no_network=True, load_dtd=False,
                             dtd_validation=False, huge_tree=False, remove_pis=True, collect_ids=False)
    try:
        root = etree.fromstring(body, parser=parser)
    except etree.XMLSyntaxError as exc:
        line = getattr(exc, "lineno", None)
        raise DeployError(f"not well-formed XML{f' (line {line})' if line else ''}: {exc.msg}",
                          file=source) from None
    except ValueError as exc:
        raise DeployError(f"cannot read XML: {exc}", file=source) from None
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise DeployError("DOCTYPE declarations are not allowed in process models", file=source)
    if any(namespace_of(el.tag) == _XINCLUDE for el in root.iter()):
        raise DeployError("XInclude is not allowed in process models", file=source)
    count = sum(1 for _ in root.iter())
    if count > _MAX_ELEMENTS:
        raise DeployError(f"file has {count:,} XML elements, more than the {_MAX_ELEMENTS:,} allowed",
                          file=source)
    return root


def local_name(tag: object) -> str:
    """The local part of an element or attribute name ('' for comments and processing instructions)."""
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def namespace_of(tag: object) -> str:
    return (etree.QName(tag).namespace or "") if isinstance(tag, str) else ""


def owner_id(el: etree._Element) -> str | None:
    """The id of the element, or of its nearest ancestor that has one (for naming it in errors)."""
    node: etree._Element | None = el
    while node is not None:
        if node.get("id"):
            return str(node.get("id"))
        node = node.getparent()
    return None
