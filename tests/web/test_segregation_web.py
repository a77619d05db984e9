"""Segregation of duties declared per process (issue 12) on the web and in the API: a refused claim
or completion says the rule in Thai, a committee list naming someone a rule bars is refused next to
the field with who and why, and the API answers 403 naming the rule (real advance-loan and
asset-audit processes; the demo organisation plus people with two roles; SQLite and PostgreSQL)."""
from __future__ import annotations

import html as htmllib
from pathlib import Path
from typing import Any

import pytest
import yaml
from web_helpers import PASSWORD, csrf_of

from engine import Completion, Krabuan
from engine.settings import PROJECT_ROOT
from web import create_app

BPMN = PROJECT_ROOT / "processes" / "bpmn"
ASSIGNMENT = {"advance_purpose": "meeting_training", "activity_title": "อบรมการใช้งานระบบสารสนเทศ",
              "activity_date": "2026-12-15", "borrower_name": "นายสองหน้าที่", "estimated_amount": "20000",
              "borrower": "borrower_exec"}
LOAN_RULE_TH = "ผู้ยืมไม่สามารถอนุมัติหรือลงนามอนุมัติเงินยืมของตนเอง"
OFFICER_RULE_TH = "เจ้าหน้าที่พัสดุต้องไม่เป็นกรรมการตรวจสอบพัสดุประจำปี"


@pytest.fixture
def sk(project_settings, tmp_path: Path):
    org = yaml.safe_load((PROJECT_ROOT / "processes" / "organisation.yaml").read_text(encoding="utf-8"))
    org["users"] += [{"username": "borrower_exec", "groups": ["borrower_staff", "executive"],
                      "name": {"th": "ผู้ยืมและผู้บริหาร", "en": "Borrower and executive"}},
                     {"username": "officer_inspector", "groups": ["supplies_officer", "audit_committee"],
                      "name": {"th": "พัสดุและกรรมการ", "en": "Officer and inspector"}}]
    org_file = tmp_path / "organisation.yaml"
    org_file.write_text(yaml.safe_dump(org, allow_unicode=True), encoding="utf-8")
    engine = Krabuan(project_settings)
    engine.upgrade_schema()
    engine.people.load_organisation(org_file)
    engine.repository.deploy([BPMN / "advance-loan.bpmn", BPMN / "asset-audit.bpmn"])
    stored = engine.accounts.hash_password("x", PASSWORD)
    for user in ("borrower_exec", "executive1", "supplies_officer1"):
        engine.accounts.set_password(user, PASSWORD, actor=user, stored_hash=stored)
    yield engine
    engine.close()


@pytest.fixture
def client_of(sk):
    app = create_app(engine=sk)
    app.config["TESTING"] = True

    def make(username: str) -> Any:
        client = app.test_client()
        page = client.get("/login").get_data(as_text=True)
        signed = client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": csrf_of(page)})
        assert signed.status_code == 302
        return client
    return make


def open_step(k: Krabuan, instance_id: int, element_id: str) -> Any:
    return next(t for t in k.tasks.of_case(instance_id) if t.element_id == element_id)


def to_approval(k: Krabuan) -> int:
    instance_id = k.cases.start("advance-loan", "clerk1").instance_id
    k.cases.complete(open_step(k, instance_id, "receive_assignment").id, "clerk1", ASSIGNMENT,
                     how=Completion(claim=True))
    files = {name: k.files.upload("clerk1", f"{name}.pdf", b"%PDF-1.4\n" + name.encode() + b"\n%%EOF\n").sha256
             for name in ("meeting_request_file", "project_file")}
    k.cases.complete(open_step(k, instance_id, "draft_meeting_training_request").id, "clerk1", files,
                     how=Completion(claim=True))
    return instance_id


def test_the_borrower_is_told_the_rule_in_thai_when_claiming_or_completing(sk, client_of):
    instance_id = to_approval(sk)
    task = open_step(sk, instance_id, "approve_activity")
    borrower = client_of("borrower_exec")
    page = borrower.get(f"/tasks/{task.id}").get_data(as_text=True)
    claimed = borrower.post(f"/tasks/{task.id}/claim", data={"csrf_token": csrf_of(page)},
                            headers={"Referer": "/"}, follow_redirects=True)
    shown = htmllib.unescape(claimed.get_data(as_text=True))
    assert f"ท่านทำขั้นตอนนี้ไม่ได้ (การแบ่งแยกหน้าที่): {LOAN_RULE_TH}" in shown
    approve = {"activity_decision": "approve", "activity_comment": "ตกลง", "csrf_token": csrf_of(page)}
    refused = borrower.post(f"/tasks/{task.id}/complete", data=approve)
    html = htmllib.unescape(refused.get_data(as_text=True))
    assert refused.status_code == 403 and f"(การแบ่งแยกหน้าที่): {LOAN_RULE_TH}" in html
    assert ">ตกลง</textarea>" in html  # what was typed is kept
    assert open_step(sk, instance_id, "approve_activity").assignee is None


def test_the_api_refuses_the_borrower_with_403_naming_the_rule(sk):
    instance_id = to_approval(sk)
    task = open_step(sk, instance_id, "approve_activity")
    token = sk.accounts.create_token("borrower_exec", "tests", actor="borrower_exec").secret
    answer = create_app(engine=sk).test_client().post(
        f"/api/v1/tasks/{task.id}/complete", json={"data": {"activity_decision": "approve"}},
        headers={"Authorization": f"Bearer {token}"})
    error = answer.get_json()["error"]
    assert answer.status_code == 403 and error["code"] == "forbidden"
    assert "rule borrower_not_loan_approver" in error["message"] and LOAN_RULE_TH in error["message"]


def test_a_committee_list_naming_a_supplies_officer_is_refused_next_to_the_field(sk, client_of):
    instance_id = sk.cases.start("asset-audit", "supplies_officer1").instance_id
    task = open_step(sk, instance_id, "draft_committee_order")
    officer = client_of("supplies_officer1")
    page = officer.get(f"/tasks/{task.id}").get_data(as_text=True)
    refused = officer.post(f"/tasks/{task.id}/complete", data={
        "fiscal_year": "2569", "audit_committee_members": ["audit_committee1", "officer_inspector"],
        "confirm": "cp1", "csrf_token": csrf_of(page)})
    html = htmllib.unescape(refused.get_data(as_text=True))
    assert refused.status_code == 422
    field = html.split('data-field="audit_committee_members"', 1)[1].split("</fieldset>", 1)[0]
    assert f"officer_inspector: {OFFICER_RULE_TH}" in field
    assert open_step(sk, instance_id, "draft_committee_order").state == "open"
