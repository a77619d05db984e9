"""`krabuan processes show` says what is inferred or corrected from the source (issue 11, section 5):
inferred durations, steps and flows, names and controls corrected, deadlines the flow spec corrects;
--json is the version's serialiser plus the model's."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from cli import main


@pytest.fixture
def cli(project_settings):
    env = {"KRABUAN_DATA_DIR": str(project_settings.data_dir), "KRABUAN_DATABASE_URL": project_settings.database_url}
    runner = CliRunner()

    def run(*args):
        result = runner.invoke(main, list(args), env=env, catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.stdout

    run("init")
    return run


def test_show_says_which_durations_names_controls_and_flows_are_inferred_or_corrected(cli):
    text = cli("processes", "show", "advance-loan")
    assert "- receive_assignment: ได้รับมอบหมายให้จัดทำเอกสารยืมเงินทดรองราชการ" in text
    assert "30 min (duration inferred)" in text
    assert "name corrected from the source: จัดทำเอกสารยืมเงินตราองราชการ" in text
    assert "deadline corrected from the source: A travel advance is settled within 15 days" in text
    assert "inferred flows (not drawn in the source):" in text
    assert ("- flow_gateway_loan_signed_to_prepare_loan_documents: gateway_loan_signed -> prepare_loan_documents "
            "(ส่งกลับแก้ไข); inferred: The source draws no rejection path for step 5") in text
    audit = cli("processes", "show", "asset-audit")
    assert "control cp2: ดำเนินการให้แล้วเสร็จ ภายใน ๓๐ วัน นับแต่วันลงจ่ายพัสดุ" in audit
    assert "corrected from the source (ดำเนินการให้แล้วเสร็จ ภายใน วันทำการ): The flowchart's control" in audit


def test_show_json_carries_the_inferred_flows_and_the_source_texts(cli):
    shown = json.loads(cli("processes", "show", "asset-audit", "--json"))
    assert {"process_id", "version", "name", "sha256", "lanes", "steps", "inferred_flows"} <= set(shown)
    assert shown["process_id"] == "asset-audit" and shown["version"] == 1
    flows = {f["element_id"]: f for f in shown["inferred_flows"]}
    assert flows["flow_gateway_damaged_supplies_to_file_annual_audit_documents"]["target"] == \
        "file_annual_audit_documents"
    assert all(f["inferred"] for f in flows.values())
    steps = {s["element_id"]: s for s in shown["steps"]}
    [moved] = steps["decide_disposal"]["controls"]
    assert moved["source"] == "พิจารณาและลงนาม ภายใน ๒ วัน" and "head of the agency" in moved["corrected"]
    assert steps["inspect_supplies"]["controls"][0]["corrected"]
    assert steps["decide_disposal"]["inferred"]  # an inferred task, as before


def test_show_lists_the_segregation_rules_of_the_process_and_of_its_approvals(cli):
    """Issue 12: each process's segregation-of-duties rules, declared and implicit, in text and --json."""
    text = cli("processes", "show", "asset-audit")
    assert "segregation of duties (nobody holds both sides in one case):" in text
    assert "- supplies_officer_not_inspector: group:supplies_officer step:draft_committee_order" in text
    assert "    เจ้าหน้าที่พัสดุต้องไม่เป็นกรรมการตรวจสอบพัสดุประจำปี / A supplies officer may not sit on the" in text
    assert "- preparer_not_approver (every approval and signature step: " in text
    shown = json.loads(cli("processes", "show", "asset-audit", "--json"))
    assert [r["id"] for r in shown["segregation"]] == ["supplies_officer_not_inspector"]
    assert "variable:audit_committee_members" in shown["segregation"][0]["not"]
    assert {d["id"] for d in shown["default_segregation"]} == {"starter_not_approver", "preparer_not_approver"}
    assert json.loads(cli("processes", "show", "send-letter", "--json"))["segregation"] == []
