"""Secrecy levels (ชั้นความลับ, R-COR-08): ปกติ, ลับ, ลับมาก, ลับที่สุด, by rank. Kept apart from the
registers file's schema so that what only needs the levels (e.g. the evidence check of files) does
not import pydantic or YAML."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import InvalidInput


@dataclass(frozen=True)
class Secrecy:
    code: str
    rank: int
    th: str
    en: str


SECRECY = (Secrecy("normal", 0, "ปกติ", "normal"), Secrecy("secret", 1, "ลับ", "secret"),
           Secrecy("very_secret", 2, "ลับมาก", "very secret"), Secrecy("most_secret", 3, "ลับที่สุด", "most secret"))
SECRECY_CODES = tuple(s.code for s in SECRECY)
MOST_SECRET = SECRECY[-1]
_BY_CODE = {s.code: s for s in SECRECY}
_BY_TH = {s.th: s for s in SECRECY}


def secrecy_of(value: Any) -> Secrecy:
    """A secrecy level from its code or its Thai word; nothing is normal; anything else is refused."""
    if value is None or value == "":
        return SECRECY[0]
    found = _BY_CODE.get(str(value)) or _BY_TH.get(str(value))
    if found is None:
        raise InvalidInput(f"secrecy is one of {', '.join(SECRECY_CODES)}", field="secrecy")
    return found
