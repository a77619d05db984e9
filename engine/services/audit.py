"""The auditor's operations: verify the tamper-evident history."""
from __future__ import annotations

from collections.abc import Iterator

from ..context import Context
from ..results import ChainReport
from ..store import history
from . import checkpoints


class Audit:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def verify(self, instance_id: int | None = None) -> Iterator[ChainReport]:
        """Recompute every case's hash chain (or one case's) and compare its rows with it; then
        compare the database with the newest signed checkpoint (what was deleted, cut or
        rewritten since). One report per case."""
        folder = self.ctx.settings.data_dir
        with self.ctx.db.unit_of_work(write=False) as conn:
            reports = {r.instance_id: r for r in history.verify(conn, instance_id)}
            checkpoint = checkpoints.newest(folder)
            if checkpoint is not None:
                for found in checkpoints.compare(checkpoint, history.heads(conn),
                                                 lambda i, seq: history.hash_at(conn, i, seq)):
                    earlier = reports.get(found.instance_id)
                    if instance_id in (None, found.instance_id) and (earlier is None or earlier.ok):
                        reports[found.instance_id] = found
        yield from (reports[i] for i in sorted(reports))

    def checkpoint(self) -> int:
        """Write a signed checkpoint of every case's chain head outside the database; how many cases."""
        with self.ctx.db.unit_of_work(write=False) as conn:
            heads, now = history.heads(conn), self.ctx.now(conn)
        return checkpoints.write(self.ctx.settings.data_dir, heads, now).cases
