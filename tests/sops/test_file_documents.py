"""file-documents: every path, as the users of the right lanes (one lane: the clerk)."""
from __future__ import annotations

import pytest

from engine.errors import InvalidInput

COLLECT = {"documents_collected": 42, "collection_note": "หนังสือเข้า-ส่ง เดือนกันยายน"}
SORT = {"document_categories": ["incoming_internal", "incoming_external", "outgoing"]}
STORE = {"files_used": "แฟ้มหนังสือเข้าภายใน, แฟ้มหนังสือเข้าภายนอก, แฟ้มหนังสือส่ง"}
SHELVE = {"fiscal_year": 2569, "storage_location": "ตู้ 3 ชั้น 2"}
STEPS = ["collect_completed_documents", "sort_documents", "store_in_files", "shelve_by_fiscal_year"]


def test_happy_path(case):
    """Completed matters collected, sorted, stored by type and shelved by fiscal year."""
    c = case("file-documents", "clerk1")
    # The SOP has a single lane (clerk): a user of any other group is an outsider.
    c.do("collect_completed_documents", "clerk1", COLLECT, outsider="supervisor1")
    c.do("sort_documents", "clerk2", SORT, outsider="caterer1")
    c.do("store_in_files", "clerk1", STORE, outsider="destruction_committee1")
    c.do("shelve_by_fiscal_year", "clerk1", SHELVE, outsider="finance_group1")
    assert c.done == STEPS
    assert c.status == "completed"
    assert c.data["fiscal_year"] == 2569 and c.data["document_categories"] == SORT["document_categories"]


def test_fiscal_year_control_point_must_be_confirmed(case):
    """Happy path, after a refused completion: the fiscal-year filing control point must be confirmed."""
    c = case("file-documents", "clerk1")
    for step, data in zip(STEPS[:3], (COLLECT, SORT, STORE)):
        c.do(step, "clerk1", data)
    with pytest.raises(InvalidInput, match="control point cp1 must be confirmed"):
        c.do("shelve_by_fiscal_year", "clerk1", SHELVE, confirm=False)
    assert c.open() == ["shelve_by_fiscal_year"]
    c.do("shelve_by_fiscal_year", "clerk1", SHELVE)
    assert c.done == STEPS
    assert c.status == "completed"
    assert c.data["storage_location"] == "ตู้ 3 ชั้น 2"
