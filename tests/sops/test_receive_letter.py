"""receive-letter: its paths (steps 1-4 are missing from the source)."""
from __future__ import annotations

import pytest

from engine.errors import Conflict, Forbidden

COPIES = {"letter_subject": "เชิญประชุม", "sender_reference": "สธ 0801/77", "letter_date": "2026-11-30",
          "sender": "กองแผนงาน", "addressee": "ผู้อำนวยการกลุ่มเทคโนโลยีสารสนเทศ", "recipients": "ฝ่ายแผนงาน",
          "copies": 2, "copy_recipients": ["recipients1", "recipients2"]}
FILED = {"file_category": "meeting_invitation", "file_reference": "แฟ้ม 2"}


def test_happy_path(case):
    """Copies distributed, each recipient signs for their copy, and the original filed by category."""
    c = case("receive-letter", "clerk1")
    c.do("distribute_copies", "clerk1", COPIES, outsider="recipients1")
    assert sorted(c.open()) == ["acknowledge_copy", "acknowledge_copy", "file_original"]
    c.do("file_original", "clerk2", FILED)
    assert c.status == "running"  # the recipients have not signed yet
    c.do("acknowledge_copy", "recipients1", {"copy_received_on": "2026-12-01"})
    c.do("acknowledge_copy", "recipients2", {"copy_received_on": "2026-12-02"})
    assert c.done == ["distribute_copies", "file_original", "acknowledge_copy", "acknowledge_copy"]
    assert c.status == "completed" and c.data["file_category"] == "meeting_invitation"
    assert c.data["copy_acknowledgements"] == ["2026-12-01", "2026-12-02"]


def test_each_recipient_signs_for_their_own_copy(case):
    """Issue 11, section 4: the recipients sign for their copies themselves; the clerk cannot sign for them."""
    c = case("receive-letter", "clerk1")
    c.do("distribute_copies", "clerk1", {**COPIES, "copies": 1, "copy_recipients": ["recipients2"]})
    (ack,) = [t for t in c.k.tasks.of_case(c.id) if t.element_id == "acknowledge_copy"]
    assert ack.reserved_for == "recipients2"
    with pytest.raises((Forbidden, Conflict)):
        c.k.tasks.claim(ack.id, "clerk1")
    with pytest.raises(Forbidden, match="claimed by recipients2"):
        c.k.cases.complete(ack.id, "recipients1", {"copy_received_on": "2026-12-01"})
    c.do("acknowledge_copy", "recipients2", {"copy_received_on": "2026-12-01"})
    c.do("file_original", "clerk1", FILED)
    assert c.status == "completed"


def test_copies_signed_for_on_paper_need_no_task(case):
    """With no recipient named to sign in Krabuan (they sign the paper delivery book), only the
    filing remains."""
    c = case("receive-letter", "clerk1")
    c.do("distribute_copies", "clerk1", {**COPIES, "copy_recipients": []})
    assert c.open() == ["file_original"]
    c.do("file_original", "clerk2", FILED)
    assert c.status == "completed" and c.data["copy_acknowledgements"] == []
