"""Vet BPMN/DMN bytes before anything else parses them.

Refuses files over the size cap, any DOCTYPE or ENTITY declaration, and anything a strict
lxml parser (no DTD, no entities, no network, no huge trees) cannot read. SpiffWorkflow
only ever sees the tree this module returns.
"""
from __future__ import annotations

import re

from lxml import etree

from ..errors import DeployError

_DECLARATION = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.I)
_MAX_ELEMENTS = 50_000


def parse_model_bytes(data: bytes, source: str, max_bytes: int) -> etree._Element:
    """Return the root element of a vetted model file, or raise ``DeployError``."""
    if len(data) > max_bytes:
        raise DeployError(f"file is {len(data):,} bytes, larger than the {max_bytes:,}-byte limit", file=source)
    if not data.strip():
        raise DeployError("file is empty", file=source)
    probe = data
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        probe = data.decode("utf-16", errors="replace").encode("utf-8", errors="replace")
    match = _DECLARATION.search(probe)
    if match:
        kind = match.group(1).decode().upper()
        raise DeployError(f"{kind} declarations are not allowed in process models", file=source)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                             huge_tree=False, remove_pis=True, collect_ids=False)
    try:
        root = etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError as exc:
        line = getattr(exc, "lineno", None)
        raise DeployError(f"not well-formed XML{f' (line {line})' if line else ''}: {exc.msg}",
                          file=source) from None
    except ValueError as exc:
        raise DeployError(f"cannot read XML: {exc}", file=source) from None
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
