"""``krabuan audit show ID [--json] [--as USER]``: a case step by step as text (who, capacity, when in
the Buddhist era, the loop counts, the data), the same as JSON, logged as an auditor's view; a user
who may not see the case gets the answer a missing case gets."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from cli import main
from engine import Krabuan
from helpers import SOP_BENCH, drive_sop


@pytest.fixture
def cli(settings):
    env = {"KRABUAN_DATA_DIR": str(settings.data_dir), "KRABUAN_DATABASE_URL": settings.database_url,
           "KRABUAN_ORGANISATION_FILE": str(settings.organisation_file), "KRABUAN_FORMS_DIR": str(settings.forms_dir),
           "KRABUAN_PROCESSES_DIR": str(settings.processes_dir)}
    runner = CliRunner()

    def run(*args, ok=True):
        result = runner.invoke(main, list(map(str, args)), env=env, catch_exceptions=False)
        if ok:
            assert result.exit_code == 0, result.output
        return result

    return run


@pytest.fixture
def case_id(settings):
    k = Krabuan(settings)
    k.init()
    k.repository.deploy([SOP_BENCH])
    found, _ = drive_sop(k, rejections=1, roundtrip=False)
    k.close()
    return found


def test_audit_show_prints_the_case_step_by_step(cli, case_id, settings):
    out = cli("audit", "show", case_id, "--as", "auditor1").output
    assert out.startswith(f"case {case_id}: ")
    assert "task_completed Director review" in out and "comment: แก้ไขย่อหน้าที่ 2" in out
    assert "prepare_draft x2" in out and "director_review x2" in out  # the loop, taken twice
    assert "/25" in out.split("steps:")[1].splitlines()[1]  # the date in the Buddhist era (25xx)
    assert "waiting: nothing" in out and "applicant: นายสมชาย ใจดี" in out
    as_json = json.loads(cli("audit", "show", case_id, "--json", "--as", "auditor1").output)
    assert as_json["instance_id"] == case_id and as_json["states"][-1]["done"]["prepare_draft"] == 2
    assert [v["surface"] for v in as_json["viewed_by"]] == ["cli", "cli"]  # both views logged, newest first
    operator = cli("audit", "show", case_id).output  # on the server, without --as: the operator
    assert "viewed by (auditors):" in operator and " cli:" in operator
    refused = cli("audit", "show", case_id, "--as", "outsider", ok=False)
    assert refused.exit_code != 0 and "does not exist" in refused.output
