"""What the auditor's deterministic re-execution returns (engine.services.replay, ``krabuan audit
replay``): frozen dataclasses, each serialising itself once (``to_json``), like engine.results."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Divergence:
    """The first point where the re-run case parts from its history: the event (``at_event_seq``),
    what differs (``path``, ``task``, ``data``, ``status``, ``register_number``, ``signature``,
    ``input``), and both sides: what the history recorded and what the re-run produced."""

    at_event_seq: int
    what: str
    recorded: Any
    replayed: Any
    detail: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"at_event_seq": self.at_event_seq, "what": self.what, "recorded": self.recorded,
                "replayed": self.replayed, "detail": self.detail}


@dataclass(frozen=True)
class ReplayReport:
    """One case re-run from its recorded inputs on its recorded version(s): ``ok`` when it took the
    same path, made the same task rows, carried the same register numbers and ended in the same
    state; ``steps`` is how many history events were replayed; ``digest`` the final state's digest
    (status, case data, open steps) the re-run reached, equal to the recorded one when ``ok``."""

    instance_id: int
    process_id: str
    version: int
    ok: bool
    steps: int
    divergence: Divergence | None = None
    digest: str = ""
    versions: tuple[int, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"instance_id": self.instance_id, "process_id": self.process_id, "version": self.version,
                "versions": list(self.versions), "ok": self.ok, "steps": self.steps, "digest": self.digest,
                "divergence": self.divergence.to_json() if self.divergence else None}

    def line(self) -> str:
        """One line for the CLI."""
        head = f"case {self.instance_id} ({self.process_id} v{self.version}): "
        if self.ok:
            return head + f"replays clean ({self.steps} events, state {self.digest[:12]})"
        d = self.divergence
        assert d is not None
        return head + (f"DIVERGES at event {d.at_event_seq} ({d.what}): recorded {_short(d.recorded)}, "
                       f"replayed {_short(d.replayed)}" + (f" - {d.detail}" if d.detail else ""))


def _short(value: Any, limit: int = 300) -> str:
    """A side of a divergence on one line (--json has it whole)."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "…"
