"""What moving cases to another version of their process returns (engine.services.migration):
frozen dataclasses, each serialising itself once (``to_json``), like engine.results."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class MigrationDiff:
    """What a move changes for one case (BPMN element ids): the steps it waits in, its steps whose
    definition changed, and the steps the new version adds and removes."""

    waiting: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"waiting": list(self.waiting), "changed": list(self.changed), "added": list(self.added),
                "removed": list(self.removed)}


@dataclass(frozen=True)
class MigrationPlan:
    """A running case of an older version, whether it can move to the new one (else why not), and
    what would change: one line of a dry run."""

    instance_id: int
    title: str
    from_version: int
    to_version: int
    can_move: bool
    reasons: tuple[str, ...]
    diff: MigrationDiff

    def to_json(self) -> dict[str, Any]:
        return {"instance_id": self.instance_id, "title": self.title, "from_version": self.from_version,
                "to_version": self.to_version, "can_move": self.can_move, "reasons": list(self.reasons),
                **self.diff.to_json()}


@dataclass(frozen=True)
class MigrationOutcome:
    """What happened to one case asked to move: ``migrated``; ``refused`` (it cannot move, the
    reasons say why; untouched); ``conflict`` (it was changed by someone else at the same time;
    untouched, try again)."""

    instance_id: int
    outcome: str
    from_version: int | None
    to_version: int
    reasons: tuple[str, ...] = ()
    diff: MigrationDiff = MigrationDiff()

    @property
    def migrated(self) -> bool:
        return self.outcome == "migrated"

    def to_json(self) -> dict[str, Any]:
        return {"instance_id": self.instance_id, "outcome": self.outcome, "from_version": self.from_version,
                "to_version": self.to_version, "reasons": list(self.reasons), **self.diff.to_json()}
