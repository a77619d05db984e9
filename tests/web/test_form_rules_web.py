"""The task page and a form's constraints: the limits a field takes are on the page before submitting
(maxlength, pattern, min/max, required, the rules' messages as hints); a cross-field rule's problem
is said next to its field in Thai with every typed value kept; a month is a select of Thai month
names and a Buddhist-era year, stored as YYYY-MM (SQLite and PostgreSQL)."""
from __future__ import annotations

import re

import pytest
from helpers import FORM_DATA, LANE_USER, do_task, forms_with_rules, make_settings, open_tasks


@pytest.fixture
def settings(tmp_path, database_url):
    return make_settings(tmp_path, database_url, forms_dir=forms_with_rules(tmp_path))


def _notify_step(k):
    """A case of the test process (amount 1,500.50 baht) at its last step, the notify form with rules."""
    instance_id = k.cases.start("sop_bench", "clerk1").instance_id
    while True:
        task = open_tasks(k, instance_id)[0]
        if task.element_id == "notify_applicant":
            return instance_id, task
        data = {"director_review": {"decision": "approve", "committee": ["a"]},
                "committee_vote": {"vote": "yes"}}.get(task.element_id) or FORM_DATA[task.element_id]
        do_task(k, task.id, LANE_USER[task.candidate_groups[0]], data)


def _field(html: str, name: str) -> str:
    """The markup of one field of the form, from its wrapper to the next field's."""
    match = re.search(rf'<div class="field[^"]*" data-field="{name}">(.*?)(?=<div class="field|</form>)', html, re.S)
    assert match, f"the field {name}"
    return match.group(1)


def test_the_limits_are_on_the_page_before_submitting(signed_in, k):
    _, task = _notify_step(k)
    page = signed_in("clerk1").get(f"/tasks/{task.id}").get_data(as_text=True)
    letter = _field(page, "letter_no")
    assert 'maxlength="20"' in letter and 'pattern="[0-9]+/[0-9]{4}"' in letter and "ไม่เกิน 20 ตัวอักษร" in letter
    copies = _field(page, "copies")
    assert 'type="number"' in copies and 'min="1"' in copies and 'max="50"' in copies and "ตั้งแต่ 1 ถึง 50" in copies
    assert "required" in _field(page, "notified_on")
    assert "วันครบกำหนดตอบต้องไม่ก่อนวันที่แจ้ง" in _field(page, "reply_by")  # the rule, as a hint
    month = _field(page, "report_month")
    assert '<option value="12" >ธันวาคม</option>' in month and 'name="report_month.year"' in month
    assert "เดือน และปี (พ.ศ.)" in month


def test_a_cross_field_problem_is_said_at_its_field_in_thai_with_what_was_typed_kept(signed_in, k):
    instance_id, task = _notify_step(k)
    clerk = signed_in("clerk1")
    clerk.get(f"/tasks/{task.id}")
    typed = {"notified_on": "20/11/2569", "reply_by": "19/11/2569", "fee": "1500.51", "report_month": "11",
             "report_month.year": "2569", "letter_no": "12/2569"}
    refused = clerk.post(f"/tasks/{task.id}/complete", typed)
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    reply_by = _field(html, "reply_by")
    assert '<div class="error" id="reply_by-error">วันครบกำหนดตอบต้องไม่ก่อนวันที่แจ้ง</div>' in reply_by
    assert 'value="19/11/2569"' in reply_by and 'aria-invalid="true"' in reply_by
    fee = _field(html, "fee")
    assert '<div class="error" id="fee-error">ค่าธรรมเนียมต้องไม่เกินจำนวนเงินที่ขอ</div>' in fee
    assert 'value="1500.51"' in fee
    assert 'class="help rule"' not in fee  # the hint gives way to the problem
    month = _field(html, "report_month")
    assert '<option value="11" selected>พฤศจิกายน</option>' in month and 'value="2569"' in month
    assert 'value="20/11/2569"' in _field(html, "notified_on") and 'value="12/2569"' in _field(html, "letter_no")
    assert '<a href="#f-reply_by">วันครบกำหนดตอบต้องไม่ก่อนวันที่แจ้ง</a>' in html  # in the summary too

    clerk.post("/language/en", headers={"Referer": "/"})
    clerk.get(f"/tasks/{task.id}")
    english = clerk.post(f"/tasks/{task.id}/complete", typed).get_data(as_text=True)
    assert "The reply date cannot be before the date notified" in _field(english, "reply_by")
    assert '<option value="11" selected>November</option>' in _field(english, "report_month")
    clerk.post("/language/th", headers={"Referer": "/"})
    clerk.get(f"/tasks/{task.id}")
    done = clerk.post(f"/tasks/{task.id}/complete", {**typed, "reply_by": "30/11/2569", "fee": "1500.50"})
    assert done.status_code == 302, done.get_data(as_text=True)
    data = k.cases.show(instance_id).data
    assert (data["reply_by"], data["fee"], data["report_month"]) == ("2026-11-30", 1500.5, "2026-11")


def test_a_month_is_shown_again_in_the_buddhist_era(signed_in, k):
    _, task = _notify_step(k)
    clerk = signed_in("clerk1")
    clerk.get(f"/tasks/{task.id}")
    assert clerk.post(f"/tasks/{task.id}/draft", {"report_month": "3", "report_month.year": "๒๕๗๐"}).status_code == 302
    assert k.tasks.open(task.id, k.accounts.account("clerk1")).draft == {"report_month": "2027-03"}
    month = _field(clerk.get(f"/tasks/{task.id}").get_data(as_text=True), "report_month")
    assert '<option value="3" selected>มีนาคม</option>' in month and 'value="2570"' in month
    refused = clerk.post(f"/tasks/{task.id}/complete", {"notified_on": "20/11/2569", "report_month.year": "2570"})
    assert "กรุณาเลือกเดือนและกรอกปี" in _field(refused.get_data(as_text=True), "report_month")
