"""Moving a waiting case's workflow to another version of its process (engine.spiff.migrate), on
the runtime alone: the tasks it waits in keep their ids, data and timers; what lies ahead is
predicted from the new version; a case waiting in a step the new version lacks, or changed in kind
or lane, is refused with the step named."""
from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime, timedelta

import pytest
from helpers import SOP_BENCH
from lxml import etree
from migration_helpers import added_step, renewed, with_steps_after

from engine.errors import ProcessError
from engine.model.expressions import ExpressionEvaluator
from engine.spiff import Runtime, Workflow
from engine.spiff import migrate as M
from engine.time import clock
from engine.time.calendar import WorkCalendar
from engine.time.time_functions import FUNCTIONS

T0 = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
_IDS = itertools.count(9000)
SOP = SOP_BENCH.read_bytes()

TIMER_MODEL = b"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="D" targetNamespace="urn:t">
  <bpmn:process id="waits" isExecutable="true">
    <bpmn:laneSet id="ls"><bpmn:lane id="clerk" name="Clerk">
      <bpmn:flowNodeRef>start</bpmn:flowNodeRef><bpmn:flowNodeRef>a</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>wait</bpmn:flowNodeRef><bpmn:flowNodeRef>b</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>end</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>
    <bpmn:startEvent id="start"/>
    <bpmn:userTask id="a" name="A"/>
    <bpmn:intermediateCatchEvent id="wait" name="Two hours">
      <bpmn:timerEventDefinition><bpmn:timeDuration>"PT2H"</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:userTask id="b" name="B"/>
    <bpmn:endEvent id="end"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="a"/>
    <bpmn:sequenceFlow id="f2" sourceRef="a" targetRef="wait"/>
    <bpmn:sequenceFlow id="f3" sourceRef="wait" targetRef="b"/>
    <bpmn:sequenceFlow id="f4" sourceRef="b" targetRef="end"/>
  </bpmn:process>
</bpmn:definitions>"""

CALL_MODEL = b"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="D" targetNamespace="urn:t">
  <bpmn:process id="caller" isExecutable="true">
    <bpmn:laneSet id="ls1"><bpmn:lane id="clerk" name="Clerk">
      <bpmn:flowNodeRef>start</bpmn:flowNodeRef><bpmn:flowNodeRef>call</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>after</bpmn:flowNodeRef><bpmn:flowNodeRef>end</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>
    <bpmn:startEvent id="start"/>
    <bpmn:callActivity id="call" name="Round" calledElement="round"/>
    <bpmn:userTask id="after" name="After"/>
    <bpmn:endEvent id="end"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="call"/>
    <bpmn:sequenceFlow id="f2" sourceRef="call" targetRef="after"/>
    <bpmn:sequenceFlow id="f3" sourceRef="after" targetRef="end"/>
  </bpmn:process>
  <bpmn:process id="round" isExecutable="true">
    <bpmn:laneSet id="ls2"><bpmn:lane id="unit" name="Unit">
      <bpmn:flowNodeRef>r_start</bpmn:flowNodeRef><bpmn:flowNodeRef>report</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>score</bpmn:flowNodeRef><bpmn:flowNodeRef>r_end</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>
    <bpmn:startEvent id="r_start"/>
    <bpmn:userTask id="report" name="Report"/>
    <bpmn:userTask id="score" name="Score"/>
    <bpmn:endEvent id="r_end"/>
    <bpmn:sequenceFlow id="g1" sourceRef="r_start" targetRef="report"/>
    <bpmn:sequenceFlow id="g2" sourceRef="report" targetRef="score"/>
    <bpmn:sequenceFlow id="g3" sourceRef="score" targetRef="r_end"/>
  </bpmn:process>
</bpmn:definitions>"""


@pytest.fixture(scope="module")
def runtime() -> Runtime:
    return Runtime(ExpressionEvaluator(FUNCTIONS))


@pytest.fixture(autouse=True)
def at_t0():
    with clock.operation_time(T0, WorkCalendar):
        yield


class Version:
    def __init__(self, runtime: Runtime, xml: bytes, process_id: str) -> None:
        compiled = {c.process_id: c for c in runtime.compile([(etree.fromstring(xml), "model.bpmn")])}
        self.id, self.spec_json, self.runtime = next(_IDS), compiled[process_id].spec_json, runtime

    def start(self, data: dict | None = None) -> Workflow:
        return self.runtime.start(self.id, self.spec_json, data or {})


def _ready(workflow: Workflow) -> list[str]:
    return [t.element_id for t in workflow.ready_tasks()]


def _do(workflow: Workflow, element_id: str, data: dict | None = None) -> None:
    task = next(t for t in workflow.ready_tasks() if t.element_id == element_id)
    workflow.complete(task.spiff_id, data or {})


def _restored(workflow: Workflow, version: Version) -> Workflow:
    """The workflow through its stored state under the version (what the next operation reads)."""
    text = workflow.to_json()
    again = version.runtime.restore(version.id, version.spec_json, text)
    assert json.loads(again.to_json()) == json.loads(text)
    return again


SOP_DATA = {"register_application": {"applicant": "นายสมชาย", "subject": "ห้องประชุม", "amount": "10"},
            "check_documents": {"documents_complete": True}, "prepare_draft": {"draft_text": "ร่าง"}}


def test_a_step_added_after_the_waiting_task_is_taken(runtime):
    old, new = Version(runtime, SOP, "sop_bench"), Version(runtime, with_steps_after(SOP, ["check_documents"]),
                                                             "sop_bench")
    workflow = old.start()
    _do(workflow, "register_application", SOP_DATA["register_application"])
    [before] = workflow.ready_tasks()
    check = M.check(workflow, new.id, new.spec_json)
    assert check.can_move and check.reasons == ()
    assert check.waiting == ("check_documents", "reminder_timer")
    assert check.added == ("check_documents_added",) and check.removed == ()
    assert "check_documents" in check.changed  # its outgoing flow goes to the new step
    moved = _restored(M.migrate(workflow, new.id, new.spec_json), new)
    [after] = moved.ready_tasks()
    assert (after.spiff_id, after.element_id, after.data) == (before.spiff_id, "check_documents", before.data)
    _do(moved, "check_documents", SOP_DATA["check_documents"])
    assert _ready(moved) == [added_step("check_documents")]
    _do(moved, added_step("check_documents"))
    assert _ready(moved) == ["prepare_draft"]


def test_a_removed_step_not_yet_reached_is_skipped(runtime):
    plus = Version(runtime, with_steps_after(SOP, ["check_documents"]), "sop_bench")
    plain = Version(runtime, renewed(SOP, "again"), "sop_bench")
    workflow = plus.start()
    _do(workflow, "register_application", SOP_DATA["register_application"])
    check = M.check(workflow, plain.id, plain.spec_json)
    assert check.can_move and check.removed == ("check_documents_added",)
    moved = _restored(M.migrate(workflow, plain.id, plain.spec_json), plain)
    _do(moved, "check_documents", SOP_DATA["check_documents"])
    assert _ready(moved) == ["prepare_draft"]


def test_a_case_waiting_in_a_removed_step_is_refused_naming_it(runtime):
    plus = Version(runtime, with_steps_after(SOP, ["check_documents"]), "sop_bench")
    plain = Version(runtime, renewed(SOP, "again"), "sop_bench")
    workflow = plus.start()
    _do(workflow, "register_application", SOP_DATA["register_application"])
    _do(workflow, "check_documents", SOP_DATA["check_documents"])
    state = workflow.to_json()
    check = M.check(workflow, plain.id, plain.spec_json)
    assert not check.can_move
    assert check.reasons == ("the case waits in step ตรวจทานเพิ่ม (Check the documents) (check_documents_added), "
                             "which the new version does not have",)
    with pytest.raises(ProcessError, match="check_documents_added"):
        M.migrate(workflow, plain.id, plain.spec_json)
    assert workflow.to_json() == state  # refused before anything was touched


def test_a_done_step_that_was_removed_is_refused(runtime):
    old = Version(runtime, SOP, "sop_bench")
    text = SOP.replace(b'sourceRef="StartEvent_1" targetRef="register_application"',
                       b'sourceRef="StartEvent_1" targetRef="check_documents"')
    text = text.replace(b'<bpmn:sequenceFlow id="flow_2" sourceRef="register_application" '
                        b'targetRef="check_documents"/>', b"")
    text = text.replace(b"<bpmn:flowNodeRef>register_application</bpmn:flowNodeRef>", b"")
    text = etree.tostring(_without(etree.fromstring(text), "register_application"))
    new = Version(runtime, text, "sop_bench")
    workflow = old.start()
    _do(workflow, "register_application", SOP_DATA["register_application"])
    check = M.check(workflow, new.id, new.spec_json)
    assert not check.can_move
    assert "step Register the application (register_application), already done, was removed" in check.reasons


def _without(root, element_id):
    for el in root.iter():
        if el.get("id") == element_id:
            el.getparent().remove(el)
            break
    return root


def test_a_waiting_task_moved_to_another_lane_is_refused(runtime):
    old = Version(runtime, SOP, "sop_bench")
    text = SOP.replace(b"<bpmn:flowNodeRef>check_documents</bpmn:flowNodeRef>", b"").replace(
        b"<bpmn:flowNodeRef>director_review</bpmn:flowNodeRef>",
        b"<bpmn:flowNodeRef>director_review</bpmn:flowNodeRef><bpmn:flowNodeRef>check_documents</bpmn:flowNodeRef>")
    new = Version(runtime, text, "sop_bench")
    workflow = old.start()
    _do(workflow, "register_application", SOP_DATA["register_application"])
    check = M.check(workflow, new.id, new.spec_json)
    assert not check.can_move
    assert check.reasons == ("the case waits in step Check the documents (check_documents), which is in lane "
                             "'Director' in the new version, not 'Clerk' (someone else would have to do it)",)


def test_a_waiting_task_of_another_kind_is_refused(runtime):
    old = Version(runtime, SOP, "sop_bench")
    root = etree.fromstring(SOP)
    manual = next(el for el in root.iter() if el.get("id") == "check_documents")
    manual.tag = "{http://www.omg.org/spec/BPMN/20100524/MODEL}manualTask"
    new = Version(runtime, etree.tostring(root), "sop_bench")
    workflow = old.start()
    _do(workflow, "register_application", SOP_DATA["register_application"])
    [reason] = M.check(workflow, new.id, new.spec_json).reasons
    assert reason.startswith("the case waits in step Check the documents (check_documents), which is a Manual Task")


def test_a_waiting_boundary_timer_keeps_its_due_time(runtime):
    old = Version(runtime, SOP, "sop_bench")
    new = Version(runtime, with_steps_after(SOP), "sop_bench")
    workflow = old.start()
    _do(workflow, "register_application", SOP_DATA["register_application"])
    [timer] = workflow.waiting_timers()
    assert timer.due_at == T0 + timedelta(hours=1)
    with clock.operation_time(T0 + timedelta(minutes=40), WorkCalendar):  # migrated later: same due time
        moved = _restored(M.migrate(workflow, new.id, new.spec_json), new)
        assert moved.waiting_timers() == [timer]


def test_a_waiting_intermediate_timer_keeps_its_due_time_and_fires_then(runtime):
    old = Version(runtime, TIMER_MODEL, "waits")
    new = Version(runtime, with_steps_after(TIMER_MODEL, ["a", "b"]), "waits")
    workflow = old.start()
    _do(workflow, "a")
    [timer] = workflow.waiting_timers()
    assert (timer.element_id, timer.due_at) == ("wait", T0 + timedelta(hours=2))
    with clock.operation_time(T0 + timedelta(hours=1), WorkCalendar):
        check = M.check(workflow, new.id, new.spec_json)
        assert check.can_move and check.waiting == ("wait",) and check.added == ("a_added", "b_added")
        moved = _restored(M.migrate(workflow, new.id, new.spec_json), new)
        assert moved.waiting_timers() == [timer]
        moved.fire_due_timers()
        assert _ready(moved) == []  # not due yet
    with clock.operation_time(T0 + timedelta(hours=2, seconds=1), WorkCalendar):
        moved.fire_due_timers()
        assert _ready(moved) == ["b"]
        _do(moved, "b")
        assert _ready(moved) == ["b_added"]  # the added step after it
        _do(moved, "b_added")
        assert moved.completed


def test_a_case_inside_a_call_activity_moves_with_its_subprocess(runtime):
    old = Version(runtime, CALL_MODEL, "caller")
    new = Version(runtime, with_steps_after(CALL_MODEL, ["report", "after"]), "caller")
    workflow = old.start()
    [before] = workflow.ready_tasks()
    assert before.element_id == "report"
    check = M.check(workflow, new.id, new.spec_json)
    assert check.can_move and check.waiting == ("call", "report")
    assert check.added == ("after_added", "report_added")
    moved = _restored(M.migrate(workflow, new.id, new.spec_json), new)
    assert [t.spiff_id for t in moved.ready_tasks()] == [before.spiff_id]
    for element_id in ("report", "report_added", "score", "after", "after_added"):
        assert _ready(moved) == [element_id]
        _do(moved, element_id)
    assert moved.completed


def test_a_case_in_a_subprocess_the_new_version_lacks_is_refused(runtime):
    old = Version(runtime, CALL_MODEL, "caller")
    text = CALL_MODEL.replace(b'calledElement="round"', b'calledElement="round2"').replace(
        b'<bpmn:process id="round"', b'<bpmn:process id="round2"')
    new = Version(runtime, text, "caller")
    workflow = old.start()
    check = M.check(workflow, new.id, new.spec_json)
    assert not check.can_move
    assert "the case is in subprocess round, which the new version does not have" in check.reasons


def test_a_multi_instance_step_keeps_its_instances(runtime):
    old = Version(runtime, SOP, "sop_bench")
    new = Version(runtime, with_steps_after(SOP, ["committee_vote"]), "sop_bench")
    workflow = old.start()
    for element_id, data in SOP_DATA.items():
        _do(workflow, element_id, data)
    _do(workflow, "director_review", {"decision": "approve", "committee": ["a", "b"]})
    first, second = workflow.ready_tasks()
    workflow.complete(first.spiff_id, {"vote": "yes"})
    moved = _restored(M.migrate(workflow, new.id, new.spec_json), new)
    assert [t.spiff_id for t in moved.ready_tasks()] == [second.spiff_id]
    moved.complete(second.spiff_id, {"vote": "no"})
    assert _ready(moved) == ["committee_vote_added"]
    _do(moved, "committee_vote_added")
    assert _ready(moved) == ["sign_decision"]
    assert moved.case_data()["votes"] == ["yes", "no"]
