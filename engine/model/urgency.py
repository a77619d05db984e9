"""Urgency of a case (ชั้นความเร็ว of Thai official correspondence): a rank the worklist sorts
by, most urgent first. Set when the case is started; its lane may change it."""
from __future__ import annotations

from dataclasses import dataclass

from ..errors import InvalidInput


@dataclass(frozen=True)
class Urgency:
    rank: int
    code: str
    th: str
    en: str


URGENCIES = (
    Urgency(1, "most_urgent", "ด่วนที่สุด", "Most urgent"),
    Urgency(2, "very_urgent", "ด่วนมาก", "Very urgent"),
    Urgency(3, "urgent", "ด่วน", "Urgent"),
    Urgency(4, "normal", "ปกติ", "Normal"),
)
NORMAL = URGENCIES[-1]
_BY_CODE = {u.code: u for u in URGENCIES}
_BY_RANK = {u.rank: u for u in URGENCIES}
CODES = tuple(_BY_CODE)


def by_code(code: str) -> Urgency:
    try:
        return _BY_CODE[code]
    except KeyError:
        raise InvalidInput(f"urgency {code!r} is not one of {', '.join(CODES)}", field="urgency") from None


def by_rank(rank: int) -> Urgency:
    return _BY_RANK.get(rank, NORMAL)


MAX_TITLE = 500


@dataclass(frozen=True)
class CaseHeader:
    """What a case is called on the worklist (its subject or reference) and how urgent it is."""

    title: str = ""
    urgency: str = NORMAL.code

    def checked(self) -> CaseHeader:
        title = " ".join(self.title.split())
        if len(title) > MAX_TITLE:
            raise InvalidInput(f"a case title has at most {MAX_TITLE} characters", field="title")
        by_code(self.urgency)
        return CaseHeader(title, self.urgency)

    @property
    def rank(self) -> int:
        return by_code(self.urgency).rank
