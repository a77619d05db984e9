"""Completing a step checks its form's cross-field rules against the case's data from earlier steps
(the amount the register step entered), exactly for money; a refusal names the field and leaves the
task open; a month and a Buddhist-era date are stored in CE (SQLite and PostgreSQL)."""
from __future__ import annotations

import pytest
from helpers import FORM_DATA, LANE_USER, do_task, forms_with_rules, make_settings, open_tasks

from engine.errors import InvalidInput


@pytest.fixture
def settings(tmp_path, database_url):
    return make_settings(tmp_path, database_url, forms_dir=forms_with_rules(tmp_path))


def _at_notify(k):
    """A case of the test process (amount 1,500.50 baht) at its last step, claimed by the clerk."""
    instance_id = k.cases.start("sop_bench", "clerk1").instance_id
    while True:
        task = open_tasks(k, instance_id)[0]
        if task.element_id == "notify_applicant":
            k.tasks.claim(task.id, "clerk1")
            return instance_id, task
        data = {"director_review": {"decision": "approve", "committee": ["a"]},
                "committee_vote": {"vote": "yes"}}.get(task.element_id) or FORM_DATA[task.element_id]
        do_task(k, task.id, LANE_USER[task.candidate_groups[0]], data)


def test_a_rule_reads_an_earlier_steps_amount_exactly(k):
    instance_id, task = _at_notify(k)
    with pytest.raises(InvalidInput) as refused:
        k.cases.complete(task.id, "clerk1", {"notified_on": "2569-11-20", "fee": "1500.51",
                                              "reply_by": "2569-11-19"})
    problems = {p["field"]: p for p in refused.value.details["problems"]}
    assert set(problems) == {"fee", "reply_by"} and problems["fee"]["code"] == "rule"
    assert problems["fee"]["params"]["th"] == "ค่าธรรมเนียมต้องไม่เกินจำนวนเงินที่ขอ"
    assert [t.element_id for t in open_tasks(k, instance_id)] == ["notify_applicant"]  # nothing was done

    k.cases.complete(task.id, "clerk1", {"notified_on": "2569-11-20", "fee": "1500.50", "reply_by": "2569-11-30",
                                         "report_month": "11/2569"})
    data = k.cases.show(instance_id).data
    assert (data["notified_on"], data["reply_by"], data["report_month"], data["fee"]) == \
        ("2026-11-20", "2026-11-30", "2026-11", 1500.5)
    assert k.cases.show(instance_id).status == "completed"
