"""`krabuan processes check` warns about a lane that never gets a task unless the lane says why it is
idle; a warning does not fail the check (issue 11, section 4)."""
from __future__ import annotations

import json
import re

from click.testing import CliRunner

from cli import main
from engine.settings import PROJECT_ROOT


def test_a_lane_without_a_task_is_warned_about_and_an_idle_lane_is_not(project_settings, tmp_path):
    env = {"KRABUAN_DATA_DIR": str(project_settings.data_dir), "KRABUAN_DATABASE_URL": project_settings.database_url}
    runner = CliRunner()
    declared = PROJECT_ROOT / "processes" / "bpmn" / "send-letter.bpmn"
    undeclared = tmp_path / "send-letter.bpmn"
    text = declared.read_text(encoding="utf-8")
    undeclared.write_text(re.sub(r"<bpmn:extensionElements><krabuan:lane idle=\"[^\"]*\"/></bpmn:extensionElements>",
                                 "", text), encoding="utf-8")
    assert undeclared.read_text(encoding="utf-8") != text
    ok = runner.invoke(main, ["processes", "check", str(declared)], env=env, catch_exceptions=False)
    assert ok.exit_code == 0 and "warning" not in ok.stdout
    warned = runner.invoke(main, ["processes", "check", str(undeclared)], env=env, catch_exceptions=False)
    assert warned.exit_code == 0, warned.stdout
    assert f"{undeclared}: ok, 1 warning(s)" in warned.stdout
    assert "warning: element addressee: lane has no task (the role never acts)" in warned.stdout
    report = json.loads(runner.invoke(main, ["processes", "check", str(undeclared), "--json"], env=env,
                                      catch_exceptions=False).stdout)
    assert report["ok"] is True and report["files"] == {str(undeclared): []}
    assert [w.split(":")[0] for w in report["warnings"][str(undeclared)]] == ["element addressee"]
