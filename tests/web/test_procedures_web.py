"""Changing procedures in the browser, the pages and the JSON API: who sees a draft, saving with a
lock version, validation at the element, submitting with a Buddhist-era effective date, the
approver's review and publishing (real meeting-setup, demo organisation; SQLite and PostgreSQL)."""
from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

import pytest
from web_helpers import PASSWORD, csrf_of

from engine import Krabuan
from engine.settings import PROJECT_ROOT
from web import create_app

MEETING = PROJECT_ROOT / "processes" / "bpmn" / "meeting-setup.bpmn"
OWNER, OTHER_OWNER, APPROVER, STRANGER = "gen_admin_unit1", "gen_admin_unit2", "it_group_director1", "clerk1"
WEEK = '{"type": "before_event", "amount": 1, "unit": "weeks", "event": "meeting_date"}'
TEN_DAYS = '{"type": "before_event", "amount": 10, "unit": "days", "event": "meeting_date"}'


@pytest.fixture
def mk(project_settings):
    engine = Krabuan(project_settings)
    engine.upgrade_schema()
    engine.people.load_organisation()
    engine.repository.deploy([MEETING])
    engine.ctx.fixed_now = datetime(2027, 1, 4, 3, 0, tzinfo=UTC)
    stored = engine.accounts.hash_password("x", PASSWORD)
    for user in (OWNER, OTHER_OWNER, APPROVER, STRANGER):
        engine.accounts.set_password(user, PASSWORD, actor=user, stored_hash=stored)
    yield engine
    engine.close()


class Client:
    def __init__(self, app: Any, username: str) -> None:
        self.client = app.test_client()
        page = self.client.get("/login").get_data(as_text=True)
        signed = self.client.post("/login", data={"username": username, "password": PASSWORD,
                                                  "csrf_token": csrf_of(page)})
        assert signed.status_code == 302
        self.token = csrf_of(self.client.get("/").get_data(as_text=True))

    def page(self, path: str) -> tuple[int, str]:
        response = self.client.get(path)
        return response.status_code, response.get_data(as_text=True)

    def form(self, path: str, data: dict[str, str]) -> Any:
        return self.client.post(path, data={**data, "csrf_token": self.token})

    def api(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        response = self.client.open(f"/api/v1{path}", method=method, json=body, headers={"X-CSRFToken": self.token})
        return response.status_code, response.get_json()


@pytest.fixture
def as_user(mk):
    app = create_app(engine=mk)
    app.config["TESTING"] = True
    return lambda username: Client(app, username)


def test_the_editor_is_for_the_procedures_owners_only(as_user):
    owner, stranger = as_user(OWNER), as_user(STRANGER)
    status, html = owner.page("/procedures")
    assert status == 200 and 'data-process-id="meeting-setup"' in html and "/procedures/meeting-setup/edit" in html
    assert 'href="/procedures"' in html  # the menu shows the procedures to their stewards
    status, html = owner.page("/procedures/meeting-setup/edit")
    assert status == 200 and "dist/modeler.js" in html and "editor.js" in html
    draft = json.loads(re.search(r'<script type="application/json" id="draft-data">(.*?)</script>', html, re.S)
                       .group(1))
    assert draft["base_version"] == 1 and draft["lock_version"] == 0 and 'id="send_invitations"' in draft["bpmn_xml"]
    status, html = stranger.page("/procedures")
    assert status == 200 and 'data-process-id="meeting-setup"' not in html and 'href="/procedures"' not in html
    assert stranger.page("/procedures/meeting-setup/edit")[0] == 404
    assert stranger.api("GET", "/procedures/meeting-setup/draft")[0] == 404
    assert stranger.api("PUT", "/procedures/meeting-setup/draft",
                        {"bpmn_xml": draft["bpmn_xml"], "forms": {}, "lock_version": 0})[0] == 403


def test_the_draft_saves_with_its_lock_version_and_validates_at_the_element(as_user):
    owner, other = as_user(OWNER), as_user(OTHER_OWNER)
    draft = owner.api("GET", "/procedures/meeting-setup/draft")[1]
    xml = draft["bpmn_xml"].replace(WEEK, TEN_DAYS)
    status, saved = owner.api("PUT", "/procedures/meeting-setup/draft",
                              {"bpmn_xml": xml, "forms": draft["forms"], "lock_version": 0})
    assert status == 200 and saved["lock_version"] == 1 and saved["status"] == "draft"
    status, error = other.api("PUT", "/procedures/meeting-setup/draft",
                              {"bpmn_xml": xml, "forms": draft["forms"], "lock_version": 0})
    assert status == 409 and error["error"]["code"] == "conflict"
    status, result = owner.api("POST", "/procedures/meeting-setup/validate")
    assert status == 200 and result["ok"] is True
    lonely = xml.replace("</bpmn:process>", '<bpmn:task id="lonely" name="ลอย"/></bpmn:process>', 1)
    assert owner.api("PUT", "/procedures/meeting-setup/draft",
                     {"bpmn_xml": lonely, "forms": draft["forms"], "lock_version": 1})[0] == 200
    status, result = owner.api("POST", "/procedures/meeting-setup/validate")
    assert status == 200 and result["ok"] is False
    assert any(p["element_id"] == "lonely" and p["th"] and p["en"] for p in result["problems"])


def test_submitting_reviewing_and_publishing_through_the_pages(as_user, mk):
    owner, approver = as_user(OWNER), as_user(APPROVER)
    draft = owner.api("GET", "/procedures/meeting-setup/draft")[1]
    saved = owner.api("PUT", "/procedures/meeting-setup/draft",
                      {"bpmn_xml": draft["bpmn_xml"].replace(WEEK, TEN_DAYS), "forms": draft["forms"],
                       "lock_version": 0})[1]
    response = owner.form("/procedures/meeting-setup/submit", {
        "effective_from": "4/1/2570", "note": "หนังสือเชิญต้องถึงก่อน 10 วัน", "lock_version": str(saved["lock_version"])})
    assert response.status_code == 302 and "/changes/" in response.headers["Location"]
    change_path = response.headers["Location"]
    status, html = owner.page(change_path)
    assert status == 200 and "รออนุมัติ" in html and 'id="approve-form"' not in html  # the author cannot approve
    assert 'data-kind="deadline_changed"' in html and 'data-element-id="send_invitations"' in html
    status, html = approver.page(change_path)
    assert status == 200 and 'id="approve-form"' in html and "4 มกราคม 2570" in html
    change_id = int(change_path.rsplit("/", 1)[1])
    refused = owner.form(f"/changes/{change_id}/approve", {})  # a refusal on a page: said, and back
    assert refused.status_code == 302 and mk.repository.versions("meeting-setup")[-1].version == 1
    response = approver.form(f"/changes/{change_id}/approve", {"note": "อนุมัติ"})
    assert response.status_code == 302
    status, html = approver.page(change_path)
    assert "เผยแพร่แล้ว" in html and "ฉบับที่ 2" in html
    assert mk.cases.start("meeting-setup", STRANGER).version == 2
    status, diff = approver.api("GET", "/processes/meeting-setup/diff?from=1&to=2")
    assert status == 200 and [(c["kind"], c["element_id"]) for c in diff["changes"]] == [
        ("deadline_changed", "send_invitations")]
    status, html = as_user(STRANGER).page("/procedures/meeting-setup/diff?from=1&to=2")
    assert status == 200 and "send_invitations" in html  # versions are readable by anyone signed in


def test_returning_a_change_needs_a_reason(as_user):
    owner, approver = as_user(OWNER), as_user(APPROVER)
    draft = owner.api("GET", "/procedures/meeting-setup/draft")[1]
    lock = owner.api("PUT", "/procedures/meeting-setup/draft",
                     {"bpmn_xml": draft["bpmn_xml"].replace(WEEK, TEN_DAYS), "forms": draft["forms"],
                      "lock_version": 0})[1]["lock_version"]
    status, change = owner.api("POST", "/procedures/meeting-setup/submit",
                               {"effective_from": "2027-01-04", "note": "why", "lock_version": lock})
    assert status == 200
    assert approver.api("POST", f"/changes/{change['id']}/reject", {"reason": ""})[0] in (400, 422)
    status, returned = approver.api("POST", f"/changes/{change['id']}/reject", {"reason": "ขอเหตุผลเพิ่ม"})
    assert status == 200 and returned["status"] == "draft" and returned["decision_note"] == "ขอเหตุผลเพิ่ม"
    status, html = owner.page("/procedures/meeting-setup/edit")
    assert status == 200 and "ขอเหตุผลเพิ่ม" in html
