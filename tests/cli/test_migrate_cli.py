"""``krabuan instances migrate``: the dry run lists the cases of older versions, a migration writes
the ``instance_migrated`` event, a case that cannot move is reported (exit 1) and left as it was,
and ``--json`` is the stable contract (the real project, SQLite and PostgreSQL)."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from migration_helpers import added_step, renewed, with_steps_after

from cli import main
from engine import Completion, Krabuan
from engine.settings import PROJECT_ROOT

SOURCE = PROJECT_ROOT / "processes" / "bpmn" / "receive-letter.bpmn"
COPIES = {"letter_subject": "เชิญประชุม", "sender_reference": "สธ 0801/77", "letter_date": "2026-11-30",
          "sender": "กองแผนงาน", "addressee": "ผู้อำนวยการกลุ่มเทคโนโลยีสารสนเทศ", "recipients": "ฝ่ายแผนงาน",
          "copies": 1, "copy_recipients": []}
ADDED = added_step("distribute_copies")


@pytest.fixture
def cli(project_settings):
    env = {"KRABUAN_DATA_DIR": str(project_settings.data_dir), "KRABUAN_DATABASE_URL": project_settings.database_url}
    runner = CliRunner()

    def run(*args, code=0):
        result = runner.invoke(main, list(map(str, args)), env=env, catch_exceptions=False)
        assert result.exit_code == code, result.output
        return result

    run("init")
    return run


@pytest.fixture
def k(project_settings, cli):
    engine = Krabuan(project_settings)
    yield engine
    engine.close()


def _deploy(cli, tmp_path, xml: bytes, version: int) -> None:
    folder = tmp_path / f"v{version}"
    folder.mkdir()
    (folder / SOURCE.name).write_bytes(xml)
    out = cli("deploy", folder / SOURCE.name, "--as", "admin1").stdout
    assert f"deployed as version {version}" in out


def test_dry_run_then_migrate_one_case(cli, k, tmp_path):
    first = k.cases.start("receive-letter", "clerk1").instance_id
    second = k.cases.start("receive-letter", "clerk1").instance_id
    _deploy(cli, tmp_path, with_steps_after(SOURCE.read_bytes(), ["distribute_copies"]), 2)
    args = ("instances", "migrate", "--process", "receive-letter", "--to", 2)
    out = cli(*args, "--dry-run", "--as", "admin1").stdout.splitlines()
    assert out == [f"case {first} v1 -> v2: can move (waits in distribute_copies; adds {ADDED}; "
                   "changes distribute_copies, split_copies_and_filing)",
                   f"case {second} v1 -> v2: can move (waits in distribute_copies; adds {ADDED}; "
                   "changes distribute_copies, split_copies_and_filing)",
                   "2 case(s) on older versions, 2 can move to version 2"]
    assert k.cases.show(first).version == 1  # the dry run wrote nothing
    out = cli(*args, "--case", first, "--as", "admin1").stdout.splitlines()
    assert out == [f"case {first} v1 -> v2: migrated (waits in distribute_copies; adds {ADDED}; "
                   "changes distribute_copies, split_copies_and_filing)", "1 case(s): 1 migrated to version 2"]
    assert (k.cases.show(first).version, k.cases.show(second).version) == (2, 1)
    shown = cli("instance", "show", first).stdout
    assert "instance_migrated  admin1" in shown
    assert json.loads(cli("audit", "verify", "--instance", first, "--json").stdout)["ok"]


def test_a_case_that_cannot_move_is_reported_in_json(cli, k, tmp_path):
    plain = SOURCE.read_bytes()
    _deploy(cli, tmp_path, with_steps_after(plain, ["distribute_copies"]), 2)
    stuck = k.cases.start("receive-letter", "clerk1").instance_id  # on version 2
    [task] = k.tasks.of_case(stuck)
    k.cases.complete(task.id, "clerk1", COPIES, ["cp1"], how=Completion(claim=True))
    assert [t.element_id for t in k.tasks.of_case(stuck)] == [ADDED]
    _deploy(cli, tmp_path, renewed(plain, "version 3"), 3)
    args = ("instances", "migrate", "--process", "receive-letter", "--to", 3, "--as", "admin1", "--json")
    [plan] = json.loads(cli(*args, "--dry-run").stdout)
    assert plan["instance_id"] == stuck and plan["can_move"] is False
    assert plan["waiting"] == [ADDED]
    [outcome] = json.loads(cli(*args, code=1).stdout)
    assert outcome["outcome"] == "refused" and outcome["from_version"] == 2
    assert ADDED in outcome["reasons"][0] and "does not have" in outcome["reasons"][0]
    assert k.cases.show(stuck).version == 2
    assert "instance_migrated" not in cli("instance", "show", stuck).stdout


def test_only_the_procedures_owners_and_administrators_may(cli, k, tmp_path):
    _deploy(cli, tmp_path, renewed(SOURCE.read_bytes(), "version 2"), 2)
    result = cli("instances", "migrate", "--process", "receive-letter", "--to", 2, "--as", "clerk1", code=4)
    assert "may not move the cases of receive-letter" in result.output and "owners" in result.output
    owner = cli("instances", "migrate", "--process", "receive-letter", "--to", 2, "--dry-run",
                "--as", "gen_admin_unit1")  # an owner of receive-letter (processes/owners.yaml)
    assert owner.exit_code == 0
