"""meeting-setup: every path, as the users of the right lanes."""
from __future__ import annotations

from datetime import datetime

import pytest

from engine import BANGKOK


@pytest.fixture(autouse=True, scope="module")
def booked_ten_days_ahead(project):
    """The cases run on the engine clock of Mon 30 Nov 2026: the meeting of 10 Dec is booked more than
    the invitations' week ahead (a closer date needs a reason for the short notice)."""
    project.ctx.fixed_now = datetime(2026, 11, 30, 9, 0, tzinfo=BANGKOK)
    yield
    project.ctx.fixed_now = None

ASSIGNMENT = {"meeting_subject": "ประชุมคณะทำงานพัฒนาระบบสารสนเทศ", "meeting_objective": "ติดตามความก้าวหน้า",
              "target_group": "ผู้แทนกลุ่มงานในสังกัด", "expected_participants": 25,
              "matter_owner_contact": "งานพัฒนาระบบ"}
BOOKED = {"meeting_date": "2026-12-10", "meeting_start": "2026-12-10T09:30:00+07:00", "room_available": "yes",
          "meeting_room": "ห้องประชุม 1 ชั้น 3", "booking_reference": "RB-2026-0456", "booking_approved": True}
NOT_FREE = {"meeting_date": "2026-12-03", "meeting_start": "2026-12-03T09:30:00+07:00", "room_available": "no"}
DRAFTS = {"approval_request_file": "files/approval.pdf", "invitation_file": "files/invitation.pdf",
          "draft_agenda_file": "files/agenda.pdf"}
SIGN = {"documents_decision": "approve"}
INVITE = {"invitation_letter_number": "สธ 0710/ว 15", "invitations_sent_on": "2026-12-01", "invited_units": 12}
PREPARE = {"caterer_name": "ร้านครัวคุณแม่", "meals_ordered": 25, "catering_ordered_on": "2026-12-09"}
MEETING = {"attendees_signed_in": 24, "recording_file": "files/meeting.m4a", "caterer_papers_received": True}
DISBURSE = {"minutes_file": "files/minutes.pdf", "claim_amount": "3750.00", "attendance_not_below_approved": "yes"}
APPROVE = {"disbursement_decision": "approve"}
KEEPER = {"smart_transaction_number": "SM-69-001234", "smart_recorded_on": "2026-12-17"}
FINANCE = {"sent_to_finance_on": "2026-12-17"}
FILED = {"disbursement_file_location": "แฟ้มเบิกจ่ายค่าประชุม ปีงบประมาณ 2570"}
READY = {"equipment_ready": "yes", "catering_time_confirmed": "yes"}
AFTER_SIGNATURE = ["send_invitations", "prepare_day_before", "check_meeting_readiness", "meeting_day",
                   "prepare_disbursement_documents",
                   "director_approves_disbursement", "budget_keeper_records_disbursement", "send_to_finance",
                   "file_disbursement_documents"]


def after_signature(c, disbursement_returns: int = 0) -> None:
    """Invitations, preparation, the meeting, the claim (returned `disbursement_returns` times), Smart, filing."""
    c.do("send_invitations", "clerk1", INVITE, outsider="invitees1")
    c.do("prepare_day_before", "clerk1", PREPARE, outsider="caterer1")
    c.do("check_meeting_readiness", "clerk2", READY, outsider="caterer1")
    c.do("meeting_day", "clerk2", MEETING)
    c.do("prepare_disbursement_documents", "clerk2", DISBURSE)
    for _ in range(disbursement_returns):
        c.do("director_approves_disbursement", "it_group_director1",
             {"disbursement_decision": "return", "disbursement_comment": "แนบใบเสร็จร้านอาหาร"}, outsider="clerk2")
        assert c.open() == ["prepare_disbursement_documents"]
        c.do("prepare_disbursement_documents", "clerk2", DISBURSE)
    c.do("director_approves_disbursement", "it_group_director1", APPROVE, outsider="finance_group1")
    c.do("budget_keeper_records_disbursement", "budget_keeper1", KEEPER, outsider="clerk2")
    c.do("send_to_finance", "clerk2", FINANCE, outsider="budget_keeper1")
    c.do("file_disbursement_documents", "clerk2", FILED)


def test_happy_path(case):
    """Room free at the first check; the director signs and approves at once."""
    c = case("meeting-setup", "clerk1")
    c.do("receive_assignment", "clerk1", ASSIGNMENT, outsider="supervisor1")
    c.do("fix_date_and_book_room", "clerk1", BOOKED, outsider="building_staff1")
    c.do("draft_meeting_documents", "clerk1", DRAFTS, outsider="matter_owner1")
    c.do("director_signs_meeting_documents", "it_group_director2", SIGN, outsider="clerk1")
    after_signature(c)
    assert c.done == ["receive_assignment", "fix_date_and_book_room", "draft_meeting_documents",
                      "director_signs_meeting_documents", *AFTER_SIGNATURE]
    assert c.status == "completed"
    assert c.data["meeting_date"] == "2026-12-10" and c.data["smart_transaction_number"] == "SM-69-001234"
    assert c.data["claim_amount"] == 3750


def test_room_not_available_then_booked(case):
    """The wanted room is taken; the matter owner agrees another date; the room is then booked."""
    c = case("meeting-setup", "clerk1")
    c.do("receive_assignment", "clerk1", ASSIGNMENT)
    c.do("fix_date_and_book_room", "clerk1", NOT_FREE)
    assert c.open() == ["agree_new_date"]
    c.do("agree_new_date", "matter_owner2", {"alternative_date_room": "เลื่อนเป็น 10 ธ.ค. ห้องประชุม 1"},
         outsider="clerk1")
    c.do("fix_date_and_book_room", "clerk1", BOOKED)
    c.do("draft_meeting_documents", "clerk1", DRAFTS)
    c.do("director_signs_meeting_documents", "it_group_director1", SIGN)
    after_signature(c)
    assert c.done == ["receive_assignment", "fix_date_and_book_room", "agree_new_date", "fix_date_and_book_room",
                      "draft_meeting_documents", "director_signs_meeting_documents", *AFTER_SIGNATURE]
    assert c.status == "completed"
    assert c.data["room_available"] == "yes" and c.data["booking_reference"] == "RB-2026-0456"


def test_meeting_documents_returned_for_revision(case):
    """The director returns the meeting documents once; the clerk redrafts and the director signs."""
    c = case("meeting-setup", "clerk2")
    c.do("receive_assignment", "clerk2", ASSIGNMENT)
    c.do("fix_date_and_book_room", "clerk2", BOOKED)
    c.do("draft_meeting_documents", "clerk2", DRAFTS)
    c.do("director_signs_meeting_documents", "it_group_director1",
         {"documents_decision": "return", "documents_comment": "แก้ไขวาระที่ 3"}, outsider="matter_owner1")
    assert c.open() == ["draft_meeting_documents"]
    c.do("draft_meeting_documents", "clerk2", {**DRAFTS, "draft_agenda_file": "files/agenda-v2.pdf"})
    c.do("director_signs_meeting_documents", "it_group_director1", SIGN)
    after_signature(c)
    assert c.done == ["receive_assignment", "fix_date_and_book_room", "draft_meeting_documents",
                      "director_signs_meeting_documents", "draft_meeting_documents",
                      "director_signs_meeting_documents", *AFTER_SIGNATURE]
    assert c.status == "completed"
    assert c.data["documents_decision"] == "approve" and c.data["draft_agenda_file"] == "files/agenda-v2.pdf"


def test_disbursement_returned_for_revision(case):
    """The director returns the reimbursement package twice before approving it."""
    c = case("meeting-setup", "clerk1")
    c.do("receive_assignment", "clerk1", ASSIGNMENT)
    c.do("fix_date_and_book_room", "clerk1", BOOKED)
    c.do("draft_meeting_documents", "clerk1", DRAFTS)
    c.do("director_signs_meeting_documents", "it_group_director2", SIGN)
    after_signature(c, disbursement_returns=2)
    assert c.done == ["receive_assignment", "fix_date_and_book_room", "draft_meeting_documents",
                      "director_signs_meeting_documents", "send_invitations", "prepare_day_before",
                      "check_meeting_readiness", "meeting_day",
                      *["prepare_disbursement_documents", "director_approves_disbursement"] * 3,
                      "budget_keeper_records_disbursement", "send_to_finance", "file_disbursement_documents"]
    assert c.status == "completed"
    assert c.data["disbursement_decision"] == "approve" and c.data["disbursement_file_location"].startswith("แฟ้ม")


def test_each_meeting_step_is_due_when_its_rule_says(case):
    """Issue 11, section 1: the readiness check is due 30 minutes before the meeting (09:00 for a
    09:30 start on Thu 10 Dec 2026); the meeting day's own work at the end of that day; the claim 8
    working days after the meeting (Fri 11, Mon 14 to Fri 18, Mon 21, Tue 22 Dec), inside the
    finance group's limit of 2 weeks after the meeting (Thu 24 Dec)."""
    def due(element_id):
        task = next(t for t in c.k.tasks.of_case(c.id) if t.element_id == element_id)
        return task.due_at.astimezone(BANGKOK).strftime("%Y-%m-%d %H:%M")

    c = case("meeting-setup", "clerk1")
    c.do("receive_assignment", "clerk1", ASSIGNMENT)
    c.do("fix_date_and_book_room", "clerk1", BOOKED)
    c.do("draft_meeting_documents", "clerk1", DRAFTS)
    c.do("director_signs_meeting_documents", "it_group_director2", SIGN)
    c.do("send_invitations", "clerk1", INVITE)
    c.do("prepare_day_before", "clerk1", PREPARE)
    assert due("check_meeting_readiness") == "2026-12-10 09:00"
    c.do("check_meeting_readiness", "clerk2", READY)
    assert due("meeting_day") == "2026-12-10 16:30"
    c.do("meeting_day", "clerk2", MEETING)
    assert due("prepare_disbursement_documents") == "2026-12-22 16:30"
    c.do("prepare_disbursement_documents", "clerk2", DISBURSE)
    c.do("director_approves_disbursement", "it_group_director1", APPROVE)
    assert due("budget_keeper_records_disbursement") == "2026-12-24 16:30"
    c.do("budget_keeper_records_disbursement", "budget_keeper2", KEEPER)
    assert due("send_to_finance") == "2026-12-24 16:30"


def test_the_budget_keeper_records_the_smart_entry_in_their_own_task(case):
    """Issue 11, section 4: the budget keeper, not the clerk, deducts the amount in Smart and signs;
    the clerk then sends the package to the finance group."""
    from engine.errors import Forbidden

    c = case("meeting-setup", "clerk1")
    c.do("receive_assignment", "clerk1", ASSIGNMENT)
    c.do("fix_date_and_book_room", "clerk1", BOOKED)
    c.do("draft_meeting_documents", "clerk1", DRAFTS)
    c.do("director_signs_meeting_documents", "it_group_director2", SIGN)
    for element_id, data in (("send_invitations", INVITE), ("prepare_day_before", PREPARE),
                             ("check_meeting_readiness", READY), ("meeting_day", MEETING),
                             ("prepare_disbursement_documents", DISBURSE)):
        c.do(element_id, "clerk2", data)
    c.do("director_approves_disbursement", "it_group_director1", APPROVE)
    (keeper,) = c.k.tasks.of_case(c.id)
    assert keeper.element_id == "budget_keeper_records_disbursement" and keeper.candidate_groups == ("budget_keeper",)
    with pytest.raises(Forbidden, match="not in the lane"):
        c.k.tasks.claim(keeper.id, "clerk2")
    c.do("budget_keeper_records_disbursement", "budget_keeper2", KEEPER)
    assert c.open() == ["send_to_finance"] and c.data["smart_transaction_number"] == "SM-69-001234"
