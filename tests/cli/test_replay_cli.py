"""``krabuan audit replay``: one line per case, JSON, exit 1 on a divergence (here a register
number edited in a recorded completion), and a usage error without a case or a selection."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, text

from cli import main

LETTER = {"letter_subject": "ขอเชิญประชุม", "sender_reference": "สธ 0901/123", "letter_date": "2026-11-18",
          "sender": "กรมอนามัย", "addressee": "ผู้อำนวยการกลุ่ม", "recipients": "ฝ่ายแผนงาน", "copies": 2}


@pytest.fixture
def run(project_settings):
    env = {"KRABUAN_DATA_DIR": str(project_settings.data_dir), "KRABUAN_DATABASE_URL": project_settings.database_url}
    runner = CliRunner()

    def invoke(*args, code=0):
        result = runner.invoke(main, list(map(str, args)), env=env, catch_exceptions=False)
        assert result.exit_code == code, result.output
        return result

    invoke("init")
    return invoke


def _letter(run) -> int:
    instance_id = json.loads(run("start", "receive-letter", "--as", "clerk1", "--json").stdout)["instance_id"]
    for user, element, data in (("clerk1", "distribute_copies", LETTER),
                                ("clerk2", "file_original", {"file_category": "meeting_invitation",
                                                             "file_reference": "แฟ้ม 7"})):
        [task] = [t for t in json.loads(run("tasks", "--as", user, "--json").stdout)
                  if t["element_id"] == element and t["instance_id"] == instance_id]
        run("claim", task["id"], "--as", user)
        run("complete", task["id"], "--as", user, "--data", json.dumps(data, ensure_ascii=False), "--confirm", "cp1")
    return instance_id


def test_audit_replay_reports_each_case_and_exits_1_on_a_divergence(run, project_settings):
    first, second = _letter(run), _letter(run)
    out = run("audit", "replay", first).stdout
    assert f"case {first} (receive-letter v1): replays clean" in out
    report = json.loads(run("audit", "replay", "--process", "receive-letter", "--json").stdout)
    assert report["ok"] is True and report["cases"] == 2
    assert [r["instance_id"] for r in report["reports"]] == [first, second]
    assert all(r["divergence"] is None and r["digest"] for r in report["reports"])
    assert "UsageError" not in run("audit", "replay", code=2).output
    run("audit", "replay", first, "--all", code=2)
    if project_settings.effective_database_url.startswith("sqlite"):
        engine = create_engine(project_settings.effective_database_url)
        with engine.begin() as conn:
            conn.execute(text("DROP TRIGGER history_events_no_update"))
            seq, payload = conn.execute(text(
                "SELECT seq, payload FROM history_events WHERE instance_id = :i AND event_type = 'task_completed' "
                "ORDER BY seq LIMIT 1"), {"i": second}).one()
            data = json.loads(payload)
            issued = data["data"]["received_number"]
            data["data"]["received_number"] = "999/2569"
            conn.execute(text("UPDATE history_events SET payload = :p WHERE instance_id = :i AND seq = :s"),
                         {"p": json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False),
                          "i": second, "s": seq})
        engine.dispose()
        result = run("audit", "replay", "--all", code=1)
        assert f"case {first} (receive-letter v1): replays clean" in result.stdout
        assert f"case {second} (receive-letter v1): DIVERGES at event {seq} (register_number)" in result.stdout
        assert issued in result.stdout and "1 diverge" in result.stdout
        bad = json.loads(run("audit", "replay", second, "--json", code=1).stdout)["reports"][0]["divergence"]
        assert bad["what"] == "register_number" and bad["recorded"] == issued and "999/2569" in bad["replayed"]
