"""Bad input on real SOP steps: a clear error naming the field or control point, and the case
is left exactly as it was."""
from __future__ import annotations

import pytest

from engine.errors import Forbidden, InvalidInput, NotFound

GOOD = {"fiscal_year": 2569, "audit_committee_members": ["audit_committee1", "audit_committee2"]}


def _snapshot(k, instance_id):
    view = k.cases.show(instance_id)
    return view.data, [(t.id, t.assignee, t.state) for t in view.open_tasks], len(view.history), view.status


@pytest.mark.parametrize("data, confirm, error, message", [
    ({"audit_committee_members": ["audit_committee1"]}, ["cp1"], InvalidInput, r"field fiscal_year .* is required"),
    ({**GOOD, "fiscal_year": "two thousand"}, ["cp1"], InvalidInput, r"field fiscal_year .*not a whole number"),
    ({**GOOD, "fiscal_year": 1999}, ["cp1"], InvalidInput, r"field fiscal_year .*must be at least 2500"),
    ({**GOOD, "audit_committee_members": ["clerk1"]}, ["cp1"], InvalidInput, r"not member\(s\) of group audit_committee"),
    ({**GOOD, "approved": True}, ["cp1"], InvalidInput, r"not on form asset-audit.draft_committee_order: approved"),
    (GOOD, [], InvalidInput, r"control point cp1 must be confirmed"),
    (GOOD, ["cp1", "cp9"], InvalidInput, r"control point\(s\) not on this step: cp9"),
])
def test_bad_completion_is_refused_and_nothing_changes(case, data, confirm, error, message):
    c = case("asset-audit", "supplies_officer1")
    task = c.k.tasks.of_case(c.id)[0]
    c.k.tasks.claim(task.id, "supplies_officer1")
    before = _snapshot(c.k, c.id)
    with pytest.raises(error, match=message):
        c.k.cases.complete(task.id, "supplies_officer1", data, confirm)
    assert _snapshot(c.k, c.id) == before


def test_a_user_outside_the_lane_is_refused(case):
    c = case("asset-audit", "supplies_officer1")
    task = c.k.tasks.of_case(c.id)[0]
    before = _snapshot(c.k, c.id)
    with pytest.raises(NotFound, match=r"task \d+ does not exist"):  # not their case: as if it did not exist
        c.k.tasks.claim(task.id, "clerk1")
    with pytest.raises(NotFound, match="user 'mallory' does not exist"):
        c.k.tasks.claim(task.id, "mallory")
    assert _snapshot(c.k, c.id) == before
    c.do("draft_committee_order", "supplies_officer2", GOOD)
    assert c.done == ["draft_committee_order"]
