"""Models from elsewhere (issue 11, section 8): what ``deploy`` says about the external BPMN corpus
in ../shared/bpmn-corpus (the OMG MIWG reference models and SpiffWorkflow's own test files).

Each problem the review found gets one clear line at deploy, naming the file and the element,
without Python internals: files with nothing executable, a process id already deployed from
another file, loop conditions and timer values that would fail when a case reaches them, lanes
nobody can claim, and expressions in other languages (JUEL, FEEL, XPath)."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from helpers import DATA
from lxml import etree

from engine.errors import DeployError
from engine.store import definitions

CORPUS = DATA.parents[2] / "shared" / "bpmn-corpus"  # ../shared beside the repository
MIWG = CORPUS / "miwg"
SPIFF = CORPUS / "spiffworkflow-tests" / "bpmn"
BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"


def _refusal(k, *paths, **options) -> str:
    with pytest.raises(DeployError) as caught:
        k.repository.deploy(list(paths), **options)
    return caught.value.message


def _versions(k, process_id):
    return [v.version for v in k.repository.versions(process_id)]


@pytest.mark.parametrize("name, marked", [("A.2.1.bpmn", 1), ("A.4.1.bpmn", 2), ("C.2.0.bpmn", 4), ("C.8.0.bpmn", 1)])
def test_a_file_with_no_executable_process_is_refused_not_silently_skipped(k, name, marked):
    before = k.repository.versions()
    message = _refusal(k, MIWG / name)
    assert message == (f"file {MIWG / name}: no executable process: its {marked} process(es) are marked "
                       'isExecutable="false" (descriptive diagrams); set isExecutable="true" on the one to run')
    assert k.repository.versions() == before


@pytest.mark.parametrize("name, marked", [("A.1.0.bpmn", 1), ("A.2.0.bpmn", 1), ("A.3.0.bpmn", 1), ("A.4.0.bpmn", 2)])
def test_the_latin1_descriptive_models_are_refused_for_their_encoding_then_for_having_nothing_to_run(
        k, tmp_path, name, marked):
    assert _refusal(k, MIWG / name).endswith("only UTF-8 is accepted; save the file as UTF-8")
    path = tmp_path / name  # saved as UTF-8, as the first refusal says
    path.write_bytes((MIWG / name).read_text(encoding="iso-8859-1").replace(
        'encoding="ISO-8859-1"', 'encoding="UTF-8"').encode("utf-8"))
    assert _refusal(k, path) == (f"file {path}: no executable process: its {marked} process(es) are marked "
                                 'isExecutable="false" (descriptive diagrams); set isExecutable="true" on the one '
                                 "to run")


def test_a_process_id_deployed_from_another_file_is_refused_unless_it_is_a_new_version(k, tmp_path):
    first, other = SPIFF / "parallel_multiinstance_cardinality.bpmn", SPIFF / "sequential_multiinstance_loop_input.bpmn"
    assert [(r.process_id, r.version) for r in k.repository.deploy([first])] == [("main", 1)]
    running = k.cases.start("main", "clerk1").instance_id
    message = _refusal(k, other)
    assert message == (f"file {other}, element main: process id 'main' is already deployed from another file "
                       "(parallel_multiinstance_cardinality.bpmn, version 1); if this file is a new version of that "
                       "process, deploy it with --new-version-of main; otherwise give its process another id")
    assert _versions(k, "main") == [1]
    # said to be a new version of the process: version 2; the running case stays on version 1
    assert [(r.process_id, r.version) for r in k.repository.deploy([other], new_version_of=["main"])] == [("main", 2)]
    case = k.cases.show(running)
    assert (case.version, case.status, len(case.open_tasks)) == (1, "running", 3)
    # the same file saved again with a change (what the modeler does) needs no flag
    edited = tmp_path / "sequential_multiinstance_loop_input.bpmn"
    edited.write_bytes(other.read_bytes().replace(b'id="main"', b'id="main" name="Main, edited"'))
    assert [r.version for r in k.repository.deploy([edited])] == [3]
    assert [r.version for r in k.repository.deploy_bytes(edited.read_bytes(), edited.name)] == [3]  # unchanged


def test_new_version_of_must_name_a_process_of_the_deployment(k):
    assert _refusal(k, SPIFF / "timer.bpmn", new_version_of=["main"]) == (
        "--new-version-of main: no file of this deployment defines that process id")
    assert _versions(k, "timer") == []


def test_a_loop_condition_nothing_sets_is_refused_at_deploy_not_at_start(k):
    assert _refusal(k, SPIFF / "standard_loop.bpmn") == (
        f"file {SPIFF / 'standard_loop.bpmn'}, element any_task: the loop condition reads 'done', which no form of "
        "this process sets (it would fail when a case reaches it)")
    assert _versions(k, "main") == []


def _c91_timers() -> dict[str, etree._Element]:
    """The two boundary timers of MIWG C.9.1 (Camunda): a daily reminder cycle and a one-week
    deadline, written as bare ISO 8601 literals (R6/P1D, P7D) as Camunda writes them."""
    root = etree.parse(str(MIWG / "C.9.1.bpmn")).getroot()
    return {el.get("id"): el for el in root.iter(f"{{{BPMN}}}boundaryEvent")
            if el.find(f".//{{{BPMN}}}timerEventDefinition") is not None}


def _c91_model() -> str:
    """C.9.1's 'wait for the document' step (a receive task there, which Krabuan cannot run) as a
    user task, with C.9.1's two timer boundary events as they are in the file."""
    timers = _c91_timers()
    assert [t.find(f".//{{{BPMN}}}timeCycle").text for t in timers.values() if t.get("name") == "daily"] == ["R6/P1D"]
    boundary = "".join(
        f'<bpmn:boundaryEvent id="{el.get("id")}" cancelActivity="{el.get("cancelActivity", "true")}" '
        f'attachedToRef="wait_for_document"><bpmn:timerEventDefinition>'
        + etree.tostring(el.find(f".//{{{BPMN}}}timerEventDefinition")[0]).decode()
        + "</bpmn:timerEventDefinition></bpmn:boundaryEvent>" for el in timers.values())
    flows = "".join(f'<bpmn:sequenceFlow id="f_{i}" sourceRef="{el.get("id")}" targetRef="{target}"/>'
                    for i, (el, target) in enumerate(zip(timers.values(), ["remind", "give_up"], strict=True)))
    return (f'<?xml version="1.0" encoding="UTF-8"?><bpmn:definitions xmlns:bpmn="{BPMN}" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="D" targetNamespace="urn:t">'
            '<bpmn:process id="document_wait" isExecutable="true"><bpmn:startEvent id="s"/>'
            '<bpmn:userTask id="wait_for_document" name="Wait for the document"/>'
            '<bpmn:userTask id="remind" name="Remind the customer"/><bpmn:userTask id="give_up" name="Give up"/>'
            f'{boundary}<bpmn:endEvent id="e"/>'
            '<bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="wait_for_document"/>'
            f'<bpmn:sequenceFlow id="f2" sourceRef="wait_for_document" targetRef="e"/>{flows}'
            '</bpmn:process></bpmn:definitions>')


def test_bare_iso_timer_literals_from_camunda_deploy_and_fire(k, tmp_path):
    path = tmp_path / "document_wait.bpmn"
    path.write_text(_c91_model(), encoding="utf-8")
    k.repository.deploy([path])
    version = k.repository.versions("document_wait")[0]
    with k.ctx.db.unit_of_work(write=False) as conn:  # the stored file keeps the modeler's text
        assert ">R6/P1D<" in definitions.bpmn_of(conn, version.definition_id)
    t0 = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
    k.ctx.fixed_now = t0
    instance_id = k.cases.start("document_wait", "clerk1").instance_id
    due = sorted((t.element_id, t.due_at - t0) for t in k.jobs.timers(instance_id))
    assert due == [("BoundaryEvent_1", timedelta(days=1)), ("BoundaryEvent_2", timedelta(days=7))]
    k.ctx.fixed_now = t0 + timedelta(days=1, seconds=1)
    assert [k.jobs.fire_timer(t, "s1").element_id for t in k.jobs.claim_timers("s1", 10, 30)] == ["BoundaryEvent_1"]
    assert sorted(t.element_id for t in k.cases.show(instance_id).open_tasks) == ["remind", "wait_for_document"]


def test_an_unquoted_timer_value_that_is_no_iso_literal_is_refused_at_deploy(k, tmp_path):
    path = tmp_path / "document_wait.bpmn"
    path.write_text(_c91_model().replace(">P7D<", ">P7Days<"), encoding="utf-8")
    message = _refusal(k, path)
    assert message == (f"file {path}, element BoundaryEvent_2: the timer duration reads 'P7Days', which no form of "
                       "this process sets (it would fail when a case reaches it)")


def test_lanes_that_match_no_group_deploy_with_a_warning_naming_them_and_the_known_groups(k):
    nested = sorted((SPIFF / "Test-Workflows").glob("Nested-*.bpmn20.xml"))
    results = {r.process_id: r for r in k.repository.deploy(nested)}
    level2 = results["sid-65436787-c39d-47c9-b99e-b4d7bd01b8f5"]
    assert level2.warnings == (
        "lane 'sid-5ECBDE1A-7443-4494-98CF-6E70658C0632' (groups sid-5ECBDE1A-7443-4494-98CF-6E70658C0632) matches "
        "no group with members in the organisation, so nobody can claim its task(s) "
        'sid-17C53A94-546D-4099-8A52-AAEE6AC3F6E7; name the groups with <krabuan:lane groups="..."/> (known groups: '
        "clerk, director, registry)",
        "process 'sid-65436787-c39d-47c9-b99e-b4d7bd01b8f5' may be started only by members of "
        "sid-5ECBDE1A-7443-4494-98CF-6E70658C0632, and none of these groups has an active member in the "
        "organisation, so nobody can start it")
    top = results["sid-a12cf1e5-86f4-4d69-9790-6a90342f5963"]
    assert any("'sid-523D686B-3A1A-4B30-8111-8FB18DF2D3E3'" in w for w in top.warnings)
    # a process whose lanes are groups, or that has no lanes, deploys without a warning
    assert all(r.warnings == () for r in k.repository.deploy([SPIFF / "Approvals.bpmn"]))


def test_a_call_to_a_process_outside_the_deployment_names_the_file_and_the_process(k):
    level1 = SPIFF / "Test-Workflows" / "Nested-Sub-level1.bpmn20.xml"
    assert _refusal(k, level1) == (
        f"file {level1}: a call activity calls process 'sid-65436787-c39d-47c9-b99e-b4d7bd01b8f5', which no file of "
        "this deployment defines; deploy the file that defines it together with this one (a called process is "
        "built into its caller's version)")


@pytest.mark.parametrize("name, element, language, text", [
    ("C.1.0.bpmn", "invoiceApproved", "JUEL", "'${approved}'"),
    ("C.1.1.bpmn", "invoiceApproved", "XPath", "\"bpmn:getDataObject('approved')\""),
    ("C.8.1.bpmn", "_0a1c4f20-509f-4aeb-baf9-acc762f4fdf9", "FEEL",
     "'Vacation Approval = \"Manual Validation Required\"'"),
    ("C.9.0.bpmn", "SequenceFlow_Red", "FEEL", "'= some risk in riskLevels satisfies risk = \"red\"'"),
])
def test_expressions_in_other_languages_are_named_not_read_as_python(k, name, element, language, text):
    assert _refusal(k, MIWG / name) == (
        f"file {MIWG / name}, element {element}: expression language not supported: {language} {text} in the "
        "condition; Krabuan reads Python-style expressions over the form fields (e.g. approved == True)")


def test_an_xpath_condition_is_refused_as_xpath_even_when_it_reads_like_python(k, tmp_path):
    """A.2.1's conditions declare XPath on the element; ``true`` would read as an unknown name."""
    path = tmp_path / "A.2.1.bpmn"
    path.write_bytes((MIWG / "A.2.1.bpmn").read_bytes().replace(b'isExecutable="false"', b'isExecutable="true"'))
    message = _refusal(k, path)
    assert message.startswith(f"file {path}, element ")
    assert message.endswith(": expression language not supported: XPath 'true' in the condition; Krabuan reads "
                            "Python-style expressions over the form fields (e.g. approved == True)")


def test_a_data_association_to_process_data_is_refused_without_python_reprs(k, tmp_path):
    """C.6.0/C.8.x map process-level data inputs into tasks (SpiffWorkflow cannot resolve them and
    said so with an lxml element repr)."""
    path = tmp_path / "travel.bpmn"
    path.write_text(
        f'<?xml version="1.0" encoding="UTF-8"?><bpmn:definitions xmlns:bpmn="{BPMN}" id="D" targetNamespace="urn:t">'
        '<bpmn:process id="travel" isExecutable="true"><bpmn:ioSpecification><bpmn:dataInput id="order"/>'
        '<bpmn:inputSet><bpmn:dataInputRefs>order</bpmn:dataInputRefs></bpmn:inputSet><bpmn:outputSet/>'
        '</bpmn:ioSpecification><bpmn:startEvent id="s"/><bpmn:userTask id="book" name="Book">'
        '<bpmn:dataInputAssociation id="a1"><bpmn:sourceRef>order</bpmn:sourceRef><bpmn:targetRef>x</bpmn:targetRef>'
        '</bpmn:dataInputAssociation></bpmn:userTask><bpmn:endEvent id="e"/>'
        '<bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="book"/><bpmn:sequenceFlow id="f2" sourceRef="book" '
        'targetRef="e"/></bpmn:process></bpmn:definitions>', encoding="utf-8")
    assert _refusal(k, path) == (
        f"file {path}, element book: the data input association of this element names data that is not a data "
        "object of the process (process-level data inputs and outputs are not supported); case data comes from "
        "the forms")


def test_no_refusal_of_the_corpus_leaks_python_internals(k):
    files = sorted(p for p in CORPUS.rglob("*") if p.name.endswith((".bpmn", ".bpmn20.xml")))
    assert len(files) == 46
    refused = 0
    for path in files:
        try:
            k.repository.deploy([path], new_version_of=())
        except DeployError as exc:
            refused += 1
            assert "\n" not in exc.message and "0x" not in exc.message and "<Element" not in exc.message, exc.message
            assert "Error" not in exc.message.replace("DeployError", ""), exc.message
    assert refused >= 35
