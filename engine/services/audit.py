"""The auditor's operations: verify the tamper-evident history, and sign checkpoints of it.

Verifying every case takes time in proportion to the history (about 1.5 ms a case of twenty
events; minutes at 100,000 cases), so the auditor's verify page does not verify per view: it shows
the newest background run (``verification_status``). A scheduler runs one every ``verify_hours``
and whenever an auditor asks (``request_verification``), one at a time across every scheduler
(engine.store.verification_runs). ``verify`` itself, and ``krabuan audit verify``, verify now.
"""
from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from ..context import Context
from ..errors import NotFound
from ..event_log_results import (
    Finding,
    IntegritySummary,
    VerificationRunView,
    VerificationStatus,
    finding_kind,
)
from ..operation import work
from ..results import Account, ChainReport
from ..store import checkpoint_rows, history, verification_runs
from ..store.verification_runs import Outcome, RunRow
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

    def request_verification(self, viewer: Account) -> VerificationRunView:
        """An auditor asks for every case to be verified now, in the background (the run already
        asked for or running, if there is one)."""
        _check_auditor(viewer)
        with work(self.ctx) as w:
            return _view(verification_runs.request(w.conn, viewer.username, w.now))

    def verification_status(self, viewer: Account) -> VerificationStatus:
        """The newest finished run and the one asked for or running (auditors)."""
        _check_auditor(viewer)
        with work(self.ctx, write=False) as w:
            newest, pending = verification_runs.newest_finished(w.conn), verification_runs.open_run(w.conn)
        return VerificationStatus(_view(newest) if newest else None, _view(pending) if pending else None,
                                  self.ctx.settings.verify_hours)

    def claim_verification(self, owner: str) -> int | None:
        """For a scheduler: the run to do now (asked for, or due every ``verify_hours``), claimed
        for ``owner``; None when there is none or another scheduler has it."""
        hours = self.ctx.settings.verify_hours
        with work(self.ctx) as w:
            return verification_runs.claim(w.conn, owner, w.now, timedelta(hours=hours) if hours else None)

    def run_verification(self, run_id: int) -> IntegritySummary | None:
        """Verify every case for a claimed run and keep what it found (or why it failed)."""
        try:
            found = self.summary()
        except Exception as error:  # kept on the run for the auditor, then raised to the scheduler's log
            with work(self.ctx) as w:
                verification_runs.finish(w.conn, run_id, Outcome(error=f"{type(error).__name__}: {error}"[:2000]),
                                         w.now)
            raise
        outcome = Outcome(found.cases, found.events, [f.to_json() for f in found.findings],
                          (found.checkpoint_at, found.checkpoint_cases))
        with work(self.ctx) as w:
            verification_runs.finish(w.conn, run_id, outcome, w.now)
        return found

    def give_up_verification(self, run_id: int, why: str) -> None:
        """A scheduler stopping while it runs one: the run ends, failed, so that another may start."""
        with work(self.ctx) as w:
            verification_runs.finish(w.conn, run_id, Outcome(error=why), w.now)


def _check_auditor(viewer: Account) -> None:
    if not viewer.has_role("auditor"):
        raise NotFound("no such page")


def _view(row: RunRow) -> VerificationRunView:
    summary = None
    if row.finished_at is not None and not row.error:
        findings = tuple(Finding(ChainReport(f["instance_id"], f["events"], f["ok"], f.get("first_bad_seq"),
                                             f.get("reason", "")), f["kind"]) for f in row.findings)
        summary = IntegritySummary(row.cases or 0, row.events or 0, findings, row.checkpoint_at,
                                   row.checkpoint_cases)
    return VerificationRunView(row.id, row.requested_by, row.requested_at, row.started_at, row.finished_at,
                               summary, row.error)
