"""``krabuan processes propose | publish | reject | changes | diff``: a procedure's owner proposes a
changed model, a second person publishes it, and the diff reads in Thai (SQLite and PostgreSQL,
the real project; the `cli` fixture runs `krabuan init` first)."""
from __future__ import annotations

from engine.settings import PROJECT_ROOT
from test_cli import cli  # noqa: F401 - the fixture

MEETING = PROJECT_ROOT / "processes" / "bpmn" / "meeting-setup.bpmn"
WEEK = '{"type": "before_event", "amount": 1, "unit": "weeks", "event": "meeting_date"}'
TEN_DAYS = '{"type": "before_event", "amount": 10, "unit": "days", "event": "meeting_date"}'


def test_propose_publish_and_read_the_diff(cli, tmp_path):  # noqa: F811 - the fixture
    changed = tmp_path / "meeting-setup.bpmn"
    changed.write_text(MEETING.read_text(encoding="utf-8").replace(WEEK, TEN_DAYS), encoding="utf-8")
    refused = cli("processes", "propose", "meeting-setup", changed, "--effective", "2030-01-01", "--note", "10 วัน",
                  "--as", "clerk1", ok=False)
    assert refused.exit_code == 3 and "private to the procedure's owners" in refused.stderr
    proposed = cli.json("processes", "propose", "meeting-setup", changed, "--effective", "2573-01-01",
                        "--note", "หนังสือเชิญต้องถึงก่อน 10 วัน", "--as", "gen_admin_unit1")
    assert (proposed["status"], proposed["effective_from"]) == ("submitted", "2030-01-01")
    assert [c["kind"] for c in proposed["diff"]["changes"]] == ["deadline_changed"]
    own = cli("processes", "publish", str(proposed["id"]), "--as", "gen_admin_unit1", ok=False)
    assert own.exit_code == 4  # an owner is not an approver, and the author never approves
    out = cli("processes", "publish", str(proposed["id"]), "--as", "it_group_director1").stdout
    assert "version 2 published" in out and "2030-01-01" in out
    versions = [v for v in cli.json("processes") if v["process_id"] == "meeting-setup"]
    assert [(v["version"], v["effective_from"], v["approved_by"]) for v in versions] == [
        (1, None, None), (2, "2030-01-01", "it_group_director1")]
    lines = cli("processes", "diff", "meeting-setup", "1", "2").stdout
    assert "ส่งหนังสือเชิญ" in lines and "10 วัน" in lines and "[deadline_changed]" in lines
    english = cli("processes", "diff", "meeting-setup", "1", "2", "--lang", "en").stdout
    assert "10 days" in english
    listed = cli.json("processes", "changes", "meeting-setup", "--as", "it_group_director1")
    assert [(c["id"], c["status"], c["published_version"]) for c in listed] == [(proposed["id"], "published", 2)]


def test_a_model_with_problems_is_not_proposed_and_a_returned_change_says_why(cli, tmp_path):  # noqa: F811
    broken = tmp_path / "meeting-setup.bpmn"
    broken.write_text(MEETING.read_text(encoding="utf-8").replace(
        "</bpmn:process>", '<bpmn:task id="lonely" name="ลอย"/></bpmn:process>', 1), encoding="utf-8")
    refused = cli("processes", "propose", "meeting-setup", broken, "--effective", "2030-01-01", "--note", "x",
                  "--as", "gen_admin_unit1", ok=False)
    assert refused.exit_code == 2 and "lonely" in refused.stderr and "validate" in refused.stderr
    broken.write_text(MEETING.read_text(encoding="utf-8").replace(WEEK, TEN_DAYS), encoding="utf-8")
    proposed = cli.json("processes", "propose", "meeting-setup", broken, "--effective", "2030-01-01",
                        "--note", "x", "--as", "gen_admin_unit1")
    returned = cli.json("processes", "reject", str(proposed["id"]), "--reason", "ขอเหตุผล",
                        "--as", "it_group_director1")
    assert (returned["status"], returned["decision_note"]) == ("draft", "ขอเหตุผล")
