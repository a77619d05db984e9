"""engine.signing: wrapped keys open only with their password, digests cover exactly what was
shown, and a statement changed in any part no longer verifies."""
from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest

from engine import signing

FAST = signing.KdfParams(time_cost=1, memory_cost=1024, parallelism=1)  # the same code path, quicker


def _statement(key) -> signing.Statement:
    return signing.Statement(signing.digest_of({"a": 1}, [{"sha256": "ab" * 32, "name": "x.pdf"}]), 7, 70,
                             "sign_order", "director1", datetime(2026, 12, 5, 3, 0, tzinfo=UTC),
                             {"th": "ผู้อำนวยการ", "en": "Director"}, {"kind": "self"}, signing.public_hex(key),
                             ("a",))


def test_a_wrapped_key_opens_with_its_password_only():
    key = signing.new_key()
    wrapped = signing.wrap(key, "the password", "director1", FAST)
    public = signing.public_hex(key)
    assert signing.public_hex(signing.unwrap(wrapped, "the password", "director1", public)) == public
    for password, user, pub in (("The password", "director1", public), ("the password", "director2", public),
                                ("the password", "director1", signing.public_hex(signing.new_key()))):
        with pytest.raises(signing.WrongPassword):
            signing.unwrap(wrapped, password, user, pub)
    assert "the password" not in wrapped and wrapped != signing.wrap(key, "the password", "director1", FAST)


def test_the_digest_covers_the_data_and_every_document():
    base = signing.digest_of({"a": 1, "b": "ข"}, [{"sha256": "ab" * 32, "name": "x.pdf"}])
    assert base == signing.digest_of({"b": "ข", "a": 1}, [{"sha256": "ab" * 32, "name": "x.pdf"}])  # canonical
    assert base != signing.digest_of({"a": 2, "b": "ข"}, [{"sha256": "ab" * 32, "name": "x.pdf"}])
    assert base != signing.digest_of({"a": 1, "b": "ข"}, [{"sha256": "cd" * 32, "name": "x.pdf"}])
    assert base != signing.digest_of({"a": 1, "b": "ข"}, [])


@pytest.mark.parametrize("change", [{"digest": "00" * 32}, {"instance_id": 8}, {"task_id": 71},
                                    {"element_id": "other"}, {"signer": "director2"},
                                    {"signed_at": datetime(2026, 12, 5, 3, 1, tzinfo=UTC)},
                                    {"capacity": {"kind": "acting"}}, {"position": {"th": "", "en": ""}},
                                    {"watched": ()}])
def test_a_statement_changed_in_any_part_does_not_verify(change):
    key = signing.new_key()
    statement = _statement(key)
    signature = signing.sign(key, statement)
    assert signing.verify(statement, signature)
    assert not signing.verify(replace(statement, **change), signature)
    assert not signing.verify(replace(statement, public_key=signing.public_hex(signing.new_key())), signature)


def test_the_time_is_signed_as_utc_whatever_its_zone():
    key = signing.new_key()
    statement = _statement(key)
    bangkok = statement.signed_at.astimezone(timezone(timedelta(hours=7)))
    assert signing.verify(replace(statement, signed_at=bangkok), signing.sign(key, statement))
