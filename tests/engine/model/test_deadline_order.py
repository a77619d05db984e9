"""The lint warning for a step due after the deadline of a step that follows it
(engine.model.deadline_order): the meeting's disbursement papers, as first encoded, were due
after the finance group's hard limit of two weeks after the meeting."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from lxml import etree

from engine.model.deadline_order import late_steps
from engine.model.definitions import NS, read_process_model
from engine.model.forms import FormRegistry
from engine.model.lint import deadline_order_warnings
from engine.settings import PROJECT_ROOT

AFTER_MEETING = {"type": "after_event", "amount": 2, "unit": "weeks", "event": "meeting_date"}
MEETING_DAY = {"type": "after_event", "amount": 0, "unit": "days", "event": "meeting_date", "roll": False}


def _task(element_id: str, minutes: int, rule: dict | None = None) -> str:
    deadline = f"<krabuan:deadline>{json.dumps(rule)}</krabuan:deadline>" if rule else ""
    return (f'<bpmn:userTask id="{element_id}"><bpmn:extensionElements><krabuan:step form="t.{element_id}" '
            f'minutes="{minutes}">{deadline}</krabuan:step></bpmn:extensionElements></bpmn:userTask>')


def _process(prepare_rule: dict | None, finance_rule: dict | None = AFTER_MEETING, loop: bool = False):
    """book (records meeting_date) -> meeting_day -> prepare (7,200 minutes) -> send_to_finance."""
    order = ["start", "book", "meeting_day", "prepare", "send_to_finance", "end"]
    flows = "".join(f'<bpmn:sequenceFlow id="f{i}" sourceRef="{a}" targetRef="{b}"/>'
                    for i, (a, b) in enumerate(zip(order, order[1:], strict=False)))
    if loop:  # finance returns the papers for revision
        flows += '<bpmn:sequenceFlow id="back" sourceRef="send_to_finance" targetRef="prepare"/>'
    xml = (f'<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
           f'xmlns:krabuan="urn:krabuan:bpmn:1"><bpmn:process id="p" isExecutable="true">'
           f'<bpmn:startEvent id="start"/>{_task("book", 60)}{_task("meeting_day", 1440, MEETING_DAY)}'
           f'{_task("prepare", 7200, prepare_rule)}{_task("send_to_finance", 20, finance_rule)}'
           f'<bpmn:endEvent id="end"/>{flows}</bpmn:process></bpmn:definitions>')
    process = etree.fromstring(xml.encode()).find("bpmn:process", NS)
    return process, read_process_model(process, "test.bpmn")


SETS = {"book": {"meeting_date"}}


@pytest.mark.parametrize("loop", [False, True])
def test_a_standard_duration_past_a_later_steps_hard_limit_is_named(loop):
    process, model = _process(None, loop=loop)
    [late] = late_steps(process, model, SETS)
    assert (late.element_id, late.later) == ("prepare", "send_to_finance")
    # The meeting is on Monday 1 March 2027 (the scenario's dates): finance's limit is two weeks
    # later; 7,200 minutes are 18 working days from the end of the meeting day.
    assert late.later_due.isoformat() == "2027-03-15T09:30:00+00:00"
    assert late.due > late.later_due
    assert "send_to_finance" in late.message() and "2027-03-15 16:30" in late.message()


def test_a_deadline_inside_the_later_one_is_fine():
    process, model = _process({"type": "after_event", "amount": 8, "unit": "working_days", "event": "meeting_date"})
    assert late_steps(process, model, SETS) == []


def test_only_a_deadline_counted_from_a_case_date_or_a_step_is_a_hard_limit():
    """A fixed day of the year depends on when the case starts, which the scenario cannot know."""
    process, model = _process(None, finance_rule={"type": "annual_date", "month": 1, "day": 10})
    assert late_steps(process, model, SETS) == []


def test_a_date_recorded_late_in_the_case_is_not_before_the_step_that_records_it():
    """Like asset-audit's report, 30 working days from the inspection's start that the inspection
    form records: a date recorded by the step itself is no earlier than the day that step opens."""
    process, model = _process(None, finance_rule={"type": "relative", "amount": 5, "unit": "working_days",
                                                  "anchor": "checked_on"})
    assert late_steps(process, model, {"send_to_finance": {"checked_on"}}) == []
    assert [x.element_id for x in late_steps(process, model, {"book": {"checked_on"}})] == ["prepare"]


def test_no_deployed_sop_has_a_step_due_after_a_later_steps_deadline():
    forms = FormRegistry.load(PROJECT_ROOT / "forms")
    found = []
    for path in sorted(Path(PROJECT_ROOT / "processes" / "bpmn").glob("*.bpmn")):
        root = etree.parse(str(path)).getroot()
        for process in root.iterfind("bpmn:process", NS):
            model = read_process_model(process, path.name)
            found += [str(f) for f in deadline_order_warnings(process, model, forms, path.name)]
    assert found == []
