"""Every page and API route × who is asking: no unexpected allow (SQLite and PostgreSQL).

The case is started by clerk1 in the clerk lane (supervised by the director group). clerk2 is in
the lane, director1 supervises it, auditor1 audits, outsider has nothing to do with it.
The secrecy of register entries (the real project's registers) × who is asking is in
tests/web/test_registers_web.py (test_the_secrecy_matrix_of_the_page_the_export_and_the_api)."""
from __future__ import annotations

import pytest

from engine import Completion
from helpers import open_tasks

SEES = {"clerk1", "clerk2", "director1", "auditor1"}
WHO = ["anonymous", "clerk1", "clerk2", "director1", "auditor1", "outsider"]


@pytest.fixture
def world(app, k, signed_in):
    instance_id = k.cases.start("sop_bench", "clerk1").instance_id
    task_id = open_tasks(k, instance_id)[0].id
    browsers = {who: (app.test_client() if who == "anonymous" else signed_in(who)) for who in WHO}
    tokens = {who: k.accounts.create_token(who, "matrix", actor=who).secret for who in WHO if who != "anonymous"}
    return instance_id, task_id, browsers, tokens


def _get(browser, path):
    client = getattr(browser, "client", browser)
    return client.get(path)


@pytest.mark.parametrize("path", ["/tasks/{task}", "/cases/{case}", "/cases/{case}/diagram.bpmn"])
def test_pages_of_a_case(world, path):
    instance_id, task_id, browsers, _ = world
    for who, browser in browsers.items():
        status = _get(browser, path.format(task=task_id, case=instance_id)).status_code
        expected = 302 if who == "anonymous" else 200 if who in SEES else 404
        assert status == expected, (who, path, status)


@pytest.mark.parametrize("path", ["/api/v1/tasks/{task}", "/api/v1/instances/{case}",
                                  "/api/v1/instances/{case}/history"])
def test_api_reads_of_a_case(app, world, path):
    instance_id, task_id, _, tokens = world
    client = app.test_client()
    for who in WHO:
        headers = {"Authorization": f"Bearer {tokens[who]}"} if who in tokens else {}
        status = client.get(path.format(task=task_id, case=instance_id), headers=headers).status_code
        expected = 401 if who == "anonymous" else 200 if who in SEES else 404
        assert status == expected, (who, path, status)


def test_only_the_lane_acts_on_the_task(app, world, k):
    instance_id, task_id, _, tokens = world
    client = app.test_client()
    outcomes = {}
    for who in ("outsider", "auditor1", "director1", "clerk2"):
        response = client.post(f"/api/v1/tasks/{task_id}/claim", headers={"Authorization": f"Bearer {tokens[who]}"})
        outcomes[who] = response.status_code
    assert outcomes == {"outsider": 404, "auditor1": 403, "director1": 403, "clerk2": 200}
    assert open_tasks(k, instance_id)[0].assignee == "clerk2"


def test_a_double_submit_completes_once_and_says_so(signed_in, k):
    instance_id = k.cases.start("sop_bench", "clerk1").instance_id
    task = open_tasks(k, instance_id)[0]
    first_tab, second_tab = signed_in("clerk1"), signed_in("clerk1")
    first_tab.get(f"/tasks/{task.id}")
    second_tab.get(f"/tasks/{task.id}")
    form = {"applicant": "นายสมชาย", "subject": "ขอใช้ห้องประชุม"}
    assert first_tab.post(f"/tasks/{task.id}/complete", form).status_code == 302
    again = second_tab.post(f"/tasks/{task.id}/complete", form, headers={"Referer": f"/tasks/{task.id}"})
    assert again.status_code == 302
    page = second_tab.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert "already completed" in page or "เสร็จ" in page
    history = [e.event_type for e in k.cases.show(instance_id).history]
    assert history.count("task_completed") == 1


def test_evidence_files_of_a_case(app, world, k):
    """A file attached to the case: whoever may see the case may download it, nobody else."""
    instance_id, task_id, browsers, tokens = world
    sha = k.files.upload("clerk1", "หลักฐาน.pdf", b"%PDF-1.4\n% matrix\n%%EOF\n").sha256
    k.cases.complete(task_id, "clerk1", {"applicant": "x", "subject": "y", "attachments": [sha]},
                     how=Completion(claim=True))
    client = app.test_client()
    for who, browser in browsers.items():
        page = _get(browser, f"/files/{sha}")
        headers = {"Authorization": f"Bearer {tokens[who]}"} if who in tokens else {}
        api = client.get(f"/api/v1/files/{sha}", headers=headers)
        expected = (302, 401) if who == "anonymous" else (200, 200) if who in SEES else (404, 404)
        assert (page.status_code, api.status_code) == expected, who
        page.close()
        api.close()
