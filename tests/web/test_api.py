"""The JSON API (/api/v1): bearer tokens and browser sessions, the operations, the error
contract, and the OpenAPI document generated from the same models (SQLite and PostgreSQL)."""
from __future__ import annotations

import json

import pytest
from web_helpers import csrf_of

from helpers import FORM_DATA


@pytest.fixture
def api(app, k):
    token = k.accounts.create_token("clerk1", "tests", actor="clerk1").secret
    client = app.test_client()

    def call(method, path, body=None, as_token=token, headers=None):
        h = {"Authorization": f"Bearer {as_token}"} if as_token else {}
        h.update(headers or {})
        return client.open(f"/api/v1{path}", method=method, json=body, headers=h)

    call.token_of = lambda user: k.accounts.create_token(user, "tests", actor=user).secret
    return call


def test_credentials_are_required(api):
    response = api("GET", "/me", as_token=None)
    assert response.status_code == 401 and response.get_json()["error"]["code"] == "unauthorized"
    assert api("GET", "/me", as_token="kb_wrong").status_code == 401


def test_a_case_from_start_to_the_next_step_through_the_api(api, k):
    me = api("GET", "/me").get_json()
    assert me["username"] == "clerk1" and me["groups"] == ["clerk"] and me["display_name"] == "ธุรการ หนึ่ง"
    procs = {p["process_id"]: p for p in api("GET", "/processes").get_json()}
    assert procs["sop_bench"]["version"] == 1 and procs["sop_bench"]["can_start"] is True and procs["sop_bench"]["name"]
    director1 = api.token_of("director1")
    director = {p["process_id"]: p for p in api("GET", "/processes", as_token=director1).get_json()}
    assert director["sop_bench"]["can_start"] is False  # not in its start lane
    assert director["sop_bench"]["start_groups"] == ["clerk"]
    refused = api("POST", "/processes/sop_bench/instances", {}, as_token=director1)
    assert refused.status_code == 403
    started = api("POST", "/processes/sop_bench/instances", {"data": {}})
    assert started.status_code == 201
    instance_id = started.get_json()["instance_id"]
    page = api("GET", "/tasks?view=group").get_json()
    task = next(t for t in page["items"] if t["instance_id"] == instance_id)
    assert {"id", "process_id", "element_id", "name", "candidate_groups", "assignee", "form_key", "due_at",
            "due_status", "urgency"} <= set(task) and page["next_cursor"] is None
    detail = api("GET", f"/tasks/{task['id']}").get_json()
    assert detail["form"]["key"] == "sop_bench.register" and detail["form"]["fields"][0]["name"] == "applicant"
    bad = api("POST", f"/tasks/{task['id']}/complete", {"data": {"applicant": "x"}})
    assert bad.status_code == 400 and bad.get_json()["error"]["field"] == "subject"
    unknown = api("POST", f"/tasks/{task['id']}/complete", {"data": {}, "surprise": 1})
    assert unknown.status_code == 400 and unknown.get_json()["error"]["field"] == "surprise"
    done = api("POST", f"/tasks/{task['id']}/complete",
               {"data": FORM_DATA["register_application"], "comment": "ครบถ้วน"})
    assert done.status_code == 200, done.get_json()
    body = done.get_json()
    assert body["task"]["assignee"] == "clerk1" and body["open_tasks"][0]["element_id"] == "check_documents"
    again = api("POST", f"/tasks/{task['id']}/complete", {"data": FORM_DATA["register_application"]})
    assert again.status_code == 409
    history = api("GET", f"/instances/{instance_id}/history").get_json()
    completed = [e for e in history if e["event_type"] == "task_completed"]
    assert completed[0]["payload"]["comment"] == "ครบถ้วน"
    case = api("GET", f"/instances/{instance_id}").get_json()
    assert case["status"] == "running" and case["data"]["applicant"] == FORM_DATA["register_application"]["applicant"]


def test_someone_elses_objects_are_not_found(api, k):
    instance_id = k.cases.start("sop_bench", "clerk1").instance_id
    task_id = k.tasks.of_case(instance_id)[0].id
    outsider = api.token_of("outsider")
    for method, path in [("GET", f"/instances/{instance_id}"), ("GET", f"/instances/{instance_id}/history"),
                         ("GET", f"/tasks/{task_id}"), ("POST", f"/tasks/{task_id}/claim"),
                         ("POST", f"/tasks/{task_id}/complete"), ("GET", "/tasks/99999999")]:
        response = api(method, path, {} if method == "POST" else None, as_token=outsider)
        assert response.status_code == 404, (method, path, response.get_json())
    assert k.tasks.of_case(instance_id)[0].assignee is None


def test_a_browser_session_must_send_its_csrf_token(app, k):
    from web_helpers import PASSWORD
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    client.post("/login", data={"username": "clerk1", "password": PASSWORD, "csrf_token": csrf_of(page)})
    assert client.get("/api/v1/me").status_code == 200
    task_id = k.tasks.of_case(k.cases.start("sop_bench", "clerk1").instance_id)[0].id
    refused = client.post(f"/api/v1/tasks/{task_id}/claim")
    assert refused.status_code == 400 and refused.get_json()["error"]["code"] == "csrf"
    token = csrf_of(client.get("/").get_data(as_text=True))
    assert client.post(f"/api/v1/tasks/{task_id}/claim", headers={"X-CSRFToken": token}).status_code == 200


def test_the_openapi_document_covers_every_route_and_resolves(app):
    doc = app.test_client().get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.1")
    rules = {(r.rule, m) for r in app.url_map.iter_rules() if r.rule.startswith("/api/v1/")
             and not r.rule.endswith("openapi.json") for m in r.methods - {"HEAD", "OPTIONS"}}
    documented = {(p.replace("{", "<").replace("}", ">"), m.upper()) for p, ops in doc["paths"].items() for m in ops}
    assert {(r.replace("<id:", "<"), m) for r, m in rules} == documented
    text = json.dumps(doc)
    refs = {r.split("/")[-1] for r in __import__("re").findall(r'"\$ref": "(#/components/schemas/\w+)"', text)}
    assert refs <= set(doc["components"]["schemas"]) and "ErrorOut" in refs


def test_a_deep_or_broken_body_is_one_clear_400(app, api, k):
    task_id = k.cases.start("sop_bench", "clerk1").open_tasks[0].id
    client = app.test_client()
    headers = {"Authorization": f"Bearer {api.token_of('clerk2')}", "Content-Type": "application/json"}
    for raw in ('{"data": ' + '{"a": ' * 5000 + "1" + "}" * 5000 + "}", "[" * 100_000, '{"data": {"applicant": "\\ud800"}}',
                b'{"data": {"applicant": "\xff"}}', "{"):
        response = client.post(f"/api/v1/tasks/{task_id}/complete", data=raw, headers=headers)
        assert response.status_code == 400, (raw[:30], response.status_code)
        assert response.get_json()["error"]["code"] == "invalid_input"
    assert k.tasks.of_case(k.tasks.get(task_id).instance_id)[0].state == "open"  # nothing written
