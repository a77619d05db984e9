"""What an event records of the state its operation left: digests of the stored workflow state
and case data (engine.store.history writes them, engine.store.agreement compares)."""
from __future__ import annotations

import hashlib
import json
from typing import Any


def state_digests(state_json: str, data_json: str) -> dict[str, str]:
    return {"workflow": hashlib.sha256(state_json.encode("utf-8")).hexdigest(),
            "data": hashlib.sha256(data_json.encode("utf-8")).hexdigest(),
            "case": case_digest(json.loads(data_json))}


def case_digest(data: Any) -> str:
    """The case data's digest whatever the order of its keys (the auditor's replay re-runs the case
    from the recorded inputs, whose JSON is canonical, and compares it with this)."""
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
