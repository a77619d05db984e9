"""What an event records of the state its operation left: digests of the stored workflow state
and case data (engine.store.history writes them, engine.store.agreement compares)."""
from __future__ import annotations

import hashlib


def state_digests(state_json: str, data_json: str) -> dict[str, str]:
    return {"workflow": hashlib.sha256(state_json.encode("utf-8")).hexdigest(),
            "data": hashlib.sha256(data_json.encode("utf-8")).hexdigest()}
