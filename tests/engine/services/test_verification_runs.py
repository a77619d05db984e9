"""The system-wide verification in the background (engine.services.audit, engine.store.
verification_runs, scheduler.verifier) on SQLite and PostgreSQL: an auditor asks, one scheduler
claims it (never two at once), the result is kept for the verify page; the clock asks every
``verify_hours``; a run left by a stopped scheduler is given up; a failure is kept with its reason."""
from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest

from engine import Krabuan, NotFound
from helpers import drive_sop
from scheduler.verifier import Verifier

NOW = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)


@pytest.fixture
def auditor(k):
    k.ctx.fixed_now = NOW
    return k.accounts.account("auditor1")


def test_an_auditor_asks_and_one_scheduler_verifies(k, auditor):
    cases = [drive_sop(k, roundtrip=False)[0] for _ in range(2)]
    asked = k.audit.request_verification(auditor)
    assert (asked.state, asked.requested_by) == ("waiting", "auditor1")
    assert k.audit.request_verification(auditor).id == asked.id  # asked twice: one run
    first = k.audit.claim_verification("scheduler-a")
    assert first == asked.id
    assert k.audit.claim_verification("scheduler-b") is None  # one run at a time, across schedulers
    assert k.audit.verification_status(auditor).pending.state == "running"
    k.ctx.fixed_now = NOW + timedelta(seconds=3)
    found = k.audit.run_verification(first)
    assert found.ok and found.cases == len(cases)
    status = k.audit.verification_status(auditor)
    assert status.pending is None and status.newest.id == first and status.newest.state == "finished"
    assert status.newest.summary.cases == len(cases) and status.newest.seconds == 3.0
    assert status.newest.summary.events == sum(len(k.cases.show(i).history) for i in cases)
    assert status.to_json()["newest"]["summary"]["ok"] is True


def test_the_clock_asks_once_a_period(k, auditor):
    """verify_hours is 24 by default: the first run is due at once, the next a day after it was asked for."""
    run = k.audit.claim_verification("scheduler-a")
    assert run is not None
    k.audit.run_verification(run)
    assert k.audit.verification_status(auditor).newest.requested_by is None  # by the clock
    k.ctx.fixed_now = NOW + timedelta(hours=23)
    assert k.audit.claim_verification("scheduler-a") is None  # not due yet
    k.ctx.fixed_now = NOW + timedelta(hours=24, minutes=1)
    again = k.audit.claim_verification("scheduler-b")
    assert again is not None and again != run
    assert k.audit.claim_verification("scheduler-a") is None


def test_only_when_asked_with_verify_hours_0(k, tmp_path):
    quiet = Krabuan(k.settings.with_overrides(verify_hours=0))
    try:
        assert quiet.audit.claim_verification("scheduler-a") is None
        quiet.audit.request_verification(quiet.accounts.account("auditor1"))
        assert quiet.audit.claim_verification("scheduler-a") is not None
    finally:
        quiet.close()


def test_a_run_left_by_a_stopped_scheduler_is_given_up(k, auditor):
    run = k.audit.claim_verification("scheduler-gone")
    k.ctx.fixed_now = NOW + timedelta(minutes=59)
    assert k.audit.claim_verification("scheduler-b") is None  # still running, as far as anyone knows
    k.ctx.fixed_now = NOW + timedelta(hours=1, minutes=1)
    asked = k.audit.request_verification(auditor)
    assert asked.id != run and asked.state == "waiting"
    status = k.audit.verification_status(auditor)
    assert status.newest.id == run and status.newest.state == "failed" and "stopped" in status.newest.error
    k.audit.give_up_verification(asked.id, "its scheduler stopped before it finished")
    assert k.audit.verification_status(auditor).pending is None


def test_a_failure_is_kept_with_its_reason(k, auditor, monkeypatch):
    run = k.audit.claim_verification("scheduler-a")

    def broken():
        raise RuntimeError("disk full")
    monkeypatch.setattr(k.audit, "summary", broken)
    with pytest.raises(RuntimeError):
        k.audit.run_verification(run)
    newest = k.audit.verification_status(auditor).newest
    assert newest.state == "failed" and newest.error == "RuntimeError: disk full" and newest.summary is None


def test_only_auditors(k):
    for who in ("clerk1", "admin1"):
        account = k.accounts.account(who)
        with pytest.raises(NotFound):
            k.audit.request_verification(account)
        with pytest.raises(NotFound):
            k.audit.verification_status(account)


def test_the_scheduler_verifies_in_a_thread_and_logs_it(k, auditor, caplog):
    drive_sop(k, roundtrip=False)
    k.audit.request_verification(auditor)
    caplog.set_level(logging.INFO, logger="krabuan.scheduler")
    verifier = Verifier(k, "scheduler-a")
    assert verifier.look()
    verifier._thread.join(60)
    assert not verifier.look()  # looked a moment ago (every few seconds), and nothing is asked for
    assert any(r.getMessage().startswith("verified 1 case(s)") for r in caplog.records)
    assert k.audit.verification_status(auditor).newest.summary.ok


def test_a_scheduler_that_keeps_running_verifies_a_while_after_it_starts(k, auditor):
    """Not at once: a scheduler started for a moment (``--once``, a test) never begins a run it would leave."""
    from scheduler import Scheduler

    k.audit.request_verification(auditor)
    runner = Scheduler(k, "scheduler-a")
    runner.verifies = True  # as run() and start_background() set it
    runner.tick()
    assert not runner.verifier.busy and k.audit.verification_status(auditor).pending.state == "waiting"
    runner.verifier._next_look = 0.0  # LOOK_SECONDS later
    runner.tick()
    runner.verifier._thread.join(60)
    assert k.audit.verification_status(auditor).newest.state == "finished"
    once = Scheduler(k, "scheduler-once")  # --once: never verifies
    k.audit.request_verification(auditor)
    once.verifier._next_look = 0.0
    once.tick()
    assert not once.verifier.busy and k.audit.verification_status(auditor).pending.state == "waiting"
