"""The scheduler process (``krabuan scheduler``).

APScheduler is only the ticker here (an in-memory job store, one job, ``max_instances=1``,
coalescing): every tick claims due timer rows from the database with a lease and fires each
through the engine (``Krabuan.jobs``), checks the calendar triggers, and sends pending e-mail.
Timer rows are the source of truth; nothing is kept in APScheduler, so any number of schedulers
may run against one database, be killed or restarted, and every timer still fires exactly once.
This package never commits: every write is an engine operation.

The log (``krabuan.scheduler``) has one INFO line per thing done: each timer fired (its kind,
case, task and element), each case a calendar trigger started, each e-mail sent; a failed fire or
e-mail is a WARNING. APScheduler's own lines stay at WARNING (``cli.configure_logging``).
"""
from __future__ import annotations

import logging
import os
import signal
import socket
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from engine import Conflict, EngineError, Krabuan

log = logging.getLogger("krabuan.scheduler")
TRIGGER_CHECK_SECONDS = 30.0
MAX_TICK_SECONDS = 10.0


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

    def tick(self) -> TickReport:
        report = TickReport()
        stop_at = time.monotonic() + MAX_TICK_SECONDS
        while time.monotonic() < stop_at:
            ids = self.engine.jobs.claim_timers(self.owner, self.batch, self.lease_seconds)
            if not ids:
                break
            for timer_id in ids:
                self._fire(timer_id, report)
        if time.monotonic() >= self._next_trigger_check:
            report.started = self.engine.jobs.run_triggers()
            self._next_trigger_check = time.monotonic() + TRIGGER_CHECK_SECONDS
            for s in report.started:
                log.info("started %s case %d for %s (calendar trigger %s)", s.process_id, s.instance_id, s.period,
                         s.trigger_id)
        self._mail(report)
        if report.fired or report.failed or report.started or report.mailed or report.mail_failed:
            log.debug("tick: fired %d, lost %d, failed %d, started %d, mailed %d, mail failed %d", report.fired,
                      report.lost, report.failed, len(report.started), report.mailed, report.mail_failed)
        return report

    def _fire(self, timer_id: int, report: TickReport) -> None:
        try:
            done = self.engine.jobs.fire_timer(timer_id, self.owner)
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

    def _mail(self, report: TickReport) -> None:
        for mail in self.engine.inbox.send_mail():
            if mail.sent:
                report.mailed += 1
                log.info("e-mailed notification %d to %s", mail.notification_id, mail.username)
            else:
                report.mail_failed += 1
                log.warning("e-mail of notification %d to %s failed: %s", mail.notification_id, mail.username,
                            mail.error)

    def _safe_tick(self) -> None:
        try:
            self.tick()
        except EngineError as exc:  # e.g. the database is briefly unreachable: next tick retries
            log.error("tick failed: %s", exc.message)

    def start_background(self) -> Any:
        """Tick in a thread of this process (``krabuan serve``: the web app and the scheduler in
        one process); returns the APScheduler, whose ``shutdown()`` stops it."""
        from apscheduler.executors.pool import ThreadPoolExecutor
        from apscheduler.jobstores.memory import MemoryJobStore
        from apscheduler.schedulers.background import BackgroundScheduler

        ticker = BackgroundScheduler(jobstores={"default": MemoryJobStore()},
                                     executors={"default": ThreadPoolExecutor(1)},
                                     job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None})
        ticker.add_job(self._safe_tick, "interval", seconds=self.interval, id="tick")
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
        ticker.add_job(self._safe_tick, "interval", seconds=self.interval, id="tick")

        def stop(_signum: int, _frame: Any) -> None:
            ticker.shutdown(wait=False)
        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        log.info("scheduler %s ticking every %.3f s", self.owner, self.interval)
        self._safe_tick()
        ticker.start()
