"""Who owns and approves each procedure (processes/owners.yaml, engine.model.stewards)."""
from __future__ import annotations

from pathlib import Path

import pytest

from engine.errors import ConfigurationError
from engine.model.stewards import Stewardship
from engine.settings import PROJECT_ROOT


def test_the_projects_file_names_each_procedures_owners_and_approvers():
    found = Stewardship.load(PROJECT_ROOT / "processes" / "owners.yaml")
    meeting = found.of("meeting-setup")
    assert meeting.owns("somchai", {"gen_admin_unit"}, ()) and not meeting.owns("somchai", {"clerk"}, ())
    assert meeting.approves("wichai", {"it_group_director"}, ()) and not meeting.approves("x", {"gen_admin_unit"}, ())
    assert not meeting.owns("root", set(), ("admin",))  # with the file, an administrator is not an owner by role
    assert found.of("internal-control").owns("a", {"it_group"}, ())  # the defaults for a procedure not listed
    assert found.looks_after_any("d", {"deputy_dg"}, ()) and not found.looks_after_any("c", {"clerk"}, ())
    processes = {p.stem for p in (PROJECT_ROOT / "processes" / "bpmn").glob("*.bpmn")}
    assert set(found.by_process) <= processes  # no owner entry for a procedure that does not exist


def test_without_the_file_administrators_own_and_approve_everything(tmp_path: Path):
    found = Stewardship.load(tmp_path / "owners.yaml")
    assert found.of("anything").owns("root", set(), ("admin",)) and found.of("x").approves("root", set(), ("admin",))
    assert not found.of("anything").owns("clerk1", {"clerk"}, ())


def test_single_people_and_problems_named_with_their_place(tmp_path: Path):
    path = tmp_path / "owners.yaml"
    path.write_text("processes:\n  send-letter: {owners: [user:somchai, clerk], approvers: [group:director]}\n",
                    encoding="utf-8")
    stewards = Stewardship.load(path).of("send-letter")
    assert stewards.owns("somchai", set(), ()) and stewards.owns("x", {"clerk"}, ())
    assert stewards.approves("y", {"director"}, ()) and not stewards.owns("y", {"director"}, ())
    path.write_text("processes:\n  send-letter: {owners: [clerk]}\n", encoding="utf-8")
    with pytest.raises(ConfigurationError, match="send-letter.*approvers"):
        Stewardship.load(path)
    path.write_text("processes:\n  send-letter: {owners: ['bad name'], approvers: [x]}\n", encoding="utf-8")
    with pytest.raises(ConfigurationError, match="owners"):
        Stewardship.load(path)
