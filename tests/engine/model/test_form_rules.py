"""Cross-field rules of forms: each kind of check (amounts that add up exactly, a date after another,
a date far enough ahead, a value equal to an earlier step's unless a reason is given, a minimum of
committee members, two committees apart), reported against their field in Thai and English; the
rules of the real SOP forms; and the rule format's errors."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from engine.errors import ConfigurationError, InvalidInput
from engine.model.forms import FormRegistry
from engine.settings import PROJECT_ROOT
from engine.time import clock
from engine.time.calendar import WorkCalendar

RULES = """
forms:
  - key: earlier
    title: {th: ขั้นก่อน, en: Earlier step}
    fields:
      - {name: received, type: money, label: {th: เงินที่ได้รับ, en: Received}}
      - {name: approved_method, type: select, options: [{value: auction, label: {th: ขายทอดตลาด, en: Auction}},
         {value: destruction, label: {th: ทำลาย, en: Destruction}}], label: {th: วิธีที่อนุมัติ, en: Approved method}}
      - {name: departure, type: date, label: {th: วันเดินทางไป, en: Departure}}
  - key: kinds
    title: {th: ทุกแบบ, en: Every kind}
    fields:
      - {name: spent, type: money, label: {th: ใช้จ่ายจริง, en: Spent}}
      - {name: leftover, type: money, label: {th: เงินเหลือ, en: Leftover}}
      - {name: return_date, type: date, label: {th: วันกลับ, en: Return}}
      - {name: meeting_date, type: date, label: {th: วันประชุม, en: Meeting date}}
      - {name: method, type: select, options: [{value: auction, label: {th: ขายทอดตลาด, en: Auction}},
         {value: destruction, label: {th: ทำลาย, en: Destruction}}], label: {th: วิธีที่ใช้, en: Method used}}
      - {name: method_reason, type: textarea, label: {th: เหตุผล, en: Reason}}
      - {name: members, type: users, group: committee, label: {th: กรรมการ, en: Members}}
      - {name: others, type: users, group: committee, label: {th: อีกคณะ, en: Other committee}}
    rules:
      - check: "leftover is None or leftover == received - spent"
        field: leftover
        message: {th: เงินเหลือต้องเท่ากับเงินที่ได้รับลบที่ใช้จ่าย, en: Leftover must be received minus spent}
      - check: "return_date >= departure"
        field: return_date
        message: {th: วันกลับต้องไม่ก่อนวันไป, en: The return cannot be before the departure}
      - check: "meeting_date is None or meeting_date >= add_days(today(), 7, False)"
        field: meeting_date
        message: {th: วันประชุมต้องห่างอย่างน้อย ๗ วัน, en: The meeting must be at least 7 days away}
      - check: "method is None or method == approved_method or method_reason"
        field: method
        message: {th: ต้องใช้วิธีที่อนุมัติ หรือระบุเหตุผล, en: Use the approved method or give the reason}
      - check: "members is None or len(members) >= 3"
        field: members
        message: {th: กรรมการอย่างน้อย ๓ คน, en: At least 3 members}
      - check: "not common(members, others)"
        field: others
        message: {th: ห้ามเป็นกรรมการทั้งสองคณะ, en: Nobody sits on both committees}
"""
EARLIER = {"received": 15000.55, "approved_method": "auction", "departure": "2026-12-21"}
EVERYONE = lambda group: {"a", "b", "c", "d"}  # noqa: E731 - the members of any group


@pytest.fixture
def kinds(tmp_path):
    (tmp_path / "f.yaml").write_text(RULES, encoding="utf-8")
    return FormRegistry.load(tmp_path).get("kinds")


@pytest.fixture
def on_30_november():
    """The calendar functions' clock: Mon 30 Nov 2026, 09:00 in Bangkok."""
    with clock.operation_time(datetime(2026, 11, 30, 2, 0, tzinfo=UTC), WorkCalendar):
        yield


def _problems(form, data, earlier=EARLIER):
    with pytest.raises(InvalidInput) as refused:
        form.validate(data, EVERYONE, earlier)
    return {p["field"]: p for p in refused.value.details["problems"]}


def test_money_must_add_up_exactly(kinds):
    """800.50 declared against 800.05 received is refused; the exact sum in floats (15000.55 - 14200 is
    800.5500000000011) is accepted."""
    assert kinds.validate({"spent": "14200.00", "leftover": "800.55"}, EVERYONE, EARLIER)["leftover"] == 800.55
    problem = _problems(kinds, {"spent": "14200.00", "leftover": "800.50"})["leftover"]
    assert problem["code"] == "rule"
    assert problem["params"] == {"th": "เงินเหลือต้องเท่ากับเงินที่ได้รับลบที่ใช้จ่าย",
                                 "en": "Leftover must be received minus spent"}
    assert problem["message"].startswith("field leftover (Leftover): Leftover must be received minus spent / เงินเหลือ")
    paid_800_05 = {**EARLIER, "received": 15000.05}
    assert "leftover" in _problems(kinds, {"spent": "14200.00", "leftover": "800.50"}, paid_800_05)


def test_a_date_after_another_of_an_earlier_step(kinds):
    assert kinds.validate({"return_date": "2026-12-21"}, EVERYONE, EARLIER) == {"return_date": "2026-12-21"}
    assert kinds.validate({"return_date": "2569-12-25"}, EVERYONE, EARLIER) == {"return_date": "2026-12-25"}
    refused = _problems(kinds, {"return_date": "2026-12-20"})
    assert list(refused) == ["return_date"] and refused["return_date"]["params"]["en"].startswith("The return")
    assert kinds.validate({"return_date": "2026-12-20"}, EVERYONE, {}) == {"return_date": "2026-12-20"}  # no departure


def test_a_date_far_enough_ahead_on_the_engine_clock(kinds, on_30_november):
    assert kinds.validate({"meeting_date": "2026-12-07"}, EVERYONE, EARLIER) == {"meeting_date": "2026-12-07"}
    assert _problems(kinds, {"meeting_date": "2026-12-06"})["meeting_date"]["params"]["th"] == \
        "วันประชุมต้องห่างอย่างน้อย ๗ วัน"
    assert "meeting_date" in _problems(kinds, {"meeting_date": "2569-12-04"})  # BE, converted before the check


def test_the_approved_method_unless_a_reason_is_given(kinds):
    assert kinds.validate({"method": "auction"}, EVERYONE, EARLIER)["method"] == "auction"
    assert "method" in _problems(kinds, {"method": "destruction"})
    assert kinds.validate({"method": "destruction", "method_reason": "ไม่มีผู้ประมูล"}, EVERYONE, EARLIER)
    stale = {**EARLIER, "method_reason": "an earlier round's reason"}  # a value of this form comes from this submission
    assert "method" in _problems(kinds, {"method": "destruction"}, stale)


def test_at_least_n_committee_members_and_two_committees_apart(kinds):
    assert kinds.validate({"members": ["a", "b", "c"], "others": ["d"]}, EVERYONE, EARLIER)
    refused = _problems(kinds, {"members": ["a", "b"], "others": ["b", "d"]})
    assert set(refused) == {"members", "others"}
    assert refused["others"]["params"]["en"] == "Nobody sits on both committees"


def test_every_problem_at_once_and_a_field_problem_first(kinds, on_30_november):
    """Rules are checked with the fields' own problems, one problem per field; a rule that reads a
    field refused on its own is not checked."""
    refused = _problems(kinds, {"spent": "abc", "leftover": "1.00", "meeting_date": "2026-12-01",
                                "return_date": "2026-12-01"})
    assert refused["spent"]["code"] == "not_money"
    assert "leftover" not in refused  # it reads spent, which has a problem of its own
    assert refused["meeting_date"]["code"] == refused["return_date"]["code"] == "rule"


def test_a_rule_that_reads_an_empty_value_does_not_apply(kinds):
    """``None - 5`` cannot be evaluated: the rule is not applied (write ``x is None or ...`` to make it)."""
    no_money = {k: v for k, v in EARLIER.items() if k != "received"}
    assert kinds.validate({"spent": "100.00", "leftover": "5.00"}, EVERYONE, no_money)["leftover"] == 5.0


def test_forms_json_lists_every_constraint_and_rule(kinds):
    shape = kinds.to_json()
    fields = {f["name"]: f for f in shape["fields"]}
    assert [o["value"] for o in fields["method"]["options"]] == ["auction", "destruction"]
    assert fields["members"]["group"] == "committee"
    rule = shape["rules"][0]
    assert rule == {"check": "leftover is None or leftover == received - spent", "field": "leftover",
                    "message": {"th": "เงินเหลือต้องเท่ากับเงินที่ได้รับลบที่ใช้จ่าย",
                                "en": "Leftover must be received minus spent"},
                    "uses": ["leftover", "received", "spent"]}
    assert shape["rules"][2]["uses"] == ["meeting_date"]  # functions are not fields


@pytest.mark.parametrize(("rule", "message"), [
    ("{check: 'a ==', field: a, message: {th: ก, en: a}}", "rules[0] (a): check: not a valid expression"),
    ("{check: 'a > 1', field: b, message: {th: ก, en: a}}", "field b is not a field of this form (it has: a)"),
    ("{check: 'a > 1', field: a}", "message: a label is"),
    ("{check: 'a > 1', field: a, message: {th: ก, en: a}, level: warning}", "unknown rule keys level"),
    ("{check: '__import__(1)', field: a, message: {th: ก, en: a}}", "leading underscore"),
    ("{check: 'a > b', field: a, message: {th: ก, en: a}}",
     "form f: rules[0] (a): b is neither a field of any form nor a function"),
])
def test_rule_format_errors_name_the_file_form_and_rule(tmp_path, rule, message):
    (tmp_path / "f.yaml").write_text("forms:\n  - key: f\n    title: {th: ก, en: F}\n"
                                     "    fields: [{name: a, type: integer, label: {th: ก, en: a}}]\n"
                                     f"    rules: [{rule}]\n", encoding="utf-8")
    with pytest.raises(ConfigurationError, match=message.replace("[", r"\[").replace("(", r"\(").replace(")", r"\)")):
        FormRegistry.load(tmp_path)


# ---------------------------------------------------------------- the SOP forms

@pytest.fixture(scope="module")
def sop_forms():
    return FormRegistry.load(PROJECT_ROOT / "forms")


SHA = "a" * 64


def test_advance_loan_settlement_adds_up(sop_forms):
    """The review's case: spent 14,200.00 of 15,000.50, leftover 800.50; finance records 800.05 received back."""
    evidence = sop_forms.get("advance-loan.collect_settlement_evidence")
    paid = {"amount_paid": 15000.5}
    ok = {"amount_spent": "14200.00", "leftover_cash": "yes", "leftover_amount": "800.50",
          "settlement_evidence_file": SHA}
    assert evidence.validate(ok, earlier=paid)["leftover_amount"] == 800.5
    with pytest.raises(InvalidInput, match="unspent amount must equal") as refused:
        evidence.validate({**ok, "leftover_amount": "800.05"}, earlier=paid)
    assert refused.value.details["field"] == "leftover_amount"
    with pytest.raises(InvalidInput, match="so there is cash to return"):
        evidence.validate({**ok, "leftover_cash": "no", "leftover_amount": None}, earlier=paid)
    assert evidence.validate({**ok, "amount_spent": "15000.50", "leftover_cash": "no", "leftover_amount": None},
                             earlier=paid)
    receipt = sop_forms.get("advance-loan.issue_cash_receipt")
    declared = {**paid, "leftover_amount": 800.5}
    assert receipt.validate({"cash_returned": "800.50", "cash_receipt_number": "1/2570"}, earlier=declared)
    with pytest.raises(InvalidInput, match="cash received back must equal") as refused:
        receipt.validate({"cash_returned": "800.05", "cash_receipt_number": "1/2570"}, earlier=declared)
    assert refused.value.details["problems"][0]["params"]["th"].startswith("เงินสดที่รับคืนต้องเท่ากับ")


def test_advance_loan_travel_returns_after_departure(sop_forms):
    form = sop_forms.get("advance-loan.draft_travel_request")
    data = {"travel_request_file": SHA, "travel_invitation_file": SHA, "travel_destination": "เชียงใหม่",
            "return_date": "2569-12-25"}
    assert form.validate(data, earlier={"activity_date": "2026-12-21"})["return_date"] == "2026-12-25"
    with pytest.raises(InvalidInput, match="return date cannot be before"):
        form.validate({**data, "return_date": "2026-12-20"}, earlier={"activity_date": "2026-12-21"})


def test_meeting_setup_books_the_invitations_week_ahead(sop_forms, on_30_november):
    """Refused at the booking step, not a task already late at step 5; a reason lets a short-notice meeting through."""
    form = sop_forms.get("meeting-setup.fix_date_and_book_room")
    booked = {"meeting_date": "2026-12-07", "meeting_start": "2026-12-07T09:30", "room_available": "yes"}
    assert form.validate(booked)["meeting_start"] == "2026-12-07T02:30:00+00:00"  # Bangkok time
    with pytest.raises(InvalidInput, match="at least 7 days away") as refused:
        form.validate({**booked, "meeting_date": "2026-12-04"})
    assert refused.value.details["field"] == "meeting_date"
    assert form.validate({**booked, "meeting_date": "2026-12-04", "short_notice_reason": "ผู้บริหารสั่งการด่วน"})
    assert form.validate({**booked, "meeting_date": "2026-12-01", "room_available": "no"})  # not booked yet


def test_asset_audit_disposes_by_the_approved_method(sop_forms):
    decide = sop_forms.get("asset-audit.decide_disposal")
    with pytest.raises(InvalidInput, match="names the approved disposal method"):
        decide.validate({"disposal_approval": "approve"})
    assert decide.validate({"disposal_approval": "return", "disposal_decision_note": "แก้ไข"})
    dispose = sop_forms.get("asset-audit.dispose_supplies")
    earlier = {"proposed_method": "auction", "approved_method": "auction"}
    done = {"disposal_method": "auction", "disposed_on": "2025-12-10"}
    assert dispose.validate(done, earlier=earlier)
    with pytest.raises(InvalidInput, match="must be the approved one") as refused:
        dispose.validate({**done, "disposal_method": "conversion_or_destruction"}, earlier=earlier)
    assert refused.value.details["field"] == "disposal_method"
    assert dispose.validate({**done, "disposal_method": "conversion_or_destruction",
                             "method_change_reason": "ไม่มีผู้เข้าประมูล"}, earlier=earlier)
    with pytest.raises(InvalidInput, match="must be the approved one"):  # approved without a method: the proposed one
        dispose.validate({**done, "disposal_method": "exchange"}, earlier={"proposed_method": "auction"})


def test_committees_have_their_minimum_and_stay_apart(sop_forms):
    everyone = lambda group: {"m1", "m2", "m3", "s1"}  # noqa: E731
    appoint = sop_forms.get("destroy-letters.appoint_destruction_committee")
    order = {"appointment_order_number": "5/2569", "appointment_order_date": "2569-10-05"}
    with pytest.raises(InvalidInput, match="chair and at least two other members"):
        appoint.validate({**order, "destruction_committee_members": ["m1", "m2"]}, everyone)
    assert appoint.validate({**order, "destruction_committee_members": ["m1", "m2", "m3"]}, everyone)[
        "appointment_order_date"] == "2026-10-05"
    committees = sop_forms.get("internal-control.appoint_committees")
    data = {"fiscal_year": 2570, "setup_order_number": "1/2569", "monitoring_order_number": "2/2569",
            "ic_setup_members": ["m1", "s1"], "ic_monitoring_members": ["m2"], "participating_staff": ["m3"]}
    assert committees.validate(data, everyone)
    with pytest.raises(InvalidInput, match="Nobody may sit on both"):
        committees.validate({**data, "ic_monitoring_members": ["m2", "s1"]}, everyone)


def test_no_sop_form_keeps_a_month_as_text(sop_forms):
    months = [f"{key}.{f.name}" for key in sop_forms.keys() for f in sop_forms.get(key).fields
              if f.type == "text" and f.pattern and "[0-9]{2}" in f.pattern]
    assert months == []
    report = sop_forms.get("doc-monitoring.monthly_report").fields[0]
    assert report.type == "month" and report.name == "report_month"
