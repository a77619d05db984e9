"""Signature steps: the signer's password opens their key, the signature is recorded with the
completion, and verification names whatever changed after signing (a field, a file, the signer,
a signature replayed from another case). On the real advance-loan process: the borrower signs
the loan contract (a signature step) after files were attached to the case."""
from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest
from helpers import give_passwords
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from engine import Completion, Krabuan, signing
from engine.errors import InvalidInput
from engine.settings import PROJECT_ROOT

BPMN = PROJECT_ROOT / "processes" / "bpmn"
PASSWORD = "signing-tests-2569"  # helpers.SIGNING_PASSWORD
CLAIM = Completion(claim=True)
SIGNER = "borrower_staff1"
ASSIGNMENT = {"advance_purpose": "meeting_training", "activity_title": "อบรมการใช้งานระบบสารสนเทศ",
              "activity_date": "2026-12-15", "borrower_name": "นางสาวสมหญิง ใจดี", "estimated_amount": "20000"}


@pytest.fixture
def sk(project_settings):
    engine = Krabuan(project_settings)
    engine.upgrade_schema()
    engine.people.load_organisation()
    engine.repository.deploy([BPMN / "advance-loan.bpmn"])
    give_passwords(engine, SIGNER, "borrower_staff2", "admin1")
    yield engine
    engine.close()


def _task(k: Krabuan, instance_id: int, element_id: str) -> Any:
    return next(t for t in k.tasks.of_case(instance_id) if t.element_id == element_id)


def _pdf(k: Krabuan, user: str, name: str) -> str:
    return k.files.upload(user, name, b"%PDF-1.4\n% " + name.encode() + b"\n%%EOF\n").sha256


def to_contract(k: Krabuan, contract: str = "ยม 25/2570") -> int:
    """An advance-loan case waiting for the borrower to sign the loan contract."""
    instance_id = k.cases.start("advance-loan", "clerk2").instance_id
    k.cases.complete(_task(k, instance_id, "receive_assignment").id, "clerk1", ASSIGNMENT, how=CLAIM)
    k.cases.complete(_task(k, instance_id, "draft_meeting_training_request").id, "clerk1",
                     {"meeting_request_file": [_pdf(k, "clerk1", "request.pdf")],
                      "project_file": [_pdf(k, "clerk1", "project.pdf")]}, how=CLAIM)
    k.cases.complete(_task(k, instance_id, "approve_activity").id, "executive1", {"activity_decision": "approve"},
                     how=CLAIM)
    k.cases.complete(_task(k, instance_id, "prepare_loan_documents").id, "clerk1",
                     {"loan_contract_number": contract, "advance_amount": "20000.00",
                      "cost_estimate_file": [_pdf(k, "clerk1", "estimate.pdf")], "loan_memo_number": "สธ 0710/ย 25"},
                     how=CLAIM)
    return instance_id


def sign(k: Krabuan, instance_id: int, user: str = SIGNER, password: str | None = PASSWORD,
         signed_on: str = "2026-11-30") -> Any:
    task = _task(k, instance_id, "borrower_signs_loan_contract")
    return k.cases.complete(task.id, user, {"contract_signed_on": signed_on},
                            how=Completion(claim=True, password=password))


def _problems(k: Krabuan, instance_id: int) -> list[tuple[str, str]]:
    return [(p.kind, p.subject) for s in k.signatures.verify(instance_id) for p in s.problems]


def _admin(k: Krabuan):
    """A raw connection as the database owner (what an attacker with DB access has)."""
    return k.ctx.db.write_engine.connect()


def _count(k: Krabuan, table: str) -> int:
    with _admin(k) as conn:
        return int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


# ----------------------------------------------------------------------------- signing

def test_a_signature_step_records_a_signature_that_verifies(sk):
    instance_id = to_contract(sk)
    sign(sk, instance_id)
    [sig] = sk.signatures.verify(instance_id)
    assert sig.valid and sig.problems == ()
    assert (sig.signer, sig.element_id, sig.capacity) == (SIGNER, "borrower_signs_loan_contract", {"kind": "self"})
    assert sig.signer_name and sig.step_name == "ผู้ยืมลงนามในสัญญายืมเงิน"
    assert sorted(d["name"] for d in sig.documents) == ["estimate.pdf", "project.pdf", "request.pdf"]
    [key] = sk.signatures.keys(SIGNER)
    assert key.public_key == sig.public_key and key.valid_to is None
    # The digest is the SHA-256 of exactly the data shown plus the documents' SHA-256s.
    with _admin(sk) as conn:
        row = conn.execute(text("SELECT content_json, documents_json FROM signatures")).one()
    content = json.loads(row.content_json)
    assert content["data"]["contract_signed_on"] == "2026-11-30"
    assert content["data"]["loan_contract_number"] == "ยม 25/2570"  # an earlier step's field, shown to the signer
    assert sig.digest == signing.digest_of(content["data"], json.loads(row.documents_json))
    assert "contract_signed_on" in content["watched"] and "loan_contract_number" in content["watched"]
    signed = [e for e in sk.cases.show(instance_id).history if e.event_type == "task_signed"]
    assert len(signed) == 1 and signed[0].actor == SIGNER and signed[0].payload["digest"] == sig.digest


def test_without_the_password_nothing_is_signed_nor_written(sk):
    instance_id = to_contract(sk)
    events = len(sk.cases.show(instance_id).history)
    with pytest.raises(InvalidInput) as missing:
        sign(sk, instance_id, password=None)
    assert missing.value.details["field"] == "password"
    with pytest.raises(InvalidInput) as wrong:
        sign(sk, instance_id, password="not the password")
    assert wrong.value.details["problems"][0]["code"] == "wrong_password"
    with pytest.raises(InvalidInput):  # nor with what the server stores: the password's hash
        with _admin(sk) as conn:
            stored = conn.execute(text("SELECT password_hash FROM users WHERE username = :u"), {"u": SIGNER}).scalar()
        sign(sk, instance_id, password=stored)
    assert "borrower_signs_loan_contract" in [t.element_id for t in sk.cases.show(instance_id).open_tasks]
    assert len(sk.cases.show(instance_id).history) == events
    assert _count(sk, "signatures") == 0 and _count(sk, "user_keys") == 0
    sign(sk, instance_id)  # the right password signs, making the key
    # Once the key exists, only the password opens it: the stored wrapping does not open with anything else.
    [key] = sk.signatures.keys(SIGNER)
    for guess in ("", stored, key.public_key, "not the password"):
        with pytest.raises(signing.WrongPassword):
            signing.unwrap(key.wrapped_key, guess, SIGNER, key.public_key)
    assert signing.public_hex(signing.unwrap(key.wrapped_key, PASSWORD, SIGNER, key.public_key)) == key.public_key
    with pytest.raises(signing.WrongPassword):  # the wrapping is bound to its user
        signing.unwrap(key.wrapped_key, PASSWORD, "borrower_staff2", key.public_key)


def test_a_return_does_not_sign_and_needs_no_password(sk):
    """A signature step that returns the document signs nothing (advance-loan's director's step)."""
    instance_id = to_contract(sk)
    sign(sk, instance_id)
    task = _task(sk, instance_id, "sign_loan_documents")
    sk.cases.complete(task.id, "executive2", {"loan_decision": "return", "loan_comment": "แก้เลขที่สัญญา"}, ["cp1"],
                      how=CLAIM)
    assert [s.element_id for s in sk.signatures.verify(instance_id)] == ["borrower_signs_loan_contract"]


# ----------------------------------------------------------------------------- verification

def test_a_field_changed_after_signing_is_named(sk):
    instance_id = to_contract(sk)
    sign(sk, instance_id)
    with _admin(sk) as conn, conn.begin():
        conn.execute(text("UPDATE instances SET data_json = replace(data_json, '2026-11-30', '2026-10-01') "
                          "WHERE id = :i"), {"i": instance_id})
    assert _problems(sk, instance_id) == [("field", "contract_signed_on")]


def test_a_later_step_revising_a_signed_field_is_not_a_tampering(sk):
    """A field a later step of the case records (in the history) is a revision, not a change behind
    the signature's back; the history vouches for it."""
    instance_id = to_contract(sk)
    sign(sk, instance_id)
    task = _task(sk, instance_id, "sign_loan_documents")
    sk.cases.complete(task.id, "executive2", {"loan_decision": "return", "loan_comment": "แก้จำนวนเงิน"}, ["cp1"],
                      how=CLAIM)
    sk.cases.complete(_task(sk, instance_id, "prepare_loan_documents").id, "clerk1",
                      {"loan_contract_number": "ยม 26/2570", "advance_amount": "18000.00",
                       "cost_estimate_file": [_pdf(sk, "clerk1", "estimate-2.pdf")],
                       "loan_memo_number": "สธ 0710/ย 26"}, how=CLAIM)
    assert _problems(sk, instance_id) == []


def test_an_attached_file_changed_after_signing_is_named(sk):
    instance_id = to_contract(sk)
    sign(sk, instance_id)
    [sig] = sk.signatures.verify(instance_id)
    project = next(d["sha256"] for d in sig.documents if d["name"] == "project.pdf")
    path = sk.files.path_of(project)
    path.write_bytes(path.read_bytes() + b"% one more line\n")
    assert _problems(sk, instance_id) == [("file", "project.pdf")]
    path.unlink()
    [sig] = sk.signatures.verify(instance_id)
    assert [(p.kind, p.subject) for p in sig.problems] == [("file", "project.pdf")]
    assert "missing" in sig.problems[0].message


def _copy_signature(conn, changes: dict[str, Any]) -> None:
    """Insert a copy of the first signature row with some columns changed (the table is append-only:
    an attacker adds rows)."""
    row = dict(conn.execute(text("SELECT * FROM signatures ORDER BY id LIMIT 1")).mappings().one())
    row.pop("id")
    row.update(changes)
    columns = ", ".join(row)
    conn.execute(text(f"INSERT INTO signatures ({columns}) VALUES ({', '.join(':' + c for c in row)})"), row)


def test_a_swapped_signer_fails(sk):
    instance_id = to_contract(sk)
    sign(sk, instance_id)
    other = to_contract(sk, "ยม 27/2570")
    sign(sk, other, user="borrower_staff2")  # borrower_staff2 has a key of their own
    [theirs] = [k.id for k in sk.signatures.keys("borrower_staff2")]
    with _admin(sk) as conn, conn.begin():
        _copy_signature(conn, {"signer": "borrower_staff2"})  # claimed as theirs, with staff1's key
        _copy_signature(conn, {"signer": "borrower_staff2", "key_id": theirs})  # and with their key
    checked = sk.signatures.verify(instance_id)
    assert [(p.kind, p.subject) for p in checked[1].problems] == [("key", "borrower_staff2")]
    assert [(p.kind, p.subject) for p in checked[2].problems] == [("signature", "borrower_staff2")]
    assert checked[0].valid


def test_a_signature_replayed_in_another_case_fails(sk):
    first = to_contract(sk)
    sign(sk, first)
    second = to_contract(sk, "ยม 27/2570")
    task = _task(sk, second, "borrower_signs_loan_contract")
    with _admin(sk) as conn, conn.begin():  # the same contract date, so that the data would agree
        _copy_signature(conn, {"instance_id": second, "task_id": task.id})
    [replayed] = sk.signatures.verify(second)
    assert ("signature", SIGNER) in [(p.kind, p.subject) for p in replayed.problems]


@pytest.mark.parametrize("statement", ["UPDATE signatures SET signer = 'mallory'", "DELETE FROM signatures",
                                       "UPDATE user_keys SET public_key = 'aa'", "DELETE FROM user_keys"])
def test_signatures_and_keys_are_kept_by_the_database(sk, statement):
    sign(sk, to_contract(sk))
    with _admin(sk) as conn, pytest.raises(DBAPIError, match="append-only|never changes|are kept"):
        with conn.begin():
            conn.execute(text(statement))


# ----------------------------------------------------------------------------- keys and passwords

def test_a_password_change_rewraps_the_key(sk):
    first = to_contract(sk)
    sign(sk, first)
    [before] = sk.signatures.keys(SIGNER)
    with pytest.raises(InvalidInput, match="current password is wrong"):
        sk.accounts.set_password(SIGNER, "a new password 2570", actor=SIGNER, current="not it")
    assert sk.signatures.keys(SIGNER) == [before]
    sk.accounts.set_password(SIGNER, "a new password 2570", actor=SIGNER, current=PASSWORD)
    [after] = sk.signatures.keys(SIGNER)
    assert (after.id, after.public_key, after.valid_to) == (before.id, before.public_key, None)
    assert after.wrapped_key != before.wrapped_key
    second = to_contract(sk, "ยม 27/2570")
    with pytest.raises(InvalidInput):
        sign(sk, second)  # the old password no longer opens it
    sign(sk, second, password="a new password 2570")
    assert all(s.valid for s in sk.signatures.verify()) and len(sk.signatures.verify()) == 2


def test_a_wrong_current_password_changes_nothing_even_without_a_key(sk):
    with pytest.raises(InvalidInput, match="current password is wrong"):
        sk.accounts.set_password(SIGNER, "a new password 2570", actor=SIGNER, current="not it")
    sk.accounts.sign_in(SIGNER, PASSWORD)  # the old password still signs in
    sk.accounts.set_password(SIGNER, "a new password 2570", actor=SIGNER, current=PASSWORD)
    assert sk.signatures.keys(SIGNER) == []  # no key yet: the first signature makes it


def test_an_administrators_reset_makes_a_new_key_and_old_signatures_still_verify(sk):
    first = to_contract(sk)
    sign(sk, first)
    sk.accounts.set_password(SIGNER, "reset by the admin 2570", actor="admin1")
    [old] = sk.signatures.keys(SIGNER)
    assert old.valid_to is not None  # retired: its validity ended, its private part wiped
    with pytest.raises(signing.WrongPassword):
        signing.unwrap(old.wrapped_key, PASSWORD, SIGNER, old.public_key)
    second = to_contract(sk, "ยม 27/2570")
    sign(sk, second, password="reset by the admin 2570")
    old_again, new = sk.signatures.keys(SIGNER)
    assert old_again == old and new.public_key != old.public_key and new.valid_to is None
    checked = sk.signatures.verify()
    assert [s.public_key for s in checked] == [old.public_key, new.public_key] and all(s.valid for s in checked)
    assert hashlib.sha256(b"").hexdigest() not in {s.digest for s in checked}


def test_the_block_prints_name_position_and_capacity_as_a_letter_does():
    from datetime import UTC, datetime

    from engine.model.acting import Capacity
    from engine.results import SignatureView

    acting = Capacity(kind="delegated", position="director_general", position_th="อธิบดีกรมอนามัย",
                      position_en="Director-General", for_user="director_general1", order_ref="คำสั่ง 12/2569")
    view = SignatureView(1, 1, 1, "sign", "ลงนาม", "somchai", "นายสมชาย ใจดี",
                         {"th": "ผู้อำนวยการกองแผนงาน", "en": "Director of Planning"}, acting.to_json(),
                         datetime(2026, 12, 5, tzinfo=UTC), "00" * 32, "11" * 32, ())
    assert view.block_th == ("(นายสมชาย ใจดี)", "ผู้อำนวยการกองแผนงาน", "ปฏิบัติราชการแทน อธิบดีกรมอนามัย")
    own = SignatureView(1, 1, 1, "sign", "ลงนาม", "somchai", "นายสมชาย ใจดี", {"th": "", "en": ""},
                        {"kind": "self"}, datetime(2026, 12, 5, tzinfo=UTC), "00" * 32, "11" * 32, ())
    assert own.block_th == ("(นายสมชาย ใจดี)",)
