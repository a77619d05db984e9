"""Deadlines on tasks, BPMN timers on the database clock, leases, escalation, holiday changes.

The clock is fixed (``ctx.fixed_now``) where a test needs a date; the scheduler-process tests
further down use the real database clock."""
from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from engine import Krabuan
from engine.time.calendar import BANGKOK
from engine.errors import Conflict, ProcessError

from helpers import DATA, make_settings

SCHEDULES = """
processes:
  timed_steps:
    reminders:
      - {working_days_before: 1}
"""


def bkk(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=BANGKOK).astimezone(timezone.utc)


def local(moment: datetime | None) -> str | None:
    return moment.astimezone(BANGKOK).strftime("%Y-%m-%d %H:%M") if moment else None


@pytest.fixture
def tk(tmp_path: Path, database_url: str):
    schedules = tmp_path / "schedules.yaml"
    schedules.write_text(SCHEDULES, encoding="utf-8")
    engine = Krabuan(make_settings(tmp_path, database_url, schedules_file=schedules))
    engine.init()
    engine.repository.deploy([DATA / "timers.bpmn", DATA / "timed_wait.bpmn"])
    engine.ctx.fixed_now = bkk("2026-11-20 09:00")  # a Friday
    yield engine
    engine.close()


def at(k: Krabuan, when: str) -> None:
    k.ctx.fixed_now = bkk(when)


def fire_due(k: Krabuan, owner: str = "s1") -> list[str]:
    fired = []
    for timer_id in k.jobs.claim_timers(owner, 100, 30):
        fired.append(k.jobs.fire_timer(timer_id, owner).kind)
    return fired


def start(k: Krabuan) -> int:
    return k.cases.start("timed_steps", "clerk1", {"request_date": "2026-11-20", "meeting_date": "2026-12-04"}).instance_id


def test_a_new_task_is_due_by_its_rule_and_the_case_data(tk):
    instance_id = start(tk)
    (task,) = tk.tasks.of_case(instance_id)
    # 3 working days from the request date (Friday): Mon, Tue, Wed 25 November at 16:30.
    assert local(task.due_at) == "2026-11-25 16:30"
    assert task.due_status == "on_time"
    at(tk, "2026-11-24 10:00")
    assert tk.tasks.worklist("clerk1")[0].due_status == "due_soon"
    at(tk, "2026-11-25 16:31")
    assert tk.tasks.get(task.id).due_status == "overdue"
    created = [e for e in tk.cases.show(instance_id).history if e.event_type == "task_created"]
    assert created[0].payload["due_at"] == task.due_at.isoformat()


def test_worklist_puts_the_earliest_deadline_first(tk):
    first = start(tk)
    second = tk.cases.start("timed_steps", "clerk1", {"request_date": "2026-11-18", "meeting_date": "2026-12-04"}).instance_id
    assert [t.instance_id for t in tk.tasks.worklist("clerk1")] == [second, first]


def test_timers_fire_only_when_due_on_the_engine_clock(tk):
    instance_id = start(tk)
    pending = {t.element_id: t for t in tk.jobs.timers(instance_id) if t.kind == "bpmn"}
    assert local(pending["remind_prepare"].due_at) == "2026-11-20 10:00"  # PT1H from the start
    assert fire_due(tk) == []
    at(tk, "2026-11-20 10:00:01")
    assert fire_due(tk) == ["bpmn"]
    # Non-interrupting: the task is still open; the nudge is recorded.
    assert [t.element_id for t in tk.tasks.of_case(instance_id)] == ["prepare"]
    events = [e.event_type for e in tk.cases.show(instance_id).history]
    assert events.count("timer_fired") == 1
    task = tk.tasks.of_case(instance_id)[0]
    tk.tasks.claim(task.id, "clerk1")
    tk.cases.complete(task.id, "clerk1", {})
    # The intermediate timer: add_working_days(request_date, 5) = Fri 27 Nov, 00:00 Bangkok.
    (wait,) = [t for t in tk.jobs.timers(instance_id) if t.element_id == "wait_until"]
    assert local(wait.due_at) == "2026-11-27 00:00"
    assert tk.tasks.of_case(instance_id) == []
    at(tk, "2026-11-26 23:59")
    assert fire_due(tk) == []
    at(tk, "2026-11-27 00:00:01")
    assert fire_due(tk) == ["bpmn"]
    (meet,) = tk.tasks.of_case(instance_id)
    assert meet.element_id == "meet"
    assert local(meet.due_at) == "2026-12-03 16:30"  # a day before the meeting
    # Interrupting boundary timer: the meeting day passed without the step done.
    (passed,) = [t for t in tk.jobs.timers(instance_id) if t.element_id == "meeting_passed"]
    assert local(passed.due_at) == "2026-12-05 08:30"
    at(tk, "2026-12-05 08:31")
    # Scheduler down since before the reminder: the late reminder is dropped, the overdue notice goes.
    assert sorted(fire_due(tk)) == ["bpmn", "overdue", "reminder"]
    assert {n.kind for n in _all_notifications(tk)} == {"overdue"}
    (late,) = tk.tasks.of_case(instance_id)
    assert late.element_id == "late_report"
    assert local(late.due_at) == "2026-12-09 16:30"  # 2 working days; 7 Dec is a holiday in lieu
    assert tk.tasks.get(meet.id).state == "cancelled"
    assert [t for t in tk.jobs.timers(instance_id) if t.task_id == meet.id] == []  # its escalation was cancelled


def test_a_stale_lease_holder_is_refused_and_the_timer_fires_once(tk):
    instance_id = start(tk)
    at(tk, "2026-11-20 10:00:01")
    (timer_id,) = tk.jobs.claim_timers("slow", 10, 5)
    assert tk.jobs.claim_timers("other", 10, 5) == []  # leased
    at(tk, "2026-11-20 10:00:07")  # the lease ran out while "slow" stalled
    assert tk.jobs.claim_timers("other", 10, 5) == [timer_id]
    with pytest.raises(Conflict):
        tk.jobs.fire_timer(timer_id, "slow")
    tk.jobs.fire_timer(timer_id, "other")
    with pytest.raises(Conflict):
        tk.jobs.fire_timer(timer_id, "other")
    fired = [e for e in tk.cases.show(instance_id).history if e.event_type == "timer_fired"]
    assert len(fired) == 1
    (row,) = tk.jobs.timers(instance_id, "fired")
    assert row.fired_by == "other" and row.attempts == 2


def test_reminder_then_overdue_escalation_to_lane_and_supervisor(tk):
    instance_id = start(tk)
    (task,) = tk.tasks.of_case(instance_id)
    reminder = [t for t in tk.jobs.timers(instance_id) if t.kind == "reminder"]
    assert [local(t.due_at) for t in reminder] == ["2026-11-24 08:30"]  # 1 working day before
    at(tk, "2026-11-24 08:31")
    assert "reminder" in fire_due(tk)
    # Unclaimed: the whole lane is reminded; the supervisor is not (yet).
    assert {n.username for n in _all_notifications(tk)} == {"clerk1", "clerk2"}
    tk.tasks.claim(task.id, "clerk2")
    at(tk, "2026-11-25 16:31")
    assert fire_due(tk) == ["overdue"]
    overdue = [n for n in _all_notifications(tk) if n.kind == "overdue"]
    assert {n.username for n in overdue} == {"clerk2", "director1", "director2", "director3"}
    assert overdue[0].title_th.startswith("เกินกำหนด") and "2569" in overdue[0].title_th  # Buddhist era
    assert overdue[0].email_status == "off"
    assert tk.tasks.get(task.id).overdue_at is not None
    history = [e for e in tk.cases.show(instance_id).history if e.event_type == "task_overdue"]
    assert history[0].payload["notified"] == ["clerk2", "director1", "director2", "director3"]
    # Completing late is recorded as late.
    tk.cases.complete(task.id, "clerk2", {})
    done = [e for e in tk.cases.show(instance_id).history if e.event_type == "task_completed"][0]
    assert done.payload["late"] is True
    tk.inbox.mark_read(overdue[0].id, overdue[0].username)
    assert tk.inbox.notifications(overdue[0].username, unread_only=True) == [] or \
        all(n.id != overdue[0].id for n in tk.inbox.notifications(overdue[0].username, unread_only=True))


def _all_notifications(k: Krabuan):
    return [n for user in ("clerk1", "clerk2", "director1", "director2", "director3") for n in k.inbox.notifications(user)]


def test_a_holiday_moves_the_deadlines_it_touches_and_no_others(tk):
    touched = start(tk)  # due Wed 25 Nov (Mon, Tue, Wed)
    untouched = tk.cases.start("timed_steps", "clerk1", {"request_date": "2026-11-12", "meeting_date": "2026-12-04"}).instance_id
    before = {t.instance_id: t for t in tk.tasks.worklist("clerk1")}
    assert local(before[untouched].due_at) == "2026-11-17 16:30"
    moved = tk.calendar.add_holiday(date(2026, 11, 24), "วันหยุดพิเศษ", "มติ ครม. 17 พ.ย. 2569", actor="admin1")
    assert [(m.instance_id, local(m.old_due), local(m.new_due)) for m in moved] == \
        [(touched, "2026-11-25 16:30", "2026-11-26 16:30")]
    after = {t.instance_id: t for t in tk.tasks.worklist("clerk1")}
    assert local(after[touched].due_at) == "2026-11-26 16:30"
    assert after[untouched].due_at == before[untouched].due_at
    # The escalation timers moved with it.
    timers = {t.kind: t for t in tk.jobs.timers(touched) if t.task_id is not None}
    assert local(timers["overdue"].due_at) == "2026-11-26 16:30"
    assert local(timers["reminder"].due_at) == "2026-11-25 08:30"
    changed = [e for e in tk.cases.show(touched).history if e.event_type == "deadline_changed"]
    assert changed[0].payload["holiday"]["ref"] == "มติ ครม. 17 พ.ย. 2569"
    assert [e.event_type for e in tk.cases.show(untouched).history].count("deadline_changed") == 0
    back = tk.calendar.remove_holiday(date(2026, 11, 24), "ยกเลิก มติ ครม.", actor="admin1")
    assert [local(m.new_due) for m in back] == ["2026-11-25 16:30"]
    assert all(r.ok for r in tk.audit.verify())


def test_a_holiday_re_evaluates_waiting_date_timers(tk):
    instance_id = start(tk)
    (task,) = tk.tasks.of_case(instance_id)
    tk.tasks.claim(task.id, "clerk1")
    tk.cases.complete(task.id, "clerk1", {})
    (wait,) = [t for t in tk.jobs.timers(instance_id) if t.element_id == "wait_until"]
    assert local(wait.due_at) == "2026-11-27 00:00"
    tk.calendar.add_holiday(date(2026, 11, 26), "วันหยุดพิเศษ", "มติ ครม. ที่ 1", actor="admin1")
    (wait,) = [t for t in tk.jobs.timers(instance_id) if t.element_id == "wait_until"]
    assert local(wait.due_at) == "2026-11-30 00:00"  # five working days now end on Monday
    assert "timer_moved" in [e.event_type for e in tk.cases.show(instance_id).history]


def test_a_timer_moved_after_it_was_claimed_is_not_fired_at_its_old_time(tk):
    """The claim hands the scheduler what firing needs (no timer row is read again): a timer
    moved meanwhile is no longer leased, so the fire is refused and the row waits for its new time."""
    instance_id = start(tk)
    (task,) = tk.tasks.of_case(instance_id)
    tk.tasks.claim(task.id, "clerk1")
    tk.cases.complete(task.id, "clerk1", {})
    at(tk, "2026-11-27 00:00:01")
    (leased,) = [t for t in tk.jobs.claim_timers("s1", 10, 30) if t.element_id == "wait_until"]
    assert (leased.kind, leased.instance_id, local(leased.due_at)) == ("bpmn", instance_id, "2026-11-27 00:00")
    tk.calendar.add_holiday(date(2026, 11, 26), "วันหยุดพิเศษ", "มติ ครม. ที่ 2", actor="admin1")
    with pytest.raises(Conflict):
        tk.jobs.fire_timer(leased, "s1")
    (wait,) = [t for t in tk.jobs.timers(instance_id) if t.element_id == "wait_until"]
    assert (wait.id, local(wait.due_at), wait.state) == (leased.id, "2026-11-30 00:00", "pending")
    assert "timer_fired" not in [e.event_type for e in tk.cases.show(instance_id).history]


def test_a_leased_timer_named_by_its_id_fires_once(tk):
    instance_id = tk.cases.start("timed_wait", "clerk1", {"wake_at": "2026-11-20T10:00:00+07:00"}).instance_id
    at(tk, "2026-11-20 10:00:01")
    (leased,) = tk.jobs.claim_timers("s1", 10, 30)
    with pytest.raises(Conflict):
        tk.jobs.fire_timer(leased.id + 1000, "s1")  # no such timer
    assert tk.jobs.fire_timer(leased.id, "s1").element_id == "wake"
    with pytest.raises(Conflict):
        tk.jobs.fire_timer(leased.id, "s1")
    assert tk.cases.show(instance_id).status == "completed"


def test_a_fire_reads_no_timer_row_no_calendar_and_cancels_nothing(tk):
    """What a BPMN fire sends besides the case operation's lock and write: the one UPDATE that
    marks its timer fired under the lease. The claim brought the row; the calendar is not loaded
    when the workflow does not ask for it; the fired row is not cancelled again."""
    from sqlalchemy import event

    wake = {"wake_at": "2026-11-20T10:00:00+07:00"}
    ids = [tk.cases.start("timed_wait", "clerk1", wake).instance_id for _ in range(2)]
    scheduler = Krabuan(tk.settings)  # another process: nothing cached from the starts
    scheduler.ctx.fixed_now = bkk("2026-11-20 10:00:01")
    try:
        leased = scheduler.jobs.claim_timers("s1", 10, 30)
        sent: list[str] = []

        def seen(conn, cursor, statement, parameters, context, executemany):
            sent.append(" ".join(statement.split()))
        event.listen(scheduler.ctx.db.write_engine, "before_cursor_execute", seen)
        try:
            done = [scheduler.jobs.fire_timer(timer, "s1") for timer in leased]
        finally:
            event.remove(scheduler.ctx.db.write_engine, "before_cursor_execute", seen)
    finally:
        scheduler.close()
    assert [(d.instance_id, d.fired) for d in done] == [(t.instance_id, True) for t in leased]
    on_timers = [s for s in sent if "timers" in s.split(" WHERE ")[0]]
    assert len(on_timers) == 2 and all(s.startswith("UPDATE timers SET state=") for s in on_timers), on_timers
    assert not [s for s in sent if s.startswith("SELECT holiday_changes")]
    assert [tk.cases.show(i).status for i in ids] == ["completed", "completed"]


def test_a_timer_value_that_is_not_a_time_is_a_clear_error_and_nothing_is_stored(tk):
    with pytest.raises(ProcessError, match="timer"):
        tk.cases.start("timed_wait", "clerk1", {"wake_at": "next tuesday"}).instance_id
    assert tk.jobs.timers(None, None) == []


class _FakeSmtp:
    """A minimal SMTP server on a local port that keeps what it receives."""

    def __init__(self) -> None:
        import socket
        import threading
        self.messages: list[str] = []
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(5)
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn, conn.makefile("rwb") as f:
                def say(line: str) -> None:
                    f.write(line.encode() + b"\r\n")
                    f.flush()
                say("220 fake")
                while True:
                    line = f.readline().decode(errors="replace").strip()
                    if not line:
                        return
                    verb = line.split()[0].upper()
                    if verb in ("EHLO", "HELO"):
                        say("250 fake")
                    elif verb == "DATA":
                        say("354 go")
                        body = []
                        while (data := f.readline().decode(errors="replace")) not in (".\r\n", ""):
                            body.append(data)
                        self.messages.append("".join(body))
                        say("250 queued")
                    elif verb == "QUIT":
                        say("221 bye")
                        return
                    else:
                        say("250 ok")

    def close(self) -> None:
        self.sock.close()


def _overdue_case(k: Krabuan) -> list[str]:
    """Set up, start one case and let its first step pass its deadline; returns what fired."""
    k.init()
    k.repository.deploy([DATA / "timers.bpmn"])
    at(k, "2026-11-20 09:00")
    start(k)
    at(k, "2026-11-25 16:31")
    return fire_due(k)


def test_overdue_notifications_are_emailed_when_smtp_is_configured(tmp_path, database_url):
    smtp = _FakeSmtp()
    k = Krabuan(make_settings(tmp_path, database_url, smtp_host="127.0.0.1", smtp_port=smtp.port,
                              smtp_address_template="{username}@example.go.th"))
    try:
        assert "overdue" in _overdue_case(k)
        # Unclaimed: the lane (clerk1, clerk2) and the supervisor group (three directors).
        assert k.inbox.send_pending_mail() == 5
        assert k.inbox.send_pending_mail() == 0  # sent once
        assert len(smtp.messages) == 5
        assert any("To: director1@example.go.th" in m for m in smtp.messages)
        assert {n.email_status for n in k.inbox.notifications("clerk1")} == {"sent"}
    finally:
        smtp.close()
        k.close()


def test_an_unreachable_mail_server_marks_mail_failed_and_keeps_the_notification(tmp_path, database_url):
    k = Krabuan(make_settings(tmp_path, database_url, smtp_host="127.0.0.1", smtp_port=1))
    try:
        _overdue_case(k)
        assert k.inbox.send_pending_mail() == 0
        (note,) = k.inbox.notifications("clerk1")
        assert note.email_status == "failed" and note.kind == "overdue"
    finally:
        k.close()


CYCLE = b"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:krabuan="urn:krabuan:bpmn:1"
                  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="D" targetNamespace="urn:krabuan:tests">
  <bpmn:process id="cycle_nudge" isExecutable="true">
    <bpmn:laneSet id="L"><bpmn:lane id="clerk"><bpmn:flowNodeRef>s</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>work</bpmn:flowNodeRef><bpmn:flowNodeRef>nudge</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>nudged</bpmn:flowNodeRef><bpmn:flowNodeRef>e</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>
    <bpmn:startEvent id="s"/>
    <bpmn:userTask id="work"><bpmn:extensionElements><krabuan:step form="timers.step" workingDays="1"/>
      </bpmn:extensionElements></bpmn:userTask>
    <bpmn:boundaryEvent id="nudge" attachedToRef="work" cancelActivity="false">
      <bpmn:timerEventDefinition><bpmn:timeCycle xsi:type="bpmn:tFormalExpression">"R2/PT1H"</bpmn:timeCycle>
      </bpmn:timerEventDefinition></bpmn:boundaryEvent>
    <bpmn:endEvent id="nudged"/><bpmn:endEvent id="e"/>
    <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="work"/>
    <bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="e"/>
    <bpmn:sequenceFlow id="f3" sourceRef="nudge" targetRef="nudged"/>
  </bpmn:process>
</bpmn:definitions>"""


def test_a_cycle_timer_fires_each_repetition_once_then_stops(tk):
    tk.repository.deploy_bytes(CYCLE, "cycle.bpmn")
    instance_id = tk.cases.start("cycle_nudge", "clerk1").instance_id
    assert [local(t.due_at) for t in tk.jobs.timers(instance_id) if t.kind == "bpmn"] == ["2026-11-20 10:00"]
    at(tk, "2026-11-20 10:00:01")
    assert fire_due(tk) == ["bpmn"]
    assert [local(t.due_at) for t in tk.jobs.timers(instance_id) if t.kind == "bpmn"] == ["2026-11-20 11:00"]
    at(tk, "2026-11-20 11:00:01")
    assert fire_due(tk) == ["bpmn"]
    assert [t for t in tk.jobs.timers(instance_id) if t.kind == "bpmn"] == []
    assert [e.event_type for e in tk.cases.show(instance_id).history].count("timer_fired") == 2
    assert [t.element_id for t in tk.tasks.of_case(instance_id)] == ["work"]
