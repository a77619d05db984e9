"""Event logs for process mining (issue 14): XES validated against the IEEE 1849-2016 schema and
OCEL 2.0 JSON where documents and committee members are objects; streamed; auditors and
administrators only."""
from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import jsonschema_rs
import pytest
from lxml import etree

from engine import BANGKOK, CaseHeader, Completion, LogQuery
from engine.errors import Forbidden, NotFound
from helpers import DATA, FORM_DATA, do_task, drive_sop, open_tasks

XES_SCHEMA = etree.XMLSchema(etree.parse(str(DATA / "xes" / "xes-ieee-1849-2016.xsd")))
OCEL_SCHEMA = jsonschema_rs.Draft7Validator(json.loads((DATA / "ocel" / "ocel2-json-schema.json").read_text()))
PDF = b"%PDF-1.4\n% evidence\n%%EOF\n"


def _xes(k, query=None, username="auditor1"):
    export = k.event_logs.xes(query or LogQuery("sop_bench"), username)
    chunks = list(export.chunks)
    return export, chunks, etree.fromstring(b"".join(c.data for c in chunks))


def _attrs(element):
    return {child.get("key"): child.get("value") for child in element if child.get("key")}


def test_xes_validates_and_says_who_did_which_step_when(k):
    first, done = drive_sop(k, rejections=1, roundtrip=False)
    second, _ = drive_sop(k, roundtrip=False)
    export, chunks, log = _xes(k)
    XES_SCHEMA.assertValid(log)
    assert (export.cases, export.filename) == (2, "sop_bench.xes")
    traces = log.findall("trace")
    assert [_attrs(t)["concept:name"] for t in traces] == [str(first), str(second)]
    assert _attrs(traces[0])["krabuan:version"] == "1"
    events = [_attrs(e) for e in traces[0].findall("event")]
    completed = [e for e in events if e["lifecycle:transition"] == "complete"]
    assert len(completed) == len(done)  # one complete event per step done, loops included
    assert [e["concept:name"] for e in completed][:4] == ["Register the application", "Check the documents",
                                                         "Prepare the draft", "Director review"]
    review = completed[3]
    assert (review["org:resource"], review["org:group"], review["org:role"]) == ("director1", "director", "director")
    assert datetime.fromisoformat(review["time:timestamp"]).utcoffset() == timedelta(hours=7)
    scheduled = [e for e in events if e["lifecycle:transition"] == "schedule"]
    assert len(scheduled) == len(done) and "org:resource" not in scheduled[0]
    assert {e["lifecycle:transition"] for e in events} == {"schedule", "assign", "complete"}
    # progress counts every history event read, up to the total announced
    counts = [c.events_read for c in chunks]
    assert counts == sorted(counts) and counts[-1] == export.events == sum(
        len(k.cases.show(i).history) for i in (first, second))


def test_the_period_selects_the_cases_started_in_it(k):
    drive_sop(k, roundtrip=False)
    today = datetime.now(BANGKOK).date()
    _, _, log = _xes(k, LogQuery("sop_bench", today - timedelta(days=2), today - timedelta(days=1)))
    XES_SCHEMA.assertValid(log)
    assert log.findall("trace") == []
    _, _, log = _xes(k, LogQuery("sop_bench", today - timedelta(days=1), today + timedelta(days=1)))
    assert len(log.findall("trace")) == 1


def test_only_auditors_and_administrators_export(k):
    drive_sop(k, roundtrip=False)
    for user in ("clerk1", "director1", "nobody"):
        with pytest.raises(Forbidden):
            k.event_logs.xes(LogQuery("sop_bench"), user)
        with pytest.raises(Forbidden):
            k.event_logs.ocel(LogQuery("sop_bench"), user)
    assert k.event_logs.xes(LogQuery("sop_bench"), "admin1").cases == 1
    with pytest.raises(NotFound):
        k.event_logs.xes(LogQuery("no_such_process"), "auditor1")


def test_xes_escapes_what_people_type(k):
    instance_id = k.cases.start("sop_bench", "clerk1", header=CaseHeader(title='<ขอ> "ห้อง" & </log>')).instance_id
    _, _, log = _xes(k)
    XES_SCHEMA.assertValid(log)
    assert _attrs(log.find("trace"))["krabuan:title"] == '<ขอ> "ห้อง" & </log>'
    assert _attrs(log.find("trace"))["concept:name"] == str(instance_id)


def test_ocel_has_documents_and_committee_members_as_objects(k):
    k.repository.deploy([DATA / "committee.bpmn"])
    evidence = k.files.upload("clerk1", "หนังสือ.pdf", PDF)
    case = k.cases.start("sop_bench", "clerk1").instance_id
    do_task(k, open_tasks(k, case)[0].id, "clerk1", dict(FORM_DATA["register_application"],
                                                         attachments=[evidence.sha256]))
    committee = k.cases.start("committee", "clerk1").instance_id
    do_task(k, open_tasks(k, committee)[0].id, "clerk1", {"members": ["director2", "director3"]})
    logs = {}
    for process in ("sop_bench", "committee"):
        export = k.event_logs.ocel(LogQuery(process), "auditor1")
        logs[process] = json.loads(b"".join(c.data for c in export.chunks))
        OCEL_SCHEMA.validate(logs[process])
        objects = {o["id"]: o for o in logs[process]["objects"]}
        for event in logs[process]["events"]:
            assert {r["objectId"] for r in event["relationships"]} <= set(objects), event
        assert {t["name"] for t in logs[process]["eventTypes"]} == {e["type"] for e in logs[process]["events"]}
    sop = logs["sop_bench"]
    document = f"document-{evidence.sha256}"
    assert {o["type"] for o in sop["objects"]} >= {"case", "person", "document"}
    registered = next(e for e in sop["events"] if e["type"] == "Register the application")
    assert {"objectId": document, "qualifier": "attachments"} in registered["relationships"]
    assert {"objectId": "person-clerk1", "qualifier": "resource"} in registered["relationships"]
    assert {"objectId": f"case-{case}", "qualifier": "case"} in registered["relationships"]
    appointed = next(e for e in logs["committee"]["events"] if e["relationships"][1:]
                     and any(r["qualifier"] == "members" for r in e["relationships"]))
    members = {r["objectId"] for r in appointed["relationships"] if r["qualifier"] == "members"}
    assert members == {"person-director2", "person-director3"}
    case_object = next(o for o in logs["committee"]["objects"] if o["id"] == f"case-{committee}")
    assert {r["objectId"] for r in case_object["relationships"]} == members


def test_an_empty_period_is_a_valid_empty_log(k):
    query = LogQuery("sop_bench", date(2500, 1, 1), date(2500, 1, 2))
    export = k.event_logs.ocel(query, "auditor1")
    log = json.loads(b"".join(c.data for c in export.chunks))
    OCEL_SCHEMA.validate(log)
    assert (export.cases, log["events"], log["objects"]) == (0, [], [])


def test_completion_with_capacity_fields_keeps_the_log_valid(k):
    """A completion that claims on the way (one event less) still yields a valid, complete trace."""
    case = k.cases.start("sop_bench", "clerk1").instance_id
    task = open_tasks(k, case)[0]
    k.cases.complete(task.id, "clerk1", FORM_DATA["register_application"], how=Completion(claim=True))
    _, _, log = _xes(k)
    XES_SCHEMA.assertValid(log)
    kinds = [_attrs(e)["lifecycle:transition"] for e in log.find("trace").findall("event")]
    assert kinds.count("complete") == 1 and kinds[0] == "schedule"
