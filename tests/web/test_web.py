"""The web app factory maps engine errors to HTTP once."""
from __future__ import annotations

from web import create_app


def test_health_processes_and_error_mapping(k):
    client = create_app(engine=k).test_client()
    assert client.get("/api/health").get_json() == {"status": "ok", "processes": 1}
    assert [p["process_id"] for p in client.get("/api/processes").get_json()] == ["sop_bench"]
    missing = client.get("/api/instances/999")
    assert missing.status_code == 404
    assert missing.get_json() == {"error_code": "not_found", "message": "instance 999 does not exist"}
    instance_id = k.cases.start("sop_bench", "clerk1").instance_id
    body = client.get(f"/api/instances/{instance_id}").get_json()
    assert body["status"] == "running" and body["open_tasks"][0]["element_id"] == "register_application"


def test_worklist_and_notifications_endpoints(k):
    client = create_app(engine=k).test_client()
    instance_id = k.cases.start("sop_bench", "clerk1").instance_id
    tasks = client.get("/api/users/clerk1/tasks").get_json()
    assert [t["instance_id"] for t in tasks] == [instance_id]
    assert "due_status" in tasks[0]
    assert client.get("/api/users/clerk1/notifications").get_json() == []
    assert client.get("/api/users/nobody/tasks").status_code == 404
