"""Lanes that never get a task: declared idle on purpose, or a warning of `processes check`
(issue 11, section 4: every role does its own step)."""
from __future__ import annotations

import pytest
from lxml import etree

from engine.errors import DeployError
from engine.model.definitions import NS, ProcessModel, read_process_model
from engine.model.lint import lane_warnings

_HEAD = ('<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
         'xmlns:krabuan="urn:krabuan:bpmn:1" id="D" targetNamespace="urn:t">')


def _file(lanes: str, second: str = "") -> str:
    return f"""{_HEAD}
  <bpmn:process id="letters" isExecutable="true">
    <bpmn:laneSet id="ls">{lanes}</bpmn:laneSet>
    <bpmn:startEvent id="start"/>
    <bpmn:userTask id="send"><bpmn:extensionElements><krabuan:step form="f.send" minutes="5"/>
      </bpmn:extensionElements></bpmn:userTask>
    <bpmn:endEvent id="end"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="send"/>
    <bpmn:sequenceFlow id="f2" sourceRef="send" targetRef="end"/>
  </bpmn:process>{second}
</bpmn:definitions>
"""


CLERK = '<bpmn:lane id="clerk"><bpmn:flowNodeRef>start</bpmn:flowNodeRef><bpmn:flowNodeRef>send</bpmn:flowNodeRef>' \
        '<bpmn:flowNodeRef>end</bpmn:flowNodeRef></bpmn:lane>'
IDLE = '<bpmn:extensionElements><krabuan:lane idle="outside the department: the letter goes by post"/>' \
       '</bpmn:extensionElements>'


def _read(text: str) -> tuple[etree._Element, list[ProcessModel]]:
    root = etree.fromstring(text.encode("utf-8"))
    return root, [read_process_model(p, "t.bpmn") for p in root.iterfind("bpmn:process", NS)]


def _warnings(text: str) -> list[tuple[str, str, str]]:
    root, models = _read(text)
    return [(f.element, f.severity, f.message) for f in lane_warnings(root, models, "t.bpmn")]


def test_a_lane_without_a_task_is_a_warning_naming_the_lane():
    found = _warnings(_file(CLERK + '<bpmn:lane id="addressee"/>'))
    assert found == [("addressee", "warning", 'lane has no task (the role never acts): give the role its step, '
                                              'or declare the lane idle (<krabuan:lane idle="why"/>)')]


def test_a_lane_with_only_events_or_gateways_counts_as_empty():
    lanes = ('<bpmn:lane id="clerk"><bpmn:flowNodeRef>send</bpmn:flowNodeRef></bpmn:lane>'
             '<bpmn:lane id="unit"><bpmn:flowNodeRef>start</bpmn:flowNodeRef><bpmn:flowNodeRef>end</bpmn:flowNodeRef>'
             '</bpmn:lane>')
    assert [e for e, _, _ in _warnings(_file(lanes))] == ["unit"]


def test_a_lane_declared_idle_says_why_and_is_not_warned_about():
    root, [model] = _read(_file(CLERK + f'<bpmn:lane id="addressee">{IDLE}</bpmn:lane>'))
    assert model.idle_lanes == {"addressee": "outside the department: the letter goes by post"}
    assert model.lanes["addressee"] == ("addressee",)  # no groups attribute: the lane id is the group
    assert lane_warnings(root, [model], "t.bpmn") == []
    assert ProcessModel.from_json(model.to_json()).idle_lanes == model.idle_lanes  # stored with the version


def test_a_lane_declared_idle_that_has_a_task_is_a_warning():
    lanes = f'<bpmn:lane id="clerk">{IDLE}<bpmn:flowNodeRef>send</bpmn:flowNodeRef></bpmn:lane>'
    assert _warnings(_file(lanes)) == [("clerk", "warning", "lane is declared idle but has task(s): send")]


def test_a_role_acting_in_another_pool_of_the_file_is_not_idle():
    """A call activity's pool has the role's lane (groups=...) with the task; the main pool's lane of
    the same role has none, and is no warning."""
    second = """
  <bpmn:process id="sub" isExecutable="true">
    <bpmn:laneSet id="ls2"><bpmn:lane id="sub__unit"><bpmn:extensionElements><krabuan:lane groups="unit"/>
      </bpmn:extensionElements><bpmn:flowNodeRef>report</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>
    <bpmn:startEvent id="s2"/><bpmn:userTask id="report"/><bpmn:endEvent id="e2"/>
    <bpmn:sequenceFlow id="g1" sourceRef="s2" targetRef="report"/>
    <bpmn:sequenceFlow id="g2" sourceRef="report" targetRef="e2"/>
  </bpmn:process>"""
    assert _warnings(_file(CLERK + '<bpmn:lane id="unit"/><bpmn:lane id="nobody"/>', second)) == [
        ("nobody", "warning", 'lane has no task (the role never acts): give the role its step, '
                              'or declare the lane idle (<krabuan:lane idle="why"/>)')]


def test_idle_combines_with_the_groups_of_a_second_pool_lane():
    lane = '<bpmn:lane id="p__x"><bpmn:extensionElements><krabuan:lane groups="x y" idle="why"/>' \
           '</bpmn:extensionElements></bpmn:lane>'
    _, [model] = _read(_file(CLERK + lane))
    assert (model.lanes["p__x"], model.idle_lanes) == (("x", "y"), {"p__x": "why"})


@pytest.mark.parametrize("attrs, message", [
    ('idle=" "', "krabuan:lane idle must say why the lane has no task"),
    ('groups="" idle="x"', "krabuan:lane groups is empty"),
    ('owner="x"', 'lanes take only <krabuan:lane groups="..." idle="..."/>'),
])
def test_a_malformed_lane_declaration_is_refused(attrs, message):
    lane = f'<bpmn:lane id="x"><bpmn:extensionElements><krabuan:lane {attrs}/></bpmn:extensionElements></bpmn:lane>'
    with pytest.raises(DeployError) as err:
        _read(_file(CLERK + lane))
    assert err.value.reason == message and err.value.details["element"] == "x"


def test_processes_check_reports_the_warning_without_refusing_the_file(k, tmp_path):
    forms = k.settings.forms_dir
    assert forms.exists()
    path = tmp_path / "letters.bpmn"
    path.write_text(_file(CLERK + '<bpmn:lane id="addressee"/>').replace('form="f.send" ', ""), encoding="utf-8")
    report = k.repository.lint([path])[str(path)]
    assert [w for w in report.warnings if "lane" in w] == [
        'element addressee: lane has no task (the role never acts): give the role its step, or declare the lane '
        'idle (<krabuan:lane idle="why"/>)']
    assert not [p for p in report.problems if "lane" in p]
    assert k.repository.check([path])[str(path)] == list(report.problems)  # warnings never refuse
