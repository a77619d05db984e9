"""The scheduler as separate processes on the real database clock: a timer that came due while
every scheduler was down fires once after restart; two schedulers, one killed with SIGKILL midway,
fire 1,000 timers exactly once between them."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

from concurrent.futures import ThreadPoolExecutor
import pytest
from sqlalchemy import func, select

from engine import Krabuan
from engine.store.db import db_now
from engine.store.tables import HistoryEvent, Instance, Timer

from helpers import DATA, make_settings, reset_pg

SCHEDULER = [sys.executable, "-c", "from cli import main; main()", "scheduler"]


def scheduler_env(k: Krabuan, **extra: str) -> dict[str, str]:
    s = k.settings
    env = dict(os.environ, KRABUAN_DATA_DIR=str(s.data_dir), KRABUAN_DATABASE_URL=s.database_url,
               KRABUAN_FORMS_DIR=str(s.forms_dir), KRABUAN_PROCESSES_DIR=str(s.processes_dir),
               KRABUAN_ORGANISATION_FILE=str(s.organisation_file), KRABUAN_SCHEDULES_FILE=str(s.schedules_file))
    env.update(extra)
    return env


@pytest.fixture
def wk(tmp_path: Path, database_url: str):
    engine = Krabuan(make_settings(tmp_path, database_url, schedules_file=tmp_path / "none.yaml"))
    engine.init()
    engine.repository.deploy([DATA / "timed_wait.bpmn"])
    yield engine
    engine.close()


def start_waits(k: Krabuan, n: int, seconds: float) -> tuple[list[int], datetime]:
    """n cases waiting on one timer, all due together about `seconds` after they are started,
    plus a margin for starting them (the first start of a fresh engine parses the process, and a
    loaded 2-core machine is slow), so that none is due before it waits. Returns the cases and
    when their timers are due; `sleep_past` waits for that moment."""
    with k.ctx.db.unit_of_work(write=False) as conn:
        wake = db_now(conn) + timedelta(seconds=seconds + 1.0 + n * 0.012)
    with ThreadPoolExecutor(4) as pool:
        ids = list(pool.map(lambda _: k.cases.start("timed_wait", "clerk1", {"wake_at": wake.isoformat()}).instance_id,
                            range(n)))
    pending = counts(k)[1]
    assert pending == n, f"only {pending} of {n} timers were still waiting after the start: starting was too slow"
    return ids, wake


def sleep_past(k: Krabuan, wake: datetime, extra: float = 0.2) -> None:
    """Sleep until the database's clock is `extra` seconds past `wake`."""
    with k.ctx.db.unit_of_work(write=False) as conn:
        left = (wake - db_now(conn)).total_seconds() + extra
    if left > 0:
        time.sleep(left)


def counts(k: Krabuan) -> tuple[int, int, int, int]:
    """(fired timers, pending timers, completed instances, timer_fired events)."""
    with k.ctx.db.unit_of_work(write=False) as conn:
        def count(query):
            return conn.scalar(select(func.count()).select_from(query.subquery()))
        return (count(select(Timer.c.id).where(Timer.c.state == "fired")),
                count(select(Timer.c.id).where(Timer.c.state == "pending")),
                count(select(Instance.c.id).where(Instance.c.status == "completed")),
                count(select(HistoryEvent.c.id).where(HistoryEvent.c.event_type == "timer_fired")))


def fired_per_instance(k: Krabuan) -> set[int]:
    with k.ctx.db.unit_of_work(write=False) as conn:
        rows = conn.execute(select(HistoryEvent.c.instance_id, func.count())
                               .where(HistoryEvent.c.event_type == "timer_fired").group_by(HistoryEvent.c.instance_id))
        return {n for _, n in rows}


def test_a_timer_due_while_every_scheduler_was_down_fires_once_after_restart(wk):
    ids, wake = start_waits(wk, 5, 1.0)
    assert counts(wk) == (0, 5, 0, 0)
    sleep_past(wk, wake)  # due now, and no scheduler is running
    env = scheduler_env(wk)
    runs = [subprocess.Popen(SCHEDULER + ["--once", "--owner", f"s{i}"], env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True) for i in range(2)]
    outputs = [r.communicate(timeout=120) for r in runs]
    assert all(r.returncode == 0 for r in runs), outputs
    assert counts(wk) == (5, 0, 5, 5)
    assert fired_per_instance(wk) == {1}
    assert all(wk.cases.show(i).status == "completed" for i in ids)
    again = subprocess.run(SCHEDULER + ["--once"], env=env, capture_output=True, text=True, timeout=120)
    assert again.stdout.startswith("fired 0,")
    assert counts(wk) == (5, 0, 5, 5)


@pytest.mark.postgres
def test_two_schedulers_one_killed_midway_fire_1000_timers_exactly_once(tmp_path: Path, pg_server_url: str):
    reset_pg(pg_server_url)
    k = Krabuan(make_settings(tmp_path, pg_server_url, schedules_file=tmp_path / "none.yaml"))
    k.init()
    k.repository.deploy([DATA / "timed_wait.bpmn"])
    n = 1000
    start_waits(k, n, 3.0)
    env = scheduler_env(k, KRABUAN_SCHEDULER_LEASE_SECONDS="3", KRABUAN_SCHEDULER_INTERVAL_MS="100",
                        KRABUAN_SCHEDULER_BATCH="25")
    procs = {name: subprocess.Popen(SCHEDULER + ["--owner", name], env=env, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL) for name in ("victim", "survivor")}
    try:
        deadline = time.monotonic() + 180
        while counts(k)[0] < n // 4 and time.monotonic() < deadline:
            time.sleep(0.05)
        procs["victim"].send_signal(signal.SIGKILL)
        procs["victim"].wait(timeout=30)
        while counts(k)[1] > 0 and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        for p in procs.values():
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
                p.wait(timeout=30)
    fired, pending, completed, events = counts(k)
    assert (fired, pending, completed, events) == (n, 0, n, n)
    assert fired_per_instance(k) == {1}
    with k.ctx.db.unit_of_work(write=False) as conn:
        owners = dict(conn.execute(select(Timer.c.fired_by, func.count()).group_by(Timer.c.fired_by)).all())
    assert set(owners) == {"victim", "survivor"}, owners  # both fired some; the survivor took over the rest
    assert all(r.ok for r in k.audit.verify())
    k.close()


# ----------------------------------------------------------------------------- the log

@pytest.fixture
def production_logging(caplog):
    """The logging of `krabuan serve` and `krabuan scheduler` (cli.configure_logging), with the root
    logger at INFO so that any other INFO line would show; the levels are put back afterwards."""
    import logging

    from cli import configure_logging

    names = ("krabuan", "apscheduler")
    before = {name: logging.getLogger(name).level for name in names}
    caplog.set_level(logging.INFO)
    configure_logging()
    yield caplog
    for name, level in before.items():
        logging.getLogger(name).setLevel(level)


def test_the_log_has_one_info_line_per_timer_fired_naming_it(tmp_path: Path, database_url: str, production_logging):
    import logging
    from datetime import datetime, timezone

    from engine.time.calendar import BANGKOK
    from scheduler import Scheduler

    def at(text: str) -> None:
        k.ctx.fixed_now = datetime.fromisoformat(text).replace(tzinfo=BANGKOK).astimezone(timezone.utc)

    k = Krabuan(make_settings(tmp_path, database_url, schedules_file=tmp_path / "none.yaml"))
    try:
        k.init()
        k.repository.deploy([DATA / "timers.bpmn"])
        at("2026-11-20 09:00")
        instance_id = k.cases.start("timed_steps", "clerk1",
                                    {"request_date": "2026-11-20", "meeting_date": "2026-12-04"}).instance_id
        (task,) = k.tasks.of_case(instance_id)
        runner = Scheduler(k, "s1")
        at("2026-11-20 10:00:01")  # the step's one-hour BPMN nudge, out of the way first
        assert runner.tick().fired == 1
        (overdue,) = k.jobs.timers(instance_id)
        assert overdue.kind == "overdue"
        production_logging.clear()
        at("2026-11-25 16:31")  # the step is past its deadline
        report = runner.tick()
        assert report.fired == 1
        lines = [r for r in production_logging.records if r.levelno >= logging.INFO]
        assert [(r.name, r.levelname) for r in lines] == [("krabuan.scheduler", "INFO")], lines
        assert lines[0].getMessage().startswith(
            f"fired overdue timer {overdue.id}: case {instance_id}, task {task.id}, element prepare")
        production_logging.clear()
        runner.tick()  # nothing due: nothing said
        assert [r for r in production_logging.records if r.levelno >= logging.INFO] == []
    finally:
        k.close()


def test_apschedulers_own_tick_lines_stay_below_info(wk, production_logging):
    import logging
    import threading

    from scheduler import Scheduler

    runner = Scheduler(wk, "s1")
    runner.interval = 0.02
    ticked = threading.Event()
    tick = runner.tick

    def counted_tick():
        report = tick()
        ticked.set()
        return report

    runner.tick = counted_tick  # type: ignore[method-assign]
    ticker = runner.start_background()
    try:
        assert ticked.wait(10)
    finally:
        ticker.shutdown(wait=True)
    chatter = [r for r in production_logging.records if r.name.startswith("apscheduler") and r.levelno < logging.WARNING]
    assert chatter == []
    (started,) = [r for r in production_logging.records if r.levelno >= logging.INFO]
    assert started.name == "krabuan.scheduler" and "ticking every" in started.getMessage()


def test_a_tick_longer_than_the_interval_is_not_skipped_with_a_warning(wk, production_logging):
    """A burst keeps a tick busy for many intervals: the ticker waits for it (each tick arms the
    next) instead of finding one due at every interval and logging that it skipped it."""
    import logging
    import threading

    from scheduler import Scheduler, TickReport

    runner = Scheduler(wk, "busy")
    runner.interval = 0.02
    done = threading.Event()
    ticks = []

    def slow_tick():
        time.sleep(0.15)  # seven intervals
        ticks.append(time.monotonic())
        if len(ticks) == 3:
            done.set()
        return TickReport()

    runner.tick = slow_tick  # type: ignore[method-assign]
    ticker = runner.start_background()
    try:
        assert done.wait(10)
    finally:
        ticker.shutdown(wait=True)
    assert [r.getMessage() for r in production_logging.records if r.levelno >= logging.WARNING] == []


class _Ticker:
    """Stands in for APScheduler: keeps when each tick was armed for."""

    def __init__(self) -> None:
        self.armed: list[float] = []

    def add_job(self, func, trigger, *, run_date, args, id, replace_existing):
        self.armed.append((run_date - _utc_now()).total_seconds())


def _utc_now():
    from datetime import datetime, timezone
    return datetime.now(timezone.utc)


def test_a_tick_that_ran_out_of_time_with_timers_due_is_followed_at_once(wk, monkeypatch):
    import scheduler
    _, wake = start_waits(wk, 5, 0.3)
    sleep_past(wk, wake)
    monkeypatch.setattr(scheduler, "MAX_TICK_SECONDS", 0.0)  # every tick stops after its first batch
    runner = scheduler.Scheduler(wk, "hurried")
    runner.batch, runner.interval = 2, 30.0
    ticker = _Ticker()
    for _ in range(3):
        runner._tick_and_arm(ticker)
    # Two full batches, each followed at once; the last came back short: the next tick in 30 s.
    assert counts(wk)[0] == 5
    assert [round(delay) for delay in ticker.armed] == [0, 0, 30]


def _leased_to(k: Krabuan, owner: str) -> int:
    with k.ctx.db.unit_of_work(write=False) as conn:
        return conn.scalar(select(func.count()).select_from(Timer).where(Timer.c.lease_owner == owner,
                                                                         Timer.c.state == "pending"))


def test_a_stop_mid_batch_fires_the_current_timer_and_gives_back_the_rest(wk):
    """SIGTERM or Ctrl-C at any point: no timer is left leased for the lease's 30 s."""
    from scheduler import Scheduler
    _, wake = start_waits(wk, 6, 0.3)
    sleep_past(wk, wake)
    runner = Scheduler(wk, "stopper")
    fired = []
    real_fire = runner._fire

    def fire_then_stop(timer_id, report):
        real_fire(timer_id, report)
        fired.append(timer_id)
        runner.stop()  # the signal arrives while the first timer of the batch is being fired
    runner._fire = fire_then_stop
    runner._safe_tick()
    assert len(fired) == 1 and counts(wk)[0] == 1
    assert _leased_to(wk, "stopper") == 0  # the other five are free at once, not after 30 s
    assert Scheduler(wk, "another").tick().fired == 5


def test_the_database_gone_is_said_once_waited_for_and_the_batch_given_back(wk, caplog):
    """A connection that drops under a batch: the lease is given back when the database is back,
    the outage is one ERROR and the recovery one INFO, and ticks back off in between."""
    import logging

    from engine import Unavailable
    from scheduler import Scheduler
    _, wake = start_waits(wk, 3, 0.3)
    sleep_past(wk, wake)
    runner = Scheduler(wk, "flaky")
    real_fire = wk.jobs.fire_timer
    down = {"calls": 0}

    def dropped(timer_id, owner):
        down["calls"] += 1
        raise Unavailable("the connection to the database dropped")
    wk.jobs.fire_timer = dropped
    caplog.set_level(logging.INFO, logger="krabuan.scheduler")
    runner._safe_tick()
    assert _leased_to(wk, "flaky") == 3  # held while the database is gone
    for _ in range(5):  # ticks come faster than the backoff allows: skipped, not retried and logged
        runner._safe_tick()
    assert down["calls"] == 1
    wk.jobs.fire_timer = real_fire
    runner._next_try = 0.0  # the backoff has run out
    runner._safe_tick()
    assert counts(wk)[0] == 3 and _leased_to(wk, "flaky") == 0
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    back = [r for r in caplog.records if "reachable again" in r.getMessage()]
    assert len(errors) == 1 and "unreachable" in errors[0].getMessage() and len(back) == 1


def test_sigterm_during_the_first_tick_exits_0_and_leaves_nothing_leased(wk):
    _, wake = start_waits(wk, 40, 0.3)
    sleep_past(wk, wake)
    proc = subprocess.Popen(SCHEDULER + ["--owner", "term"], env=scheduler_env(wk), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while counts(wk)[0] == 0 and time.monotonic() < deadline:  # it is firing its first batch
        time.sleep(0.01)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0 and "Traceback" not in err, err
    assert _leased_to(wk, "term") == 0
    fired, pending, _, events = counts(wk)
    assert fired + pending == 40 and events == fired and fired_per_instance(wk) <= {1}


def test_a_summary_line_now_and_then(wk, caplog, monkeypatch):
    import logging

    import scheduler
    _, wake = start_waits(wk, 2, 0.3)
    sleep_past(wk, wake)
    monkeypatch.setattr(scheduler, "SUMMARY_SECONDS", 0.0)
    caplog.set_level(logging.INFO, logger="krabuan.scheduler")
    scheduler.Scheduler(wk, "summing")._safe_tick()
    lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("last ")]
    assert len(lines) == 1 and "fired 2" in lines[0]


def test_a_checkpoint_once_enough_events_were_appended(wk, monkeypatch):
    """With checkpoints by the minute off, the scheduler signs one once checkpoint_events new
    events were appended since it last looked, and not before."""
    import scheduler

    monkeypatch.setattr(scheduler, "EVENT_COUNT_SECONDS", 0.0)
    k = Krabuan(wk.settings.with_overrides(checkpoint_minutes=0, checkpoint_events=6))
    log = k.settings.data_dir / "checkpoints.jsonl"
    tomorrow = {"wake_at": (_now(k) + timedelta(days=1)).isoformat()}
    try:
        runner = scheduler.Scheduler(k, "signer")
        runner.tick()  # counts where it starts from
        k.cases.start("timed_wait", "clerk1", tomorrow)
        runner.tick()
        assert not log.exists()  # fewer than 6 events so far
        for _ in range(2):
            k.cases.start("timed_wait", "clerk1", tomorrow)
        runner.tick()
        assert len(log.read_text().splitlines()) == 1 and all(r.ok for r in k.audit.verify())
    finally:
        k.close()


def _now(k: Krabuan):
    with k.ctx.db.unit_of_work(write=False) as conn:
        return db_now(conn)
