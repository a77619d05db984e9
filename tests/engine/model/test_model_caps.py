"""What a diagram may ask of the engine, refused at deploy with the element named (issue 10,
section 1): ids too long to store, element kinds nothing would run, timers beyond sane bounds, huge
multi-instance counts, call activities that call themselves, and files with nothing executable."""
from __future__ import annotations

import pytest

from engine.errors import DeployError

HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"'
        ' id="D" targetNamespace="urn:t">')


def _model(body: str, process_id: str = "caps", executable: str = "true") -> bytes:
    return (f'{HEAD}<bpmn:process id="{process_id}" isExecutable="{executable}"><bpmn:startEvent id="s"/>'
            f'{body}<bpmn:endEvent id="e"/></bpmn:process></bpmn:definitions>').encode()


def _timer(kind: str, value: str) -> bytes:
    return _model(f'<bpmn:intermediateCatchEvent id="wait"><bpmn:timerEventDefinition><bpmn:{kind}>{value}'
                  f'</bpmn:{kind}></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>'
                  '<bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="wait"/>'
                  '<bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="e"/>')


def _task(tag: str) -> bytes:
    return _model(f'<bpmn:{tag} id="odd"/><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="odd"/>'
                  '<bpmn:sequenceFlow id="f2" sourceRef="odd" targetRef="e"/>')


REFUSED = [
    ("an id of 5,003 characters", _model("", process_id="p" * 5003), "longer than 200 characters", None),
    ("a service task", _task("serviceTask"), "a service task", "odd"),
    ("a send task", _task("sendTask"), "a send task cannot run", "odd"),
    ("a receive task", _task("receiveTask"), "a receive task cannot run", "odd"),
    ("a complex gateway", _task("complexGateway"), "a complex gateway cannot run", "odd"),
    ("a message catch", _model('<bpmn:intermediateCatchEvent id="m"><bpmn:messageEventDefinition/>'
                               '</bpmn:intermediateCatchEvent><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="m"/>'
                               '<bpmn:sequenceFlow id="f2" sourceRef="m" targetRef="e"/>'), "message event", "m"),
    ("a cycle of R/PT0S", _timer("timeCycle", '"R/PT0S"'), "more often than every 60 seconds", "wait"),
    ("a cycle every second", _timer("timeCycle", '"R5/PT1S"'), "more often than every 60 seconds", "wait"),
    ("a cycle of a million repeats", _timer("timeCycle", '"R1000000/PT1H"'), "more than 1000 times", "wait"),
    ("P99999999Y", _timer("timeDuration", '"P99999999Y"'), "longer than 3660 days", "wait"),
    ("a date in year 1", _timer("timeDate", '"0001-01-01T00:00:00"'), "outside 1950", "wait"),
    ("a date that is no date", _timer("timeDate", '"2026-13-45"'), "not an ISO 8601 value", "wait"),
    ("a multi-instance of 100,000", _model(
        '<bpmn:userTask id="vote"><bpmn:multiInstanceLoopCharacteristics><bpmn:loopCardinality>100000'
        '</bpmn:loopCardinality></bpmn:multiInstanceLoopCharacteristics></bpmn:userTask>'
        '<bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="vote"/><bpmn:sequenceFlow id="f2" sourceRef="vote" '
        'targetRef="e"/>'), "more than 1000", "vote"),
    ("a call activity calling its own process", _model(
        '<bpmn:callActivity id="again" calledElement="caps"/><bpmn:sequenceFlow id="f1" sourceRef="s" '
        'targetRef="again"/><bpmn:sequenceFlow id="f2" sourceRef="again" targetRef="e"/>'), "calls itself", "caps"),
    ("no executable process", _model("<bpmn:sequenceFlow id=\"f1\" sourceRef=\"s\" targetRef=\"e\"/>",
                                     executable="false"), "no executable process", None),
]


@pytest.mark.parametrize("name,xml,says,element", REFUSED, ids=[r[0] for r in REFUSED])
def test_refused_at_deploy(k, name, xml, says, element):
    with pytest.raises(DeployError) as refused:
        k.repository.deploy_bytes(xml, "caps.bpmn")
    assert says in refused.value.message and "\n" not in refused.value.message
    if element:
        assert refused.value.details.get("element") == element
    assert "caps" not in {v.process_id for v in k.repository.versions()}


def test_calls_in_a_ring_are_refused_and_sane_timers_pass(k):
    ring = (f'{HEAD}<bpmn:process id="a" isExecutable="true"><bpmn:startEvent id="s1"/><bpmn:callActivity id="ca" '
            'calledElement="b"/><bpmn:sequenceFlow id="f1" sourceRef="s1" targetRef="ca"/></bpmn:process>'
            '<bpmn:process id="b" isExecutable="true"><bpmn:startEvent id="s2"/><bpmn:callActivity id="cb" '
            'calledElement="a"/><bpmn:sequenceFlow id="f2" sourceRef="s2" targetRef="cb"/></bpmn:process>'
            '</bpmn:definitions>').encode()
    with pytest.raises(DeployError, match="calls itself"):
        k.repository.deploy_bytes(ring, "ring.bpmn")
    for kind, value in (("timeDuration", '"P3D"'), ("timeCycle", '"R3/PT1H"'), ("timeDate", '"2026-12-31T09:00:00"'),
                        ("timeDuration", "add_days(today(), 3)")):
        assert k.repository.deploy_bytes(_timer(kind, value), "ok.bpmn")


LOOP = (f'{HEAD}<bpmn:process id="spin" isExecutable="true"><bpmn:startEvent id="s"/>'
        '<bpmn:exclusiveGateway id="g" default="back"/><bpmn:exclusiveGateway id="h" default="again"/>'
        '<bpmn:endEvent id="e"/><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="g"/>'
        '<bpmn:sequenceFlow id="back" sourceRef="g" targetRef="h"/><bpmn:sequenceFlow id="again" sourceRef="h" '
        'targetRef="g"/><bpmn:sequenceFlow id="out" sourceRef="h" targetRef="e"><bpmn:conditionExpression>1 == 2'
        '</bpmn:conditionExpression></bpmn:sequenceFlow></bpmn:process></bpmn:definitions>').encode()


def test_a_loop_with_no_wait_state_fails_its_operation_and_saves_nothing(k):
    from engine.errors import ProcessError
    k.repository.deploy_bytes(LOOP, "spin.bpmn")
    with pytest.raises(ProcessError, match="more than 500 automatic steps"):
        k.cases.start("spin", "clerk1")
    assert k.cases.start("sop_bench", "clerk1").instance_id == 1  # the failed start left no case behind


@pytest.mark.parametrize("value,says", [("0001-01-01T00:00:00", "out of range"), ("9999-12-31T23:59:59", "outside 1950"),
                                        ("P99999999Y", "longer than 3660 days")])
def test_timer_values_from_the_case_data_are_bounded_at_run_time(k, value, says):
    from engine.errors import ProcessError

    from helpers import DATA
    k.repository.deploy([DATA / "timed_wait.bpmn"])
    with pytest.raises(ProcessError, match=says):
        k.cases.start("timed_wait", "clerk1", {"wake_at": value})


def test_a_committee_larger_than_the_cap_is_refused_before_it_is_made(k):
    from engine.errors import ProcessError
    xml = _model('<bpmn:userTask id="vote"><bpmn:multiInstanceLoopCharacteristics><bpmn:loopCardinality>100 * 1000'
                 '</bpmn:loopCardinality></bpmn:multiInstanceLoopCharacteristics></bpmn:userTask>'
                 '<bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="vote"/><bpmn:sequenceFlow id="f2" '
                 'sourceRef="vote" targetRef="e"/>', process_id="committee_cap")
    k.repository.deploy_bytes(xml, "committee_cap.bpmn")  # not a literal: only the run can tell
    with pytest.raises(ProcessError, match="more than 1000"):
        k.cases.start("committee_cap", "clerk1")


def test_the_caps_are_settings(tmp_path):
    """An office that needs a bigger committee or a faster cycle says so in its settings."""
    from engine import Krabuan
    from helpers import make_settings
    committee = _model('<bpmn:userTask id="vote"><bpmn:multiInstanceLoopCharacteristics><bpmn:loopCardinality>7'
                       '</bpmn:loopCardinality></bpmn:multiInstanceLoopCharacteristics></bpmn:userTask>'
                       '<bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="vote"/><bpmn:sequenceFlow id="f2" '
                       'sourceRef="vote" targetRef="e"/>', process_id="seven")
    small = Krabuan(make_settings(tmp_path / "a", "").with_overrides(max_multi_instance=5))
    try:
        small.init()
        with pytest.raises(DeployError, match="more than 5"):
            small.repository.deploy_bytes(committee, "seven.bpmn")
    finally:
        small.close()
    roomy = Krabuan(make_settings(tmp_path / "b", "").with_overrides(max_multi_instance=10, min_timer_cycle_seconds=1))
    try:
        roomy.init()
        assert roomy.repository.deploy_bytes(committee, "seven.bpmn")
        assert roomy.repository.deploy_bytes(_timer("timeCycle", '"R5/PT1S"'), "fast.bpmn")
    finally:
        roomy.close()
        Krabuan(make_settings(tmp_path / "c", "")).close()  # back to the defaults for the other tests
