"""Calendar functions in model expressions (timer values, conditions), on the operation's clock."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from engine.time import clock
from engine.time.calendar import AdminChange, WorkCalendar
from engine.errors import ExpressionError
from engine.model.expressions import ExpressionEvaluator
from engine.time.time_functions import FUNCTIONS

EVAL = ExpressionEvaluator(FUNCTIONS)
NOW = datetime(2026, 11, 20, 2, 0, tzinfo=timezone.utc)  # Friday 09:00 in Bangkok


def ev(expression: str, calendar: WorkCalendar | None = None, **names):
    with clock.operation_time(NOW, lambda: calendar or WorkCalendar()):
        return EVAL.evaluate(expression, names)


def test_calendar_functions_give_iso_dates():
    assert ev("today()") == "2026-11-20"
    assert ev("add_working_days(d, 5)", d="2026-11-20") == "2026-11-27"
    assert ev("add_working_days('2568-10-01', 30)") == "2025-11-14"  # Buddhist-era input, R-SUP-03
    assert ev("add_days(d, 15)", d="2025-03-29") == "2025-04-17"     # R-LOAN-01 roll past Songkran
    assert ev("add_days(d, 15, False)", d="2025-03-29") == "2025-04-13"
    assert ev("add_months('2026-01-31', 1)") == "2026-02-28"
    assert ev("fiscal_year_start('2026-11-20')") == "2026-10-01"
    assert ev("fiscal_year_end('2026-11-20')") == "2027-09-30"
    assert ev("fiscal_year('2026-09-30')") == 2569
    assert ev("annual(9, 15)") == "2027-09-15"
    assert ev("annual(12, 1)") == "2026-12-01"
    assert ev("is_working_day('2026-12-07')") is False  # Father's Day in lieu
    assert ev("next_working_day('2026-12-05')") == "2026-12-08"
    assert ev("working_days_between('2026-11-20', '2026-11-27')") == 5
    assert ev("at(add_working_days(d, 1), '16:30')", d="2026-11-20") == "2026-11-23T16:30:00+07:00"


def test_functions_use_the_operation_calendar_with_runtime_holidays():
    special = WorkCalendar({date(2026, 11, 23): AdminChange(date(2026, 11, 23), "add", "special", "ref")})
    assert ev("add_working_days('2026-11-20', 1)", special) == "2026-11-24"


@pytest.mark.parametrize("expression", [
    "add_working_days('tomorrow', 1)", "add_working_days('2026-11-20', 1.5)", "add_working_days('2026-11-20', 99999)",
    "add_months('2026-01-01', 5000)", "annual(2, 30)", "at('2026-11-20', '25:00')", "add_days('2026-13-01', 1)",
    "working_days_between('2000-01-01', '2026-01-01')",
])
def test_bad_arguments_are_expression_errors(expression):
    with pytest.raises(ExpressionError):
        ev(expression)
