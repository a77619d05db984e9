"""receive-letter: its one path (steps 1-4 are missing from the source)."""
from __future__ import annotations


def test_happy_path(case):
    """Copies distributed and signed for, then the original filed by category."""
    c = case("receive-letter", "clerk1")
    c.do("distribute_copies", "clerk1", {"letter_subject": "เชิญประชุม", "received_number": "รับ 7",
                                         "recipients": "ฝ่ายแผนงาน", "copies": 3}, outsider="recipients1")
    c.do("file_original", "clerk2", {"file_category": "meeting_invitation", "file_reference": "แฟ้ม 2"})
    assert c.done == ["distribute_copies", "file_original"]
    assert c.status == "completed" and c.data["file_category"] == "meeting_invitation"
