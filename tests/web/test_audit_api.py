"""The auditors' JSON API (web/api/audit.py) on SQLite and PostgreSQL: an auditor searches cases,
pages through them, replays a finished case and reads the reports; every view is logged with the
surface "api" and listed by the views endpoint; nothing an auditor reads changes a case; anyone else
finds no search or replay (404) and may not read the reports (403); bad input is one clear 400."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from engine import ReportFilter
from engine.store.tables import HumanTask
from helpers import drive_sop, open_tasks

OTHERS = ("clerk1", "clerk2", "director1", "admin1", "outsider", "registrar1")
REPORTS = ("on-time", "overdue", "controls", "risks")


@pytest.fixture
def finished(k):
    case_id, _ = drive_sop(k, rejections=1, roundtrip=False)
    return case_id


@pytest.fixture
def api(app, k):
    client = app.test_client()
    tokens: dict[str, str] = {}

    def call(path, query=None, as_user="auditor1"):
        headers = {}
        if as_user is not None:
            token = tokens.get(as_user) or tokens.setdefault(
                as_user, k.accounts.create_token(as_user, "tests", actor=as_user).secret)
            headers["Authorization"] = f"Bearer {token}"
        return client.get(f"/api/v1{path}", query_string=query or {}, headers=headers)

    return call


def _ids(response):
    assert response.status_code == 200, response.get_json()
    return [h["instance_id"] for h in response.get_json()["hits"]]


def _make_overdue(k, instance_id):
    """The case's open step was due ten days ago."""
    past = datetime.now(UTC) - timedelta(days=10)
    with k.ctx.db.unit_of_work() as conn:
        conn.execute(update(HumanTask).where(HumanTask.c.instance_id == instance_id, HumanTask.c.state == "open")
                     .values(due_at=past, due_sort=past))


def test_an_auditor_searches_pages_and_replays_and_changes_nothing(api, k, finished):
    history = [e.hash for e in k.cases.show(finished).history]
    running = [k.cases.start("sop_bench", "clerk1").instance_id for _ in range(2)]

    found = api("/audit/cases", {"process": "sop_bench", "text": "สมชาย"})
    body = found.get_json()
    assert _ids(found) == [finished] and body["next_cursor"] is None
    hit = body["hits"][0]
    assert hit["status"] == "completed" and hit["process_id"] == "sop_bench" and hit["started_by"] == "clerk1"
    assert body["query"]["process_id"] == "sop_bench" and body["query"]["text"] == "สมชาย"
    assert _ids(api("/audit/cases", {"status": "completed", "from": "2000-01-01", "to": "2100-12-31"})) == [finished]
    assert _ids(api("/audit/cases", {"from": "2100-01-01"})) == []
    assert _ids(api("/audit/cases", {"participant": "director1"})) == [finished]
    assert _ids(api("/audit/cases", {"status": "running"})) == sorted(running, reverse=True)

    seen, cursor, pages = [], None, 0
    while True:
        page = api("/audit/cases", {"process": "sop_bench", "limit": "1", **({"cursor": cursor} if cursor else {})})
        seen += _ids(page)
        pages, cursor = pages + 1, page.get_json()["next_cursor"]
        if cursor is None:
            break
    assert seen == sorted([finished, *running], reverse=True) and pages == 3  # newest first, none twice

    replay = api(f"/audit/cases/{finished}/replay")
    shown = replay.get_json()
    assert replay.status_code == 200 and shown["instance_id"] == finished and shown["status"] == "completed"
    assert len(shown["steps"]) == len(history) == len(shown["states"])
    assert [s["seq"] for s in shown["steps"]] == [e.seq for e in k.cases.show(finished).history]
    assert shown["states"][-1]["done"]["prepare_draft"] == 2  # the loop, taken twice
    assert ("auditor1", "replay", "api") in [(v["viewer"], v["what"], v["surface"]) for v in shown["viewed_by"]]

    auditor = k.accounts.account("auditor1")
    logged = k.case_search.views_of(finished, auditor)
    assert {("search", "api"), ("replay", "api")} <= {(v.what, v.surface) for v in logged}
    assert all(v.surface == "api" and v.viewer == "auditor1" for v in logged)
    views = api(f"/audit/cases/{finished}/views")
    assert views.status_code == 200 and views.get_json() == [v.to_json() for v in logged]
    assert api(f"/audit/cases/{finished}/views", as_user="clerk1").get_json() == views.get_json()  # its people
    assert api(f"/audit/cases/{finished}/views", as_user="outsider").status_code == 404
    assert [e.hash for e in k.cases.show(finished).history] == history  # nothing written to the case
    assert k.cases.show(finished).status == "completed"


def test_an_auditor_reads_the_reports_and_each_read_is_logged(api, k, finished):
    late = k.cases.start("sop_bench", "clerk1").instance_id
    _make_overdue(k, late)
    before = {i: [e.hash for e in k.cases.show(i).history] for i in (finished, late)}
    auditor = k.accounts.account("auditor1")

    controls = api("/reports/controls", {"process": "sop_bench"})
    assert controls.status_code == 200 and isinstance(controls.get_json()["rules_checked"], int)
    assert controls.get_json() == k.reports.controls(auditor, ReportFilter(process_id="sop_bench")).to_json()
    overdue = api("/reports/overdue", {"process": "sop_bench", "lane": "clerk"}).get_json()
    assert [i["instance_id"] for i in overdue["items"]] == [late] and overdue["total"] == 1
    assert overdue["items"][0]["days_overdue"] >= 1 and overdue["filter"]["lane"] == "clerk"
    on_time = api("/reports/on-time", {"process": "sop_bench", "from": "2000-01-01", "to": "2100-12-31"})
    assert on_time.status_code == 200
    assert on_time.get_json()["filter"] == {"process_id": "sop_bench", "lane": None, "date_from": "2000-01-01",
                                            "date_to": "2100-12-31"}
    assert on_time.get_json()["procedures"][0]["count"] == 1  # the finished case
    risks = api("/reports/risks").get_json()
    assert len(risks["heat_map"]) == 5 and all(len(row) == 5 for row in risks["heat_map"])
    assert api("/reports/overdue", as_user="admin1").status_code == 200  # administrators read them too
    unknown = api("/reports/nope")
    assert unknown.status_code == 404 and unknown.get_json()["error"]["code"] == "not_found"

    assert _ids(api("/audit/cases", {"overdue": "true"})) == [late] == _ids(api("/audit/cases", {"overdue": "1"}))
    assert _ids(api("/audit/cases", {"overdue": "0"})) == [late, finished]
    assert ("report", "api") in {(v.what, v.surface) for v in k.case_search.views_of(late, auditor)}
    assert open_tasks(k, late)[0].assignee is None
    assert {i: [e.hash for e in k.cases.show(i).history] for i in (finished, late)} == before


@pytest.mark.parametrize("who", OTHERS)
def test_anyone_else_finds_no_search_or_replay_and_may_not_read_reports(api, k, finished, who):
    for path in ("/audit/cases", f"/audit/cases/{finished}/replay"):
        response = api(path, as_user=who)
        assert response.status_code == 404, (who, path)
        assert set(response.get_json()["error"]) == {"code", "message", "field"}
    for name in REPORTS:
        status = api(f"/reports/{name}", as_user=who).status_code
        assert status == (200 if who == "admin1" else 403), (who, name, status)
    assert k.case_search.views_of(finished, k.accounts.account("auditor1")) == ()  # nothing logged


def test_nobody_signed_in_gets_401(api, finished):
    for path in ("/audit/cases", f"/audit/cases/{finished}/replay", f"/audit/cases/{finished}/views",
                 *(f"/reports/{name}" for name in REPORTS)):
        response = api(path, as_user=None)
        assert response.status_code == 401 and response.get_json()["error"]["code"] == "unauthorized", path


@pytest.mark.parametrize("path,query,field", [
    ("/audit/cases", {"from": "not-a-date"}, "from"),
    ("/audit/cases", {"to": "2026-02-30"}, "to"),
    ("/audit/cases", {"from": "15/12/2569"}, "from"),  # the JSON API's dates are ISO (CE)
    ("/audit/cases", {"limit": "0"}, "limit"),
    ("/audit/cases", {"limit": "201"}, "limit"),
    ("/audit/cases", {"limit": "many"}, "limit"),
    ("/audit/cases", {"overdue": "maybe"}, "overdue"),
    ("/audit/cases", {"status": "lost"}, "status"),
    ("/audit/cases", {"cursor": "not-a-cursor"}, "cursor"),
    ("/audit/cases", {"cursor": "OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OQ"}, "cursor"),  # 25 nines: past any case id
    ("/audit/cases", {"text": "x" * 101}, "text"),
    ("/audit/cases", {"from": "2026-12-31", "to": "2026-01-01"}, "started_to"),
    ("/reports/controls", {"from": "not-a-date"}, "from"),
    ("/reports/overdue", {"from": "2026-12-31", "to": "2026-01-01"}, "date_to"),
])
def test_bad_input_is_one_clear_400(api, k, finished, path, query, field):
    response = api(path, query)
    text = response.get_data(as_text=True)
    assert response.status_code == 400, (query, text)
    error = response.get_json()["error"]
    assert error["code"] == "invalid_input" and error["field"] == field, error
    assert error["message"] and "\n" not in error["message"] and "Traceback" not in text
    assert k.case_search.views_of(finished, k.accounts.account("auditor1")) == ()  # nothing was read


def test_the_openapi_document_describes_the_audit_routes(api):
    doc = api("/openapi.json", as_user=None).get_json()
    search = doc["paths"]["/api/v1/audit/cases"]["get"]
    assert {"process", "from", "to", "participant", "status", "overdue", "register", "text", "cursor",
            "limit"} == {p["name"] for p in search["parameters"]}
    assert search["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/CaseSearchOut")
    assert "/api/v1/audit/cases/{instance_id}/replay" in doc["paths"]
    assert doc["paths"]["/api/v1/audit/cases/{instance_id}/views"]["get"]["responses"]["200"]["content"][
        "application/json"]["schema"]["type"] == "array"
    schemas = doc["components"]["schemas"]
    assert "rules_checked" in schemas["ControlsReportOut"]["properties"]
    assert "items" in schemas["OverdueReportOut"]["properties"] and "steps" in schemas["CaseReplayOut"]["properties"]
    for name in REPORTS:
        assert {p["name"] for p in doc["paths"][f"/api/v1/reports/{name}"]["get"]["parameters"]} == {
            "process", "from", "to", "lane"}


def test_an_auditor_asks_for_a_verification_and_reads_its_result(app, k, finished):
    from scheduler.verifier import Verifier

    token = k.accounts.create_token("auditor1", "verify", actor="auditor1").secret
    client, headers = app.test_client(), {"Authorization": f"Bearer {token}"}
    status = client.get("/api/v1/audit/verify", headers=headers).get_json()
    assert (status["newest"], status["pending"], status["every_hours"]) == (None, None, 24)
    asked = client.post("/api/v1/audit/verify", headers=headers)
    assert asked.status_code == 202 and asked.get_json()["state"] == "waiting"
    assert client.post("/api/v1/audit/verify", headers=headers).get_json()["id"] == asked.get_json()["id"]
    verifier = Verifier(k, "scheduler-1")
    assert verifier.look()
    verifier._thread.join(60)
    newest = client.get("/api/v1/audit/verify", headers=headers).get_json()["newest"]
    assert newest["state"] == "finished" and newest["requested_by"] == "auditor1"
    assert newest["summary"]["ok"] is True and newest["summary"]["cases"] == 1
    for who in OTHERS:
        other = {"Authorization": f"Bearer {k.accounts.create_token(who, 'verify', actor=who).secret}"}
        assert client.post("/api/v1/audit/verify", headers=other).status_code == 404, who
        assert client.get("/api/v1/audit/verify", headers=other).status_code == 404, who
