"""The registers in the web app and the JSON API (the real project's registers and letter
processes): the page laid out like the paper form, filtered by year and text, its PDF and XLSX,
and who may read, export and void (a register you do not read is a 404, as for a case)."""
from __future__ import annotations

import io

import pytest
from register_helpers import LETTERS, issue_sent_number
from web_helpers import PASSWORD, csrf_of

from engine import Krabuan
from web import create_app

USERS = ("clerk1", "clerk2", "internal_units1", "recipients1", "auditor1", "it_group_director1")


@pytest.fixture
def pk(project_settings):
    k = Krabuan(project_settings)
    k.upgrade_schema()
    k.people.load_organisation()
    k.repository.deploy(LETTERS)
    stored = k.accounts.hash_password("x", PASSWORD)
    for user in USERS:
        k.accounts.set_password(user, PASSWORD, actor=user, stored_hash=stored)
    yield k
    k.close()


@pytest.fixture
def app(pk):
    app = create_app(engine=pk)
    app.config["TESTING"] = True
    return app


@pytest.fixture
def letters(pk):
    issue_sent_number(pk, "ขอเชิญประชุมคณะทำงาน")
    issue_sent_number(pk, "ขอข้อมูลงบประมาณ", secrecy="secret")
    return pk


def test_the_register_page_reads_like_the_paper_form(app, letters, signed_in):
    b = signed_in("clerk2")
    html = b.get("/registers").get_data(as_text=True)
    assert "ทะเบียนหนังสือส่ง" in html and "ทะเบียนหนังสือรับ" in html
    response = b.get("/registers/sent")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    headers = ["เลขทะเบียนส่ง", "ที่", "ลงวันที่", "จาก", "ถึง", "เรื่อง", "การปฏิบัติ", "หมายเหตุ"]
    positions = [html.index(f'<th scope="col">{h}</th>') for h in headers]
    assert positions == sorted(positions)  # the paper's column order
    assert "สธ 0701/1" in html and "ขอเชิญประชุมคณะทำงาน" in html and "20 พฤศจิกายน 2569" in html
    assert '<span class="chip secrecy">ลับ</span>' in html  # the level in words, not colour alone
    filtered = b.get("/registers/sent?q=งบประมาณ").get_data(as_text=True)
    assert "ขอข้อมูลงบประมาณ" in filtered and "ขอเชิญประชุมคณะทำงาน" not in filtered
    assert "ขอเชิญประชุม" not in b.get("/registers/sent?year=2500").get_data(as_text=True)
    assert b.get("/registers/sent?year=abc").status_code == 422


def test_a_reader_without_clearance_does_not_see_the_secret_entry_and_others_get_404(app, letters, signed_in):
    unit = signed_in("internal_units1")
    html = unit.get("/registers/sent").get_data(as_text=True)
    assert "ขอเชิญประชุมคณะทำงาน" in html and "ขอข้อมูลงบประมาณ" not in html
    assert "ยกเลิกเลขทะเบียน" not in html  # not a keeper: no void form
    outsider = signed_in("recipients1")
    assert outsider.get("/registers/sent").status_code == 404
    assert outsider.get("/registers/sent/export.pdf").status_code == 404
    assert "ทะเบียนหนังสือส่ง" not in outsider.get("/registers").get_data(as_text=True)


def test_the_exports_download_with_the_numbers(app, letters, signed_in):
    from openpyxl import load_workbook
    from pypdf import PdfReader

    b = signed_in("clerk1")
    pdf = b.client.get("/registers/sent/export.pdf?year=2569")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert 'filename="sent-2569.pdf"' in pdf.headers["Content-Disposition"]
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "0701/1" in text and "0701/2" in text
    xlsx = b.client.get("/registers/sent/export.xlsx?q=ขอเชิญ")
    rows = list(load_workbook(io.BytesIO(xlsx.data)).active.iter_rows(values_only=True))
    assert [r[2] for r in rows[2:]] == ["สธ 0701/1"]
    assert b.client.get("/registers/sent/export.doc").status_code == 422


def test_a_keeper_voids_a_number_in_the_page(app, letters, signed_in):
    b = signed_in("clerk1")
    b.get("/registers/sent")
    response = b.post("/registers/sent/void", {"number": "1", "reason": "ส่งซ้ำ", "year": "2569"})
    assert response.status_code == 302
    html = b.get("/registers/sent").get_data(as_text=True)
    assert "ยกเลิกเลข สธ 0701/1 แล้ว" in html and '<strong class="void-mark">ยกเลิก</strong>: ส่งซ้ำ' in html
    unit = signed_in("internal_units1")
    unit.get("/registers/sent")
    refused = unit.post("/registers/sent/void", {"number": "1", "reason": "x"}, headers={"Referer": "/registers"})
    assert refused.status_code == 302 and "flash error" in unit.get("/registers").get_data(as_text=True)


def test_a_number_in_a_signed_document_is_refused_in_words_on_the_page_and_in_the_api(app, pk, signed_in):
    """R-SIG-02 (engine.services.registers._refuse_if_signed) as the keeper meets it."""
    from register_helpers import do

    from engine import Completion

    instance_id = pk.cases.start("receive-letter", "clerk1").instance_id
    do(pk, instance_id, "distribute_copies", "clerk1",
       {"letter_subject": "เชิญประชุม", "sender_reference": "สธ 0901/77", "letter_date": "2026-11-18",
        "sender": "กรมอนามัย", "addressee": "ผู้อำนวยการกลุ่ม", "recipients": "ฝ่ายแผนงาน", "copies": 1,
        "copy_recipients": ["recipients1"]})
    number = pk.cases.show(instance_id).data["received_number"]
    task = next(t for t in pk.tasks.of_case(instance_id) if t.element_id == "acknowledge_copy")
    pk.cases.complete(task.id, "recipients1", {"copy_received_on": "2026-11-19"},
                      how=Completion(claim=True, password=PASSWORD))
    b = signed_in("clerk1")
    b.get("/registers/received")
    refused = b.post("/registers/received/void", {"number": "1", "reason": "ผิด"}, headers={"Referer": "/registers"})
    assert refused.status_code == 302
    assert f"เลข {number} อยู่ในเอกสารที่ลงนามแล้ว" in b.get("/registers").get_data(as_text=True)
    token = {"Authorization": "Bearer " + pk.accounts.create_token("clerk1", "t", actor="clerk1").secret}
    answer = app.test_client().post("/api/v1/registers/received/entries/1/void", headers=token, json={"reason": "x"})
    assert answer.status_code == 409 and "cannot be voided or corrected" in answer.get_json()["error"]["message"]
    assert pk.registers.page("received", "clerk1").entries[0].status == "issued"


def test_the_page_the_export_and_the_api_log_each_view_of_a_secret_entry(app, letters, signed_in):
    """R-COR-08 through each surface: the page, its export and the API (entry 2 is ลับ, entry 1 is not)."""
    b = signed_in("clerk2")
    assert b.get("/registers/sent").status_code == 200
    assert b.client.get("/registers/sent/export.xlsx").status_code == 200
    token = {"Authorization": "Bearer " + letters.accounts.create_token("clerk1", "t", actor="clerk1").secret}
    assert app.test_client().get("/api/v1/registers/sent/entries", headers=token).status_code == 200
    unit = signed_in("internal_units1")
    assert "ขอข้อมูลงบประมาณ" not in unit.get("/registers/sent").get_data(as_text=True)  # not shown: not logged
    assert [(v.viewer, v.surface, v.reference) for v in letters.registers.viewings("sent", "auditor1")] == [
        ("clerk2", "web", "สธ 0701/2"), ("clerk2", "web:xlsx", "สธ 0701/2"), ("clerk1", "api", "สธ 0701/2")]
    logged = app.test_client().get("/api/v1/registers/sent/views", headers=token).get_json()  # a keeper reads it
    assert [(v["viewer"], v["surface"], v["secrecy"]) for v in logged][-1] == ("clerk1", "api", "secret")
    unit_token = {"Authorization": "Bearer " + letters.accounts.create_token("internal_units1", "t",
                                                                             actor="internal_units1").secret}
    assert app.test_client().get("/api/v1/registers/sent/views", headers=unit_token).status_code == 403


# Who sees a ลับที่สุด entry of the sent register, on every surface: its readers cleared for the level
# (it_group_director1), the people of its case (clerk1 started it, clerk2 works its lane; clerks are
# cleared up to ลับมาก only); not a reader without clearance, nor an auditor (normal entries only);
# and to an outsider (recipients1 reads no sent register) the register does not exist.
SECRET_MATRIX = {"it_group_director1": True, "clerk1": True, "clerk2": True, "internal_units1": False,
                 "auditor1": False, "recipients1": None}


def test_the_secrecy_matrix_of_the_page_the_export_and_the_api(app, pk, signed_in):
    from openpyxl import load_workbook

    issue_sent_number(pk, "เรื่องลับที่สุด", secrecy="most_secret")
    issue_sent_number(pk, "เรื่องทั่วไป")
    client = app.test_client()
    for who, sees in SECRET_MATRIX.items():
        b = signed_in(who)
        page = b.client.get("/registers/sent")
        token = {"Authorization": "Bearer " + pk.accounts.create_token(who, "m", actor=who).secret}
        api = client.get("/api/v1/registers/sent/entries", headers=token)
        exported = b.client.get("/registers/sent/export.xlsx")
        api_export = client.get("/api/v1/registers/sent/export?format=xlsx", headers=token)
        if sees is None:
            assert [page.status_code, api.status_code, exported.status_code, api_export.status_code] == [404] * 4, who
            continue
        assert [page.status_code, api.status_code, exported.status_code, api_export.status_code] == [200] * 4, who
        html = page.get_data(as_text=True)
        assert ('data-number="1"' in html) is sees and 'data-number="2"' in html, who
        assert [e["number"] for e in api.get_json()["entries"]] == ([1, 2] if sees else [2]), who
        for data in (exported.data, api_export.data):
            cells = [c for row in load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True) for c in row]
            assert ("สธ 0701/1" in cells) is sees and "สธ 0701/2" in cells, who
    viewers = {v.viewer for v in pk.registers.viewings("sent", "auditor1")}
    assert viewers == {who for who, sees in SECRET_MATRIX.items() if sees}  # every view of it was logged


def test_the_api(app, letters):
    client = app.test_client()
    token = {"Authorization": "Bearer " + letters.accounts.create_token("clerk1", "t", actor="clerk1").secret}
    unit = {"Authorization": "Bearer " + letters.accounts.create_token("internal_units1", "t",
                                                                        actor="internal_units1").secret}
    listed = client.get("/api/v1/registers", headers=token).get_json()
    assert {"id": "sent", "may_keep": True}.items() <= next(r for r in listed if r["id"] == "sent").items()
    page = client.get("/api/v1/registers/sent/entries?year=2569", headers=token).get_json()
    assert page["register"]["id"] == "sent" and [e["reference"] for e in page["entries"]] == ["สธ 0701/1",
                                                                                              "สธ 0701/2"]
    assert [e["number"] for e in client.get("/api/v1/registers/sent/entries", headers=unit).get_json()["entries"]] \
        == [1]
    assert client.get("/api/v1/registers/sent/entries?year=12", headers=token).status_code == 400
    assert client.post("/api/v1/registers/sent/entries/1/void", headers=unit, json={"reason": "x"}).status_code == 403
    voided = client.post("/api/v1/registers/sent/entries/1/void", headers=token, json={"reason": "ซ้ำ"}).get_json()
    assert (voided["status"], voided["cancel_reason"]) == ("cancelled", "ซ้ำ")
    fixed = client.post("/api/v1/registers/sent/entries/2/correct", headers=token,
                        json={"changes": {"to": "ศูนย์อนามัยที่ 2"}, "reason": "ผู้รับผิด"}).get_json()
    assert fixed["addressee"] == "ศูนย์อนามัยที่ 2" and fixed["amendments"][0]["kind"] == "corrected"
    exported = client.get("/api/v1/registers/sent/export?format=xlsx", headers=token)
    assert exported.status_code == 200 and exported.data[:2] == b"PK"
    assert client.get("/api/v1/registers/sent/entries").status_code == 401
    doc = client.get("/api/v1/openapi.json").get_json()
    assert {"/api/v1/registers", "/api/v1/registers/{register_id}/entries",
            "/api/v1/registers/{register_id}/entries/{number}/void"} <= set(doc["paths"])


def test_a_browser_void_needs_its_csrf_token(app, letters, signed_in):
    b = signed_in("clerk1")
    assert b.post("/registers/sent/void", {"number": "1", "reason": "x"}, csrf=False).status_code == 400
    assert letters.registers.page("sent", "clerk1").entries[0].status == "issued"
    assert csrf_of(b.get("/registers/sent").get_data(as_text=True))
