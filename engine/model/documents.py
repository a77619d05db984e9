"""Model files read and vetted before anything is compiled or stored (engine.services.repository)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from ..errors import DeployError
from .definitions import lint_document
from .xmlguard import parse_model_bytes

MODEL_SUFFIXES = (".bpmn", ".bpmn20.xml", ".dmn")


@dataclass
class Document:
    source: str
    data: bytes
    root: etree._Element
    is_dmn: bool


def expand_paths(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.is_file() and p.name.endswith(MODEL_SUFFIXES))
        elif path.is_file():
            files.append(path)
        else:
            raise DeployError("no such file or folder", file=str(path))
    return files


def read_documents(files: list[Path], max_bytes: int) -> list[Document]:
    documents = []
    for path in files:
        source = str(path)
        try:
            size = path.stat().st_size
            if size > max_bytes:
                raise DeployError(f"file is {size:,} bytes, larger than the {max_bytes:,}-byte limit", file=source)
            data = path.read_bytes()
        except OSError as exc:
            raise DeployError(f"cannot read file: {exc.strerror}", file=source) from None
        documents.append(parse_document(data, source, max_bytes))
    return documents


def parse_document(data: bytes, source: str, max_bytes: int) -> Document:
    root = parse_model_bytes(data, source, max_bytes)
    is_dmn = "DMN" in (etree.QName(root.tag).namespace or "")
    if not is_dmn:
        lint_document(root, source)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        raise DeployError("model files must be UTF-8 encoded", file=source) from None
    return Document(source, data, root, is_dmn)
