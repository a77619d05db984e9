"""``krabuan deploy`` on models from elsewhere (issue 11, section 8): one line and exit 6 for a file
with nothing to run (no silent ``[]``), for a process id deployed from another file (accepted with
``--new-version-of``), and warnings on stderr (and in ``--json``) for lanes nobody can claim."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from cli import main
from engine.settings import PROJECT_ROOT

CORPUS = PROJECT_ROOT.parent / "shared" / "bpmn-corpus"  # ../shared beside the repository
SPIFF = CORPUS / "spiffworkflow-tests" / "bpmn"


@pytest.fixture
def run(project_settings):
    env = {"KRABUAN_DATA_DIR": str(project_settings.data_dir), "KRABUAN_DATABASE_URL": project_settings.database_url}
    runner = CliRunner()

    def invoke(*args):
        return runner.invoke(main, list(map(str, args)), env=env, catch_exceptions=False)

    assert invoke("init").exit_code == 0
    return invoke


def test_a_file_with_no_executable_process_exits_6_with_one_line_also_with_json(run):
    for extra in ((), ("--json",)):
        result = run("deploy", CORPUS / "miwg" / "A.4.1.bpmn", "--as", "admin1", *extra)
        assert result.exit_code == 6
        assert result.stdout == ""  # not "[]": nothing was deployed, and it says why
        assert result.stderr == (f"error: file {CORPUS / 'miwg' / 'A.4.1.bpmn'}: no executable process: its 2 "
                                 'process(es) are marked isExecutable="false" (descriptive diagrams); set '
                                 'isExecutable="true" on the one to run\n')


def test_a_process_id_from_another_file_needs_new_version_of(run):
    assert run("deploy", SPIFF / "parallel_multiinstance_cardinality.bpmn", "--as", "admin1").exit_code == 0
    other = SPIFF / "sequential_multiinstance_loop_input.bpmn"
    refused = run("deploy", other, "--as", "admin1")
    assert refused.exit_code == 6
    assert "--new-version-of main" in refused.stderr and len(refused.stderr.splitlines()) == 1
    deployed = run("deploy", other, "--as", "admin1", "--new-version-of", "main", "--json")
    assert deployed.exit_code == 0, deployed.output
    assert [(r["process_id"], r["version"], r["created"]) for r in json.loads(deployed.stdout)] == [("main", 2, True)]


def test_lanes_nobody_can_claim_are_warned_about_on_stderr_and_in_json(run):
    nested = sorted((SPIFF / "Test-Workflows").glob("Nested-*.bpmn20.xml"))
    result = run("deploy", *nested, "--as", "admin1")
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning: ")]
    assert any("lane 'sid-523D686B-3A1A-4B30-8111-8FB18DF2D3E3'" in w and "nobody can claim" in w
               and "known groups: " in w for w in warnings), result.stderr
    assert "warning" not in result.stdout
    again = json.loads(run("deploy", *nested, "--as", "admin1", "--json").stdout)
    assert all(r["created"] is False and r["warnings"] for r in again)
    assert all(r["warnings"] == [] for r in json.loads(
        run("deploy", PROJECT_ROOT / "processes" / "bpmn" / "send-letter.bpmn", "--as", "admin1", "--json").stdout))
