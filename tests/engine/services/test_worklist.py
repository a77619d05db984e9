"""The worklist's saved views and keyset pages; who may see a case (SQLite and PostgreSQL)."""
from __future__ import annotations

from engine import Completion

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from engine.errors import Conflict, Forbidden, InvalidInput, NotFound
from engine.store.tables import HumanTask
from helpers import FORM_DATA, open_tasks


def _start(k, n):
    return [k.cases.start("sop_bench", "clerk1").instance_id for _ in range(n)]


def test_views_split_my_work(k):
    ids = _start(k, 3)
    first, second, third = (open_tasks(k, i)[0] for i in ids)
    k.tasks.claim(first.id, "clerk1")
    k.cases.complete(second.id, "clerk1", FORM_DATA["register_application"], how=Completion(claim=True))
    view = lambda name, user="clerk1": [t.id for t in k.tasks.page(user, name).items]  # noqa: E731
    next_of_second = open_tasks(k, ids[1])[0]
    assert set(view("all")) == {first.id, third.id, next_of_second.id}
    assert view("mine") == [first.id]
    assert set(view("group")) == {third.id, next_of_second.id}
    assert view("completed") == [second.id]
    assert view("all", "director1") == [] and view("completed", "clerk2") == []
    with k.ctx.db.unit_of_work() as conn:  # the third is overdue
        conn.execute(update(HumanTask).where(HumanTask.c.id == third.id)
                     .values(due_at=datetime.now(UTC) - timedelta(days=5)))
    assert view("overdue") == [third.id]
    page = k.tasks.page("clerk1", "overdue")
    assert page.items[0].due_status == "overdue" and page.items[0].working_days_left < 0
    with pytest.raises(InvalidInput, match="unknown worklist view"):
        k.tasks.page("clerk1", "everything")


def test_keyset_pages_cover_every_task_once(k):
    _start(k, 7)
    seen, cursor, pages = [], None, 0
    while True:
        page = k.tasks.page("clerk2", "group", cursor, limit=3)
        seen += [t.id for t in page.items]
        pages += 1
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert pages == 3 and len(seen) == len(set(seen)) == 7
    assert seen == [t.id for t in k.tasks.page("clerk2", "group", limit=50).items]
    with pytest.raises(InvalidInput, match="cursor is not valid"):
        k.tasks.page("clerk2", "group", "not-a-cursor")


def test_a_case_is_visible_to_its_people_only(k, tmp_path):
    instance_id = _start(k, 1)[0]
    task = open_tasks(k, instance_id)[0]
    assert k.tasks.open(task.id, k.accounts.account("clerk2")).task.id == task.id  # the lane's member
    assert k.tasks.open(task.id, k.accounts.account("director1")).task.id == task.id  # its supervisor
    assert k.tasks.open(task.id, k.accounts.account("auditor1")).task.id == task.id  # the auditor role
    with pytest.raises(NotFound):
        k.tasks.open(task.id, k.accounts.account("outsider"))
    with pytest.raises(NotFound):
        k.tasks.open(999_999, k.accounts.account("clerk1"))


def test_an_outsider_learns_nothing_from_acting_on_a_task(k):
    instance_id = _start(k, 1)[0]
    task = open_tasks(k, instance_id)[0]
    k.tasks.claim(task.id, "clerk1")  # taken: a lane member is told by whom
    with pytest.raises(Conflict, match="already claimed by clerk1"):
        k.tasks.claim(task.id, "clerk2")
    for act in (lambda: k.tasks.claim(task.id, "outsider"), lambda: k.tasks.unclaim(task.id, "outsider"),
                lambda: k.cases.complete(task.id, "outsider", {})):
        with pytest.raises(NotFound, match=f"task {task.id} does not exist"):
            act()
    with pytest.raises(Forbidden, match="not in the lane"):  # an auditor sees the case, but may not act
        k.tasks.claim(_start_open(k), "auditor1")


def _start_open(k):
    return open_tasks(k, _start(k, 1)[0])[0].id
