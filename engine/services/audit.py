"""The auditor's operations: verify the tamper-evident history."""
from __future__ import annotations

from collections.abc import Iterator

from ..context import Context
from ..results import ChainReport
from ..store import history


class Audit:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def verify(self, instance_id: int | None = None) -> Iterator[ChainReport]:
        """Recompute every case's hash chain (or one case's); one report per case."""
        with self.ctx.db.unit_of_work(write=False) as conn:
            yield from history.verify(conn, instance_id)
