"""The official registers through the engine (SQLite and PostgreSQL): a step that needs a number
takes it from its register inside its own transaction; voiding and correcting append rows; who
reads which register and which secret entry."""
from __future__ import annotations

import re

import pytest
from register_helpers import LETTERS, NUMBER, do, issue_sent_number, send_letter_to_numbering

from engine import Conflict, Forbidden, InvalidInput, Krabuan, NotFound


@pytest.fixture
def pk(project_settings):
    k = Krabuan(project_settings)
    k.upgrade_schema()
    k.people.load_organisation()
    k.repository.deploy(LETTERS)
    yield k
    k.close()


def test_issue_number_takes_consecutive_numbers_from_the_sent_register(pk):
    first_case, first = issue_sent_number(pk, "เรื่องที่หนึ่ง")
    second_case, second = issue_sent_number(pk, "เรื่องที่สอง")
    assert (first, second) == ("สธ 0701/1", "สธ 0701/2")
    page = pk.registers.page("sent", "clerk2")
    assert [(e.number, e.reference, e.subject, e.instance_id) for e in page.entries] == [
        (1, "สธ 0701/1", "เรื่องที่หนึ่ง", first_case), (2, "สธ 0701/2", "เรื่องที่สอง", second_case)]
    entry = page.entries[0]
    assert (entry.letter_reference, entry.sender, entry.addressee, entry.dated.isoformat()) == (
        "สธ 0701/1", "งานพัฒนาระบบ", NUMBER["addressee"], NUMBER["letter_date"])
    assert entry.issued_by == "clerk1" and entry.status == "issued" and page.last_number == 2
    history = pk.cases.show(first_case).history
    issued = [e for e in history if e.event_type == "register_number_issued"]
    assert len(issued) == 1 and issued[0].payload["reference"] == "สธ 0701/1"
    completed = next(e for e in history if e.event_type == "task_completed"
                     and e.payload["element_id"] == "issue_number")
    assert completed.payload["data"]["letter_number"] == "สธ 0701/1"  # the next steps see it too
    assert all(report.ok for report in pk.audit.verify(first_case))


def test_a_completion_that_rolls_back_gives_its_number_back(pk, monkeypatch):
    from engine.services import cases

    instance_id = send_letter_to_numbering(pk)

    def fail(*args, **kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(cases.Evidence, "attach", fail)  # runs after the number was taken, same transaction
    with pytest.raises(RuntimeError):
        do(pk, instance_id, "issue_number", "clerk1", NUMBER)
    monkeypatch.undo()
    assert pk.registers.page("sent", "clerk1").entries == ()
    do(pk, instance_id, "issue_number", "clerk1", NUMBER)
    assert pk.cases.show(instance_id).data["letter_number"] == "สธ 0701/1"  # no gap


def test_receive_letter_registration_takes_a_received_number(pk):
    instance_id = pk.cases.start("receive-letter", "clerk1").instance_id
    do(pk, instance_id, "distribute_copies", "clerk1",
       {"letter_subject": "เชิญประชุม", "sender_reference": "สธ 0901/77", "letter_date": "2026-11-18",
        "sender": "กรมอนามัย", "addressee": "ผู้อำนวยการกลุ่ม", "recipients": "ฝ่ายแผนงาน", "copies": 2})
    number = pk.cases.show(instance_id).data["received_number"]
    assert re.fullmatch(r"1/25\d\d", number)
    entry = pk.registers.page("received", "clerk1").entries[0]
    assert (entry.number, entry.reference, entry.letter_reference, entry.sender, entry.action) == (
        1, number, "สธ 0901/77", "กรมอนามัย", "ฝ่ายแผนงาน")


def test_a_voided_number_stays_with_its_reason_and_is_not_reused(pk):
    issue_sent_number(pk)
    with pytest.raises(InvalidInput):
        pk.registers.void("sent", 1, "clerk1", "   ")
    voided = pk.registers.void("sent", 1, "clerk2", "ออกเลขซ้ำกับหนังสือฉบับเดิม")
    assert (voided.status, voided.cancel_reason, voided.reference) == ("cancelled", "ออกเลขซ้ำกับหนังสือฉบับเดิม",
                                                                        "สธ 0701/1")
    with pytest.raises(Conflict):
        pk.registers.void("sent", 1, "clerk1", "อีกครั้ง")
    _, next_number = issue_sent_number(pk)
    assert next_number == "สธ 0701/2"
    entries = pk.registers.page("sent", "clerk1").entries
    assert [(e.number, e.status) for e in entries] == [(1, "cancelled"), (2, "issued")]


def test_a_number_a_signature_covers_can_no_longer_be_voided_or_corrected(pk):
    """R-SIG-02: the number is issued before the signature; once a recipient has signed for their
    copy (their signed data holds the received number), the number is fixed."""
    from helpers import SIGNING_PASSWORD, give_passwords

    from engine import Completion

    give_passwords(pk, "recipients1")
    instance_id = pk.cases.start("receive-letter", "clerk1").instance_id
    do(pk, instance_id, "distribute_copies", "clerk1",
       {"letter_subject": "เชิญประชุม", "sender_reference": "สธ 0901/77", "letter_date": "2026-11-18",
        "sender": "กรมอนามัย", "addressee": "ผู้อำนวยการกลุ่ม", "recipients": "ฝ่ายแผนงาน", "copies": 1,
        "copy_recipients": ["recipients1"]})
    number = pk.cases.show(instance_id).data["received_number"]
    pk.registers.correct("received", 1, "clerk1", {"remarks": "ก่อนลงนาม"}, "แก้ได้ก่อนลงนาม")  # not signed yet
    task = next(t for t in pk.tasks.of_case(instance_id) if t.element_id == "acknowledge_copy")
    pk.cases.complete(task.id, "recipients1", {"copy_received_on": "2026-11-19"},
                      how=Completion(claim=True, password=SIGNING_PASSWORD))
    [sig] = pk.signatures.verify(instance_id)
    assert sig.valid
    for amend in (lambda: pk.registers.void("received", 1, "clerk2", "ออกเลขผิด"),
                  lambda: pk.registers.correct("received", 1, "clerk2", {"dated": "2026-11-17"}, "วันที่ผิด")):
        with pytest.raises(Conflict) as refused:
            amend()
        assert refused.value.details["reason"] == "signed_number"
        assert f"number {number} of register received is in a document signed at step acknowledge_copy" in str(
            refused.value.message)
        assert refused.value.details["th"].startswith(f"เลข {number} อยู่ในเอกสารที่ลงนามแล้ว")
    entry = pk.registers.page("received", "clerk1").entries[0]
    assert (entry.status, entry.remarks, len(entry.amendments)) == ("issued", "ก่อนลงนาม", 1)  # nothing written
    # a number of another case, which no signature holds, is still voided as before
    issue_sent_number(pk)
    assert pk.registers.void("sent", 1, "clerk1", "ออกเลขซ้ำ").status == "cancelled"


def test_a_correction_is_a_new_row_and_the_original_stays(pk):
    issue_sent_number(pk, "ขอข้อมูล")
    corrected = pk.registers.correct("sent", 1, "clerk1", {"subject": "ขอข้อมูลสถิติ ปี 2569", "secrecy": "secret"},
                                     "พิมพ์ชื่อเรื่องไม่ครบ")
    assert (corrected.subject, corrected.secrecy) == ("ขอข้อมูลสถิติ ปี 2569", "secret")
    (amendment,) = corrected.amendments
    assert amendment.kind == "corrected" and amendment.reason == "พิมพ์ชื่อเรื่องไม่ครบ"
    assert amendment.changes["subject"] == {"from": "ขอข้อมูล", "to": "ขอข้อมูลสถิติ ปี 2569"}
    with pytest.raises(InvalidInput):
        pk.registers.correct("sent", 1, "clerk1", {"number": "9"}, "เลขใหม่")
    with pytest.raises(NotFound):
        pk.registers.correct("sent", 7, "clerk1", {"subject": "x"}, "ไม่มีเลขนี้")


def test_who_reads_which_register_and_which_secret_entry(pk):
    secret_case, _ = issue_sent_number(pk, "เรื่องลับ", secrecy="secret")
    issue_sent_number(pk, "เรื่องทั่วไป")
    subjects = lambda user: [e.subject for e in pk.registers.page("sent", user).entries]  # noqa: E731
    assert subjects("clerk2") == ["เรื่องลับ", "เรื่องทั่วไป"]  # the keepers' group reads up to ลับมาก
    assert subjects("internal_units1") == ["เรื่องทั่วไป"]  # reads the register, not its secret entries
    assert subjects("auditor1") == ["เรื่องทั่วไป"]  # auditors: every register, normal entries only
    with pytest.raises(NotFound):  # not a reader: the register does not exist for them
        pk.registers.page("sent", "recipients1")
    assert "sent" not in [r.id for r in pk.registers.registers("recipients1")]
    with pytest.raises(Forbidden):  # a reader but not a keeper
        pk.registers.void("sent", 2, "internal_units1", "ไม่ใช่หน้าที่")
    with pytest.raises(NotFound):  # a secret entry they cannot see cannot be voided by its number either
        pk.registers.void("sent", 1, "internal_units1", "ไม่ใช่หน้าที่")
    assert pk.cases.show(secret_case).data["letter_number"] == "สธ 0701/1"


def test_a_most_secret_entry_is_shown_only_to_the_cleared_and_the_people_of_its_case(pk):
    issue_sent_number(pk, "เรื่องลับที่สุด", secrecy="most_secret")
    seen = lambda user: [e.reference for e in pk.registers.page("sent", user).entries]  # noqa: E731
    assert seen("it_group_director1") == ["สธ 0701/1"]  # cleared for ลับที่สุด in this register
    assert seen("clerk2") == ["สธ 0701/1"]  # clerks read up to ลับมาก, but the case is in their lane
    assert seen("internal_units1") == [] and seen("auditor1") == []  # readers, neither cleared nor of the case


def test_a_most_secret_entry_holds_metadata_only_and_no_files(pk, monkeypatch):
    """R-COR-08: the register keeps a ลับที่สุด letter's ที่, ลงวันที่, จาก and ถึง, its subject as the
    placeholder; a correction to ลับที่สุด seals the subject too; a case with files is refused."""
    from engine.services import registers as service
    from engine.store import registers as rows

    issue_sent_number(pk, "แผนปฏิบัติการลับ", secrecy="most_secret")
    [entry] = pk.registers.page("sent", "it_group_director1").entries
    assert (entry.subject, entry.secrecy, entry.addressee) == ("(ลับที่สุด)", "most_secret", NUMBER["addressee"])
    with pk.ctx.db.unit_of_work(write=False) as conn:  # stored so, not only shown so
        assert [r.subject for r in rows.rows_of(conn, "sent", entry.period)] == ["(ลับที่สุด)"]
    issue_sent_number(pk, "เรื่องธรรมดา")
    sealed = pk.registers.correct("sent", 2, "clerk1", {"secrecy": "most_secret", "subject": "ยังเป็นเนื้อหา"}, "ลับ")
    assert (sealed.subject, sealed.secrecy) == ("(ลับที่สุด)", "most_secret")
    instance_id = send_letter_to_numbering(pk, "มีไฟล์แนบ")
    monkeypatch.setattr(service.files, "case_files", lambda conn, i: ["scan.pdf"] if i == instance_id else [])
    with pytest.raises(InvalidInput, match="metadata only: no file may be attached"):
        do(pk, instance_id, "issue_number", "clerk1", {**NUMBER, "secrecy": "most_secret"})
    assert pk.registers.page("sent", "clerk1").last_number == 2  # nothing issued
    do(pk, instance_id, "issue_number", "clerk1", NUMBER)  # a normal letter with files is registered as before
    assert pk.registers.page("sent", "clerk1").last_number == 3
    monkeypatch.undo()


def test_no_file_joins_a_case_whose_letter_is_registered_most_secret(pk):
    """R-COR-08: a later step of the case cannot attach a file (engine.services.files.Evidence.check);
    once the number is cancelled, or the case's letter is not ลับที่สุด, files are taken as before."""
    from engine.services.files import Evidence

    sealed_case, _ = issue_sent_number(pk, "เรื่องลับที่สุด", secrecy="most_secret")
    plain_case, _ = issue_sent_number(pk, "เรื่องธรรมดา")
    sha = pk.files.upload("clerk1", "scan.pdf", b"%PDF-1.4\n% scan\n%%EOF\n").sha256
    evidence = Evidence((("dispatch_file", sha),), "clerk1")
    with pk.ctx.db.unit_of_work(write=False) as conn:
        with pytest.raises(InvalidInput, match="metadata only") as refused:
            evidence.check(conn, sealed_case)
        assert refused.value.details["field"] == "dispatch_file"
        evidence.check(conn, plain_case)  # no refusal
    pk.registers.void("sent", 1, "clerk1", "ยกเลิกเลข")
    with pk.ctx.db.unit_of_work(write=False) as conn:
        evidence.check(conn, sealed_case)  # its number cancelled: it no longer holds a ลับที่สุด entry


def test_every_view_of_a_secret_entry_is_logged(pk):
    """R-COR-08: who saw which secret entry, when, through which surface; normal entries are not logged;
    the log is append-only and read by keepers and auditors."""
    from sqlalchemy import text

    issue_sent_number(pk, "เรื่องทั่วไป")
    issue_sent_number(pk, "เรื่องลับ", secrecy="secret")
    issue_sent_number(pk, "เรื่องลับที่สุด", secrecy="most_secret")
    pk.registers.through("web").page("sent", "it_group_director1")
    pk.registers.through("api").page("sent", "clerk2", q="ลับ")
    pk.registers.through("cli").export("sent", "clerk2", how=("xlsx", "", False))
    pk.registers.page("sent", "internal_units1")  # sees no secret entry: nothing to log
    log = pk.registers.viewings("sent", "auditor1")
    assert [(v.viewer, v.surface, v.reference, v.secrecy) for v in log] == [
        ("it_group_director1", "web", "สธ 0701/2", "secret"), ("it_group_director1", "web", "สธ 0701/3", "most_secret"),
        ("clerk2", "api", "สธ 0701/2", "secret"), ("clerk2", "api", "สธ 0701/3", "most_secret"),
        ("clerk2", "cli:xlsx", "สธ 0701/2", "secret"), ("clerk2", "cli:xlsx", "สธ 0701/3", "most_secret")]
    assert all(v.viewed_at is not None for v in log) and log[0].to_json()["viewed_at"]
    assert [v.viewer for v in pk.registers.viewings("sent", "clerk1")][-1] == "clerk2"  # a keeper reads it too
    with pytest.raises(Forbidden):
        pk.registers.viewings("sent", "internal_units1")
    with pytest.raises(ValueError):
        pk.registers.through("fax")
    with pytest.raises(Exception, match="append-only"), pk.ctx.db.write_engine.connect() as conn, conn.begin():
        conn.execute(text("DELETE FROM register_views"))


def test_year_and_text_filters_and_the_keeper_issues_a_circular(pk):
    issue_sent_number(pk, "ขอเชิญประชุม")
    issue_sent_number(pk, "ขอข้อมูลงบประมาณ")
    assert [e.subject for e in pk.registers.page("sent", "clerk1", q="งบประมาณ").entries] == ["ขอข้อมูลงบประมาณ"]
    assert [e.number for e in pk.registers.page("sent", "clerk1", q="0701/1").entries] == [1]
    assert pk.registers.page("sent", "clerk1", year=2500).entries == ()
    circular = pk.registers.issue("circular", "clerk1", {"subject": "แจ้งเวียนแนวปฏิบัติ", "to": "ทุกกลุ่มงาน"})
    assert circular.reference == "สธ 0701/ว 1" and circular.letter_reference == "สธ 0701/ว 1"
    with pytest.raises(Forbidden):
        pk.registers.issue("circular", "it_group_director1", {"subject": "x"})
    with pytest.raises(NotFound):
        pk.registers.page("no-such-register", "clerk1")


def test_exports_carry_the_numbers(pk):
    import io

    from openpyxl import load_workbook
    from pypdf import PdfReader

    issue_sent_number(pk, "ขอความอนุเคราะห์ข้อมูลสถิติ")
    pdf = pk.registers.export("sent", "clerk1", None, ("pdf", "", False))
    assert pdf.content.startswith(b"%PDF") and pdf.content_type == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "ทะเบียนหนังสือส่ง" in text and "0701/1" in text and "พ.ศ. 25" in text
    thai = pk.registers.export("sent", "clerk1", None, ("pdf", "", True))
    assert "๐๗๐๑/๑" in "".join(p.extract_text() for p in PdfReader(io.BytesIO(thai.content)).pages)
    xlsx = pk.registers.export("sent", "clerk1", None, ("xlsx", "", False))
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    assert rows[1][1] == "เลขทะเบียนส่ง" and rows[2][1] == 1 and rows[2][2] == "สธ 0701/1"
    with pytest.raises(InvalidInput):
        pk.registers.export("sent", "clerk1", None, ("doc", "", False))
