"""Approval steps on the web and in the API: decision buttons, the required comment, the return
note at the top of the returned step, and the segregation-of-duties refusal said on the task page
(real advance-loan process, demo organisation; SQLite and PostgreSQL)."""
from __future__ import annotations

import re
from typing import Any

import pytest
from web_helpers import PASSWORD, csrf_of

from engine import Completion, Krabuan
from engine.settings import PROJECT_ROOT
from web import create_app

ASSIGNMENT = {"advance_purpose": "meeting_training", "activity_title": "อบรมการใช้งานระบบสารสนเทศ",
              "activity_date": "2026-12-15", "borrower_name": "นางสาวสมหญิง ใจดี", "estimated_amount": "20000"}
USERS = ("clerk1", "clerk2", "executive1", "executive2", "executive3")


@pytest.fixture
def lk(project_settings):
    engine = Krabuan(project_settings)
    engine.upgrade_schema()
    engine.people.load_organisation()
    engine.repository.deploy([PROJECT_ROOT / "processes" / "bpmn" / "advance-loan.bpmn"])
    stored = engine.accounts.hash_password("x", PASSWORD)
    for user in USERS:
        engine.accounts.set_password(user, PASSWORD, actor=user, stored_hash=stored)
    yield engine
    engine.close()


@pytest.fixture
def client_of(lk):
    app = create_app(engine=lk)
    app.config["TESTING"] = True

    def make(username: str) -> Any:
        client = app.test_client()
        page = client.get("/login").get_data(as_text=True)
        signed = client.post("/login", data={"username": username, "password": PASSWORD,
                                             "csrf_token": csrf_of(page)})
        assert signed.status_code == 302
        return client
    return make


def open_step(k: Krabuan, instance_id: int, element_id: str) -> Any:
    return next(t for t in k.tasks.of_case(instance_id) if t.element_id == element_id)


def to_approval(k: Krabuan, starter: str = "clerk2") -> int:
    instance_id = k.cases.start("advance-loan", starter).instance_id
    k.cases.complete(open_step(k, instance_id, "receive_assignment").id, "clerk1", ASSIGNMENT,
                     how=Completion(claim=True))
    files = {name: k.files.upload("clerk1", f"{name}.pdf", b"%PDF-1.4\n" + name.encode() + b"\n%%EOF\n").sha256
             for name in ("meeting_request_file", "project_file")}
    k.cases.complete(open_step(k, instance_id, "draft_meeting_training_request").id, "clerk1", files,
                     how=Completion(claim=True))
    return instance_id


def submit(client: Any, task_id: int, data: dict[str, str]) -> Any:
    page = client.get(f"/tasks/{task_id}").get_data(as_text=True)
    return client.post(f"/tasks/{task_id}/complete", data={**data, "csrf_token": csrf_of(page)})


def test_an_approval_step_offers_its_decisions_as_buttons(lk, client_of):
    instance_id = to_approval(lk)
    task = open_step(lk, instance_id, "approve_activity")
    html = client_of("executive1").get(f"/tasks/{task.id}").get_data(as_text=True)
    buttons = re.findall(r'<button class="btn decide (\w+)" type="submit" name="activity_decision" value="(\w+)">'
                         r'([^<]+)</button>', html)
    assert buttons == [("approve", "approve", "อนุมัติ"), ("return", "return", "ส่งกลับแก้ไข")]  # no reject here
    assert 'value="reject"' not in html and "บันทึกและส่งงานขั้นตอนนี้" not in html
    assert '<select id="f-activity_decision"' not in html  # the buttons are the decision
    assert 'name="activity_comment"' in html and "(ต้องระบุเมื่อส่งกลับแก้ไข)" in html
    assert 'id="return-notice"' not in html
    other = client_of("clerk1").get(f"/tasks/{open_step(lk, instance_id, 'approve_activity').id}")
    assert other.status_code == 200


def test_a_return_needs_a_comment_and_leaves_a_note_for_the_preparer(lk, client_of):
    instance_id = to_approval(lk)
    task = open_step(lk, instance_id, "approve_activity")
    director = client_of("executive1")
    refused = submit(director, task.id, {"activity_decision": "return", "activity_comment": ""})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    field = html.split('data-field="activity_comment"', 1)[1].split("</div>", 2)
    assert "กรุณาเขียนความเห็น" in "".join(field)
    done = submit(director, task.id, {"activity_decision": "return",
                                      "activity_comment": "แนบรายชื่อผู้เข้าอบรม <b>ด่วน</b>"})
    assert done.status_code == 302
    redraft = open_step(lk, instance_id, "draft_meeting_training_request")
    page = client_of("clerk1").get(f"/tasks/{redraft.id}").get_data(as_text=True)
    notice = page.split('id="return-notice"', 1)[1].split("</div>", 1)[0]
    assert "ส่งกลับแก้ไขโดย executive1" in notice
    assert "แนบรายชื่อผู้เข้าอบรม &lt;b&gt;ด่วน&lt;/b&gt;" in notice and "<b>" not in notice  # escaped
    assert re.search(r"25[6-9]\d", notice)  # the date in the Buddhist Era
    assert page.index('id="return-notice"') < page.index(f'action="/tasks/{redraft.id}/complete"')  # at the top
    # The step starts from what the case holds: the files attached the first time are still there.
    kept = re.findall(r'name="(meeting_request_file|project_file)" value="([0-9a-f]{64})" checked', page)
    assert {name for name, _ in kept} == {"meeting_request_file", "project_file"}
    assert "meeting_request_file.pdf" in page
    earlier = page.split("<details><summary>", 2)[2]  # what the drafting step entered, its documents by name
    assert re.search(r'<a href="/files/[0-9a-f]{64}" download>meeting_request_file\.pdf</a>', earlier)
    assert re.search(r"นับจากวันที่งานเข้าขั้นตอนนี้ \(\d+ \S+ 25\d\d\)", page)  # what its deadline counts from


def test_the_starter_is_refused_approval_on_the_task_page(lk, client_of):
    instance_id = to_approval(lk, starter="executive3")  # a director in the clerk lane too
    task = open_step(lk, instance_id, "approve_activity")
    refused = submit(client_of("executive3"), task.id, {"activity_decision": "approve", "activity_comment": "ok"})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 403
    assert "ท่านเป็นผู้เริ่มเรื่องนี้ จึงอนุมัติเรื่องนี้เองไม่ได้" in html
    assert 'name="activity_decision" value="approve"' in html and ">ok</textarea>" in html  # the page, kept
    assert open_step(lk, instance_id, "approve_activity").assignee is None
    assert submit(client_of("executive2"), task.id, {"activity_decision": "approve"}).status_code == 302


def test_the_api_refuses_with_403_and_names_a_missing_comment(lk):
    instance_id = to_approval(lk, starter="executive3")
    task = open_step(lk, instance_id, "approve_activity")
    client = create_app(engine=lk).test_client()

    def call(user: str, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        token = lk.accounts.create_token(user, f"tests-{method}-{len(path)}-{id(body)}", actor=user).secret
        return client.open(f"/api/v1{path}", method=method, json=body, headers={"Authorization": f"Bearer {token}"})

    detail = call("executive2", "GET", f"/tasks/{task.id}").get_json()
    assert detail["approval"] == {"kind": "approval", "field": "activity_decision", "options": ["approve", "return"],
                                  "comment_field": "activity_comment"}
    own = call("executive3", "POST", f"/tasks/{task.id}/complete", {"data": {"activity_decision": "approve"}})
    assert own.status_code == 403 and own.get_json()["error"]["code"] == "forbidden"
    assert "started this case" in own.get_json()["error"]["message"]
    bare = call("executive2", "POST", f"/tasks/{task.id}/complete", {"data": {"activity_decision": "return"}})
    assert bare.status_code == 400 and bare.get_json()["error"]["field"] == "activity_comment"
    back = call("executive2", "POST", f"/tasks/{task.id}/complete",
                {"data": {"activity_decision": "return"}, "comment": "ขอแก้ไขวันที่"})
    assert back.status_code == 200
    reopened = back.get_json()["open_tasks"][0]
    assert reopened["notice"]["comment"] == "ขอแก้ไขวันที่" and reopened["notice"]["by"] == "executive2"
    assert call("clerk1", "GET", f"/tasks/{reopened['id']}").get_json()["notice"]["kind"] == "returned"
