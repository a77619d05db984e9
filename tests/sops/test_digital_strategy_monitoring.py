"""digital-strategy-monitoring: every path, as the users of the right lanes.

Every unit the plan is circulated to submits its projects and results each year in a task of its
own, which only the unit's members take (issue 11, section 4)."""
from __future__ import annotations

import pytest

from engine.errors import Forbidden, NotFound

SET_UP = {"working_group_order_number": "สบส 88/2564", "working_group_members": ["working_group1", "working_group2"],
          "criteria_meeting_date": "2020-11-10", "evaluation_criteria": "ร้อยละความสำเร็จของโครงการตามแผน"}
UNITS = {"dhss_health_education": "dhss_health_education2", "dhss_design_division": "dhss_design_division1"}
CIRCULATE = {"circular_letter_number": "สธ 0701.09/ว 12", "circulated_on": "2020-11-20", "monitored_units": list(UNITS)}

YEAR = ["control_operations", "follow_up", "units_report_results", "units_report_results", "evaluate_units",
        "annual_summary"]


def units_report(c, behind: str = "") -> None:
    """Each unit reports in its own task; the lane's general members, another unit and the working
    group cannot take it."""
    tasks = [t for t in c.k.tasks.of_case(c.id) if t.element_id == "units_report_results"]
    assert sorted(g for t in tasks for g in t.candidate_groups) == sorted(UNITS)
    for unit, member in UNITS.items():
        task = next(t for t in tasks if t.candidate_groups == (unit,))
        other = next(m for u, m in UNITS.items() if u != unit)
        for outsider in ("dhss_units1", other, "working_group1"):
            with pytest.raises((Forbidden, NotFound)):
                c.k.tasks.claim(task.id, outsider)
        c.k.tasks.claim(task.id, member)
        achievement = "behind_plan" if unit == behind else "on_plan"
        c.k.cases.complete(task.id, member, {"unit_achievement": achievement, "unit_results_report": f"ผลของ{unit}"},
                           [])
        c.done.append("units_report_results")
    assert "units_report_results" not in c.open()


def _start(c) -> None:
    c.do("form_group_and_set_criteria", "innovation_staff1", SET_UP, outsider="working_group1")
    c.do("circulate_plan", "working_group1", CIRCULATE, outsider="innovation_staff2")


def _year(c, fiscal_year: int, status: str) -> None:
    c.do("control_operations", "working_group1", {"fiscal_year": fiscal_year, "control_notes": "ประชุมรายไตรมาส"},
         outsider="dhss_units1")
    c.do("follow_up", "working_group2", {"units_followed_up": 14, "follow_up_summary": "ส่วนใหญ่เป็นไปตามแผน"},
         outsider="innovation_staff1")
    units_report(c, behind="dhss_design_division" if fiscal_year % 2 else "")
    c.do("evaluate_units", "working_group1",
         {"units_submitted": 13, "evaluation_file": f"evaluation-{fiscal_year}.xlsx"}, outsider="dhss_units2")
    c.do("annual_summary", "working_group2",
         {"annual_summary_file": f"summary-{fiscal_year}.pdf", "summary_completed_on": f"{fiscal_year - 543}-09-15",
          "strategy_period_status": status}, outsider="innovation_staff1")


def test_happy_path(case):
    """One monitoring year: control, follow-up, evaluation and the 15 September summary; the period ends."""
    c = case("digital-strategy-monitoring", "innovation_staff1")
    _start(c)
    _year(c, 2568, "ended")
    assert c.done == ["form_group_and_set_criteria", "circulate_plan"] + YEAR
    assert c.status == "completed"
    assert c.data["strategy_period_status"] == "ended" and c.data["evaluation_file"] == "evaluation-2568.xlsx"
    assert c.data["working_group_members"] == ["working_group1", "working_group2"]
    assert sorted(c.data["unit_results"]) == ["on_plan", "on_plan"]


def test_yearly_cycle_over_the_strategy_period(case):
    """The yearly cycle (inferred loop) runs for the five years of the 2564-2568 strategy."""
    c = case("digital-strategy-monitoring", "innovation_staff2")
    _start(c)
    for year in range(2564, 2569):
        _year(c, year, "ended" if year == 2568 else "continues")
        if year < 2568:
            assert c.open() == ["control_operations"]
    assert c.done == ["form_group_and_set_criteria", "circulate_plan"] + YEAR * 5
    assert c.status == "completed"
    assert c.data["fiscal_year"] == 2568 and c.data["annual_summary_file"] == "summary-2568.pdf"
