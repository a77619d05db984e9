"""``krabuan export xes|ocel``: the log streamed to a file (or stdout), progress on stderr, the
same rights as the engine's (auditors and administrators)."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from lxml import etree

from cli import main
from helpers import DATA, drive_sop


@pytest.fixture
def run(k, monkeypatch):
    import cli as cli_module
    monkeypatch.setattr(cli_module, "get_engine", lambda ctx: k)
    runner = CliRunner()

    def invoke(*args):
        return runner.invoke(main, list(map(str, args)), catch_exceptions=False)

    return invoke


def test_export_xes_to_a_file_with_progress(k, run, tmp_path):
    instance_id, done = drive_sop(k, roundtrip=False)
    out = tmp_path / "log.xes"
    result = run("export", "xes", "sop_bench", "--from", "2500-01-01", "--to", "2600-12-31", "--out", out,
                 "--as", "auditor1")
    assert result.exit_code == 0, result.output
    events = len(k.cases.show(instance_id).history)
    assert f"{events}/{events} events read" in result.stderr and "1 case(s) written to" in result.stderr
    log = etree.parse(str(out))
    etree.XMLSchema(etree.parse(str(DATA / "xes" / "xes-ieee-1849-2016.xsd"))).assertValid(log)
    assert len(log.findall("trace/event/string[@value='complete']")) == len(done)


def test_export_ocel_to_stdout(k, run):
    drive_sop(k, roundtrip=False)
    result = run("export", "ocel", "sop_bench", "--as", "admin1")
    assert result.exit_code == 0, result.output
    log = json.loads(result.stdout)
    assert {"objectTypes", "eventTypes", "objects", "events"} <= set(log) and log["events"]


def test_export_refuses_who_may_not(k, run):
    result = run("export", "xes", "sop_bench", "--as", "clerk1")
    assert result.exit_code != 0 and result.stderr.startswith("error: ") and "auditors" in result.stderr
    result = run("export", "xes", "sop_bench", "--from", "yesterday", "--as", "auditor1")
    assert result.exit_code != 0 and "is not a date" in result.stderr
