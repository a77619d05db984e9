"""Deploy: hostile XML refused with clear messages, versions, all-or-nothing."""
from __future__ import annotations

import json
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
    assert sum(v == "ok" for v in outcomes.values()) >= 4, outcomes
    reasons = {v for v in outcomes.values() if v != "ok"}
    assert all("script tasks are not allowed" in r or "which no form of this process sets" in r
               or "cannot run in Krabuan" in r or "is already deployed from another file" in r
               for r in reasons), reasons
    # a send task, a message catch and a signal catch: nothing in Krabuan would do or send them
    assert {outcomes[n] for n in ("collaboration.bpmn", "event-gateway.bpmn", "event-subprocess.bpmn")} == {
        "a send task cannot run in Krabuan",
        "waiting for a message event cannot run in Krabuan (nothing would send it); use a timer or a user task",
        "waiting for a signal event cannot run in Krabuan (nothing would send it); use a timer or a user task"}


def _with_step(step: str) -> str:
    """MINIMAL with a krabuan:step on its user task."""
    return (MINIMAL.replace('xmlns:bpmn=', 'xmlns:krabuan="urn:krabuan:bpmn:1" xmlns:bpmn=')
            .replace('<bpmn:userTask id="do_it" name="Do it"/>',
                     f'<bpmn:userTask id="do_it"><bpmn:extensionElements>{step}</bpmn:extensionElements>'
                     '</bpmn:userTask>'))


@pytest.mark.parametrize("step, message", [
    ('<krabuan:step kind="boss"/>', "krabuan:step kind 'boss' is not one of user, approval, signature, archive, "
                                    "notification, external_system"),
    ('<krabuan:step minutes="half"/>', "minutes must be a whole number, not 'half'"),
    ('<krabuan:step workingDays="-1"/>', "workingDays must not be negative"),
    ('<krabuan:step durationInferred="yes"/>', "durationInferred is true or false, not 'yes'"),
    ('<krabuan:step colour="red" size="L"/>', "unknown attribute(s) on krabuan:step: colour, size"),
    ('<krabuan:step system=" "/>', "krabuan:step system is empty"),
    ('<krabuan:step assignee="Member"/>', "assignee must name a data variable (lower_snake_case), not 'Member'"),
    ('<krabuan:step><krabuan:control id="cp1" th="ก" en="a"/><krabuan:control id="cp1" th="ข" en="b"/></krabuan:step>',
     "control point id cp1 is used twice"),
    ('<krabuan:step><krabuan:control id="cp1" th="ก"/></krabuan:step>', "control point cp1 needs both th and en texts"),
    ('<krabuan:step><krabuan:risk th="ก" en="r" likelihood="6"/></krabuan:step>',
     "risk likelihood must be from 1 to 5"),
    ('<krabuan:step><krabuan:risk th="ก" en="r" score="x"/></krabuan:step>',
     "risk score must be a whole number, not 'x'"),
    ('<krabuan:step><krabuan:document direction="up" th="ก"/></krabuan:step>',
     'krabuan:document takes direction="in|out", th and en'),
    ('<krabuan:step><krabuan:note/></krabuan:step>', "unknown element inside krabuan:step: krabuan:note"),
    ('<krabuan:step><krabuan:deadline>{"type": "relative", "unit": "fortnights"}</krabuan:deadline></krabuan:step>',
     "a deadline unit is one of minutes, hours, days, working_days, weeks, months, years"),
    ('<krabuan:step><krabuan:deadline>{"type": "annual_date", "month": 13}</krabuan:deadline></krabuan:step>',
     "deadline month must be a month number from 1 to 12"),
    ('<krabuan:step><krabuan:deadline>{"type": "all_of", "rules": [{"type": "relative", "to_day": 0}]}'
     '</krabuan:deadline></krabuan:step>', "deadline to_day must be a day of the month from 1 to 31"),
    ('<krabuan:step><krabuan:deadline>{"type": "all_of"}</krabuan:deadline></krabuan:step>',
     "an all_of deadline rule needs a non-empty list under rules"),
    ('<krabuan:step><krabuan:deadline>{"type": "relative", "amount": 30, "unit": "working_days", '
     '"anchor": "inspection start (step 5)"}</krabuan:deadline></krabuan:step>',
     "deadline anchor 'inspection start (step 5)' is neither a case variable (lower_snake) nor a step "
     "(step:<element id>.started or step:<element id>.completed)"),
    ('<krabuan:step><krabuan:deadline>{"type": "all_of", "rules": [{"type": "before_event", "amount": 5, '
     '"unit": "working_days", "event": "activity start - implied"}]}</krabuan:deadline></krabuan:step>',
     "deadline event 'activity start - implied' is neither a case variable"),
    ('<krabuan:step><krabuan:deadline>{"type": "relative_by_case", "anchor": "paid_on", "cases": [{"when": "a", '
     '"amount": 1, "unit": "days", "anchor": "step:pay.done"}]}</krabuan:deadline></krabuan:step>',
     "deadline anchor 'step:pay.done' is neither a case variable"),
    ('<krabuan:step><krabuan:deadline>{"type": "relative"</krabuan:deadline></krabuan:step>',
     "krabuan:deadline is not valid JSON: "),
    ('<krabuan:step><krabuan:deadline>{"type": "unspecified"}</krabuan:deadline>'
     '<krabuan:deadline>{"type": "unspecified"}</krabuan:deadline></krabuan:step>',
     "only one krabuan:deadline per step"),
])
def test_bad_step_metadata_is_refused_naming_file_and_element(k, tmp_path, step, message):
    with pytest.raises(DeployError) as info:
        _deploy_text(k, tmp_path, _with_step(step))
    assert str(info.value).startswith(f"file {tmp_path / 'model.bpmn'}, element do_it: {message}")


def test_deadline_rule_kinds_are_the_ones_the_interpreter_reads(k, tmp_path):
    """One list: every kind engine.time.deadlines interprets deploys, and the refusal lists exactly those."""
    from engine.time.deadlines import RULE_KINDS, RULES

    assert RULE_KINDS == tuple(RULES) and "all_of" in RULE_KINDS
    rules = [{"type": kind} if kind != "all_of" else {"type": "all_of", "rules": [{"type": "unspecified"}]}
             for kind in RULE_KINDS]
    for n, rule in enumerate(rules):
        step = f'<krabuan:step><krabuan:deadline>{json.dumps(rule)}</krabuan:deadline></krabuan:step>'
        _deploy_text(k, tmp_path, _with_step(step).replace("Do it", f"Do it {n}").replace('"tiny"', f'"tiny{n}"'))
    with pytest.raises(DeployError) as info:
        _deploy_text(k, tmp_path, _with_step('<krabuan:step><krabuan:deadline>{"type": "soon"}</krabuan:deadline>'
                                             '</krabuan:step>'))
    assert info.value.reason == f"a deadline rule is a JSON object whose type is one of {', '.join(RULE_KINDS)}"


def test_step_metadata_is_read_into_typed_values(k, tmp_path):
    step = ('<krabuan:step kind="approval" minutes="45" workingDays="1.5" durationInferred="true" assignee="member">'
            '<krabuan:deadline>{"type": "relative", "amount": 2, "unit": "working_days", "note": "kept"}'
            '</krabuan:deadline><krabuan:control id="cp1" th=" ก " en="a"/>'
            '<krabuan:risk th="ก" en="r" likelihood="2" impact="3" score="6" levelEn="low"/>'
            '<krabuan:document direction="out" en="Letter"/></krabuan:step>')
    _deploy_text(k, tmp_path, _with_step(step))
    _, model = k.repository.process_model("tiny")
    meta = model.steps["do_it"].meta
    assert (meta.kind, meta.duration_minutes, meta.duration_working_days, meta.duration_inferred,
            meta.assignee_variable) == ("approval", 45, 1.5, True, "member")
    assert meta.deadline == {"type": "relative", "amount": 2, "unit": "working_days", "note": "kept"}
    assert [(c.id, c.th) for c in meta.controls] == [("cp1", "ก")]
    assert (meta.risks[0].likelihood, meta.risks[0].score, meta.risks[0].level_en) == (2, 6, "low")
    assert (meta.documents[0].direction, meta.documents[0].th, meta.documents[0].en) == ("out", "", "Letter")


@pytest.mark.parametrize("anchor, ok", [("step:do_it.started", True), ("step:no_such_step.completed", False),
                                        ("never_set_anywhere", False)])
def test_the_check_names_a_deadline_counted_from_nothing_the_process_has(k, tmp_path, anchor, ok):
    """A deadline counts from a variable some form sets or from a step of the process; anything
    else would silently count from the task's creation (issue 11, section 1)."""
    rule = json.dumps({"type": "relative", "amount": 2, "unit": "working_days", "anchor": anchor})
    path = tmp_path / "anchored.bpmn"
    path.write_text(_with_step(f'<krabuan:step minutes="30"><krabuan:deadline>{rule}</krabuan:deadline>'
                               '</krabuan:step>'), encoding="utf-8")
    problems = [str(p) for p in k.repository.check([path])[str(path)]]
    said = [p for p in problems if "the deadline counts from" in p]
    assert said == ([] if ok else [f"element do_it: the deadline counts from {anchor!r}, which no form of "
                                   "this process sets and no step of it is"])
