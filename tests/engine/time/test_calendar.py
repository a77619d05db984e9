"""The Thai government working-day calendar: worked examples (2024-2027) and properties."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from click.testing import CliRunner
from hypothesis import given, settings, strategies as st

from engine.time.calendar import WorkCalendar, fiscal_year, fiscal_year_end, fiscal_year_start, parse_date
from cli import main
from engine.errors import Conflict, InvalidInput

cal = WorkCalendar()


@pytest.mark.parametrize("day, working", [
    ("2025-05-09", False),  # Royal Ploughing Ceremony: a government holiday
    ("2025-05-01", True),   # National Labour Day: government offices open
    ("2025-04-16", False),  # Songkran in lieu
    ("2025-06-02", False),  # cabinet bridge day
    ("2026-01-02", False),  # cabinet bridge day
    ("2025-10-13", False),  # Bhumibol Memorial Day
    ("2025-10-14", True),
    ("2026-11-21", False),  # Saturday
    ("2024-12-31", False),  # New Year's Eve
    ("2027-01-04", True),
])
def test_working_days(day, working):
    assert cal.is_working_day(date.fromisoformat(day)) is working


def test_labour_day_is_not_in_the_government_list():
    assert [h.date for h in cal.holidays(2025) if h.date == date(2025, 5, 1)] == []
    names = {n for h in cal.holidays(2026) for n in h.names}
    assert "วันพืชมงคล" in names and "วันแรงงานแห่งชาติ" not in names


@pytest.mark.parametrize("start, n, roll, expected", [
    ("2025-10-10", 3, True, "2025-10-14"),   # lands on Bhumibol Memorial Day (Mon): next working day
    ("2025-10-10", 3, False, "2025-10-13"),  # without 193/8
    ("2025-10-01", 15, True, "2025-10-16"),  # a Thursday, no roll
    ("2025-04-01", 12, True, "2025-04-17"),  # lands on Sunday 13 Apr: Songkran and in-lieu follow
    ("2024-12-21", 10, True, "2025-01-02"),  # Tue 31 Dec is New Year's Eve, 1 Jan New Year
])
def test_within_n_days_first_day_not_counted(start, n, roll, expected):
    assert cal.add_days(date.fromisoformat(start), n, roll=roll) == date.fromisoformat(expected)


@pytest.mark.parametrize("start, n, expected", [
    ("2025-10-10", 1, "2025-10-14"),   # Fri: the next working day skips the weekend and 13 Oct
    ("2025-10-10", 3, "2025-10-16"),
    ("2025-04-10", 2, "2025-04-17"),   # Thu 10 Apr: 11 (Fri) is one, then Songkran 13-16
    ("2025-09-30", 10, "2025-10-15"),  # across the fiscal-year start and 13 Oct
    ("2025-10-16", -5, "2025-10-08"),  # five working days before
])
def test_n_working_days_from_the_day_after(start, n, expected):
    assert cal.add_working_days(date.fromisoformat(start), n) == date.fromisoformat(expected)


@pytest.mark.parametrize("day, fy", [("2025-10-01", 2569), ("2025-09-30", 2568), ("2024-01-15", 2567),
                                     ("2026-11-20", 2570)])
def test_fiscal_year(day, fy):
    d = date.fromisoformat(day)
    assert fiscal_year(d) == fy
    assert fiscal_year_start(d) <= d <= fiscal_year_end(d)
    assert fiscal_year(fiscal_year_start(d)) == fiscal_year(fiscal_year_end(d)) == fy


def test_buddhist_era_input():
    assert parse_date("2568-10-01") == date(2025, 10, 1)
    assert parse_date("2025-10-01") == date(2025, 10, 1)
    for bad in ("01/10/2568", "2568-13-01", "yesterday", "2025-02-30"):
        with pytest.raises(InvalidInput):
            parse_date(bad)


days = st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 12, 31))


@settings(max_examples=300, deadline=None)
@given(days, st.integers(min_value=0, max_value=120))
def test_rolled_deadlines_never_land_on_a_non_working_day(start, n):
    end = cal.add_days(start, n)
    assert cal.is_working_day(end)
    assert end >= start + timedelta(days=n)
    assert all(not cal.is_working_day(start + timedelta(days=n + i)) for i in range((end - start).days - n))


@settings(max_examples=300, deadline=None)
@given(days, st.integers(min_value=1, max_value=60))
def test_working_day_counting_is_consistent(start, n):
    end = cal.add_working_days(start, n)
    assert cal.is_working_day(end)
    assert cal.working_days_between(start, end) == n
    assert cal.add_working_days(end, -n) <= start or not cal.is_working_day(start)


def test_administrators_add_and_remove_holidays(k):
    special, ploughing = date(2026, 11, 23), date(2026, 5, 13)
    assert k.calendar.calendar().is_working_day(special)
    k.calendar.add_holiday(special, "วันหยุดพิเศษ (เพิ่มเติม)", "มติ ครม. 17 พ.ย. 2569", actor="admin1")
    holiday = k.calendar.calendar().holiday(special)
    assert holiday.source == "admin" and holiday.ref == "มติ ครม. 17 พ.ย. 2569"
    assert k.calendar.calendar().add_working_days(date(2026, 11, 20), 1) == date(2026, 11, 24)
    with pytest.raises(Conflict, match="already a holiday"):
        k.calendar.add_holiday(special, "x", "y", actor="admin1")
    k.calendar.remove_holiday(ploughing, "ประกาศยกเลิก", actor="admin1")
    assert k.calendar.calendar().is_working_day(ploughing)
    with pytest.raises(Conflict, match="is not a holiday"):
        k.calendar.remove_holiday(ploughing, "again", actor="admin1")
    with pytest.raises(InvalidInput, match="reference"):
        k.calendar.add_holiday(date(2026, 11, 24), "x", " ", actor="admin1")
    k.calendar.remove_holiday(special, "ยกเลิกวันหยุดพิเศษ", actor="admin1")
    assert k.calendar.calendar().is_working_day(special)


def test_calendar_cli(tmp_path):
    env = {"KRABUAN_DATA_DIR": str(tmp_path)}
    runner = CliRunner()

    def run(*args, code=0):
        result = runner.invoke(main, list(args), env=env)
        assert result.exit_code == code, result.output
        return result.output.strip()

    run("init")
    assert run("calendar", "is-working-day", "2025-05-09") == "false วันพืชมงคล"
    assert run("calendar", "is-working-day", "2568-05-01") == "true"
    assert run("calendar", "add-days", "2025-10-10", "3") == "2025-10-14"
    assert run("calendar", "add-days", "2025-10-10", "3", "--no-roll") == "2025-10-13"
    assert run("calendar", "add-days", "2025-10-10", "3", "--working") == "2025-10-16"
    assert run("calendar", "fiscal-year", "2025-10-01") == "2569"
    assert "2569-" not in run("calendar", "holidays", "2569") and "2026-05-13  วันพืชมงคล" in run(
        "calendar", "holidays", "2026")
    run("calendar", "add-holiday", "2026-11-23", "--name", "วันหยุดพิเศษ", "--ref", "มติ ครม.", "--as", "admin1")
    assert run("calendar", "is-working-day", "2026-11-23") == "false วันหยุดพิเศษ"
    assert "error: 2026-11-23 is already a holiday" in run("calendar", "add-holiday", "2026-11-23", "--name", "x",
                                                          "--ref", "y", "--as", "admin1", code=5)
    refused = run("calendar", "add-holiday", "2026-11-25", "--name", "x", "--ref", "y", "--as", "clerk1", code=4)
    assert "clerk1 may not change the holiday calendar" in refused  # only an administrator
    assert run("calendar", "is-working-day", "2026-11-25") == "true"
    assert run("calendar", "add-days", "2025-04-20", "-5") == "2025-04-11"  # a negative N as people type it
    assert "outside the years the calendar covers" in run("calendar", "add-days", "0001-01-01", "--", "-1", code=2)
    assert "outside the years" in run("calendar", "add-days", "2200-12-30", "5", code=2)
    assert "is not a date" in run("calendar", "fiscal-year", "20/11/2569", code=2)


def test_working_days_between_counts_what_a_day_by_day_walk_counts():
    import random

    from engine.time.calendar import AdminChange
    rnd = random.Random(7)
    plain = WorkCalendar({date(2025, 6, 10): AdminChange(date(2025, 6, 10), "add", "วันหยุดพิเศษ", "ครม."),
                          date(2026, 4, 13): AdminChange(date(2026, 4, 13), "remove", "", "")})
    for _ in range(300):
        start = date(2025, 1, 1) + timedelta(days=rnd.randint(0, 900))
        end = start + timedelta(days=rnd.randint(-400, 400))
        walk = sum(1 for i in range(1, abs((end - start).days) + 1)
                   if plain.is_working_day(min(start, end) + timedelta(days=i)))
        assert plain.working_days_between(start, end) == (walk if end >= start else -walk)
