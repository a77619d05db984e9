"""An event-based gateway's timers reach the timers table and fire (issue 11, section 8): the
gateway waits on its catch events as one multiple event, which the projection used to skip, so
the scheduler never saw the timer and the case hung. With several timers after the gateway, each
keeps its own due time and only the first to come due takes its branch.

The model is SpiffWorkflow's own event-gateway test file from ../shared/bpmn-corpus, with its two
message catches (which nothing in Krabuan would send: refused at deploy) turned into timers and
its end events into user tasks, so the open task shows which branch was taken."""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from helpers import DATA

CORPUS_FILE = DATA.parents[2] / "shared" / "bpmn-corpus" / "spiffworkflow-tests" / "bpmn" / "event-gateway.bpmn"
PROCESS = "Process_0pvx19v"
T0 = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)


def _gateway_model(message_timers: tuple[str, str], timer: str = "PT1S") -> str:
    """The corpus file with message_1/message_2 waiting on the given durations instead."""
    text = CORPUS_FILE.read_text(encoding="utf-8")
    durations = iter(message_timers)
    text = re.sub(r'<bpmn:messageEventDefinition id="[^"]*" messageRef="[^"]*" />',
                  lambda _: f'<bpmn:timerEventDefinition><bpmn:timeDuration>"{next(durations)}"'
                            '</bpmn:timeDuration></bpmn:timerEventDefinition>', text)
    text = text.replace('>"PT1S"<', f'>"{timer}"<')
    return text.replace("<bpmn:endEvent ", "<bpmn:userTask ").replace("</bpmn:endEvent>", "</bpmn:userTask>")


def _deploy_and_start(k, tmp_path, text):
    path = tmp_path / "event-gateway.bpmn"
    path.write_text(text, encoding="utf-8")
    k.repository.deploy([path])
    k.ctx.fixed_now = T0
    return k.cases.start(PROCESS, "clerk1").instance_id


def _fire_due(k, when):
    k.ctx.fixed_now = when
    return [k.jobs.fire_timer(timer, "s1").element_id for timer in k.jobs.claim_timers("s1", 10, 30)]


def test_the_corpus_event_gateway_is_refused_for_its_message_catches(k):
    with pytest.raises(Exception, match="waiting for a message event cannot run in Krabuan"):
        k.repository.deploy([CORPUS_FILE])


def test_the_timer_behind_an_event_gateway_is_scheduled_and_fires(k, tmp_path):
    instance_id = _deploy_and_start(k, tmp_path, _gateway_model(("PT2H", "PT3H")))
    (timer,) = k.jobs.timers(instance_id)
    assert (timer.element_id, timer.due_at, timer.state) == ("Gateway_1434v9l", T0 + timedelta(seconds=1), "pending")
    assert k.cases.show(instance_id).open_tasks == ()
    assert _fire_due(k, T0 + timedelta(milliseconds=500)) == []  # not due yet
    assert _fire_due(k, T0 + timedelta(seconds=2)) == ["Gateway_1434v9l"]
    case = k.cases.show(instance_id)
    assert [t.element_id for t in case.open_tasks] == ["timer"]  # the timer's branch, and only it
    assert k.jobs.timers(instance_id) == []  # nothing left pending
    assert _fire_due(k, T0 + timedelta(hours=4)) == []  # the other timers were never separate rows


def test_of_several_timers_the_first_due_takes_its_branch(k, tmp_path):
    instance_id = _deploy_and_start(k, tmp_path, _gateway_model(("PT3H", "PT2H"), timer="PT5H"))
    (timer,) = k.jobs.timers(instance_id)
    assert timer.due_at == T0 + timedelta(hours=2)  # message_2's timer, not the first one listed
    assert _fire_due(k, T0 + timedelta(hours=1)) == []
    # the scheduler comes late, when two of the timers are due: the earlier one wins
    assert _fire_due(k, T0 + timedelta(hours=3, minutes=30)) == ["Gateway_1434v9l"]
    assert [t.element_id for t in k.cases.show(instance_id).open_tasks] == ["message_2_end"]
