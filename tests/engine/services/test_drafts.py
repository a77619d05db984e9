"""Drafts: a task's form saved without completing it, private, kept until the task is done."""
from __future__ import annotations

import pytest

from engine import Completion

from engine.errors import Conflict, Forbidden, InvalidInput, NotFound
from helpers import FORM_DATA, open_tasks


def _task(k):
    return open_tasks(k, k.cases.start("sop_bench", "clerk1").instance_id)[0]


def test_a_draft_is_mine_only_and_goes_with_the_completion(k):
    task = _task(k)
    me, colleague = k.accounts.account("clerk1"), k.accounts.account("clerk2")
    k.tasks.save_draft(task.id, "clerk1", {"applicant": "นาย ก", "undeclared": "x", "odd": {"a": 1}})
    page = k.tasks.open(task.id, me)
    assert page.draft is not None and page.draft.get("applicant") == "นาย ก"
    assert "undeclared" not in page.draft and "odd" not in page.draft  # only the form's fields, as text
    assert k.tasks.open(task.id, colleague).draft is None  # private
    k.tasks.save_draft(task.id, "clerk1", {"applicant": "นาย ข"})  # replaced, not added
    assert k.tasks.open(task.id, me).draft == {"applicant": "นาย ข"}
    k.cases.complete(task.id, "clerk1", FORM_DATA["register_application"], how=Completion(claim=True))
    assert k.tasks.open(task.id, me).draft is None
    with pytest.raises(Conflict):
        k.tasks.save_draft(task.id, "clerk1", {"applicant": "late"})


def test_only_who_may_work_the_task_saves_a_draft(k):
    task = _task(k)
    with pytest.raises(NotFound):
        k.tasks.save_draft(task.id, "outsider", {})
    k.tasks.claim(task.id, "clerk2")
    with pytest.raises(Forbidden, match="claimed by clerk2"):
        k.tasks.save_draft(task.id, "clerk1", {})
    with pytest.raises(InvalidInput, match="at most"):
        k.tasks.save_draft(task.id, "clerk2", {"applicant": "x" * 300_000})
