"""The worklist's saved views and keyset pages; who may see a case (SQLite and PostgreSQL)."""
from __future__ import annotations

from engine import URGENCIES, CaseHeader, Completion, WorklistFilter

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
                     .values(due_at=datetime.now(UTC) - timedelta(days=5), due_sort=datetime.now(UTC) - timedelta(days=5)))
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


def _all_pages(k, user, view="all", limit=4, where=None):
    seen, cursor = [], None
    while True:
        page = k.tasks.page(user, view, cursor, limit=limit, where=where)
        seen += page.items
        if page.next_cursor is None:
            return seen
        cursor = page.next_cursor


def _set_due(k, task_id, due):
    with k.ctx.db.unit_of_work() as conn:  # as a deadline rule would have set it
        from engine.store import task_rows
        task_rows.move_deadline(conn, task_id, due, None)


def test_most_urgent_first_then_by_due_date_across_pages(k):
    import random
    rnd = random.Random(4)
    codes = [u.code for u in URGENCIES]
    ids = [k.cases.start("sop_bench", "clerk1", header=CaseHeader(f"เรื่อง {i}", rnd.choice(codes))).instance_id
           for i in range(14)]
    tasks = [t for i in ids for t in k.tasks.of_case(i)]  # read case by case, not through the worklist
    now = datetime.now(UTC)
    for t in tasks[:10]:  # some with deadlines, the rest without
        _set_due(k, t.id, now + timedelta(hours=rnd.randint(-50, 50)))
    k.tasks.claim(tasks[3].id, "clerk2")  # mine and my group's, in one order
    paged = _all_pages(k, "clerk2")
    rank = {u.code: u.rank for u in URGENCIES}
    far = datetime(9999, 12, 31, tzinfo=UTC)
    expected = sorted((t for i in ids for t in k.tasks.of_case(i)), key=lambda t: (rank[t.urgency], t.due_at or far, t.id))
    assert [t.id for t in k.tasks.worklist("clerk2")] == [t.id for t in expected]  # the whole list, the same order
    assert [t.id for t in paged] == [t.id for t in expected] and len(paged) == 14
    assert {t.title for t in paged} == {f"เรื่อง {i}" for i in range(14)}
    assert paged[0].urgency == "most_urgent" or "most_urgent" not in {t.urgency for t in paged}


def test_the_group_queue_follows_claims_delegation_and_completion(k):
    instance_id = _start(k, 1)[0]
    task = open_tasks(k, instance_id)[0]
    group = lambda user: [t.id for t in k.tasks.page(user, "group").items]  # noqa: E731
    mine = lambda user: [t.id for t in k.tasks.page(user, "mine").items]  # noqa: E731
    assert group("clerk2") == [task.id]
    k.tasks.claim(task.id, "clerk1")
    assert group("clerk2") == [] and mine("clerk1") == [task.id]
    k.tasks.unclaim(task.id, "clerk1")
    assert group("clerk2") == [task.id]
    k.tasks.delegate(task.id, "clerk1", "clerk2", "ลาพักร้อน / on leave")
    assert group("clerk1") == [] and mine("clerk2") == [task.id]
    note = k.inbox.notifications("clerk2")[0]
    assert note.kind == "delegated" and "on leave" in note.title_en and k.inbox.unread_count("clerk2") == 1
    history = [e for e in k.cases.show(instance_id).history if e.event_type == "task_delegated"]
    assert history[0].payload["reason"] == "ลาพักร้อน / on leave" and history[0].payload["to"] == "clerk2"
    k.cases.complete(task.id, "clerk2", FORM_DATA["register_application"])
    assert task.id not in mine("clerk2") + group("clerk1")


def test_delegation_stays_in_the_lane_and_needs_a_reason(k):
    task = open_tasks(k, _start(k, 1)[0])[0]
    with pytest.raises(InvalidInput, match="not a colleague"):
        k.tasks.delegate(task.id, "clerk1", "director1", "busy")
    with pytest.raises(InvalidInput, match="say why"):
        k.tasks.delegate(task.id, "clerk1", "clerk2", "  ")
    with pytest.raises(InvalidInput, match="does not exist"):
        k.tasks.delegate(task.id, "clerk1", "nobody", "busy")
    with pytest.raises(NotFound):  # someone who cannot see the case learns nothing
        k.tasks.delegate(task.id, "outsider", "clerk2", "busy")
    k.tasks.claim(task.id, "clerk1")
    with pytest.raises(Conflict, match="claimed by clerk1"):  # held by clerk1: not clerk2's to give away
        k.tasks.delegate(task.id, "clerk2", "director1", "mine now")


def test_urgency_is_set_at_start_and_changed_by_the_lane(k):
    started = k.cases.start("sop_bench", "clerk1", header=CaseHeader("  ขอใช้ห้องประชุม  ", "urgent"))
    task = started.open_tasks[0]
    assert (task.title, task.urgency) == ("ขอใช้ห้องประชุม", "urgent")
    k.cases.set_urgency(started.instance_id, "clerk2", "most_urgent")
    assert k.tasks.page("clerk2", "group").items[0].urgency == "most_urgent"
    events = [e for e in k.cases.show(started.instance_id).history if e.event_type == "urgency_changed"]
    assert events[0].payload == {"previous": "urgent", "urgency": "most_urgent"}
    with pytest.raises(Forbidden):  # the director sees the case (supervisor) ... and supervises the lane
        k.cases.set_urgency(started.instance_id, "auditor1", "normal")
    with pytest.raises(NotFound):
        k.cases.set_urgency(started.instance_id, "outsider", "normal")
    with pytest.raises(InvalidInput, match="urgency"):
        k.cases.set_urgency(started.instance_id, "clerk2", "yesterday")
    with pytest.raises(InvalidInput, match="urgency"):
        k.cases.start("sop_bench", "clerk1", header=CaseHeader("x", "asap"))


def test_filter_by_procedure_and_text(k):
    k.cases.start("sop_bench", "clerk1", header=CaseHeader("ซ่อมเครื่องพิมพ์ 100%", "normal"))
    other = k.cases.start("sop_bench", "clerk1", header=CaseHeader("จัดซื้อกระดาษ", "normal")).instance_id
    titles = lambda **kw: [t.title for t in k.tasks.page("clerk2", where=WorklistFilter(**kw)).items]  # noqa: E731
    assert titles(text="เครื่องพิมพ์") == ["ซ่อมเครื่องพิมพ์ 100%"]
    assert titles(text="100%") == ["ซ่อมเครื่องพิมพ์ 100%"] and titles(text="0_%") == []  # LIKE signs are text
    assert titles(text=str(other)) == ["จัดซื้อกระดาษ"]
    assert len(titles(process_id="sop_bench")) == 2 and titles(process_id="other") == []
    assert len(titles(text="register")) == 2  # the step's name
    with pytest.raises(InvalidInput, match="search text"):
        titles(text="x" * 101)
