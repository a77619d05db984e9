"""Signature steps on the web and in the API: the task page asks for the password, a wrong one
signs nothing, the signed step shows its block and verifies, a change after signing is said in
red with words, the verification page and the PDF are for those who may see the case (real
asset-audit process: the authorized official signs the committee order)."""
from __future__ import annotations

import io
from typing import Any

import pytest
from sqlalchemy import text
from web_helpers import PASSWORD, csrf_of

from engine import Completion, Krabuan
from engine.services import signature_pdf
from engine.settings import PROJECT_ROOT
from web import create_app

USERS = ("supplies_officer1", "supplies_officer2", "authorized_official2", "clerk1", "auditor1")
CLAIM = Completion(claim=True)
SIGNED = {"order_approval": "approve", "order_number": "123/2569", "order_signed_on": "22/09/2569"}


@pytest.fixture
def wk(project_settings):
    engine = Krabuan(project_settings)
    engine.upgrade_schema()
    engine.people.load_organisation()
    engine.repository.deploy([PROJECT_ROOT / "processes" / "bpmn" / "asset-audit.bpmn"])
    stored = engine.accounts.hash_password("x", PASSWORD)
    for user in USERS:
        engine.accounts.set_password(user, PASSWORD, actor=user, stored_hash=stored)
    yield engine
    engine.close()


@pytest.fixture
def client_of(wk):
    app = create_app(engine=wk)
    app.config["TESTING"] = True

    def make(username: str) -> Any:
        client = app.test_client()
        page = client.get("/login").get_data(as_text=True)
        assert client.post("/login", data={"username": username, "password": PASSWORD,
                                           "csrf_token": csrf_of(page)}).status_code == 302
        return client
    return make


def step(k: Krabuan, instance_id: int, element_id: str) -> Any:
    return next(t for t in k.tasks.of_case(instance_id) if t.element_id == element_id)


def do(k: Krabuan, instance_id: int, who: tuple[str, str], data: dict[str, Any]) -> None:
    """Complete a step as a user, confirming its control points."""
    element_id, user = who
    _, model = k.repository.process_model("asset-audit")
    controls = [c.id for c in model.steps[element_id].meta.controls]
    k.cases.complete(step(k, instance_id, element_id).id, user, data, controls, how=CLAIM)


def to_signing(k: Krabuan) -> int:
    instance_id = k.cases.start("asset-audit", "supplies_officer1").instance_id
    do(k, instance_id, ("draft_committee_order", "supplies_officer1"),
       {"fiscal_year": 2569, "audit_committee_members": ["audit_committee1"], "order_draft_reference": "ร่าง 1"})
    do(k, instance_id, ("submit_order_for_signature", "supplies_officer2"), {"order_submitted_on": "2025-09-16"})
    return instance_id


def _sign(client: Any, task_id: int, password: str) -> Any:
    page = client.get(f"/tasks/{task_id}").get_data(as_text=True)
    return client.post(f"/tasks/{task_id}/complete", data={**SIGNED, "password": password,
                                                           "csrf_token": csrf_of(page)})


def test_the_director_signs_with_the_password_and_the_case_shows_the_block(wk, client_of):
    instance_id = to_signing(wk)
    task = step(wk, instance_id, "sign_committee_order")
    director = client_of("authorized_official2")
    page = director.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert 'name="password" type="password"' in page and 'autocomplete="current-password"' in page
    wrong = _sign(director, task.id, "not my password")
    assert wrong.status_code == 422 and "รหัสผ่านไม่ถูกต้อง ยังไม่ได้ลงนาม" in wrong.get_data(as_text=True)
    assert 'value="not my password"' not in wrong.get_data(as_text=True)  # never shown back
    assert wk.signatures.verify(instance_id) == []
    assert _sign(director, task.id, PASSWORD).status_code == 302
    [sig] = wk.signatures.verify(instance_id)
    assert sig.valid and sig.signer == "authorized_official2"
    assert sig.block_th == ("(จันทร์เพ็ญ วงศ์ใหญ่)", "ผู้อำนวยการกองบริหารทั่วไป")  # the position held (organisation file)
    case = director.get(f"/cases/{instance_id}").get_data(as_text=True)
    assert "ตรวจสอบแล้ว: ลายมือชื่ออิเล็กทรอนิกส์ถูกต้อง" in case and "(จันทร์เพ็ญ วงศ์ใหญ่)" in case
    assert f"/signatures/{sig.id}/document.pdf" in case and sig.digest in case
    done = director.get(f"/tasks/{task.id}").get_data(as_text=True)  # the signed step's own page shows it too
    assert "(จันทร์เพ็ญ วงศ์ใหญ่)" in done and "เอกสารถูกแก้ไขหลังลงนาม" not in done
    pdf = director.get(f"/signatures/{sig.id}/document.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    from pypdf import PdfReader

    printed = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    flat = "".join(printed.split())
    assert sig.digest in flat and f"/signatures/{sig.id}" in flat
    assert "จันทร์เพ็ญ" in printed and "พ.ศ. 2569" in printed  # Sarabun, Buddhist era
    assert "22 กันยายน 2569" in printed and "audit_committee1" in printed  # the signed date; Latin letters intact


def test_a_change_after_signing_is_said_in_red_with_words(wk, client_of):
    instance_id = to_signing(wk)
    wk.cases.complete(step(wk, instance_id, "sign_committee_order").id, "authorized_official2",
                      {**SIGNED, "order_signed_on": "2025-09-22"}, how=Completion(claim=True, password=PASSWORD))
    with wk.ctx.db.write_engine.connect() as conn, conn.begin():
        conn.execute(text("UPDATE instances SET data_json = replace(data_json, '123/2569', '124/2569') WHERE id = :i"),
                     {"i": instance_id})
    page = client_of("supplies_officer1").get(f"/cases/{instance_id}").get_data(as_text=True)
    assert 'class="sig-status broken" role="alert"' in page and "เอกสารถูกแก้ไขหลังลงนาม" in page
    assert "ข้อมูล “เลขที่คำสั่ง (เมื่อลงนาม)” ถูกแก้ไขหลังลงนาม" in page
    [sig] = wk.signatures.verify(instance_id)
    verification = client_of("supplies_officer1").get(f"/signatures/{sig.id}").get_data(as_text=True)
    assert "เอกสารถูกแก้ไขหลังลงนาม" in verification and sig.public_key in verification


def test_only_those_who_see_the_case_open_the_verification_page_and_the_pdf(wk, client_of):
    instance_id = to_signing(wk)
    wk.cases.complete(step(wk, instance_id, "sign_committee_order").id, "authorized_official2",
                      {**SIGNED, "order_signed_on": "2025-09-22"}, how=Completion(claim=True, password=PASSWORD))
    [sig] = wk.signatures.verify(instance_id)
    outsider = client_of("clerk1")
    assert outsider.get(f"/signatures/{sig.id}").status_code == 404
    assert outsider.get(f"/signatures/{sig.id}/document.pdf").status_code == 404
    assert outsider.get(f"/api/v1/instances/{instance_id}/signatures").status_code == 404
    assert client_of("supplies_officer2").get(f"/signatures/{sig.id}").status_code == 200
    anonymous = create_app(engine=wk).test_client()
    for path in (f"/signatures/{sig.id}", f"/signatures/{sig.id}/document.pdf"):
        response = anonymous.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    auditor = client_of("auditor1")  # auditors see every case
    assert auditor.get(f"/signatures/{sig.id}").status_code == 200


def test_the_pdf_foot_carries_the_digest_and_the_verification_address(wk):
    instance_id = to_signing(wk)
    wk.cases.complete(step(wk, instance_id, "sign_committee_order").id, "authorized_official2",
                      {**SIGNED, "order_signed_on": "2025-09-22"}, how=Completion(claim=True, password=PASSWORD))
    [sig] = wk.signatures.verify(instance_id)
    html = signature_pdf.to_html(sig, {"order_number": "123/2569"}, {"order_number": "เลขที่คำสั่ง"},
                                 "https://krabuan.example/signatures/1")
    foot = html[html.index('<div class="foot">'):html.index("</div>", html.index('<div class="foot">'))]
    assert sig.digest in foot and "https://krabuan.example/signatures/1" in foot
    assert "(จันทร์เพ็ญ วงศ์ใหญ่)" in html and "เลขที่คำสั่ง" in html and "พ.ศ. 2" in html


def test_the_api_signs_only_with_the_password(wk):
    instance_id = to_signing(wk)
    task = step(wk, instance_id, "sign_committee_order")
    token = wk.accounts.create_token("authorized_official2", "api", actor="authorized_official2").secret
    client = create_app(engine=wk).test_client()  # a script: its token, no browser session
    headers = {"Authorization": f"Bearer {token}"}
    body = {"data": {**SIGNED, "order_signed_on": "2025-09-22"}}
    refused = client.post(f"/api/v1/tasks/{task.id}/complete", json=body, headers=headers)
    assert refused.status_code == 400 and refused.get_json()["error"]["field"] == "password"  # the API's invalid data
    assert client.post(f"/api/v1/tasks/{task.id}/complete", json={**body, "password": "wrong password"},
                       headers=headers).status_code == 400
    assert wk.signatures.verify(instance_id) == []
    assert client.post(f"/api/v1/tasks/{task.id}/complete", json={**body, "password": PASSWORD},
                       headers=headers).status_code == 200
    [listed] = client.get(f"/api/v1/instances/{instance_id}/signatures", headers=headers).get_json()
    assert listed["valid"] is True and listed["signer"] == "authorized_official2" and listed["problems"] == []
