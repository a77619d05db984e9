"""The system-wide verification in the background: every ``verify_hours`` and whenever an auditor
asks, one scheduler claims the run (engine.Audit.claim_verification: one at a time across every
scheduler) and verifies every case in a thread of its own, so that timers keep firing meanwhile.
The auditor's verify page shows the newest run's result."""
from __future__ import annotations

import logging
import threading
import time

from engine import EngineError, Krabuan

log = logging.getLogger("krabuan.scheduler")
LOOK_SECONDS = 15.0  # how often a scheduler looks for a run asked for or due


class Verifier:
    def __init__(self, engine: Krabuan, owner: str, first_look_after: float = 0.0) -> None:
        """``first_look_after``: seconds before the first look (a scheduler waits LOOK_SECONDS, so
        that one started for a moment, as ``--once`` or a test, never begins a run it would leave)."""
        self.engine, self.owner = engine, owner
        self._thread: threading.Thread | None = None
        self._run_id: int | None = None
        self._next_look = time.monotonic() + first_look_after

    @property
    def busy(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def look(self) -> bool:
        """Claim a run asked for or due and start it in its thread (True), unless one runs here."""
        now = time.monotonic()
        if self.busy or now < self._next_look:
            return False
        self._next_look = now + LOOK_SECONDS
        run_id = self.engine.audit.claim_verification(self.owner)
        if run_id is None:
            return False
        self._run_id = run_id
        self._thread = threading.Thread(target=self._run, args=(run_id,), name="krabuan-verify", daemon=True)
        self._thread.start()
        return True

    def _run(self, run_id: int) -> None:
        started = time.monotonic()
        try:
            found = self.engine.audit.run_verification(run_id)
        except EngineError as exc:
            log.error("verification %d failed: %s", run_id, exc.message)
            return
        except Exception:  # a thread's failure is logged, never lost
            log.exception("verification %d failed", run_id)
            return
        finally:
            self._run_id = None
        if found is not None:
            log.info("verified %d case(s), %d event(s) in %.1f s: %s", found.cases, found.events,
                     time.monotonic() - started, "whole" if found.ok else f"{len(found.findings)} problem(s)")

    def stop(self) -> None:
        """The scheduler stops: a run still going here ends as failed, so another scheduler may start one."""
        run_id = self._run_id
        if self.busy and run_id is not None:
            try:
                self.engine.audit.give_up_verification(run_id, "its scheduler stopped before it finished")
            except EngineError as exc:
                log.warning("could not mark verification %d as stopped: %s", run_id, exc.message)
