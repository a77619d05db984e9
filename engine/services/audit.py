"""The auditor's operations: verify the tamper-evident history, and sign checkpoints of it."""
from __future__ import annotations

from collections.abc import Iterator

from ..context import Context
from ..event_log_results import Finding, IntegritySummary, finding_kind
from ..results import ChainReport
from ..store import checkpoint_rows, history
from . import checkpoints


class Audit:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def verify(self, instance_id: int | None = None) -> Iterator[ChainReport]:
        """Recompute every case's hash chain (or one case's) with the server key and compare its
        rows and stored state with it; then compare the database with the newest signed checkpoint
        (what was deleted, cut or rewritten since). One report per case."""
        key = self.ctx.server_key
        with self.ctx.db.unit_of_work(write=False) as conn:
            reports = {r.instance_id: r for r in history.verify(conn, key.chain, instance_id)}
            checkpoint = checkpoints.newest(self.ctx.settings.data_dir, key.signer().public_key(),
                                            checkpoint_rows.newest_lines(conn))
            if checkpoint is not None and instance_id is not None:  # one case (its page's badge): its head only
                checkpoint = checkpoints.only(checkpoint, instance_id)
            if checkpoint is not None:
                for found in checkpoints.compare(checkpoint, history.heads(conn, instance_id),
                                                 lambda i, seq: history.hash_at(conn, i, seq)):
                    earlier = reports.get(found.instance_id)
                    if instance_id in (None, found.instance_id) and (earlier is None or earlier.ok):
                        reports[found.instance_id] = found
        yield from (reports[i] for i in sorted(reports))

    def summary(self) -> IntegritySummary:
        """The system-wide verification for the auditor's page: every case verified (``verify``),
        the newest signed checkpoint, and what is missing, cut or rewritten."""
        reports = list(self.verify())
        with self.ctx.db.unit_of_work(write=False) as conn:
            checkpoint = checkpoints.newest(self.ctx.settings.data_dir, self.ctx.server_key.signer().public_key(),
                                            checkpoint_rows.newest_lines(conn))
        return IntegritySummary(len(reports), sum(r.events for r in reports),
                                tuple(Finding(r, finding_kind(r.reason)) for r in reports if not r.ok),
                                checkpoint.at if checkpoint else None, checkpoint.cases if checkpoint else None)

    def checkpoint(self) -> int:
        """Sign every case's chain head into the data folder's checkpoint log and its mirror in the
        database; how many cases."""
        with self.ctx.db.unit_of_work() as conn:
            heads, now = history.heads(conn), self.ctx.now(conn)
            line = checkpoints.write(self.ctx.settings.data_dir, self.ctx.server_key.signer(), heads, now)
            checkpoint_rows.add(conn, line, now)
        return len(heads)

    def events_written(self) -> int:
        """A number that grows by one with every event appended (the scheduler checkpoints after
        ``checkpoint_events`` of them)."""
        with self.ctx.db.unit_of_work(write=False) as conn:
            return history.last_event_id(conn)
