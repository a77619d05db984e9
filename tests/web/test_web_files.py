"""Evidence files on the web: the API's upload and download, the task form's file field (uploaded
once, kept on a second try), the case page's list, and the limits (SQLite and PostgreSQL)."""
from __future__ import annotations

import hashlib
import io

import pytest
from helpers import FORM_DATA, open_tasks
from web_helpers import PASSWORD

from engine import Krabuan
from web import create_app

PDF = b"%PDF-1.4\n% evidence for the web tests\n%%EOF\n"
EXE = b"MZ\x90\x00\x03" + b"\x00" * 59 + b"PE\x00\x00"
REGISTER = {k: v for k, v in FORM_DATA["register_application"].items() if k != "amount"}


@pytest.fixture
def api(app, k):
    client = app.test_client()
    tokens: dict[str, str] = {}

    def call(method, path, as_user="clerk1", **kw):
        headers = kw.pop("headers", {})
        if as_user:
            token = tokens.get(as_user) or tokens.setdefault(
                as_user, k.accounts.create_token(as_user, "t", actor=as_user).secret)
            headers["Authorization"] = f"Bearer {token}"
        return client.open(f"/api/v1{path}", method=method, headers=headers, **kw)

    return call


def _upload(api, content=PDF, name="หนังสือ ฉบับที่ 1.pdf", as_user="clerk1"):
    return api("POST", "/files", as_user=as_user, data={"file": (io.BytesIO(content), name)},
               content_type="multipart/form-data")


def test_upload_and_download_through_the_api(api):
    response = _upload(api)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["sha256"] == hashlib.sha256(PDF).hexdigest() and body["name"] == "หนังสือ ฉบับที่ 1.pdf"
    assert body["size"] == len(PDF) and body["content_type"] == "application/pdf"
    got = api("GET", f"/files/{body['sha256']}")
    assert got.status_code == 200 and got.data == PDF and got.mimetype == "application/pdf"
    disposition = got.headers["Content-Disposition"]
    assert disposition.startswith("attachment") and "filename*=UTF-8''" in disposition
    assert got.headers["X-Content-Type-Options"] == "nosniff" and "no-store" in got.headers["Cache-Control"]
    got.close()  # the file send_file opened
    assert api("GET", f"/files/{body['sha256']}", as_user="outsider").status_code == 404
    assert api("GET", f"/files/{body['sha256']}", as_user=None).status_code == 401
    assert api("GET", "/files/" + "0" * 64).status_code == 404


def test_refused_uploads_say_why(api):
    refused = _upload(api, EXE, "report.pdf")
    assert refused.status_code == 400
    error = refused.get_json()["error"]
    assert error["field"] == "file" and "not accepted" in error["message"]
    missing = api("POST", "/files", data={"other": (io.BytesIO(PDF), "a.pdf")}, content_type="multipart/form-data")
    assert missing.status_code == 400 and missing.get_json()["error"]["field"] == "file"
    assert _upload(api, as_user=None).status_code == 401


def test_too_large_is_413(tmp_path, k):
    small = Krabuan(k.settings.with_overrides(max_upload_bytes=32))
    try:
        client = create_app(engine=small).test_client()
        headers = {"Authorization": "Bearer " + small.accounts.create_token("clerk1", "t", actor="clerk1").secret}

        def send(size):
            return client.post("/api/v1/files", headers=headers, content_type="multipart/form-data",
                               data={"file": (io.BytesIO(b"%PDF-" + b"x" * size), "big.pdf")})

        over = send(64)  # past the engine's limit, within the body's margin
        assert over.status_code == 413 and over.get_json()["error"]["field"] == "file"
        body = client.post("/api/v1/files", headers=headers, content_type="multipart/form-data; boundary=x",
                           data=b"x" * (2 * 1024 * 1024))  # past the body's limit: refused before it is read
        assert body.status_code == 413 and body.get_json()["error"]["code"] == "too_large"
    finally:
        small.close()


def test_the_openapi_document_describes_the_upload(api):
    doc = api("GET", "/openapi.json", as_user=None).get_json()
    upload = doc["paths"]["/api/v1/files"]["post"]
    part = upload["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert part["properties"]["file"] == {"type": "string", "format": "binary"} and part["required"] == ["file"]
    assert "201" in upload["responses"] and "413" in upload["responses"]
    download = doc["paths"]["/api/v1/files/{sha256}"]["get"]["responses"]["200"]["content"]
    assert download["*/*"]["schema"]["format"] == "binary"


def test_a_task_form_attaches_files_once_and_the_case_lists_them(signed_in, k, app):
    instance_id = k.cases.start("sop_bench", "clerk1").instance_id
    task = open_tasks(k, instance_id)[0]
    clerk = signed_in("clerk1")
    page = clerk.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page and 'type="file"' in page and 'name="attachments"' in page
    name = "<script>alert(1)<img src=x onerror=alert(2)>.pdf"  # no slash: the whole name is kept
    shown = "&lt;script&gt;alert(1)&lt;img src=x onerror=alert(2)&gt;.pdf"
    missing_subject = clerk.post(f"/tasks/{task.id}/complete",
                                 {"applicant": "นายสมชาย", "attachments": (io.BytesIO(PDF), name)})
    assert missing_subject.status_code == 422
    html = missing_subject.get_data(as_text=True)
    sha = hashlib.sha256(PDF).hexdigest()
    assert f'value="{sha}" checked' in html and shown in html
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    done = clerk.post(f"/tasks/{task.id}/complete", {**REGISTER, "attachments": sha})  # not sent again
    assert done.status_code == 302, done.get_data(as_text=True)
    assert k.cases.show(instance_id).data["attachments"] == [sha]
    assert len(k.files.known([sha], k.accounts.account("clerk1"))) == 1
    case_page = signed_in("clerk2").get(f"/cases/{instance_id}").get_data(as_text=True)
    assert f'href="/files/{sha}"' in case_page and shown in case_page
    assert "<script>alert(1)" not in case_page and "<img src=x" not in case_page
    download = signed_in("clerk2").get(f"/files/{sha}")
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert "sandbox" in download.headers["Content-Security-Policy"]
    download.close()
    assert signed_in("outsider").get(f"/files/{sha}").status_code == 404
    anonymous = app.test_client().get(f"/files/{sha}")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]


def test_a_refused_file_is_named_next_to_its_field_and_nothing_else_is_lost(signed_in, k):
    instance_id = k.cases.start("sop_bench", "clerk1").instance_id
    task = open_tasks(k, instance_id)[0]
    clerk = signed_in("clerk1")
    clerk.get(f"/tasks/{task.id}")
    refused = clerk.post(f"/tasks/{task.id}/complete",
                         {**REGISTER, "attachments": (io.BytesIO(EXE), "หนังสือ.pdf")})
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert 'id="attachments-error"' in html and "ไม่รับไฟล์ประเภทนี้" in html
    assert REGISTER["applicant"] in html
    assert open_tasks(k, instance_id)[0].id == task.id  # not completed
    forged = clerk.post(f"/tasks/{task.id}/complete", {**REGISTER, "attachments": "ab" * 32})
    assert forged.status_code == 422 and 'id="attachments-error"' in forged.get_data(as_text=True)


def test_the_case_page_without_files_says_so(signed_in, k):
    instance_id = k.cases.start("sop_bench", "clerk1").instance_id
    page = signed_in("clerk1").get(f"/cases/{instance_id}").get_data(as_text=True)
    assert "เรื่องนี้ยังไม่มีไฟล์แนบ" in page
    assert PASSWORD not in page
