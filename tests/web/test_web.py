"""The web app: sign-in and sessions, CSRF, headers, the worklist and a task completed in Thai,
with the engine's access rules behind every page (SQLite and PostgreSQL)."""
from __future__ import annotations

from engine import Completion

import re

from web_helpers import PASSWORD, csrf_of
from helpers import open_tasks


def test_health_needs_no_sign_in(app):
    assert app.test_client().get("/api/health").get_json() == {"status": "ok"}


def test_pages_need_a_sign_in(browser):
    response = browser.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert browser.get("/tasks/1").status_code == 302


def test_sign_in_says_the_same_for_a_wrong_user_and_a_wrong_password(browser):
    wrong_password = browser.login("clerk1", "not the password")
    text_a = wrong_password.get_data(as_text=True)
    wrong_user = browser.login("nobody", PASSWORD)
    text_b = wrong_user.get_data(as_text=True)
    assert wrong_password.status_code == wrong_user.status_code == 401
    assert "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง" in text_a and "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง" in text_b


def test_the_session_rotates_at_sign_in_and_ends_at_sign_out(app, browser):
    browser.get("/login")
    before = browser.client.get_cookie("krabuan_session")
    assert browser.login("clerk1").status_code == 302
    after = browser.client.get_cookie("krabuan_session")
    assert after is not None and (before is None or before.value != after.value)
    assert after.http_only and after.same_site == "Lax"
    stolen = after.value
    assert browser.get("/").status_code == 200
    browser.post("/logout")
    assert browser.get("/").status_code == 302
    replay = app.test_client()
    replay.set_cookie("krabuan_session", stolen)
    assert replay.get("/").status_code == 302  # the old cookie is dead: the session row is gone


def test_state_changes_need_the_csrf_token(signed_in, k):
    clerk = signed_in("clerk1")
    task = open_tasks(k, k.cases.start("sop_bench", "clerk1").instance_id)[0]
    refused = clerk.post(f"/tasks/{task.id}/claim", csrf=False)
    assert refused.status_code == 400
    assert open_tasks(k, task.instance_id)[0].assignee is None
    clerk.get("/")
    assert clerk.post(f"/tasks/{task.id}/claim").status_code == 302
    assert open_tasks(k, task.instance_id)[0].assignee == "clerk1"


def test_security_headers(signed_in):
    response = signed_in("clerk1").get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "<script" not in response.get_data(as_text=True)  # no inline scripts at all


def test_sign_in_attempts_are_limited_per_account(app):
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    codes = [client.post("/login", data={"username": "clerk2", "password": f"guess {i}",
                                         "csrf_token": csrf_of(page)}).status_code for i in range(7)]
    assert codes[:5] == [401] * 5 and codes[5:] == [429, 429]
    other = client.post("/login", data={"username": "clerk1", "password": "guess", "csrf_token": csrf_of(page)})
    assert other.status_code == 401  # another account is not locked out by these


def test_worklist_shows_thai_deadlines_and_tabs(signed_in, k):
    instance_id = k.cases.start("sop_bench", "clerk1").instance_id
    task = open_tasks(k, instance_id)[0]
    html = signed_in("clerk2").get("/").get_data(as_text=True)
    assert 'lang="th"' in html and "งานของฉัน" in html and "งานของกลุ่ม (ยังไม่มีผู้รับ)" in html
    assert f'data-task-id="{task.id}"' in html and "รับงาน" in html
    if task.due_at is not None:
        assert re.search(r"\d+ [ก-๙.]+ 25\d\d", html), "a Buddhist-era date"
        assert "วันทำการ" in html or "ครบกำหนดวันนี้" in html
    assert f'data-task-id="{task.id}"' not in signed_in("director1").get("/").get_data(as_text=True)


def test_a_task_is_completed_from_its_page_with_errors_next_to_fields(signed_in, k):
    instance_id = k.cases.start("sop_bench", "clerk1").instance_id
    task = open_tasks(k, instance_id)[0]
    clerk = signed_in("clerk1")
    page = clerk.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert 'name="applicant"' in page and "บันทึกและส่งงานขั้นตอนนี้" in page
    refused = clerk.post(f"/tasks/{task.id}/complete", {"applicant": "<script>alert(1)</script>{{ 7*7 }}",
                                                        "amount": "12.345"})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert re.search(r'data-field="subject".*?กรุณากรอกช่องนี้', html, re.S), "a Thai error at the subject field"
    assert re.search(r'data-field="amount".*?ทศนิยมได้ไม่เกิน 2 ตำแหน่ง', html, re.S)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;{{ 7*7 }}" in html and "<script>alert" not in html  # kept, inert
    assert open_tasks(k, instance_id)[0].id == task.id  # nothing was written
    done = clerk.post(f"/tasks/{task.id}/complete", {"applicant": "นายสมชาย", "subject": "ขอใช้ห้องประชุม",
                                                     "amount": "1500.50"})
    assert done.status_code == 302
    assert "check_documents" in [t.element_id for t in open_tasks(k, instance_id)]
    assert k.cases.show(instance_id).data["amount"] == 1500.5
    assert "ดำเนินการขั้นตอน" in clerk.get("/").get_data(as_text=True)


def test_someone_elses_case_is_not_found(signed_in, k):
    task = open_tasks(k, k.cases.start("sop_bench", "clerk1").instance_id)[0]
    outsider = signed_in("outsider")
    assert outsider.get(f"/tasks/{task.id}").status_code == 404
    assert outsider.get("/tasks/999999").status_code == 404
    assert signed_in("auditor1").get(f"/tasks/{task.id}").status_code == 200


def test_english_on_switch(signed_in):
    clerk = signed_in("clerk1")
    clerk.get("/")
    clerk.post("/language/en", headers={"Referer": "/"})
    html = clerk.get("/").get_data(as_text=True)
    assert 'lang="en"' in html and "My work" in html and "งานของฉัน" not in html


def test_the_case_page_shows_steps_timeline_and_diagram_source(signed_in, k):
    instance_id = k.cases.start("sop_bench", "clerk1").instance_id
    task = open_tasks(k, instance_id)[0]
    k.cases.complete(task.id, "clerk1", {"applicant": "x", "subject": "<b>y</b>"}, how=Completion(claim=True))
    clerk = signed_in("clerk2")
    html = clerk.get(f"/cases/{instance_id}").get_data(as_text=True)
    assert 'data-step="register_application"' in html and "ลำดับเหตุการณ์" in html
    assert 'data-event="task_completed"' in html and "&lt;b&gt;y&lt;/b&gt;" in html
    assert "&#34;register_application&#34;: &#34;done&#34;" in html  # the states for the diagram, escaped
    diagram = clerk.get(f"/cases/{instance_id}/diagram.bpmn")
    assert diagram.status_code == 200 and diagram.mimetype == "application/xml" and b"<bpmn" in diagram.data
    outsider = signed_in("outsider")
    assert outsider.get(f"/cases/{instance_id}").status_code == 404
    assert outsider.get(f"/cases/{instance_id}/diagram.bpmn").status_code == 404


def test_a_clerk_starts_a_case_from_the_list_and_lands_on_its_first_step(signed_in, k):
    clerk = signed_in("clerk1")
    html = clerk.get("/start").get_data(as_text=True)
    assert 'data-process="sop_bench"' in html and "เริ่มเรื่องใหม่" in html
    response = clerk.post("/start/sop_bench")
    assert response.status_code == 302 and "/tasks/" in response.headers["Location"]
    task_id = int(response.headers["Location"].rsplit("/", 1)[1])
    assert "เริ่มเรื่อง #" in clerk.get(f"/tasks/{task_id}").get_data(as_text=True)
    director = signed_in("director1")  # not in the start lane: not offered, and refused
    assert 'data-process="sop_bench"' not in director.get("/start").get_data(as_text=True)
    before = len(k.tasks.worklist("clerk2"))
    response = director.post("/start/sop_bench", headers={"Referer": "/start"})
    assert response.status_code == 302 and len(k.tasks.worklist("clerk2")) == before
    assert "flash error" in director.get("/start").get_data(as_text=True)
    assert director.post("/start/no-such-process").status_code == 404
