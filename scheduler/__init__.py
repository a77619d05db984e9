"""The scheduler process (``krabuan scheduler``).

APScheduler is only the ticker here (an in-memory job store, one job at a time: each tick arms the
next, one interval later, or at once when it stopped at its time limit with timers still due):
every tick claims due timer rows from the database with a lease and fires each through the engine
(``Krabuan.jobs``), checks the calendar triggers, and sends pending e-mail.
Timer rows are the source of truth; nothing is kept in APScheduler, so any number of schedulers
may run against one database, be killed or restarted, and every timer still fires exactly once.
This package never commits: every write is an engine operation.

The log (``krabuan.scheduler``) has one INFO line per thing done: each timer fired (its kind,
case, task and element), each case a calendar trigger started, each e-mail sent; a failed fire or
e-mail is a WARNING. APScheduler's own lines stay at WARNING (``cli.configure_logging``). Every
minute with something done, and every ten minutes in any case, one INFO summary line.

It stops cleanly at any point (SIGTERM, Ctrl-C): the timer being fired finishes, the others of its
batch are given back (their leases released, so another scheduler takes them at once), and it exits
0. When the database is unreachable it backs off (0.2 s doubling to 30 s), logs one ERROR when it
goes and one INFO when it is back, and gives back the leases of the batch it was firing.
"""
from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from engine import Conflict, EngineError, Krabuan, LeasedTimer, Unavailable

from .verifier import LOOK_SECONDS as VERIFY_LOOK_SECONDS
from .verifier import Verifier

log = logging.getLogger("krabuan.scheduler")
TRIGGER_CHECK_SECONDS = 30.0
EVENT_COUNT_SECONDS = 5.0  # how often the count of events is looked at for checkpoint_events
MAX_TICK_SECONDS = 10.0
SUMMARY_SECONDS, IDLE_SUMMARY_SECONDS = 60.0, 600.0
MAX_BACKOFF_SECONDS = 30.0


@dataclass
class TickReport:
    fired: int = 0
    lost: int = 0  # lease lost to another scheduler, or the timer was cancelled meanwhile
    failed: int = 0
    started: list[Any] = field(default_factory=list)
    mailed: int = 0
    mail_failed: int = 0


def default_owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class Scheduler:
    def __init__(self, engine: Krabuan, owner: str | None = None) -> None:
        self.engine = engine
        self.owner = owner or default_owner()
        settings = engine.settings
        self.batch = settings.scheduler_batch
        self.lease_seconds = settings.scheduler_lease_seconds
        self.interval = settings.scheduler_interval_ms / 1000
        self._next_trigger_check = 0.0
        self.stopping = threading.Event()
        self._held: list[int] = []  # leased to this scheduler and not fired yet (given back on stop or failure)
        self._down_since: float | None = None
        self._failures = 0
        self._next_try = 0.0
        self._totals = TickReport()
        self._summary_at = time.monotonic()
        self._checkpoint_every = settings.checkpoint_minutes * 60.0
        self._next_checkpoint = time.monotonic() + min(self._checkpoint_every, 60.0)
        self._checkpoint_events = settings.checkpoint_events
        self._events_at_checkpoint: int | None = None
        self._next_event_count = 0.0
        self.more_due = False  # the last tick stopped at its time limit with timers still due
        # Verifications run only by a scheduler that keeps running (not ``--once``): see scheduler.verifier.
        self.verifier = Verifier(engine, self.owner, first_look_after=VERIFY_LOOK_SECONDS)
        self.verifies = False

    def tick(self) -> TickReport:
        report = TickReport()
        self.more_due = self._fire_due(report)
        if time.monotonic() >= self._next_trigger_check:
            report.started = self.engine.jobs.run_triggers()
            self._next_trigger_check = time.monotonic() + TRIGGER_CHECK_SECONDS
            for s in report.started:
                log.info("started %s case %d for %s (calendar trigger %s)", s.process_id, s.instance_id, s.period,
                         s.trigger_id)
        self._mail(report)
        self._checkpoint()
        if self.verifies:
            self.verifier.look()
        if report.fired or report.failed or report.started or report.mailed or report.mail_failed:
            log.debug("tick: fired %d, lost %d, failed %d, started %d, mailed %d, mail failed %d", report.fired,
                      report.lost, report.failed, len(report.started), report.mailed, report.mail_failed)
        return report

    def _fire_due(self, report: TickReport) -> bool:
        """Claim and fire batches of due timers, for at most MAX_TICK_SECONDS; returns whether more
        are due (a full batch came back when the time was up: the next tick is not waited for)."""
        stop_at = time.monotonic() + MAX_TICK_SECONDS
        while not self.stopping.is_set():
            timers = self.engine.jobs.claim_timers(self.owner, self.batch, self.lease_seconds)
            self._held = [t.id for t in timers]
            for timer in timers:
                if self.stopping.is_set():
                    break
                self._fire(timer, report)
                self._held.remove(timer.id)
            self._give_back()
            if len(timers) < self.batch:
                return False  # nothing else was due (no claim that would come back empty)
            if time.monotonic() >= stop_at:
                return True
        return False

    def _fire(self, timer: LeasedTimer, report: TickReport) -> None:
        timer_id = timer.id
        try:
            done = self.engine.jobs.fire_timer(timer, self.owner)
        except Unavailable:
            raise  # not the timer's fault: the batch is given back when the database is reachable again
        except Conflict as exc:
            report.lost += 1
            log.info("timer %d not fired here: %s", timer_id, exc.message)
            return
        except EngineError as exc:
            report.failed += 1
            log.warning("timer %d failed: %s", timer_id, exc.message)
            self.engine.jobs.record_failure(timer_id, self.owner, exc)
            return
        report.fired += 1
        detail = f" ({done.detail})" if done.detail and done.detail != done.element_id else ""
        log.info("fired %s timer %d: case %s, task %s, element %s%s", done.kind, timer_id, done.instance_id,
                 done.task_id if done.task_id is not None else "-", done.element_id or "-", detail)

    def _checkpoint(self) -> None:
        """Every ``checkpoint_minutes``, and once ``checkpoint_events`` events were appended since
        the last checkpoint (looked at every few seconds)."""
        now = time.monotonic()
        due = bool(self._checkpoint_every) and now >= self._next_checkpoint
        if not due and self._checkpoint_events and now >= self._next_event_count:
            self._next_event_count = now + EVENT_COUNT_SECONDS
            written = self.engine.audit.events_written()
            if self._events_at_checkpoint is None:
                self._events_at_checkpoint = written
            due = written - self._events_at_checkpoint >= self._checkpoint_events
        if due:
            self._events_at_checkpoint = self.engine.audit.events_written()
            cases = self.engine.audit.checkpoint()
            self._next_checkpoint = now + (self._checkpoint_every or float("inf"))
            log.info("signed a checkpoint of %d case(s)' history heads", cases)

    def _mail(self, report: TickReport) -> None:
        for mail in self.engine.inbox.send_mail():
            if mail.sent:
                report.mailed += 1
                log.info("e-mailed notification %d to %s", mail.notification_id, mail.username)
            else:
                report.mail_failed += 1
                log.warning("e-mail of notification %d to %s failed: %s", mail.notification_id, mail.username,
                            mail.error)

    def _give_back(self) -> None:
        if self._held:
            released = self.engine.jobs.release_leases(self.owner, self._held)
            log.info("gave back %d leased timer(s) not fired here", released)
            self._held = []

    def stop(self) -> None:
        """Finish the timer being fired, give back the rest, stop ticking (any thread, any time)."""
        self.stopping.set()

    def _safe_tick(self) -> None:
        """One tick for the ticker: a database that is gone is waited for with a capped exponential
        backoff, said once when it goes and once when it is back."""
        now = time.monotonic()
        if self.stopping.is_set() or now < self._next_try:
            return
        try:
            if self._down_since is not None:
                self._give_back()  # the batch the connection dropped under
            self._add(self.tick())
        except Unavailable as exc:
            self._failures += 1
            self._next_try = now + min(MAX_BACKOFF_SECONDS, self.interval * 2 ** self._failures)
            if self._down_since is None:
                self._down_since = now
                log.error("database unreachable, retrying with backoff up to %.0f s: %s", MAX_BACKOFF_SECONDS,
                          exc.message)
            return
        except EngineError as exc:
            log.error("tick failed: %s", exc.message)
            return
        if self._down_since is not None:
            log.info("database reachable again after %.1f s", time.monotonic() - self._down_since)
            self._down_since, self._failures, self._next_try = None, 0, 0.0
        self._summary()

    def _add(self, report: TickReport) -> None:
        t = self._totals
        t.fired, t.lost, t.failed = t.fired + report.fired, t.lost + report.lost, t.failed + report.failed
        t.started += report.started
        t.mailed, t.mail_failed = t.mailed + report.mailed, t.mail_failed + report.mail_failed

    def _summary(self) -> None:
        t, elapsed = self._totals, time.monotonic() - self._summary_at
        busy = t.fired or t.lost or t.failed or t.started or t.mailed or t.mail_failed
        if (busy and elapsed >= SUMMARY_SECONDS) or elapsed >= IDLE_SUMMARY_SECONDS:
            log.info("last %.0f s: fired %d, lost %d, failed %d, cases started %d, e-mailed %d, e-mail failed %d",
                     elapsed, t.fired, t.lost, t.failed, len(t.started), t.mailed, t.mail_failed)
            self._totals, self._summary_at = TickReport(), time.monotonic()

    def _arm(self, ticker: Any, delay: float) -> None:
        """Have the ticker run the next tick ``delay`` seconds from now. Each tick arms the next one
        when it ends, so the ticker never finds a tick due while one runs (APScheduler would skip it
        with a WARNING at every interval of a long tick), and a tick that stopped at its time limit
        with timers still due is followed at once, not after an interval."""
        at = datetime.now(UTC) + timedelta(seconds=delay)
        ticker.add_job(self._tick_and_arm, "date", run_date=at, args=[ticker], id="tick", replace_existing=True)

    def _tick_and_arm(self, ticker: Any) -> None:
        self.more_due = False  # a tick skipped (backing off) or failed says nothing is due at once
        try:
            self._safe_tick()
        finally:
            if not self.stopping.is_set():
                self._arm(ticker, 0.0 if self.more_due else self.interval)

    def start_background(self) -> Any:
        """Tick in a thread of this process (``krabuan serve``: the web app and the scheduler in
        one process); returns the APScheduler, whose ``shutdown()`` stops it."""
        from apscheduler.executors.pool import ThreadPoolExecutor
        from apscheduler.jobstores.memory import MemoryJobStore
        from apscheduler.schedulers.background import BackgroundScheduler

        ticker = BackgroundScheduler(jobstores={"default": MemoryJobStore()},
                                     executors={"default": ThreadPoolExecutor(1)},
                                     job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None})
        self.verifies = True
        self._arm(ticker, self.interval)
        ticker.start()
        log.info("scheduler %s ticking every %.3f s in the web process", self.owner, self.interval)
        return ticker

    def run(self) -> None:
        """Tick until SIGTERM/SIGINT."""
        from apscheduler.executors.pool import ThreadPoolExecutor
        from apscheduler.jobstores.memory import MemoryJobStore
        from apscheduler.schedulers.blocking import BlockingScheduler

        ticker = BlockingScheduler(jobstores={"default": MemoryJobStore()},
                                   executors={"default": ThreadPoolExecutor(1)},
                                   job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None})

        def stop(_signum: int, _frame: Any) -> None:
            self.stop()
            if ticker.running:
                ticker.shutdown(wait=False)
        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        log.info("scheduler %s ticking every %.3f s", self.owner, self.interval)
        self.verifies = True
        self._safe_tick()
        if not self.stopping.is_set():
            self._arm(ticker, 0.0 if self.more_due else self.interval)
            ticker.start()
        self._give_back()
        self.verifier.stop()
        log.info("scheduler %s stopped", self.owner)
