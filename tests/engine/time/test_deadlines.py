"""Deadlines from the SOP rule types, checked against the worked examples of
../shared/reference/domain-and-ux.md (R-LOAN, R-SUP, R-CAL) with fixed 2024-2027 dates."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from engine.time.calendar import BANGKOK, AdminChange, WorkCalendar
from engine.time.deadlines import DeadlineBasis, basis_for, due_at, status

CAL = WorkCalendar()


def created(day: str, hhmm: str = "09:00") -> datetime:
    return datetime.fromisoformat(f"{day}T{hhmm}:00").replace(tzinfo=BANGKOK).astimezone(timezone.utc)


def due(rule, day="2026-11-20", data=None, calendar=CAL, **duration) -> str | None:
    basis = basis_for(rule, created(day), data or {}, **duration)
    moment = due_at(basis, calendar) if basis else None
    return moment.astimezone(BANGKOK).strftime("%Y-%m-%d %H:%M") if moment else None


@pytest.mark.parametrize("returned, expected", [("2025-12-01", "2025-12-16"), ("2025-03-29", "2025-04-17")])
def test_travel_loan_is_due_15_days_after_return_rolled_past_songkran(returned, expected):
    # R-LOAN-01: 15 days from the return date; 13 Apr 2025 is a Sunday inside Songkran.
    rule = {"type": "relative", "amount": 15, "unit": "days", "from": "return_date"}
    assert due(rule, "2025-03-01", {"return_date": returned}) == f"{expected} 16:30"


def test_other_purpose_loan_by_case_30_days_from_money_received_rolls_off_sunday():
    # R-LOAN-02 through the advance-loan catalog rule (relative_by_case on advance_purpose).
    rule = {"type": "relative_by_case", "anchor": "advance_money_received",
            "cases": [{"when": "meeting_training", "amount": 30, "unit": "days"},
                      {"when": "official_travel", "amount": 15, "unit": "days"}]}
    data = {"advance_purpose": "meeting_training", "advance_money_received": "2025-11-07"}
    assert due(rule, "2025-11-07", data) == "2025-12-08 16:30"
    data["advance_purpose"] = "official_travel"
    assert due(rule, "2025-11-07", data) == "2025-11-24 16:30"  # 22 Nov is a Saturday


@pytest.mark.parametrize("start, expected", [("2025-10-01", "2025-11-14"), ("2026-10-01", "2026-11-16")])
def test_supplies_report_30_working_days_from_inspection_start(start, expected):
    # R-SUP-03: next-day counting; 13 Oct and 23 Oct are skipped.
    rule = {"type": "relative", "amount": 30, "unit": "working_days", "anchor": "inspection start (step 5)"}
    assert due(rule, start) == f"{expected} 16:30"


@pytest.mark.parametrize("day, expected", [("2025-09-15", "2025-10-01"), ("2026-09-20", "2026-10-01"),
                                           ("2026-10-01", "2026-10-01")])
def test_inspection_starts_on_the_first_working_day_of_the_fiscal_year(day, expected):
    # R-SUP-02
    assert due({"type": "start_on", "anchor": "first working day of the fiscal year"}, day) == f"{expected} 16:30"


def test_annual_date_rolls_to_monday_and_moves_to_next_year_once_passed():
    rule = {"type": "annual_date", "month": 9, "day": 15}
    assert due(rule, "2026-09-01") == "2026-09-15 16:30"
    assert due(rule, "2024-09-01") == "2024-09-16 16:30"  # 15 Sep 2024 is a Sunday
    assert due(rule, "2026-09-16") == "2027-09-15 16:30"


def test_monthly_window_ends_on_the_25th_this_month_or_next():
    rule = {"type": "monthly_window", "from_day": 20, "to_day": 25}
    assert due(rule, "2026-11-20") == "2026-11-25 16:30"
    assert due(rule, "2026-11-26") == "2026-12-25 16:30"
    # 10 December is Constitution Day: the 11th.
    assert due({"type": "monthly_day", "day": 10, "relative_to": "next_month"}, "2026-11-05") == "2026-12-11 16:30"


def test_month_windows_end_with_their_last_month():
    # 31 October 2026 is a Saturday: the period ends on the next working day (193/8).
    assert due({"type": "month_window", "from_month": 9, "to_month": 10}, "2026-09-10") == "2026-11-02 16:30"
    # 31 December and 1 January are holidays, then a weekend: 4 January.
    assert due({"type": "month_window", "from": "2021-11", "to": "2021-12"}, "2026-11-20") == "2027-01-04 16:30"
    assert due({"type": "fixed_months", "months": ["2022-02", "2022-07"]}, "2026-03-01") == "2026-07-31 16:30"


def test_internal_control_counts_from_30_september_of_the_case_fiscal_year():
    rule = {"type": "fiscal_year_end_offset", "amount": 40, "unit": "days"}
    assert due(rule, "2026-09-30", {"fiscal_year": 2569}) == "2026-11-09 16:30"
    # Without the fiscal year in the case: the nearest 30 September.
    assert due(rule, "2026-10-02") == "2026-11-09 16:30"
    assert due(rule, "2026-08-20") == "2026-11-09 16:30"


def test_event_rules_read_the_case_data_and_wait_for_it():
    before = {"type": "before_event", "amount": 1, "unit": "weeks", "event": "meeting_date"}
    assert due(before, data={"meeting_date": "2026-12-04"}) == "2026-11-27 16:30"
    after = {"type": "after_event", "amount": 2, "unit": "weeks", "event": "meeting_date"}
    assert due(after, data={"meeting_date": "2026-12-04"}) == "2026-12-18 16:30"
    minutes = {"type": "before_event", "amount": 30, "unit": "minutes", "event": "meeting_start"}
    assert due(minutes, data={"meeting_start": "2026-12-04T13:30:00+07:00"}) == "2026-12-04 13:00"
    # No meeting date in the case yet: the standard duration decides (2 working days from Friday).
    assert due(before, data={}, working_days=2) == "2026-11-24 16:30"
    assert due(before, data={}) is None


def test_all_of_takes_the_earliest():
    rule = {"type": "all_of", "rules": [{"type": "annual_date", "month": 9, "day": 22},
                                        {"type": "relative", "amount": 2, "unit": "working_days"}]}
    assert due(rule, "2026-09-18") == "2026-09-22 16:30"
    assert due(rule, "2026-09-21") == "2026-09-22 16:30"
    assert due(rule, "2026-09-10") == "2026-09-14 16:30"


def test_standard_duration_in_working_days_or_minutes():
    assert due(None, "2026-11-20", minutes=30) == "2026-11-23 16:30"       # Friday -> Monday
    assert due(None, "2026-11-20", minutes=900) == "2026-11-25 16:30"      # 15 h of 7-hour days: 3 days
    assert due({"type": "unspecified"}, "2026-11-20", working_days=2.5) == "2026-11-25 16:30"
    assert due(None, "2026-11-20") is None


def test_basis_round_trips_and_a_holiday_moves_only_what_it_touches():
    rule = {"type": "relative", "amount": 3, "unit": "working_days"}
    basis = basis_for(rule, created("2026-11-20"), {})
    assert DeadlineBasis.from_json(basis.to_json()) == basis
    assert due_at(basis, CAL).astimezone(BANGKOK).date() == date(2026, 11, 25)
    holiday = WorkCalendar({date(2026, 11, 24): AdminChange(date(2026, 11, 24), "add", "special", "ครม.")})
    assert due_at(basis, holiday).astimezone(BANGKOK).date() == date(2026, 11, 26)
    later = WorkCalendar({date(2026, 12, 1): AdminChange(date(2026, 12, 1), "add", "special", "ครม.")})
    assert due_at(basis, later) == due_at(basis, CAL)


def test_status_on_time_due_soon_overdue():
    due_moment = created("2026-11-25", "16:30")
    assert status(due_moment, created("2026-11-20"), CAL) == "on_time"
    assert status(due_moment, created("2026-11-24"), CAL) == "due_soon"
    assert status(due_moment, created("2026-11-25", "16:00"), CAL) == "due_soon"
    assert status(due_moment, created("2026-11-25", "16:31"), CAL) == "overdue"
    assert status(None, created("2026-11-25"), CAL) is None


def test_every_step_of_every_sop_gets_a_deadline(tmp_path):
    """All the catalog's rule shapes are understood: with no case data yet, each step still has a
    due time (its rule, else its standard duration), and never raises."""
    from engine import Krabuan
    from engine.settings import PROJECT_ROOT, Settings
    k = Krabuan(Settings().with_overrides(data_dir=tmp_path, processes_dir=PROJECT_ROOT / "processes"))
    k.init()
    seen_rules = set()
    for version in k.repository.versions():
        _, model = k.repository.process_model(version.process_id)
        for step in model.steps.values():
            rule = step.meta.deadline
            seen_rules.add((rule or {}).get("type"))
            basis = basis_for(rule, created("2026-11-20"), {}, step.meta.duration_minutes,
                              step.meta.duration_working_days)
            assert basis is not None and due_at(basis, CAL) is not None, (version.process_id, step.element_id)
    k.close()
    assert {"relative", "before_event", "annual_date", "fiscal_year_end_offset", "all_of"} <= seen_rules


def test_a_step_anchor_counts_from_when_the_step_was_done():
    """``step:<element>.completed`` reads the time the engine recorded for the step (the caller
    puts it beside the case data); the basis keeps it, so a recomputation needs no task rows."""
    from engine.time.deadlines import step_anchors

    rule = {"type": "relative", "amount": 3, "unit": "working_days", "anchor": "step:write_off.completed"}
    assert step_anchors(rule) == {("write_off", "completed")}
    created = datetime(2026, 12, 21, 3, 0, tzinfo=timezone.utc)
    data = {"step:write_off.completed": "2026-12-08T09:00:00+07:00", "other": "x"}
    basis = basis_for(rule, created, data)
    assert basis.values == {"step:write_off.completed": "2026-12-08T09:00:00+07:00"}
    # Tue 8 Dec + 3 working days: Wed 9, (Thu 10 Constitution Day), Fri 11, Mon 14 Dec, 16:30 Bangkok
    # (from the step's completion, not from the task's creation on the 14th)
    assert due_at(DeadlineBasis.from_json(basis.to_json()), CAL).astimezone(BANGKOK).date() == date(2026, 12, 14)


def test_a_case_of_relative_by_case_may_name_its_own_anchor():
    rule = {"type": "relative_by_case", "anchor": "money_received",
            "cases": [{"when": "meeting_training", "amount": 30, "unit": "days"},
                      {"when": "official_travel", "amount": 15, "unit": "days", "anchor": "return_date"}]}
    created = datetime(2026, 12, 1, 3, 0, tzinfo=timezone.utc)
    travel = basis_for(rule, created, {"advance_purpose": "official_travel", "money_received": "2026-12-01",
                                       "return_date": "2026-12-11"})
    meeting = basis_for(rule, created, {"advance_purpose": "meeting_training", "money_received": "2026-12-01",
                                        "return_date": "2026-12-11"})
    assert due_at(travel, CAL).astimezone(BANGKOK).date() == date(2026, 12, 28)  # Sat 26 Dec rolled to Monday
    # 31 Dec 2026 is New Year's Eve, 1 Jan a holiday, 2-3 Jan a weekend: Mon 4 Jan 2027
    assert due_at(meeting, CAL).astimezone(BANGKOK).date() == date(2027, 1, 4)

