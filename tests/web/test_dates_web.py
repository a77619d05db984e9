"""Dates in the Buddhist era on the task page: typed as 15/12/2569 (or CE, other separators, ISO),
stored by the engine as ISO (CE), shown again as typed; a wrong date is said next to its field in
Thai with what was typed kept (SQLite and PostgreSQL)."""
from __future__ import annotations

import re

import pytest
from helpers import FORM_DATA, LANE_USER, do_task, open_tasks

from web.dates import for_input, to_iso


@pytest.mark.parametrize(("typed", "iso"), [
    ("15/12/2569", "2026-12-15"),  # Buddhist era, as Thai officials write it
    ("15-12-2569", "2026-12-15"),
    ("15.12.2569", "2026-12-15"),
    (" 1 / 1 / 2570 ", "2027-01-01"),
    ("15122569", "2026-12-15"),  # a phone's number pad has no "/"
    ("๑๕/๑๒/๒๕๖๙", "2026-12-15"),  # Thai digits
    ("15/12/2026", "2026-12-15"),  # a CE year (1900 to 2399)
    ("1/1/1900", "1900-01-01"),
    ("2026-12-15", "2026-12-15"),  # ISO, CE
    ("2569-12-15", "2026-12-15"),  # ISO with a Buddhist-era year
    ("29/2/2567", "2024-02-29"),  # 2567 BE = 2024 CE, a leap year
])
def test_a_typed_date_becomes_iso(typed, iso):
    assert to_iso(typed) == iso


@pytest.mark.parametrize("typed", [
    "29/2/2566",  # 2023: no 29 February
    "31/02/2569", "32/1/2569", "1/13/2569", "15/12/69", "15/12/1899", "2026-02-30", "15 ธันวาคม 2569",
    "abc", "", "15//12/2569",
])
def test_what_is_not_a_date_is_left_for_the_engine_to_report(typed):
    assert to_iso(typed) == typed


def test_an_iso_value_is_shown_in_the_buddhist_era_and_anything_else_as_typed():
    assert for_input("2026-12-15") == "15/12/2569"
    assert for_input("2024-02-29") == "29/2/2567"
    assert for_input("2026-12-15", buddhist=False) == "15/12/2026"
    assert for_input("31/02/2569") == "31/02/2569" and for_input("2026-02-30") == "2026-02-30"
    assert for_input("1800-01-01") == "1800-01-01"  # as d/m/2343 it would read back as CE 2343
    assert for_input(None) == "" and for_input("") == ""
    for iso in ("2026-12-15", "2024-02-29", "1900-01-01", "2399-12-31"):
        assert to_iso(for_input(iso)) == iso and to_iso(for_input(iso, buddhist=False)) == iso


def _notify_step(k):
    """A case of the test process driven to its last step, whose form has a date (notified_on)."""
    instance_id = k.cases.start("sop_bench", "clerk1").instance_id
    while True:
        task = open_tasks(k, instance_id)[0]
        if task.element_id == "notify_applicant":
            return instance_id, task
        data = {"director_review": {"decision": "approve", "committee": ["a"]},
                "committee_vote": {"vote": "yes"}}.get(task.element_id) or FORM_DATA[task.element_id]
        do_task(k, task.id, LANE_USER[task.candidate_groups[0]], data)


def _date_input(html: str) -> str:
    match = re.search(r'<input id="f-notified_on"[^>]*>', html)
    assert match, "the date field"
    return match.group(0)


def test_a_buddhist_era_date_is_typed_kept_and_stored_as_iso(signed_in, k):
    instance_id, task = _notify_step(k)
    clerk = signed_in("clerk1")
    page = clerk.get(f"/tasks/{task.id}").get_data(as_text=True)
    field = _date_input(page)
    assert 'type="text"' in field and 'inputmode="numeric"' in field and "data-be-date" in field
    assert 'data-picker-open="เลือกวันที่"' in field and 'aria-describedby="f-notified_on-hint"' in field
    assert '<div class="help" id="f-notified_on-hint">วว/ดด/ปปปป (พ.ศ.)</div>' in page
    assert re.search(r'<script src="/static/datepicker.js[^"]*" defer></script>', page)

    refused = clerk.post(f"/tasks/{task.id}/complete", {"notified_on": "31/02/2569"})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert re.search(r'data-field="notified_on".*?กรุณากรอกวันที่', html, re.S), "the Thai problem at the field"
    field = _date_input(html)
    assert 'value="31/02/2569"' in field and 'aria-invalid="true"' in field
    assert 'aria-describedby="f-notified_on-hint notified_on-error"' in field

    # A draft goes through the same conversion: kept as ISO, shown again in the Buddhist era.
    assert clerk.post(f"/tasks/{task.id}/draft", {"notified_on": "15.12.2569"}).status_code == 302
    assert k.tasks.open(task.id, k.accounts.account("clerk1")).draft == {"notified_on": "2026-12-15"}
    assert 'value="15/12/2569"' in _date_input(clerk.get(f"/tasks/{task.id}").get_data(as_text=True))
    clerk.post("/language/en", headers={"Referer": "/"})
    english = clerk.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert 'value="15/12/2026"' in _date_input(english) and "dd/mm/yyyy (CE or Buddhist Era)" in english
    clerk.post("/language/th", headers={"Referer": "/"})

    clerk.get(f"/tasks/{task.id}")
    done = clerk.post(f"/tasks/{task.id}/complete", {"notified_on": "15/12/2569"})
    assert done.status_code == 302, done.get_data(as_text=True)
    assert k.cases.show(instance_id).data["notified_on"] == "2026-12-15"
    # The case page shows the stored date in the Buddhist era, and a list joined, not as Python writes them
    case_page = clerk.get(f"/cases/{instance_id}").get_data(as_text=True)
    assert re.search(r"<dd>\s*15 ธันวาคม 2569\s*</dd>", case_page) and "2026-12-15</dd>" not in case_page
    assert "['a']" not in case_page


def test_a_page_without_a_date_field_loads_no_calendar(signed_in, k):
    task = open_tasks(k, k.cases.start("sop_bench", "clerk1").instance_id)[0]
    page = signed_in("clerk1").get(f"/tasks/{task.id}").get_data(as_text=True)
    assert "datepicker.js" not in page and "<script" not in page
