"""send-letter: every path, as the users of the right lanes."""
from __future__ import annotations

import pytest

from engine.errors import InvalidInput

RECEIVE = {"originating_unit": "งานพัฒนาระบบ", "letter_subject": "ขอความอนุเคราะห์ข้อมูล",
           "receipt_register_number": "รับ 12"}
NUMBER = {"letter_date": "2026-11-20", "addressee": "ผู้อำนวยการศูนย์อนามัยที่ 1"}
DISPATCH = {"dispatch_method": "messenger", "dispatch_register_number": "ส 4"}


def test_happy_path(case):
    """The check finds the letter correct; numbered from the register of sent letters and dispatched."""
    c = case("send-letter", "clerk1")
    c.do("receive_outgoing_letter", "clerk1", RECEIVE, outsider="addressee1")
    c.do("check_letter", "clerk2", {"check_result": "correct"}, outsider="internal_units1")
    c.do("issue_number", "clerk1", NUMBER)
    c.do("dispatch_letter", "clerk1", DISPATCH)
    assert c.done == ["receive_outgoing_letter", "check_letter", "issue_number", "dispatch_letter"]
    assert c.status == "completed"
    assert c.data["letter_number"].startswith("สธ 0701/") and c.data["dispatch_method"] == "messenger"


def test_revision_loop_taken_twice(case):
    """The check fails twice (inferred return to the originating unit), then passes."""
    c = case("send-letter", "clerk1")
    c.do("receive_outgoing_letter", "clerk1", RECEIVE)
    for _ in range(2):
        c.do("check_letter", "clerk1", {"check_result": "needs_revision", "check_note": "แก้คำผิด"})
        assert c.open() == ["revise_letter"]
        c.do("revise_letter", "internal_units2", {"revision_note": "แก้แล้ว"}, outsider="clerk1")
    c.do("check_letter", "clerk1", {"check_result": "correct"})
    c.do("issue_number", "clerk1", NUMBER)
    c.do("dispatch_letter", "clerk1", DISPATCH)
    assert c.done.count("revise_letter") == 2 and c.status == "completed"


def test_control_point_must_be_confirmed(case):
    """Bad input: a step cannot complete without its control point confirmed."""
    c = case("send-letter", "clerk1")
    with pytest.raises(InvalidInput, match="control point cp1 must be confirmed"):
        c.do("receive_outgoing_letter", "clerk1", RECEIVE, confirm=False)
    assert c.open() == ["receive_outgoing_letter"]


def test_the_addressee_lane_is_idle_on_purpose(case):
    """Issue 11, section 4: the addressee is outside the department and gets no task; the lane says
    why, and no task of the case ever reaches it."""
    c = case("send-letter", "clerk1")
    assert "outside the IT Group" in c.model.idle_lanes["addressee"]
    assert set(c.model.idle_lanes) == {"addressee"}
    assert not [s for s in c.model.steps.values() if s.lane == "addressee"]
