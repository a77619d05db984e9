"""The worklist in the browser and the API: urgency and title, most urgent first, filters,
delegation, drafts, notifications with their count, and each user's language and digits."""
from __future__ import annotations

import re

from test_api import api  # noqa: F401 - the fixture

from engine import CaseHeader


def _rows(html):
    return re.findall(r'<tr data-task-id="(\d+)">(.*?)</tr>', html, re.S)


def test_the_worklist_shows_urgency_as_words_most_urgent_first(signed_in, k):
    k.cases.start("sop_bench", "clerk1", header=CaseHeader("ขอซ่อมหลังคา", "normal"))
    k.cases.start("sop_bench", "clerk1", header=CaseHeader("น้ำท่วมห้องเก็บเอกสาร", "most_urgent"))
    b = signed_in("clerk2")
    html = b.get("/").get_data(as_text=True)
    rows = _rows(html)
    assert "น้ำท่วมห้องเก็บเอกสาร" in rows[0][1] and "ด่วนที่สุด" in rows[0][1]
    assert "ขอซ่อมหลังคา" in rows[1][1] and "ปกติ" in rows[1][1]
    filtered = b.get("/?q=หลังคา").get_data(as_text=True)
    assert len(_rows(filtered)) == 1 and 'value="หลังคา"' in filtered
    assert len(_rows(b.get("/?process=sop_bench").get_data(as_text=True))) == 2
    assert _rows(b.get("/?process=nothing").get_data(as_text=True)) == []


def test_a_case_is_started_with_its_title_and_urgency(signed_in, k):
    b = signed_in("clerk1")
    b.get("/start")
    response = b.post("/start/sop_bench", {"title": "ขอใช้รถราชการ <b>", "urgency": "very_urgent"})
    assert response.status_code == 302
    task = k.tasks.worklist("clerk2")[0]
    assert (task.title, task.urgency) == ("ขอใช้รถราชการ <b>", "very_urgent")
    html = b.get("/").get_data(as_text=True)
    assert "ขอใช้รถราชการ &lt;b&gt;" in html and "ด่วนมาก" in html
    b.get("/start")
    before = len(k.tasks.worklist("clerk2"))
    refused = b.post("/start/sop_bench", {"urgency": "whenever"}, headers={"Referer": "/start"})
    assert refused.status_code == 302 and len(k.tasks.worklist("clerk2")) == before  # nothing started
    assert re.search(r'class="flash error"[^>]*>[^<]*urgency', b.get("/start").get_data(as_text=True))


def test_delegation_notifications_and_the_unread_count(api, signed_in, k):  # noqa: F811
    started = api("POST", "/processes/sop_bench/instances", {"title": "เรื่องด่วน", "urgency": "urgent"})
    assert started.status_code == 201
    task_id = started.get_json()["open_tasks"][0]["id"]
    assert started.get_json()["open_tasks"][0]["urgency"] == "urgent"
    refused = api("POST", f"/tasks/{task_id}/delegate", {"to": "clerk2"})
    assert refused.status_code == 400 and refused.get_json()["error"]["field"] == "reason"
    wrong = api("POST", f"/tasks/{task_id}/delegate", {"to": "director1", "reason": "busy"})
    assert wrong.status_code == 400 and wrong.get_json()["error"]["field"] == "to"
    given = api("POST", f"/tasks/{task_id}/delegate", {"to": "clerk2", "reason": "ไปราชการ"})
    assert given.status_code == 200 and given.get_json()["assignee"] == "clerk2"
    colleague = api.token_of("clerk2")
    notes = api("GET", "/notifications", as_token=colleague).get_json()
    assert notes["unread"] == 1 and notes["items"][0]["kind"] == "delegated"
    b = signed_in("clerk2")
    html = b.get("/").get_data(as_text=True)
    assert re.search(r'class="badge"[^>]*>1<', html)
    assert "ไปราชการ" in b.get("/notifications").get_data(as_text=True)
    b.post("/notifications/read")
    assert 'class="badge"' not in b.get("/").get_data(as_text=True)
    assert api("GET", "/notifications", as_token=colleague).get_json()["unread"] == 0


def test_the_lane_changes_urgency_and_a_draft_is_private(api, k):  # noqa: F811
    instance_id = api("POST", "/processes/sop_bench/instances", {}).get_json()["instance_id"]
    assert api("POST", f"/instances/{instance_id}/urgency", {"urgency": "most_urgent"}).status_code == 204
    assert api("GET", "/tasks").get_json()["items"][0]["urgency"] == "most_urgent"
    outsider = api.token_of("outsider")
    assert api("POST", f"/instances/{instance_id}/urgency", {"urgency": "normal"}, as_token=outsider).status_code == 404
    assert api("POST", f"/instances/{instance_id}/urgency", {"urgency": "soon"}).status_code == 400
    task_id = k.tasks.of_case(instance_id)[0].id
    assert api("PUT", f"/tasks/{task_id}/draft", {"data": {"applicant": "นาง ค"}}).status_code == 204
    assert api("GET", f"/tasks/{task_id}").get_json()["draft"] == {"applicant": "นาง ค"}
    colleague = api.token_of("clerk2")
    assert api("GET", f"/tasks/{task_id}", as_token=colleague).get_json()["draft"] is None
    assert api("PUT", f"/tasks/{task_id}/draft", {"data": {}}, as_token=outsider).status_code == 404


def test_language_and_thai_digits_follow_the_user(signed_in, k):
    k.cases.start("sop_bench", "clerk1", header=CaseHeader("เรื่อง 12", "urgent"))
    b = signed_in("clerk2")
    b.get("/settings")
    assert b.post("/settings", {"language": "en", "thai_digits": "on"}).status_code == 302
    account = k.accounts.account("clerk2")
    assert (account.language, account.thai_digits) == ("en", True)
    html = b.get("/").get_data(as_text=True)
    assert "Urgent" in html and "My work" in html  # English, from the account, not a cookie
    assert re.search(r"#[๐-๙]+", html)  # the case number in Thai digits
    other = signed_in("clerk2")  # another device: the same choices
    assert "My work" in other.get("/").get_data(as_text=True)
    b.get("/settings")
    b.post("/settings", {"language": "th"})
    html = b.get("/").get_data(as_text=True)
    assert "งานของฉัน" in html and re.search(r"#\d+", html)


def test_a_field_the_form_does_not_have_never_reaches_the_case(signed_in, k):
    task = k.cases.start("sop_bench", "clerk1").open_tasks[0]
    b = signed_in("clerk1")
    b.get(f"/tasks/{task.id}")
    sent = b.post(f"/tasks/{task.id}/complete", {"applicant": "นายสมชาย", "subject": "ขอใช้ห้อง",
                                                 "approved": "true", "__class__": "x", "decision": "approve"})
    assert sent.status_code == 302
    data = k.cases.show(task.instance_id).data
    assert data["applicant"] == "นายสมชาย" and not {"approved", "__class__", "decision"} & set(data)


def test_the_case_and_its_steps_read_by_their_labels(signed_in, k):
    from engine import Completion
    from helpers import FORM_DATA
    task = k.cases.start("sop_bench", "clerk1").open_tasks[0]
    k.cases.complete(task.id, "clerk1", FORM_DATA["register_application"], how=Completion(claim=True))
    b = signed_in("clerk1")
    case = b.get(f"/cases/{task.instance_id}").get_data(as_text=True)
    assert "<dt>ผู้ยื่น</dt>" in case and "<dt>applicant</dt>" not in case
    nxt = k.tasks.of_case(task.instance_id)[0]
    page = b.get(f"/tasks/{nxt.id}").get_data(as_text=True)
    assert "<dt>ผู้ยื่น</dt>" in page  # what the earlier step entered, by its label
