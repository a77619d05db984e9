"""What a worklist view can be narrowed to (pure; the queries are in engine.store.worklist)."""
from __future__ import annotations

from dataclasses import dataclass

from ..errors import InvalidInput

MAX_TEXT = 100


@dataclass(frozen=True)
class WorklistFilter:
    """Narrow a view to one procedure and/or a free text (in the step's name or the case's title,
    or the case's number)."""

    process_id: str | None = None
    text: str = ""

    def checked(self) -> WorklistFilter:
        text = " ".join(self.text.split())
        if len(text) > MAX_TEXT:
            raise InvalidInput(f"a search text has at most {MAX_TEXT} characters", field="q")
        return WorklistFilter(self.process_id or None, text)
