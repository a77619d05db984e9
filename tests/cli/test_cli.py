"""The krabuan CLI: the two letter processes driven to the end as the right users, JSON contracts,
and one clear line with a non-zero exit for every user error."""
from __future__ import annotations

import json
import re
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from engine.settings import PROJECT_ROOT

_CHECKED: set[int] = set()


def _checked(engine):
    from helpers import check_roundtrips
    if id(engine) not in _CHECKED:
        _CHECKED.add(id(engine))
        check_roundtrips(engine)
    return engine


TASK_KEYS = {"id", "instance_id", "element_id", "name", "candidate_groups", "assignee", "form_key"}


@pytest.fixture
def cli(project_settings, monkeypatch):
    import cli as cli_module
    real_get_engine = cli_module.get_engine
    monkeypatch.setattr(cli_module, "get_engine", lambda ctx: _checked(real_get_engine(ctx)))
    env = {"KRABUAN_DATA_DIR": str(project_settings.data_dir),
           "KRABUAN_DATABASE_URL": project_settings.database_url}
    runner = CliRunner()

    def run(*args, ok=True):
        result = runner.invoke(main, list(map(str, args)), env=env, catch_exceptions=False)
        if ok:
            assert result.exit_code == 0, result.output
        return result

    def run_json(*args):
        return json.loads(run(*args, "--json").stdout)

    run.json = run_json
    run("init")
    return run


def _the_task(cli, user, element_id):
    tasks = [t for t in cli.json("tasks", "--as", user) if t["element_id"] == element_id]
    assert len(tasks) == 1, tasks
    assert TASK_KEYS <= set(tasks[0])
    return tasks[0]


def _do(cli, user, element_id, data, confirm=(), outsider="recipients1"):
    task = _the_task(cli, user, element_id)
    refused = cli("claim", task["id"], "--as", outsider, ok=False)  # not their case: as if it did not exist
    assert refused.exit_code == 3 and f"task {task['id']} does not exist" in refused.stderr
    cli("claim", task["id"], "--as", user)
    payload = json.dumps(data, ensure_ascii=False)
    if confirm:
        unconfirmed = cli("complete", task["id"], "--as", user, "--data", payload, ok=False)
        assert unconfirmed.exit_code == 2 and f"control point {confirm[0]} must be confirmed" in unconfirmed.stderr
    cli("complete", task["id"], "--as", user, "--data", payload, *[a for c in confirm for a in ("--confirm", c)])
    return task


def test_receive_letter_end_to_end(cli):
    assert {"username": "clerk1", "groups": ["clerk"]}.items() <= next(
        u for u in cli.json("users") if u["username"] == "clerk1").items()
    instance_id = cli.json("start", "receive-letter", "--as", "clerk1")["instance_id"]
    task = _do(cli, "clerk1", "distribute_copies",
               {"letter_subject": "ขอเชิญประชุม", "sender_reference": "สธ 0901/123", "letter_date": "2026-11-18",
                "sender": "กรมอนามัย", "addressee": "ผู้อำนวยการกลุ่ม",
                "recipients": "ฝ่ายแผนงาน, ฝ่ายพัฒนาระบบ", "copies": 2}, confirm=["cp1"])
    assert task["candidate_groups"] == ["clerk"] and task["form_key"] == "receive-letter.distribute_copies"
    _do(cli, "clerk2", "file_original", {"file_category": "meeting_invitation", "file_reference": "แฟ้ม 7"},
        confirm=["cp1"])
    show = cli.json("instance", "show", instance_id)
    assert show["status"] == "completed" and show["open_tasks"] == []
    assert show["process_id"] == "receive-letter" and show["version"] == 1
    assert show["data"]["received_number"].startswith("1/25")  # the first number of the received register
    assert [e["event_type"] for e in show["history"]][-1] == "instance_completed"
    assert cli("audit", "verify").exit_code == 0


def test_send_letter_end_to_end_with_a_revision(cli):
    instance_id = cli.json("start", "send-letter", "--as", "clerk1")["instance_id"]
    _do(cli, "clerk1", "receive_outgoing_letter",
        {"originating_unit": "งานพัฒนาระบบ", "letter_subject": "ขอความอนุเคราะห์ข้อมูล",
         "receipt_register_number": "ร 45"}, confirm=["cp1"])
    _do(cli, "clerk1", "check_letter", {"check_result": "needs_revision", "check_note": "ชื่อหน่วยงานผิด"},
        confirm=["cp1"])
    _do(cli, "internal_units1", "revise_letter", {"revision_note": "แก้ชื่อหน่วยงานแล้ว"})
    _do(cli, "clerk1", "check_letter", {"check_result": "correct"}, confirm=["cp1"])
    _do(cli, "clerk1", "issue_number", {"letter_date": "2026-11-20", "addressee": "ศูนย์อนามัยที่ 1"})
    _do(cli, "clerk1", "dispatch_letter", {"dispatch_method": "post", "dispatch_register_number": "ส 99"},
        confirm=["cp1"])
    show = cli.json("instance", "show", instance_id)
    assert show["status"] == "completed"
    done = [(e["payload"]["element_id"], e["actor"]) for e in show["history"] if e["event_type"] == "task_completed"]
    assert done == [("receive_outgoing_letter", "clerk1"), ("check_letter", "clerk1"),
                    ("revise_letter", "internal_units1"), ("check_letter", "clerk1"),
                    ("issue_number", "clerk1"), ("dispatch_letter", "clerk1")]
    assert show["data"]["letter_number"] == "สธ 0701/1"  # issued from the register of sent letters



def test_complete_with_claim_takes_and_finishes_an_unclaimed_task(cli):
    cli("start", "receive-letter", "--as", "clerk1")
    task = _the_task(cli, "clerk1", "distribute_copies")
    payload = json.dumps({"letter_subject": "ขอเชิญประชุม", "sender_reference": "สธ 0901/1",
                          "letter_date": "2026-11-18", "sender": "กรมอนามัย", "addressee": "ผู้อำนวยการกลุ่ม",
                          "recipients": "ฝ่ายแผนงาน", "copies": 1}, ensure_ascii=False)
    unclaimed = cli("complete", task["id"], "--as", "clerk2", "--data", payload, "--confirm", "cp1", ok=False)
    assert unclaimed.exit_code == 4 and "not claimed" in unclaimed.stderr
    done = cli.json("complete", task["id"], "--as", "clerk2", "--data", payload, "--confirm", "cp1", "--claim")
    assert (done["task"]["assignee"], done["task"]["state"]) == ("clerk2", "completed")
    assert [t["element_id"] for t in done["open_tasks"]] == ["file_original"]

@pytest.mark.parametrize("args, code, message", [
    (["start", "send-letter", "--as", "nobody"], 3, "user 'nobody' does not exist"),
    (["start", "no-such", "--as", "clerk1"], 3, "process 'no-such' is not deployed"),
    (["start", "send-letter", "--as", "clerk1", "--data", "{bad json"], 2, "--data is not valid JSON"),
    (["start", "send-letter", "--as", "clerk1", "--data", "[1]"], 2, "must be a JSON object"),
    (["claim", "999", "--as", "clerk1"], 3, "task 999 does not exist"),
    (["instance", "show", "999"], 3, "instance 999 does not exist"),
    (["deploy", "/nonexistent.bpmn", "--as", "admin1"], 6, "no such file"),
    (["deploy", "processes/bpmn/send-letter.bpmn", "--as", "clerk1"], 4, "may not deploy processes"),
    (["deploy", "processes/bpmn/send-letter.bpmn", "--as", "nobody"], 4, "may not deploy processes"),
    (["forms", "show", "nope"], 3, "form 'nope' does not exist"),
])
def test_user_errors_are_one_clear_line(cli, args, code, message):
    result = cli(*args, ok=False)
    assert result.exit_code == code
    assert result.stderr.strip().count("\n") == 0
    assert message in result.stderr and "Traceback" not in result.output


def test_completing_with_a_missing_field_names_it(cli):
    cli("start", "send-letter", "--as", "clerk1")
    task = _the_task(cli, "clerk1", "receive_outgoing_letter")
    cli("claim", task["id"], "--as", "clerk1")
    result = cli("complete", task["id"], "--as", "clerk1", "--data", '{"originating_unit": "x"}', "--confirm", "cp1",
                 ok=False)
    assert result.exit_code == 2 and "field letter_subject" in result.stderr
    assert _the_task(cli, "clerk1", "receive_outgoing_letter")["assignee"] == "clerk1"


def test_processes_and_forms_json(cli):
    versions = cli.json("processes")
    assert {(v["process_id"], v["version"]) for v in versions} >= {("receive-letter", 1), ("send-letter", 1)}
    starters = {v["process_id"]: v["start_groups"] for v in versions}
    assert starters["send-letter"] == ["clerk"] and starters["asset-audit"] == ["supplies_officer"]
    as_clerk = {v["process_id"]: v["can_start"] for v in cli.json("processes", "--as", "clerk1")}
    assert as_clerk["send-letter"] is True and as_clerk["asset-audit"] is False
    assert "started by: clerk  [may start]" in cli("processes", "--as", "clerk1").stdout
    form = cli.json("forms", "show", "send-letter.dispatch_letter")
    assert form["key"] == "send-letter.dispatch_letter"
    method = form["fields"][0]
    assert method["name"] == "dispatch_method" and method["type"] == "select" and method["required"] is True
    assert method["label"] == {"th": "วิธีส่ง", "en": "Dispatch method"}
    assert [o["value"] for o in method["options"]] == ["post", "messenger"]
    assert form["control_points"] == [{"id": "cp1", "label": {
        "th": "จัดทำทะเบียนส่ง เพื่อให้ผู้รับลงนามรับเอกสารทุกครั้ง",
        "en": "Keep a dispatch register and have the receiver sign for every document."}}]


def test_forms_show_lists_every_constraint_a_client_needs(cli):
    """Each select's values, min/max, maximum length, pattern, required, the month type and the
    cross-field rules (expression, the field they are shown next to, the message, the fields read)."""
    evidence = cli.json("forms", "show", "advance-loan.collect_settlement_evidence")
    fields = {f["name"]: f for f in evidence["fields"]}
    assert [o["value"] for o in fields["leftover_cash"]["options"]] == ["yes", "no"]
    assert fields["amount_spent"]["required"] is True and fields["amount_spent"]["min"] == 0
    assert evidence["rules"][0] == {
        "check": "leftover_cash != 'yes' or leftover_amount == amount_paid - amount_spent",
        "field": "leftover_amount",
        "message": {"th": "เงินเหลือส่งคืนต้องเท่ากับจำนวนเงินที่กลุ่มคลังจ่ายลบจำนวนเงินที่ใช้จ่ายจริง",
                    "en": "The unspent amount must equal the amount paid out by finance minus the amount actually spent"},
        "uses": ["amount_paid", "amount_spent", "leftover_amount", "leftover_cash"]}
    assignment = {f["name"]: f for f in cli.json("forms", "show", "meeting-setup.receive_assignment")["fields"]}
    assert (assignment["expected_participants"]["min"], assignment["expected_participants"]["max"]) == (1, 10000)
    assert assignment["meeting_subject"]["max_length"] == 500
    website = {f["name"]: f for f in cli.json("forms", "show", "annual-action-plan.publish_action_plan")["fields"]}
    assert website["website_url"]["pattern"] == r"https?://\S+"
    month = cli.json("forms", "show", "doc-monitoring.monthly_report")["fields"][0]
    assert (month["name"], month["type"]) == ("report_month", "month")
    text = cli("forms", "show", "advance-loan.collect_settlement_evidence").stdout
    assert "    one of: yes, no" in text and "[rule on leftover_amount]" in text


def test_console_script_is_installed_and_runs(tmp_path):
    exe = Path(sys.executable).with_name("krabuan")
    env = {**os.environ, "KRABUAN_DATA_DIR": str(tmp_path)}
    env.pop("KRABUAN_DATABASE_URL", None)
    out = subprocess.run([str(exe), "init"], env=env, capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=120)
    assert out.returncode == 0, out.stderr
    out = subprocess.run([str(exe), "claim", "1", "--as", "ghost"], env=env, capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 3 and out.stderr.startswith("error: ") and "Traceback" not in out.stderr
    # A read-only command imports only what it uses (start-up time): no ORM, no pydantic, no
    # Alembic, no SpiffWorkflow, no YAML, no holiday tables (they are cached in the data folder).
    probe = ("import sys\nfrom cli import main\ntry:\n    main(['tasks', '--as', 'clerk1'])\nexcept SystemExit:\n"
             "    pass\nheavy = ('pydantic', 'alembic', 'SpiffWorkflow', 'yaml', 'holidays', 'sqlalchemy.orm')\n"
             "print(sorted({m for m in sys.modules if m.startswith(heavy)}))")
    out = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and out.stdout.strip().splitlines()[-1] == "[]", out.stdout + out.stderr


def test_demo_takes_a_letter_through_send_letter(cli):
    out = cli("demo").stdout
    assert "internal_units1" in out and "revise_letter" in out
    assert "is completed; letter number สธ 0701/1" in out  # issued from the register of sent letters
    assert "hash chain verifies" in out
    assert "can sign in with the password 'krabuan-demo-2569'" in out
    # The cases left in flight for the web app are what the demo says they are.
    overdue, waiting, returned = (int(n) for n in re.search(
        r"case (\d+) overdue .*case (\d+) waiting for a director .*case (\d+) returned", out).groups())
    late = [t for t in cli.json("tasks", "--as", "clerk1") if t["instance_id"] == overdue]
    assert late and late[0]["due_status"] == "overdue" and late[0]["urgency"] == "most_urgent"
    director = [t for t in cli.json("tasks", "--as", "executive1") if t["instance_id"] == waiting]
    assert director and director[0]["element_id"] == "approve_activity"
    back = [t for t in cli.json("tasks", "--as", "clerk1") if t["instance_id"] == returned]
    assert back and back[0]["notice"]["comment"] == "กรุณาแนบโครงการฉบับที่ผู้อำนวยการลงนามแล้ว"


def test_serve_answers_on_its_port_with_the_scheduler(tmp_path):
    """The README's main command ends with `krabuan serve`: the sign-in page in Thai over HTTP."""
    import socket
    import time
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    exe = Path(sys.executable).with_name("krabuan")
    env = {**os.environ, "KRABUAN_DATA_DIR": str(tmp_path)}
    env.pop("KRABUAN_DATABASE_URL", None)
    assert subprocess.run([str(exe), "init"], env=env, capture_output=True, timeout=120).returncode == 0
    proc = subprocess.Popen([str(exe), "serve", "--port", str(port)], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    try:
        deadline, body = time.monotonic() + 60, ""
        while time.monotonic() < deadline and not body:
            try:
                body = urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=5).read().decode()
            except OSError:
                time.sleep(0.3)
        assert "เข้าสู่ระบบ" in body
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=30)
    assert f"http://127.0.0.1:{port}/" in out and "ticking every" in out


def test_audit_verify_reports_the_first_bad_event(cli, project_settings):
    instance_id = cli.json("start", "receive-letter", "--as", "clerk1")["instance_id"]
    task = _the_task(cli, "clerk1", "distribute_copies")
    cli("claim", task["id"], "--as", "clerk1")
    from sqlalchemy import create_engine, text
    url = project_settings.effective_database_url
    engine = create_engine(url)
    with engine.begin() as conn:
        if url.startswith("sqlite"):
            conn.execute(text("DROP TRIGGER history_events_no_update"))
        else:
            conn.execute(text("ALTER TABLE history_events DISABLE TRIGGER USER"))
        conn.execute(text("UPDATE history_events SET actor = 'mallory' WHERE instance_id = :i AND seq = 3"),
                     {"i": instance_id})
    engine.dispose()
    result = cli("audit", "verify", ok=False)
    assert result.exit_code == 10
    assert f"instance {instance_id}: first bad seq 3" in result.stdout
    report = json.loads(cli("audit", "verify", "--instance", instance_id, "--json", ok=False).stdout)
    assert report["ok"] is False and report["failures"][0]["first_bad_seq"] == 3


def test_unreachable_database_is_one_line(tmp_path):
    result = CliRunner().invoke(main, ["init"], env={"KRABUAN_DATABASE_URL": "postgresql://nobody@127.0.0.1:1/x",
                                                     "KRABUAN_DATA_DIR": str(tmp_path)})
    assert result.exit_code == 13
    assert result.stderr.startswith("error: the database cannot be reached") and result.stderr.count("\n") == 1


def test_time_commands_tasks_due_timers_triggers_scheduler_notifications(cli):
    import re
    instance_id = cli.json("start", "receive-letter", "--as", "clerk1")["instance_id"]
    line = next(x for x in cli("tasks", "--as", "clerk1").stdout.splitlines() if f"#{instance_id} " in x)
    assert re.search(r"due \d{4}-\d{2}-\d{2} 16:30 \((on time|due soon|OVERDUE)\)$", line), line
    task = next(t for t in cli.json("tasks", "--as", "clerk1") if t["instance_id"] == instance_id)
    assert task["due_at"] and task["due_status"] in ("on_time", "due_soon", "overdue")
    timers = cli.json("timers", "--instance", instance_id)
    assert [(t["kind"], t["task_id"]) for t in timers] == [("overdue", task["id"])]
    assert "overdue" in cli("timers", "--instance", instance_id).stdout
    listed = cli("triggers").stdout.splitlines()
    assert any(x.startswith("asset-audit/yearly: every year on 09-01 at 08:30") for x in listed), listed
    assert len(cli.json("triggers")) == 4
    assert cli("scheduler", "--once").stdout.startswith("fired ")
    assert cli("notifications", "--as", "clerk1").stdout.strip() in ("no notifications",) or \
        "Overdue" in cli("notifications", "--as", "clerk1").stdout
    out = cli("calendar", "add-holiday", "2099-01-05", "--name", "ทดสอบ", "--ref", "มติ ครม. ทดสอบ", "--as", "admin1").stdout
    assert "0 open deadline(s) moved" in out


def test_an_administrator_deploys(cli):
    out = cli("deploy", str(PROJECT_ROOT / "processes" / "bpmn" / "send-letter.bpmn"), "--as", "admin1").stdout
    assert "send-letter: unchanged, still version 1" in out
