"""Deploy: hostile XML refused with clear messages, versions, all-or-nothing."""
from __future__ import annotations

import time

import pytest

from helpers import DATA, SOP_BENCH
from engine.errors import DeployError

MINIMAL = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="D" targetNamespace="urn:t">
  <bpmn:process id="tiny" isExecutable="true">
    <bpmn:startEvent id="StartEvent_1"/>
    <bpmn:userTask id="do_it" name="Do it"/>
    <bpmn:endEvent id="EndEvent_1"/>
    <bpmn:sequenceFlow id="f1" sourceRef="StartEvent_1" targetRef="do_it"/>
    <bpmn:sequenceFlow id="f2" sourceRef="do_it" targetRef="EndEvent_1"/>
  </bpmn:process>
</bpmn:definitions>
"""


def _versions(k):
    return [(v.process_id, v.version) for v in k.repository.versions()]


def _deploy_text(k, tmp_path, text, name="model.bpmn"):
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return k.repository.deploy([path])


HOSTILE = {
    "xxe_file": ('<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                 + MINIMAL.split("?>", 1)[1].replace('name="Do it"', 'name="&x;"'), "DOCTYPE"),
    "xxe_http": ('<!DOCTYPE d [<!ENTITY x SYSTEM "http://127.0.0.1:9/x">]><d>&x;</d>', "DOCTYPE"),
    "billion_laughs": ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                       + "".join(f'<!ENTITY lol{i} "{("&lol%d;" % (i - 1) if i > 1 else "&lol;") * 10}">'
                                 for i in range(1, 10))
                       + ']><lolz>&lol9;</lolz>', "DOCTYPE"),
    "doctype_only": ('<?xml version="1.0"?><!DOCTYPE html>' + MINIMAL.split("?>", 1)[1], "DOCTYPE"),
    "entity_lowercase": ('<!doctype x [<!entity a "b">]><x/>', "DOCTYPE"),
    "truncated": (MINIMAL[: len(MINIMAL) // 2], "not well-formed XML"),
    "not_xml": ("this is not a model", "not well-formed XML"),
    "empty": ("", "file is empty"),
    "not_bpmn": ('<?xml version="1.0"?><html><body/></html>', "not bpmn:definitions"),
    "dangling_flow": (MINIMAL.replace('targetRef="EndEvent_1"', 'targetRef="nowhere"'),
                      "element f2: sequence flow targetRef 'nowhere' is not an element"),
    "script_task": (MINIMAL.replace('<bpmn:userTask id="do_it" name="Do it"/>',
                                    '<bpmn:scriptTask id="do_it"><bpmn:script>import os</bpmn:script></bpmn:scriptTask>'),
                    "element do_it: script tasks are not allowed"),
    "spiff_prescript": (MINIMAL.replace('xmlns:bpmn=', 'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" xmlns:bpmn=')
                        .replace('<bpmn:userTask id="do_it" name="Do it"/>',
                                 '<bpmn:userTask id="do_it"><bpmn:extensionElements><spiffworkflow:preScript>x=1'
                                 '</spiffworkflow:preScript></bpmn:extensionElements></bpmn:userTask>'),
                        "element do_it: spiffworkflow:preScript scripts are not allowed"),
    "bad_condition": (MINIMAL.replace('<bpmn:sequenceFlow id="f2" sourceRef="do_it" targetRef="EndEvent_1"/>',
                                      '<bpmn:sequenceFlow id="f2" sourceRef="do_it" targetRef="EndEvent_1">'
                                      '<bpmn:conditionExpression>().__class__</bpmn:conditionExpression>'
                                      '</bpmn:sequenceFlow>'), "element f2: .*underscore"),
    "xsd_invalid": (MINIMAL.replace('<bpmn:endEvent id="EndEvent_1"/>', '<bpmn:endEvent/>'), "EndEvent_1"),
    "unknown_form": (MINIMAL.replace('xmlns:bpmn=', 'xmlns:krabuan="urn:krabuan:bpmn:1" xmlns:bpmn=')
                     .replace('<bpmn:userTask id="do_it" name="Do it"/>',
                              '<bpmn:userTask id="do_it"><bpmn:extensionElements><krabuan:step form="missing.form"/>'
                              '</bpmn:extensionElements></bpmn:userTask>'),
                     "element do_it: form 'missing.form' does not exist"),
    "unknown_extension": (MINIMAL.replace('xmlns:bpmn=', 'xmlns:krabuan="urn:krabuan:bpmn:1" xmlns:bpmn=')
                          .replace('<bpmn:userTask id="do_it" name="Do it"/>',
                                   '<bpmn:userTask id="do_it"><bpmn:extensionElements><krabuan:stp form="x"/>'
                                   '</bpmn:extensionElements></bpmn:userTask>'),
                          "element do_it: unknown Krabuan extension element krabuan:stp"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_or_broken_models_are_refused(k, tmp_path, case):
    text, message = HOSTILE[case]
    before = _versions(k)
    start = time.perf_counter()
    with pytest.raises(DeployError, match=message) as info:
        _deploy_text(k, tmp_path, text)
    assert time.perf_counter() - start < 2
    assert "model.bpmn" in str(info.value)  # the file is named
    assert "root:" not in str(info.value)   # no file content echoed
    assert _versions(k) == before


def test_fifty_mebibyte_file_is_refused_before_parsing(k, tmp_path):
    path = tmp_path / "huge.bpmn"
    with path.open("wb") as fh:
        fh.write(MINIMAL.encode()[:-20])
        fh.write(b"<!-- " + b"x" * (50 * 1024 * 1024) + b" -->")
    with pytest.raises(DeployError, match="larger than the 2,097,152-byte limit"):
        k.repository.deploy([path])


def test_same_bytes_make_no_new_version_and_new_bytes_do(k, tmp_path):
    assert _versions(k) == [("sop_bench", 1)]
    [again] = k.repository.deploy([SOP_BENCH])
    assert (again.version, again.created) == (1, False)
    [first] = _deploy_text(k, tmp_path, MINIMAL)
    assert (first.process_id, first.version, first.created) == ("tiny", 1, True)
    [second] = _deploy_text(k, tmp_path, MINIMAL.replace("Do it", "Do it now"))
    assert (second.version, second.created) == (2, True)
    assert len(second.sha256) == 64 and second.sha256 != first.sha256
    assert _versions(k) == [("sop_bench", 1), ("tiny", 1), ("tiny", 2)]


def test_a_bad_file_stops_the_whole_deployment(k, tmp_path):
    good = tmp_path / "good.bpmn"
    good.write_text(MINIMAL)
    bad = tmp_path / "bad.bpmn"
    bad.write_text(MINIMAL.replace('id="tiny"', 'id="tiny2"').replace('targetRef="EndEvent_1"', 'targetRef="x"'))
    with pytest.raises(DeployError, match="bad.bpmn"):
        k.repository.deploy([good, bad])
    assert _versions(k) == [("sop_bench", 1)]


def test_missing_path_is_a_clear_error(k, tmp_path):
    with pytest.raises(DeployError, match="no such file"):
        k.repository.deploy([tmp_path / "nope.bpmn"])


def test_spiffworkflow_corpus_models_deploy_or_are_refused_clearly(k):
    corpus = DATA.parents[2] / "shared" / "bpmn-corpus" / "spiffworkflow-tests"  # ../shared beside the repo
    files = sorted(corpus.rglob("*.bpmn"))
    assert files, "the external corpus is expected at ../shared/bpmn-corpus"
    outcomes = {}
    for path in files:
        try:
            k.repository.deploy([path])
            outcomes[path.name] = "ok"
        except DeployError as exc:
            assert path.name in str(exc)
            outcomes[path.name] = exc.reason
    assert sum(v == "ok" for v in outcomes.values()) >= 8, outcomes
    reasons = {v for v in outcomes.values() if v != "ok"}
    assert all("script tasks are not allowed" in r or "which no form of this process sets" in r
               for r in reasons), reasons
