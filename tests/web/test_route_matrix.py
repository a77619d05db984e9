"""Every route of the app × who is asking × whose object: no unexpected allow.

Each route is classified below, and a test fails when the app has a route this table does not
know, so a new route cannot go out unexamined. The case is clerk1's, in the clerk lane (supervised
by the director group). Who asks: nobody signed in; clerk1 (started it: own object) and clerk2 (a
colleague in its lane); registrar1 (a clerk of another group); director1 (supervises the lane);
auditor1 (sees every case, acts on none); admin1 (runs the system: no business in the case);
outsider (in no group). For a signed-in browser, every change must carry its CSRF token.
"""
from __future__ import annotations

import pytest
from web_helpers import csrf_of

from engine import Completion
from helpers import FORM_DATA, open_tasks

# The lane acts last, so that everyone else tries the task while it is still untouched.
WHO = ["anonymous", "registrar1", "admin1", "outsider", "director1", "auditor1", "clerk2", "clerk1"]
SEES = {"clerk1", "clerk2", "director1", "auditor1"}  # the case's people
ACTS = {"clerk1", "clerk2"}  # its lane
SUPERVISE = {"director1"}  # its lane's supervisors: may also change its urgency

# (method, rule) -> kind. public: anyone; self: any signed-in user, about themselves; read: the
# case's people only; act: its lane only (others: 404 if they cannot see it, 403 if they can);
# register: a register's readers and keepers.
ROUTES = {
    ("GET", "/login"): "public", ("POST", "/login"): "public", ("GET", "/api/health"): "public",
    ("GET", "/api/v1/openapi.json"): "public", ("GET", "/static/<path:filename>"): "public",
    ("GET", "/vendor/<path:name>"): "public", ("POST", "/language/<lang>"): "public",
    ("GET", "/"): "self", ("POST", "/logout"): "self", ("GET", "/notifications"): "self",
    ("POST", "/notifications/read"): "self", ("GET", "/settings"): "self", ("POST", "/settings"): "self",
    ("GET", "/start"): "self", ("POST", "/start/<process_id>"): "self",
    ("GET", "/api/v1/me"): "self", ("GET", "/api/v1/processes"): "self", ("GET", "/api/v1/tasks"): "self",
    ("GET", "/api/v1/notifications"): "self", ("POST", "/api/v1/files"): "self",
    ("POST", "/api/v1/processes/<process_id>/instances"): "self",
    ("GET", "/tasks/<id:task_id>"): "read", ("GET", "/cases/<id:instance_id>"): "read",
    ("GET", "/cases/<id:instance_id>/diagram.bpmn"): "read", ("GET", "/files/<sha256>"): "read",
    ("GET", "/api/v1/tasks/<id:task_id>"): "read", ("GET", "/api/v1/instances/<id:instance_id>"): "read",
    ("GET", "/api/v1/instances/<id:instance_id>/history"): "read", ("GET", "/api/v1/files/<sha256>"): "read",
    ("POST", "/tasks/<id:task_id>/claim"): "act", ("POST", "/tasks/<id:task_id>/unclaim"): "act",
    ("POST", "/tasks/<id:task_id>/complete"): "act", ("POST", "/tasks/<id:task_id>/delegate"): "act",
    ("POST", "/tasks/<id:task_id>/draft"): "act", ("POST", "/cases/<id:instance_id>/urgency"): "act",
    ("POST", "/api/v1/tasks/<id:task_id>/claim"): "act", ("POST", "/api/v1/tasks/<id:task_id>/unclaim"): "act",
    ("POST", "/api/v1/tasks/<id:task_id>/complete"): "act", ("POST", "/api/v1/tasks/<id:task_id>/delegate"): "act",
    ("PUT", "/api/v1/tasks/<id:task_id>/draft"): "act", ("POST", "/api/v1/instances/<id:instance_id>/urgency"): "act",
    # The registers: their readers and keepers (processes/registers.yaml), not a case's people; the
    # matrix of who reads and keeps which register is tests/web/test_registers_web.py.
    ("GET", "/registers"): "register", ("GET", "/registers/<register_id>"): "register",
    ("GET", "/registers/<register_id>/export.<fmt>"): "register", ("POST", "/registers/<register_id>/void"): "register",
    ("GET", "/api/v1/registers"): "register", ("GET", "/api/v1/registers/<register_id>/entries"): "register",
    ("GET", "/api/v1/registers/<register_id>/export"): "register",
    ("GET", "/api/v1/registers/<register_id>/views"): "register",
    ("POST", "/api/v1/registers/<register_id>/entries/<id:number>/void"): "register",
    ("POST", "/api/v1/registers/<register_id>/entries/<id:number>/correct"): "register",
    # Acting officials: administrators appoint (tests/web/test_acting_web.py); anyone lists their own
    # appointments and absences; the holder of a task lets a colleague prepare it on their behalf.
    ("GET", "/admin/acting"): "admin", ("POST", "/admin/acting"): "admin",
    ("POST", "/admin/acting/<id:appointment_id>/end"): "admin", ("POST", "/api/v1/acting"): "admin",
    ("POST", "/api/v1/acting/<id:appointment_id>/end"): "admin",
    ("GET", "/api/v1/acting"): "self", ("GET", "/api/v1/positions"): "self", ("GET", "/api/v1/absences"): "self",
    ("POST", "/api/v1/absences"): "self", ("POST", "/api/v1/absences/<id:absence_id>/cancel"): "self",
    ("POST", "/api/v1/absences/hand-over"): "self", ("POST", "/settings/absence"): "self",
    ("POST", "/settings/absence/<id:absence_id>/cancel"): "self", ("POST", "/settings/absence/hand-over"): "self",
    ("POST", "/tasks/<id:task_id>/preparers"): "act", ("POST", "/api/v1/tasks/<id:task_id>/preparers"): "act",
    # Signatures: a case's (read, above); one signature's verification page and PDF, for the people of
    # its case only (needs a signature step: tests/web/test_signatures_web.py).
    ("GET", "/api/v1/instances/<id:instance_id>/signatures"): "read",
    ("GET", "/signatures/<id:signature_id>"): "signature",
    ("GET", "/signatures/<id:signature_id>/document.pdf"): "signature",
    # Changing procedures: a draft is its owners' (processes/owners.yaml), a submitted change its
    # approvers' too; the matrix of who may do what is tests/web/test_procedures_web.py. Versions and
    # their diffs are readable by anyone signed in, like the deployed processes.
    ("GET", "/procedures"): "self", ("GET", "/procedures/<process_id>/diff"): "self",
    ("GET", "/procedures/<process_id>/edit"): "procedure", ("POST", "/procedures/<process_id>/submit"): "procedure",
    ("POST", "/procedures/<process_id>/withdraw"): "procedure", ("GET", "/changes/<id:change_id>"): "procedure",
    ("POST", "/changes/<id:change_id>/approve"): "procedure", ("POST", "/changes/<id:change_id>/reject"): "procedure",
    ("GET", "/api/v1/procedures"): "self", ("GET", "/api/v1/changes"): "self",
    ("GET", "/api/v1/processes/<process_id>/diff"): "self",
    ("GET", "/api/v1/processes/<process_id>/versions/<id:version>/bpmn"): "self",
    ("GET", "/api/v1/procedures/<process_id>/draft"): "procedure",
    ("PUT", "/api/v1/procedures/<process_id>/draft"): "procedure",
    ("POST", "/api/v1/procedures/<process_id>/validate"): "procedure",
    ("POST", "/api/v1/procedures/<process_id>/submit"): "procedure",
    ("POST", "/api/v1/procedures/<process_id>/withdraw"): "procedure",
    ("POST", "/api/v1/changes/<id:change_id>/approve"): "procedure",
    ("POST", "/api/v1/changes/<id:change_id>/reject"): "procedure",
    ("GET", "/procedures/<process_id>/migrate"): "procedure", ("POST", "/procedures/<process_id>/migrate"): "procedure",
    # The auditor's search, its export and a case's replay: auditors only, read-only, every view logged
    # (tests/web/test_audit_web.py).
    ("GET", "/audit"): "auditor", ("GET", "/audit/export.<fmt>"): "auditor",
    ("GET", "/audit/cases/<id:instance_id>"): "auditor",
    # Verify and the event logs: auditors only (tests/web/test_audit_trail_web.py); a case's audit
    # trail as a PDF: the case's people, as its page.
    ("GET", "/audit/verify"): "auditor", ("POST", "/audit/verify"): "auditor", ("GET", "/audit/exports"): "auditor",
    ("GET", "/audit/exports/<process_id>.<fmt>"): "auditor", ("GET", "/cases/<id:instance_id>/audit.pdf"): "read",
    # The reports: auditors and administrators only, read-only (tests/web/test_reports_web.py).
    ("GET", "/reports"): "reports", ("GET", "/reports/<name>"): "reports",
    ("GET", "/reports/<name>/export.<fmt>"): "reports",
    # The same through the JSON API (tests/web/test_audit_api.py); who viewed a case as an auditor: its people.
    ("GET", "/api/v1/audit/cases"): "auditor", ("GET", "/api/v1/audit/cases/<id:instance_id>/replay"): "auditor",
    ("GET", "/api/v1/audit/cases/<id:instance_id>/views"): "read",
    ("GET", "/api/v1/reports/on-time"): "reports", ("GET", "/api/v1/reports/overdue"): "reports",
    ("GET", "/api/v1/reports/controls"): "reports", ("GET", "/api/v1/reports/risks"): "reports",
    # Is the record whole (the newest background verification), and asking for one (test_audit_api.py).
    ("GET", "/api/v1/audit/verify"): "auditor", ("POST", "/api/v1/audit/verify"): "auditor",
}


def _rules(app):
    return {(m, r.rule) for r in app.url_map.iter_rules() for m in r.methods - {"HEAD", "OPTIONS"}}


def test_every_route_is_classified(app):
    assert _rules(app) - set(ROUTES) == set(), "classify the new route(s) in ROUTES"


@pytest.fixture
def case_world(app, k, signed_in):
    instance_id = k.cases.start("sop_bench", "clerk1").instance_id
    task_id = open_tasks(k, instance_id)[0].id
    sha = k.files.upload("clerk1", "หลักฐาน.pdf", b"%PDF-1.4\n% matrix\n%%EOF\n").sha256
    tokens = {who: k.accounts.create_token(who, "matrix", actor=who).secret for who in WHO if who != "anonymous"}
    return {"instance_id": instance_id, "task_id": task_id, "sha256": sha, "tokens": tokens}


def _fill(rule, world):
    return (rule.replace("<id:task_id>", str(world["task_id"])).replace("<id:instance_id>", str(world["instance_id"]))
            .replace("<sha256>", world["sha256"]).replace("<id:absence_id>", "1").replace("<id:appointment_id>", "1")
            .replace("<id:change_id>", "1"))


def _api_body(rule):
    if rule.endswith("/delegate"):
        return {"to": "clerk2", "reason": "matrix"}
    if rule.endswith("/urgency"):
        return {"urgency": "urgent"}
    if rule.endswith("/preparers"):
        return {"to": "registrar1"}
    if rule.endswith("/complete"):
        return {"data": FORM_DATA["register_application"]}
    return {"data": {}}


@pytest.mark.parametrize("rule", sorted(r for (m, r), kind in ROUTES.items() if kind in ("read", "act")
                                        and r.startswith("/api/")))
def test_api_routes_of_a_case(app, k, case_world, rule):
    method = next(m for (m, r) in ROUTES if r == rule)
    kind = ROUTES[(method, rule)]
    client = app.test_client()
    if rule.endswith("/files/<sha256>"):  # the file becomes the case's when a step is completed with it
        k.cases.complete(case_world["task_id"], "clerk1", {**FORM_DATA["register_application"],
                                                           "attachments": [case_world["sha256"]]},
                         how=Completion(claim=True))
    for who in WHO:
        headers = {"Authorization": f"Bearer {case_world['tokens'][who]}"} if who != "anonymous" else {}
        response = client.open(_fill(rule, case_world), method=method, headers=headers,
                               json=_api_body(rule) if method != "GET" else None)
        status = response.status_code
        response.close()
        if who == "anonymous":
            assert status == 401, (who, rule, status)
        elif who not in SEES:
            assert status == 404, (who, rule, status)  # not 403: ids are not probed
        elif kind == "act" and who not in ACTS and not (rule.endswith("/urgency") and who in SUPERVISE):
            assert status in (403, 409), (who, rule, status)  # refused (or: already taken, by whom)
        else:
            assert status < 500 and status not in (401, 403, 404), (who, rule, status)


@pytest.mark.parametrize("rule", sorted({r for (m, r), kind in ROUTES.items() if kind in ("auditor", "reports")
                                         and r.startswith("/api/")}))
def test_api_routes_of_auditors(app, case_world, rule):
    """The auditor's search and replay: auditors only (anyone else: 404, even the case's people); the
    reports: auditors and administrators (anyone else: 403)."""
    kind = ROUTES[("GET", rule)]
    readers = {"auditor1"} if kind == "auditor" else {"auditor1", "admin1"}
    client = app.test_client()
    for who in WHO:
        headers = {"Authorization": f"Bearer {case_world['tokens'][who]}"} if who != "anonymous" else {}
        response = client.get(_fill(rule, case_world), headers=headers)
        status = response.status_code
        response.close()
        expected = 401 if who == "anonymous" else 200 if who in readers else 404 if kind == "auditor" else 403
        assert status == expected, (who, rule, status)


@pytest.mark.parametrize("rule", sorted(r for (m, r), kind in ROUTES.items() if kind in ("read", "act")
                                        and not r.startswith("/api/")))
def test_pages_of_a_case(app, k, case_world, signed_in, rule):
    """A page that reads answers 200 to the case's people and 404 to anyone else; a refused change
    goes back with a message (403 and 409 become a flash) and writes nothing."""
    method = next(m for (m, r) in ROUTES if r == rule)
    kind = ROUTES[(method, rule)]
    if rule == "/files/<sha256>":
        k.cases.complete(case_world["task_id"], "clerk1", {**FORM_DATA["register_application"],
                                                           "attachments": [case_world["sha256"]]},
                         how=Completion(claim=True))
    history = lambda: len(k.cases.show(case_world["instance_id"]).history)  # noqa: E731
    for who in WHO:
        browser = app.test_client() if who == "anonymous" else signed_in(who)
        path = _fill(rule, case_world)
        before = history()
        if method == "GET":
            response = (browser.get(path) if who == "anonymous" else browser.client.get(path))
        elif who == "anonymous":
            response = browser.post(path, data={})
        else:
            browser.get("/")
            response = browser.post(path, {**FORM_DATA["register_application"], "to": "clerk2", "reason": "matrix",
                                           "urgency": "urgent"}, headers={"Referer": "/"})
        status = response.status_code
        response.close()
        allowed = who in SEES if kind == "read" else who in ACTS or (rule.endswith("/urgency") and who in SUPERVISE)
        if who == "anonymous":
            assert status in (302, 400), (who, rule, status)  # to the sign-in page (or no CSRF token)
            if status == 302:
                assert "/login" in response.headers["Location"]
        elif who not in SEES:
            assert status == 404, (who, rule, status)
        elif not allowed:
            assert status in (302, 403) and history() == before, (who, rule, status)
            assert "flash error" in browser.get("/").get_data(as_text=True), (who, rule)
        else:
            assert status < 400 or status == 422, (who, rule, status)
        if who != "clerk1" and not allowed:
            assert history() == before, (who, rule)


@pytest.mark.parametrize("method,rule", sorted((m, r) for (m, r), kind in ROUTES.items() if kind == "self"))
def test_personal_routes_need_a_sign_in(app, case_world, method, rule):
    client = app.test_client()
    path = rule.replace("<process_id>", "sop_bench").replace("<id:absence_id>", "1").replace("<id:version>", "1")
    response = client.open(path, method=method)
    expected = 401 if rule.startswith("/api/") else (302, 400)  # a browser change without its token is refused too
    assert response.status_code in (expected if isinstance(expected, tuple) else (expected,)), (method, rule)


@pytest.mark.parametrize("method,rule", sorted((m, r) for (m, r) in ROUTES if m in ("POST", "PUT")
                                               and not r.startswith("/api/") and r != "/login"))
def test_a_browser_change_without_its_csrf_token_is_refused(app, k, case_world, signed_in, method, rule):
    browser = signed_in("clerk1")
    path = _fill(rule, case_world).replace("<process_id>", "sop_bench").replace("<lang>", "en")
    before = [e.event_type for e in k.cases.show(case_world["instance_id"]).history]
    response = browser.post(path, {"to": "clerk2", "reason": "x", "urgency": "urgent"}, csrf=False)
    assert response.status_code == 400, (rule, response.status_code)
    assert [e.event_type for e in k.cases.show(case_world["instance_id"]).history] == before  # nothing written


def test_an_api_change_by_a_browser_session_needs_its_csrf_token(app, case_world, signed_in):
    browser = signed_in("clerk1")
    path = f"/api/v1/tasks/{case_world['task_id']}/claim"
    assert browser.client.post(path).status_code == 400
    token = csrf_of(browser.get("/").get_data(as_text=True))
    assert browser.client.post(path, headers={"X-CSRFToken": token}).status_code == 200


def test_markup_in_what_people_type_renders_inert(app, k, signed_in):
    from engine import CaseHeader
    hostile = "<script>alert(1)</script>{{ 7*7 }}"
    started = k.cases.start("sop_bench", "clerk1", header=CaseHeader(hostile, "urgent"))
    task_id = started.open_tasks[0].id
    k.tasks.delegate(task_id, "clerk1", "clerk2", hostile)
    b = signed_in("clerk2")
    for path in ("/", f"/tasks/{task_id}", f"/cases/{started.instance_id}", "/notifications"):
        html = b.get(path).get_data(as_text=True)
        assert "<script>alert(1)" not in html, path
        assert "&lt;script&gt;alert(1)&lt;/script&gt;{{ 7*7 }}" in html, path  # shown as typed, not run
