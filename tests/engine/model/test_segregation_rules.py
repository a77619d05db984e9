"""Segregation-of-duties rules as process data (engine.model.segregation): read from
``<krabuan:segregation>``, refused at deploy with a clear message when malformed or naming a step or
variable the process does not have, kept with the version, listed by ``processes show``, and the
two sides checked both ways."""
from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from lxml import etree

from engine import Krabuan
from engine.errors import DeployError
from engine.model.definitions import NS, ProcessModel, read_process_model
from engine.model.segregation import SegregationRule, breaches, read_rules
from engine.settings import PROJECT_ROOT

BPMN = PROJECT_ROOT / "processes" / "bpmn"
GOOD = {"id": "borrower_not_approver", "who": "variable:borrower", "not": "step:approve step:sign",
        "th": "ผู้ยืมไม่สามารถอนุมัติเงินยืมของตนเอง", "en": "The borrower cannot approve their own loan"}


@pytest.mark.parametrize(("change", "message"), [
    ({"id": "Borrower"}, "a segregation rule id is lower_snake_case, not 'Borrower'"),
    ({"who": ""}, "krabuan:segregation needs who and not"),
    ({"not": "stage:approve"},
     "krabuan:segregation role 'stage:approve' is not one of starter, step:<element id>, variable:<name> or "
     "group:<id>"),
    ({"who": "variable:Borrower"}, "krabuan:segregation role 'variable:Borrower' is not one of"),
    ({"who": "step:approve"}, "segregation rule borrower_not_approver: step:approve is on both sides"),
    ({"th": " "}, "a segregation rule needs both th and en texts"),
    ({"colour": "red"}, "krabuan:segregation takes id, who, not, th, en and why, not colour"),
])
def test_a_malformed_rule_is_refused_naming_the_process(change, message):
    with pytest.raises(DeployError, match="^" + re.escape(f"file f.bpmn, element p: {message}")):
        read_rules([{**GOOD, **change}], "f.bpmn", "p")


def test_a_rule_id_is_used_once():
    with pytest.raises(DeployError, match="segregation rule id borrower_not_approver is used twice"):
        read_rules([GOOD, GOOD], "f.bpmn", "p")


def test_the_sides_are_kept_apart_both_ways():
    """Nobody holds a role of each side: whichever came first, the other is refused; only rules that
    name a role the action touches are looked at."""
    [rule] = read_rules([GOOD], "f.bpmn", "p")
    holders = {"variable:borrower": {"somchai"}, "step:approve": {"somchai", "suda"}, "step:sign": set()}
    found = breaches([rule], lambda role: holders.get(role, set()), {"step:approve"})
    assert [(b.person, b.roles) for b in found] == [("somchai", ("variable:borrower", "step:approve"))]
    assert breaches([rule], lambda role: holders.get(role, set()), {"variable:borrower"})  # the other way round
    assert not breaches([rule], lambda role: holders.get(role, set()), {"step:other"})
    holders["step:approve"] = {"suda"}
    assert not breaches([rule], lambda role: holders.get(role, set()), {"step:approve"})


def _advance_loan(tmp_path: Path, old: str, new: str) -> Path:
    text = (BPMN / "advance-loan.bpmn").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "advance-loan.bpmn"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_the_rules_are_read_kept_and_described():
    root = etree.parse(str(BPMN / "advance-loan.bpmn")).getroot()
    model = read_process_model(root.find("bpmn:process", NS), "advance-loan.bpmn")
    assert [r.id for r in model.segregation] == ["borrower_not_loan_approver", "borrower_not_settlement_certifier"]
    assert ProcessModel.from_json(model.to_json()) == model  # stored with the version as JSON
    first = model.describe()["segregation"][0]
    assert first["who"][0] == "variable:borrower" and "step:sign_loan_documents" in first["not"]
    defaults = model.describe()["default_segregation"]
    assert [d["id"] for d in defaults] == ["starter_not_approver", "preparer_not_approver"]
    assert "approve_activity" in defaults[0]["steps"] and "receive_assignment" not in defaults[0]["steps"]
    assert isinstance(model.segregation[0], SegregationRule)


@pytest.mark.parametrize(("old", "new", "message"), [
    ('not="step:sign_settlement"', 'not="step:sign_settlement_twice"',
     "segregation rule borrower_not_settlement_certifier names step:sign_settlement_twice, which is no step of "
     "this process"),
    ('who="variable:borrower ', 'who="variable:lender ',
     "segregation rule borrower_not_loan_approver names variable:lender, which is no variable a form of this "
     "process sets"),
])
def test_a_rule_naming_an_unknown_step_or_variable_is_refused_at_deploy(project_settings, tmp_path, old, new,
                                                                        message):
    path = _advance_loan(tmp_path, old, new)
    k = Krabuan(project_settings)
    try:
        k.upgrade_schema()
        with pytest.raises(DeployError, match=message):
            k.repository.deploy([path])
        assert any(message in p for p in k.repository.check([path])[str(path)])  # krabuan processes check
    finally:
        k.close()


def test_the_encoder_writes_the_flow_spec_rules():
    sys.path.insert(0, str(PROJECT_ROOT / "processes" / "tools"))
    try:
        from encode_sop import encode
    finally:
        sys.path.pop(0)
    written = encode("advance-loan", PROJECT_ROOT.parent / "shared" / "sops")
    rules = [line for line in written.splitlines() if "<krabuan:segregation " in line]
    assert len(rules) == 2 and '<krabuan:segregation id="borrower_not_settlement_certifier" who="variable:borrower' \
        in rules[1]
    kept = (BPMN / "advance-loan.bpmn").read_text(encoding="utf-8").splitlines()
    assert [line for line in kept if "<krabuan:segregation " in line] == rules  # the file is what the spec says
