"""doc-monitoring: every path, as the users of the right lanes."""
from __future__ import annotations

from datetime import datetime

import pytest

from engine import BANGKOK
from engine.errors import Forbidden, NotFound

PLANNING = {"fiscal_year": 2570, "meeting_date": "2026-09-15", "data_requirements": "กรอบข้อมูลแผน/ผล/งบประมาณ"}
BASELINE = {"import_presentation_formats": "แบบฟอร์มนำเข้า Excel, Dashboard",
            "baseline_data_loaded": ["strategic_plan", "budget_plan", "outputs_projects", "indicators",
                                     "main_activities"],
            "doc_import_reference": "DOC-IMP-2570-01"}
DEVELOP = {"system_version": "4.1", "test_summary": "ผ่านการทดสอบ", "user_manual": "doc-manual-2570.pdf"}
UNITS = {"doh_nutrition": "doh_nutrition1", "doh_health_center": "doh_health_center1"}  # unit: a member
COMMUNICATE = {"communication_channels": ["training", "letter"], "communicated_on": "2026-10-20",
               "officers_reached": 120, "reporting_units": list(UNITS), "reporting_month": "2026-11"}
CORRECT = {"data_check_result": "correct"}
ERRORS = {"data_check_result": "errors_found", "units_with_errors": "ศูนย์อนามัยที่ 3: โครงการ A ไม่มีผลเบิกจ่าย"}
FIX = {"correction_note": "เพิ่มผลการเบิกจ่าย", "corrected_on": "2026-11-23"}


def report(month, unit):
    return {"doc_report_reference": f"R-{month}-{unit}", "budget_spent": "125000.50"}


def units_report(c, month, outsider=None):
    """Each unit reports its month in its own task (issue 11, section 4)."""
    for unit, member in UNITS.items():
        c.do("units_report_in_doc", member, report(month, unit), outsider=outsider)
    assert c.data["unit_doc_references"] == [f"R-{month}-{unit}" for unit in UNITS]


def check_window(c, month):
    """Each month's check opens on the 20th of that month (issue 11, section 3)."""
    assert c.open() == []
    year, number = (int(part) for part in month.split("-"))
    c.wait_until(datetime(year, number, 20, 8, 31, tzinfo=BANGKOK))
    assert c.open() == ["check_monthly_data"]


def summary(month, window):
    year, number = (int(part) for part in month.split("-"))
    following = f"{year + number // 12}-{number % 12 + 1:02d}"
    return {"report_month": month, "summary_report": f"summary-{month}.pdf", "sent_on": f"{month}-25",
            "reporting_window": window, **({"reporting_month": following} if window == "open" else {})}


def _set_up(c):
    c.k.ctx.fixed_now = datetime(2026, 9, 10, 9, 0, tzinfo=BANGKOK)
    c.do("planning_meeting", "data_dev_group1", PLANNING, outsider="doh_units1")
    c.do("design_and_import_baseline", "data_dev_group2", BASELINE, outsider="unit_reporters1")
    c.do("develop_test_manual", "data_dev_group1", DEVELOP)
    c.do("communicate_usage", "data_dev_group1", COMMUNICATE, outsider="unit_data_officers1")


SET_UP = ["planning_meeting", "design_and_import_baseline", "develop_test_manual", "communicate_usage"]
REPORTS = ["units_report_in_doc"] * len(UNITS)


def test_happy_path_one_month_data_correct(case):
    """Data correct at the first check; the report closes the reporting window."""
    c = case("doc-monitoring", "data_dev_group1")
    _set_up(c)
    units_report(c, "2026-11", outsider="data_dev_group1")
    check_window(c, "2026-11")
    c.do("check_monthly_data", "data_dev_group2", CORRECT, outsider="unit_system_admin1")
    c.do("monthly_report", "data_dev_group1", summary("2026-11", "closed"), outsider="evaluation_group1")
    assert c.done == SET_UP + REPORTS + ["check_monthly_data", "monthly_report"]
    assert c.status == "completed"
    assert c.data["doc_import_reference"] == "DOC-IMP-2570-01"


def test_errors_found_unit_admin_fixes_twice(case):
    """Wrong data found twice; the unit system administrator corrects it each time, then it is correct."""
    c = case("doc-monitoring", "data_dev_group1")
    _set_up(c)
    units_report(c, "2026-11", outsider="unit_system_admin2")
    check_window(c, "2026-11")
    for _ in range(2):
        c.do("check_monthly_data", "data_dev_group1", ERRORS)
        assert c.open() == ["fix_unit_data"]
        c.do("fix_unit_data", "unit_system_admin1", FIX, outsider="data_dev_group1")
    c.do("check_monthly_data", "data_dev_group1", CORRECT)
    c.do("monthly_report", "data_dev_group2", summary("2026-11", "closed"))
    assert c.done == SET_UP + REPORTS + ["check_monthly_data", "fix_unit_data", "check_monthly_data",
                                         "fix_unit_data", "check_monthly_data", "monthly_report"]
    assert c.status == "completed"
    assert c.data["correction_note"] == "เพิ่มผลการเบิกจ่าย" and c.data["data_check_result"] == "correct"


def test_monthly_cycle_repeats_until_window_closes(case):
    """Three monthly cycles (window open twice), with a correction in the second month."""
    c = case("doc-monitoring", "data_dev_group2")
    _set_up(c)
    months = ["2026-11", "2026-12", "2027-01"]
    for i, month in enumerate(months):
        units_report(c, month, outsider="data_dev_group2")
        check_window(c, month)
        if i == 1:
            c.do("check_monthly_data", "data_dev_group1", ERRORS)
            c.do("fix_unit_data", "unit_system_admin2", FIX, outsider="unit_reporters2")
        c.do("check_monthly_data", "data_dev_group1", CORRECT)
        c.do("monthly_report", "data_dev_group1", summary(month, "closed" if i == 2 else "open"))
    cycle = REPORTS + ["check_monthly_data", "monthly_report"]
    assert c.done == SET_UP + cycle + REPORTS + ["check_monthly_data", "fix_unit_data",
                                                 "check_monthly_data", "monthly_report"] + cycle
    assert c.status == "completed"
    assert c.data["report_month"] == "2027-01" and c.data["reporting_window"] == "closed"


def test_each_unit_reports_its_month_until_the_check_opens(case):
    """Issue 11, section 4: each DOH unit reports in its own task (another unit's member and the data
    group cannot); a unit that has not reported when the month's check opens on the 20th is passed
    over (its task cancelled) and the check goes on with the reports given."""
    c = case("doc-monitoring", "data_dev_group1")
    _set_up(c)
    tasks = {t.candidate_groups: t for t in c.k.tasks.of_case(c.id) if t.element_id == "units_report_in_doc"}
    assert set(tasks) == {("doh_nutrition",), ("doh_health_center",)}
    for not_theirs in ("doh_health_center1", "unit_reporters1", "data_dev_group1"):
        with pytest.raises((Forbidden, NotFound)):
            c.k.tasks.claim(tasks[("doh_nutrition",)].id, not_theirs)
    c.do("units_report_in_doc", "doh_nutrition2", report("2026-11", "doh_nutrition"))
    assert c.open() == ["units_report_in_doc"]  # the health center has not reported yet
    c.wait_until(datetime(2026, 11, 20, 8, 31, tzinfo=BANGKOK))
    c.wait_until()  # the check's own wait, due at the same moment
    assert c.k.tasks.get(tasks[("doh_health_center",)].id).state == "cancelled"
    assert c.open() == ["check_monthly_data"]
    assert c.data["unit_doc_references"] == ["R-2026-11-doh_nutrition"]
