"""Acting officials, absences and "on behalf of" in the browser and the API: the administrator's
page, the settings page's absence section, the worklist's capacity label, the preparation share."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import yaml
from helpers import DATA, FORM_DATA, do_task, open_tasks
from test_api import api  # noqa: F401 - the fixture

BANGKOK = timezone(timedelta(hours=7))


@pytest.fixture
def world(k, app, tmp_path: Path):
    """The test organisation with a director position (held by director1); it is 3 December 2026."""
    organisation = yaml.safe_load((DATA / "organisation.yaml").read_text(encoding="utf-8"))
    organisation["positions"] = [{"id": "director", "title": {"th": "ผู้อำนวยการ", "en": "Director"},
                                  "groups": ["director"], "holder": "director1"}]
    org_file = tmp_path / "organisation.yaml"
    org_file.write_text(yaml.safe_dump(organisation, allow_unicode=True), encoding="utf-8")
    k.people.load_organisation(org_file)
    k.ctx.fixed_now = datetime(2026, 12, 3, 9, 0, tzinfo=BANGKOK)
    return k


def to_review(k) -> tuple[int, int]:
    instance_id = k.cases.start("sop_bench", "clerk1").instance_id
    for element in ("register_application", "check_documents", "prepare_draft"):
        task = next(t for t in open_tasks(k, instance_id) if t.element_id == element)
        do_task(k, task.id, "clerk1", FORM_DATA[element])
    return instance_id, next(t.id for t in open_tasks(k, instance_id) if t.element_id == "director_review")


def test_only_an_administrator_appoints_and_the_worklist_names_the_capacity(world, signed_in):
    _, task_id = to_review(world)
    clerk = signed_in("registrar1")
    assert clerk.get("/admin/acting").status_code == 403
    assert "/admin/acting" not in clerk.get("/").get_data(as_text=True)  # not in the menu either
    before = len(world.acting.appointments("admin1"))
    clerk.post("/admin/acting", {"username": "registrar1", "position": "director", "kind": "delegated",
                                 "starts_on": "1/12/2569", "ends_on": "10/12/2569", "order_ref": "x"},
               headers={"Referer": "/"})
    assert len(world.acting.appointments("admin1")) == before  # refused, nothing written
    admin = signed_in("admin1")
    page = admin.get("/admin/acting").get_data(as_text=True)
    assert "ผู้รักษาราชการแทน" in page and "ปฏิบัติราชการแทน" in page
    response = admin.post("/admin/acting", {"username": "registrar1", "position": "director", "kind": "delegated",
                                            "starts_on": "1/12/2569", "ends_on": "10/12/2569",
                                            "order_ref": "คำสั่ง 12/2569"})
    assert response.status_code == 302
    listed = admin.get("/admin/acting").get_data(as_text=True)
    assert "คำสั่ง 12/2569" in listed and "มีผลอยู่" in listed
    overlapping = admin.post("/admin/acting", {"username": "clerk2", "position": "director", "kind": "acting",
                                               "starts_on": "5/12/2569", "ends_on": "6/12/2569", "order_ref": "y"},
                             headers={"Referer": "/admin/acting"})
    assert overlapping.status_code == 302
    assert "already covers" in admin.get("/admin/acting").get_data(as_text=True)
    html = clerk.get("/").get_data(as_text=True)
    row = next(r for r in html.split("<tr ") if f'data-task-id="{task_id}"' in r)
    assert "ปฏิบัติราชการแทน ผู้อำนวยการ" in row
    assert "ปฏิบัติราชการแทน ผู้อำนวยการ" in clerk.get(f"/tasks/{task_id}").get_data(as_text=True)


def test_the_settings_page_records_and_cancels_my_absence(world, signed_in):
    b = signed_in("clerk1")
    page = b.get("/settings").get_data(as_text=True)
    assert "การลาของฉัน" in page and 'value="clerk2"' in page and 'value="director1"' not in page
    assert b.post("/settings/absence", {"starts_on": "4/12/2569", "ends_on": "8/12/2569", "deputy": "clerk2",
                                        "reason": "ลาพักผ่อน"}).status_code == 302
    absence, = world.absences.absences("clerk1")
    assert (absence.deputy, absence.starts_on.isoformat(), absence.status) == ("clerk2", "2026-12-04", "upcoming")
    instance_id = world.cases.start("sop_bench", "clerk1").instance_id
    task_id = open_tasks(world, instance_id)[0].id
    world.tasks.claim(task_id, "clerk1")
    b.get("/settings")
    assert b.post("/settings/absence/hand-over").status_code == 302
    assert open_tasks(world, instance_id)[0].assignee == "clerk2"
    b.get("/settings")
    assert b.post(f"/settings/absence/{absence.id}/cancel").status_code == 302
    assert world.absences.absences("clerk1")[0].status == "cancelled"


def test_a_secretary_saves_a_draft_of_the_directors_task_through_the_pages(world, signed_in):
    _, task_id = to_review(world)
    world.tasks.claim(task_id, "director1")
    director = signed_in("director1")
    assert "ให้เพื่อนร่วมงานเตรียมงานนี้แทนฉัน" in director.get(f"/tasks/{task_id}").get_data(as_text=True)
    assert director.post(f"/tasks/{task_id}/preparers", {"to": "registrar1"}).status_code == 302
    secretary = signed_in("registrar1")
    page = secretary.get(f"/tasks/{task_id}").get_data(as_text=True)
    assert "คุณเตรียมงานนี้แทน director1" in page
    saved = secretary.post(f"/tasks/{task_id}/draft", {"decision": "approve", "comment": "ร่างโดยเลขา"})
    assert saved.status_code == 302
    assert world.tasks.open(task_id, world.accounts.account("director1")).draft["comment"] == "ร่างโดยเลขา"
    secretary.get(f"/tasks/{task_id}")
    secretary.post(f"/tasks/{task_id}/complete", {"decision": "approve", "committee": "a"},
                   headers={"Referer": f"/tasks/{task_id}"})
    assert world.tasks.get(task_id).state == "open"  # only the director completes it


def test_the_api_appoints_lists_and_records_absences(world, api):  # noqa: F811 - the fixture
    admin = api.token_of("admin1")
    refused = api("POST", "/acting", {"username": "registrar1", "position": "director", "kind": "acting",
                                      "starts_on": "2026-12-01", "ends_on": "2026-12-10", "order_ref": "x"})
    assert refused.status_code == 403
    made = api("POST", "/acting", {"username": "registrar1", "position": "director", "kind": "acting",
                                   "starts_on": "2026-12-01", "ends_on": "2026-12-10", "order_ref": "คำสั่ง 1/2569"},
               as_token=admin)
    assert made.status_code == 201 and made.get_json()["kind_th"] == "รักษาราชการแทน"
    own = api("POST", "/acting", {"username": "director1", "position": "director", "kind": "acting",
                                  "starts_on": "2027-01-01", "ends_on": "2027-01-02", "order_ref": "x"}, as_token=admin)
    assert own.status_code == 400 and own.get_json()["error"]["field"] == "username"
    assert [p["id"] for p in api("GET", "/positions").get_json()] == ["director"]
    assert api("GET", "/acting").get_json() == []  # clerk1 has none
    assert api("POST", f"/acting/{made.get_json()['id']}/end", as_token=admin).get_json()["status"] == "ended"
    absence = api("POST", "/absences", {"starts_on": "2026-12-03", "ends_on": "2026-12-04", "deputy": "clerk2"})
    assert absence.status_code == 201 and absence.get_json()["status"] == "in_force"
    assert api("POST", "/absences/hand-over").get_json() == {"deputy": "clerk2", "handed_over": [], "kept": {}}
    assert api("POST", f"/absences/{absence.get_json()['id']}/cancel").get_json()["status"] == "cancelled"
    assert [a["status"] for a in api("GET", "/absences").get_json()] == ["cancelled"]
    assert "/api/v1/acting" in api("GET", "/openapi.json", as_token=None).get_json()["paths"]
