"""Bounds on what callers hand the engine: JSON text and nested data by size and depth, and text
that is really text (no lone surrogates). Checked before anything walks or stores it, so that a
deeply nested or oversized value is one clear InvalidInput, never a RecursionError or a traceback."""
from __future__ import annotations

import json
from typing import Any

from ..errors import InvalidInput

MAX_DEPTH = 32
MAX_JSON_BYTES = 1024 * 1024


def loads(text: str | bytes, what: str = "the data", max_bytes: int = MAX_JSON_BYTES) -> Any:
    """JSON text as a value, or InvalidInput naming ``what``: larger than ``max_bytes``, nested
    deeper than MAX_DEPTH (checked on the text before parsing), not JSON, or not UTF-8 text."""
    if len(text) > max_bytes:
        raise InvalidInput(f"{what} is larger than {max_bytes // 1024} KiB")
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InvalidInput(f"{what} is not UTF-8 (byte {exc.start})") from None
    if _text_depth(text) > MAX_DEPTH:
        raise InvalidInput(f"{what} is nested deeper than {MAX_DEPTH} levels")
    try:
        value = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise InvalidInput(f"{what} is not valid JSON: {str(exc).splitlines()[0][:200]}") from None
    check_value(value, what)
    return value


def _text_depth(text: str) -> int:
    """How deep the brackets of JSON text nest (outside strings), without parsing it."""
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


def check_value(value: Any, what: str = "the data") -> None:
    """A value built of JSON types, nested at most MAX_DEPTH deep, whose texts are valid Unicode
    (a lone surrogate such as "\\ud800" cannot be stored or shown); InvalidInput otherwise.
    Iterative: a deep value cannot exhaust the stack."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise InvalidInput(f"{what} is nested deeper than {MAX_DEPTH} levels")
        if isinstance(item, str):
            _check_text(item, what)
        elif isinstance(item, dict):
            for key, inner in item.items():
                if not isinstance(key, str):
                    raise InvalidInput(f"{what} has a key that is not text: {key!r}"[:200])
                _check_text(key, what)
                stack.append((inner, depth + 1))
        elif isinstance(item, (list, tuple)):
            stack.extend((inner, depth + 1) for inner in item)
        elif item is not None and not isinstance(item, (bool, int, float)):
            raise InvalidInput(f"{what} holds a {type(item).__name__}, which is not a JSON value")


def _check_text(text: str, what: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InvalidInput(f"{what} holds text that is not valid Unicode (a lone surrogate at character "
                           f"{exc.start})") from None


load_json = loads  # the name the edges import (engine.load_json)
