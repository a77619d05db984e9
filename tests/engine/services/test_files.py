"""Evidence files: stored once by SHA-256, one row per upload, attached to a case by a file field,
readable by the uploader and by whoever may see a case that refers to it (SQLite and PostgreSQL)."""
from __future__ import annotations

import hashlib

import pytest
from helpers import DATA, FORM_DATA, open_tasks
from sqlalchemy import func, select

from engine import Completion, Krabuan
from engine.errors import InvalidInput, NotFound, TooLarge
from engine.services.files import clean_name
from engine.store.tables import CaseFile, StoredFile

PDF = b"%PDF-1.4\n% evidence\n%%EOF\n"
REGISTER = FORM_DATA["register_application"]


def _count(k: Krabuan, table) -> int:
    with k.ctx.db.unit_of_work(write=False) as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def _register(k: Krabuan, user: str, data: dict) -> tuple[int, int]:
    instance_id = k.cases.start("sop_bench", "clerk1").instance_id
    task = open_tasks(k, instance_id)[0]
    k.cases.complete(task.id, user, data, how=Completion(claim=True))
    return instance_id, task.id


def test_the_same_bytes_are_stored_once_and_each_upload_is_a_row(k):
    first = k.files.upload("clerk1", "หนังสือ.pdf", PDF)
    second = k.files.upload("clerk2", "C:\\scans\\copy.pdf", PDF)
    assert first.sha256 == second.sha256 == hashlib.sha256(PDF).hexdigest()
    assert (first.name, second.name) == ("หนังสือ.pdf", "copy.pdf")
    assert first.content_type == "application/pdf" and first.size == len(PDF)
    stored = [p for p in (k.settings.data_dir / "files").rglob("*") if p.is_file()]
    assert [p.name for p in stored] == [first.sha256]
    assert stored[0].relative_to(k.settings.data_dir / "files").parts[:2] == (first.sha256[:2], first.sha256[2:4])
    assert stored[0].read_bytes() == PDF
    assert _count(k, StoredFile) == 2
    assert first.to_json()["name"] == "หนังสือ.pdf" and set(first.to_json()) >= {"sha256", "name", "size",
                                                                                   "content_type"}


def test_refused_kinds_and_sizes(k):
    with pytest.raises(InvalidInput, match="not accepted") as info:
        k.files.upload("clerk1", "report.pdf", b"MZ\x90\x00" + b"\x00" * 60)
    assert info.value.details["field"] == "file"
    small = Krabuan(k.settings.with_overrides(max_upload_bytes=16))
    try:
        with pytest.raises(TooLarge) as too_large:
            small.files.upload("clerk1", "big.pdf", PDF)
        assert too_large.value.http_status == 413 and too_large.value.details["code"] == "file_too_large"
    finally:
        small.close()
    assert _count(k, StoredFile) == 0 and not (k.settings.data_dir / "files").exists()


def test_names_are_kept_safe():
    assert clean_name("../../etc/passwd") == "passwd"
    assert clean_name("a\x00b\u202etxt.exe\n") == "abtxt.exe"
    assert clean_name("..") == clean_name("") == "file"
    long = clean_name("ก" * 400 + ".pdf")
    assert len(long) == 300 and long.endswith(".pdf")


def test_only_the_uploader_and_those_who_see_the_case_may_open_it(k):
    view = k.files.upload("clerk1", "หลักฐาน.pdf", PDF)
    clerk1, clerk2, outsider = (k.accounts.account(u) for u in ("clerk1", "clerk2", "outsider"))
    opened, path = k.files.open(view.sha256, clerk1)
    assert opened.name == "หลักฐาน.pdf" and path.read_bytes() == PDF and path.is_absolute()
    for who in (clerk2, outsider):  # not attached to anything yet: only the uploader
        with pytest.raises(NotFound):
            k.files.open(view.sha256, who)
    instance_id, task_id = _register(k, "clerk1", {**REGISTER, "attachments": view.sha256})
    assert k.cases.show(instance_id).data["attachments"] == [view.sha256]  # always a list
    assert _count(k, CaseFile) == 1
    seen, _ = k.files.open(view.sha256, clerk2)  # in the lane of the case
    assert seen.name == "หลักฐาน.pdf" and seen.uploaded_by == "clerk1"
    for who in ("director1", "auditor1"):  # supervisor of the lane, auditor
        assert k.files.open(view.sha256, k.accounts.account(who))[0].sha256 == view.sha256
    with pytest.raises(NotFound):
        k.files.open(view.sha256, outsider)
    listed = k.files.of_case(instance_id, clerk2)
    assert [(f.name, f.task_id, f.field) for f in listed] == [("หลักฐาน.pdf", task_id, "attachments")]
    with pytest.raises(NotFound):
        k.files.of_case(instance_id, outsider)
    for bad in ("0" * 64, "not-a-hash", "A" * 64):
        with pytest.raises(NotFound):
            k.files.open(bad, clerk1)


def test_a_form_may_name_only_ones_own_uploads_or_the_cases_files(k):
    theirs = k.files.upload("director1", "secret.pdf", PDF + b"director")
    instance_id = k.cases.start("sop_bench", "clerk1").instance_id
    task = open_tasks(k, instance_id)[0]
    with pytest.raises(InvalidInput) as info:
        k.cases.complete(task.id, "clerk1", {**REGISTER, "attachments": [theirs.sha256]}, how=Completion(claim=True))
    assert info.value.details["field"] == "attachments"
    assert info.value.details["problems"][0]["code"] == "unknown_file"
    assert _count(k, CaseFile) == 0 and open_tasks(k, instance_id)[0].id == task.id
    with pytest.raises(NotFound):  # and so it stays unreadable to the clerk
        k.files.open(theirs.sha256, k.accounts.account("clerk1"))
    for bad, code in [("letter.pdf", "not_file"), ([theirs.sha256, theirs.sha256], "duplicate")]:
        with pytest.raises(InvalidInput) as refused:
            k.cases.complete(task.id, "clerk1", {**REGISTER, "attachments": bad}, how=Completion(claim=True))
        assert refused.value.details["problems"][0]["code"] == code
    own = k.files.upload("clerk1", "mine.pdf", PDF)
    k.cases.complete(task.id, "clerk1", {**REGISTER, "attachments": [own.sha256]}, how=Completion(claim=True))
    assert [f.sha256 for f in k.files.of_case(instance_id, k.accounts.account("clerk1"))] == [own.sha256]


def test_a_start_form_attaches_files_to_the_new_case(settings, tmp_path):
    forms = tmp_path / "forms"
    forms.mkdir()
    for source in (DATA / "forms").glob("*.yaml"):
        text = source.read_text(encoding="utf-8")
        if source.name == "timers.yaml":
            text = text.replace("      - {name: meeting_date,", "      - {name: request_letter, type: file, "
                                "label: {th: หนังสือ, en: Letter}}\n      - {name: meeting_date,")
        (forms / source.name).write_text(text, encoding="utf-8")
    k = Krabuan(settings.with_overrides(forms_dir=forms))
    try:
        k.init()
        k.repository.deploy([DATA / "timers.bpmn"])
        sha = k.files.upload("clerk1", "คำขอ.pdf", PDF).sha256
        dates = {"request_date": "2026-11-02", "meeting_date": "2026-11-30"}
        with pytest.raises(InvalidInput, match="request_letter"):  # not clerk2's to attach
            k.cases.start("timed_steps", "clerk2", {**dates, "request_letter": sha})
        instance_id = k.cases.start("timed_steps", "clerk1", {**dates, "request_letter": sha}).instance_id
        listed = k.files.of_case(instance_id, k.accounts.account("clerk1"))
        assert [(f.sha256, f.task_id, f.field) for f in listed] == [(sha, 0, "request_letter")]
    finally:
        k.close()
