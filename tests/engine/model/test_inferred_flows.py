"""What the process model says is inferred or corrected from the source (issue 11, section 5):
flows marked ``krabuan:inferred="why"``, a step's ``sourceName`` and a control's ``source`` /
``corrected``, kept through the stored JSON of a version."""
from __future__ import annotations

import pytest
from lxml import etree

from engine.errors import DeployError
from engine.model.definitions import NS, ProcessModel, read_process_model

_HEAD = ('<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
         'xmlns:krabuan="urn:krabuan:bpmn:1" id="D" targetNamespace="urn:t">')


def _file(return_flow: str, step: str = '<krabuan:step form="f.sign" minutes="5"/>') -> str:
    return f"""{_HEAD}
  <bpmn:process id="letters" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:userTask id="draft"><bpmn:extensionElements><krabuan:step form="f.draft" minutes="5"/>
      </bpmn:extensionElements></bpmn:userTask>
    <bpmn:userTask id="sign" name="ผู้อำนวยการพิจารณาลงนาม"><bpmn:extensionElements>{step}</bpmn:extensionElements>
      </bpmn:userTask>
    <bpmn:exclusiveGateway id="signed" default="f4"/>
    <bpmn:endEvent id="end"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="draft"/>
    <bpmn:sequenceFlow id="f2" sourceRef="draft" targetRef="sign"/>
    <bpmn:sequenceFlow id="f3" sourceRef="sign" targetRef="signed"/>
    <bpmn:sequenceFlow id="f4" sourceRef="signed" targetRef="end"/>
    {return_flow}
  </bpmn:process>
</bpmn:definitions>
"""


RETURN = ('<bpmn:sequenceFlow id="back" name="ส่งกลับแก้ไข" sourceRef="signed" targetRef="draft" '
          'krabuan:inferred="The source draws no rejection path: the director may return the draft.">'
          '<bpmn:documentation>INFERRED: ...</bpmn:documentation>'
          '<bpmn:conditionExpression>decision == "return"</bpmn:conditionExpression></bpmn:sequenceFlow>')


def _model(text: str) -> ProcessModel:
    root = etree.fromstring(text.encode("utf-8"))
    return read_process_model(next(root.iterfind("bpmn:process", NS)), "t.bpmn")


def test_an_inferred_flow_is_read_with_its_reason_and_kept_in_the_stored_json():
    model = _model(_file(RETURN))
    [flow] = model.inferred_flows
    assert (flow.element_id, flow.source, flow.target, flow.name) == ("back", "signed", "draft", "ส่งกลับแก้ไข")
    assert flow.inferred.startswith("The source draws no rejection path")
    assert ProcessModel.from_json(model.to_json()) == model
    assert model.describe()["inferred_flows"][0]["element_id"] == "back"


def test_flows_without_the_mark_are_not_inferred_and_old_stored_models_still_read():
    model = _model(_file(RETURN.replace(' krabuan:inferred="The source draws no rejection path: the director '
                                        'may return the draft."', "")))
    assert model.inferred_flows == ()
    stored = model.to_json().replace(', "inferred_flows": []', "")
    assert "inferred_flows" not in stored
    assert ProcessModel.from_json(stored) == model


def test_an_empty_inferred_mark_is_refused_naming_the_flow():
    with pytest.raises(DeployError, match="krabuan:inferred is empty") as caught:
        _model(_file(RETURN.replace('krabuan:inferred="The source draws no rejection path: the director may return '
                                    'the draft."', 'krabuan:inferred=" "')))
    assert "element back" in str(caught.value)


def test_a_corrected_name_and_control_keep_their_source_text():
    step = ('<krabuan:step form="f.sign" minutes="5" sourceName="นำเอกสารเสนอต่อผู้บริหาร">'
            '<krabuan:control id="cp2" th="ดำเนินการให้แล้วเสร็จ ภายใน ๓๐ วัน" en="Finish within 30 days." '
            'source="ดำเนินการให้แล้วเสร็จ ภายใน วันทำการ" corrected="the number is missing; the text says 30 days"/>'
            '<krabuan:control id="cp1" th="ลงนาม" en="Sign."/></krabuan:step>')
    model = _model(_file("", step))
    meta = model.steps["sign"].meta
    assert meta.source_name == "นำเอกสารเสนอต่อผู้บริหาร"
    corrected, plain = meta.controls
    assert (corrected.source, corrected.corrected) == ("ดำเนินการให้แล้วเสร็จ ภายใน วันทำการ",
                                                       "the number is missing; the text says 30 days")
    assert (plain.source, plain.corrected) == ("", "")
    assert corrected.to_json() == {"id": "cp2", "label": {"th": "ดำเนินการให้แล้วเสร็จ ภายใน ๓๐ วัน",
                                                          "en": "Finish within 30 days."}}
    assert ProcessModel.from_json(model.to_json()) == model
    described = model.describe()["steps"][1]
    assert described["source_name"] == "นำเอกสารเสนอต่อผู้บริหาร"
    assert described["controls"][0]["source"] == "ดำเนินการให้แล้วเสร็จ ภายใน วันทำการ"


def test_an_unknown_control_attribute_is_still_refused():
    step = '<krabuan:step form="f.sign" minutes="5"><krabuan:control id="cp1" th="ก" en="a" note="x"/></krabuan:step>'
    with pytest.raises(DeployError, match="krabuan:control takes id, th, en, source and corrected"):
        _model(_file("", step))
