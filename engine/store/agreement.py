"""Whether a case's current rows say what its history says (``krabuan audit verify``).

A chain that verifies proves the events are whole; it does not prove that the rows people and the
engine read were not edited beside them. So after the chain, the case's status and every task row
are replayed from the events: a task the history never created (or one it did that is gone), who
completed it, how many control points and in which capacity (the reports read them from the row),
its state, and who holds it now; and the stored workflow state and case data must be
the ones the last operation's event vouched for (``state`` digests, engine.store.history), so an
edited case data or another case's (or an older) workflow state swapped in is found. The first
disagreement is reported with the event it contradicts. Read by the auditor only; execution never reads the history.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, select

from .state_digest import state_digests
from .tables import HumanTask, Instance


@dataclass
class _Expected:
    seq: int  # the last event that said something about the task
    state: str = "open"
    assignee: str | None = None
    completed_by: str | None = None
    reserved_for: str | None = None
    controls: int | None = None  # control points the completion confirmed
    acting: bool | None = None  # completed by an acting official
    events: list[str] = field(default_factory=list)


def _replay(events: list[tuple[int, str, str | None, dict[str, Any]]]) -> tuple[dict[int, _Expected], int | None]:
    """Each task as the events leave it, and the seq of instance_completed (None if none)."""
    tasks: dict[int, _Expected] = {}
    completed_at: int | None = None
    for seq, kind, actor, payload in events:
        if kind == "instance_completed":
            completed_at = seq
        task_id = payload.get("task_id")
        if not isinstance(task_id, int) or not kind.startswith("task_"):
            continue
        if kind == "task_created":
            reserved = payload.get("reserved_for")
            tasks[task_id] = _Expected(seq, assignee=payload.get("assignee") or reserved, reserved_for=reserved)
            continue
        task = tasks.setdefault(task_id, _Expected(seq, state="unknown"))
        task.seq = seq
        if kind == "task_claimed":
            task.assignee = actor
        elif kind == "task_unclaimed":
            task.assignee = None
        elif kind in ("task_delegated", "task_handed_over"):
            task.assignee = payload.get("to")
        elif kind == "task_completed":
            task.state, task.completed_by, task.assignee = "completed", actor, actor
            task.controls, task.acting = len(payload.get("confirmed_controls") or ()), "capacity" in payload
        elif kind == "task_cancelled":
            task.state = "cancelled"
    return tasks, completed_at


def disagreement(conn: Connection, instance_id: int,
                 events: list[tuple[int, str, str | None, dict[str, Any]]]) -> tuple[int, str] | None:
    """(seq, what) of the first place where the rows and the history part, or None."""
    tasks, completed_at = _replay(events)
    last = events[-1][0] if events else 1
    row = conn.execute(select(Instance.c.status, Instance.c.state_json, Instance.c.data_json)
                       .where(Instance.c.id == instance_id)).one()
    if (row.status == "completed") != (completed_at is not None):
        return (completed_at or last, f"the case is marked {row.status}, but its history "
                f"{'completed it' if completed_at else 'never completed it'}")
    found = _state_disagrees(events, row.state_json, row.data_json)
    if found:
        return found
    return _tasks_disagree(conn, instance_id, tasks, last)


def _state_disagrees(events: list[tuple[int, str, str | None, dict[str, Any]]], state_json: str,
                     data_json: str) -> tuple[int, str] | None:
    """Whether the stored workflow state and case data are the ones the newest vouching event names."""
    vouched = next(((seq, p["state"]) for seq, _, _, p in reversed(events) if isinstance(p.get("state"), dict)), None)
    if vouched is None:
        return None
    seq, digests = vouched
    now = state_digests(state_json, data_json)
    if now["data"] != digests.get("data"):
        return seq, f"the case data is not what the history recorded at event {seq} (it was edited beside it)"
    if now["workflow"] != digests.get("workflow"):
        return seq, f"the workflow state is not the one the history recorded at event {seq} (it was replaced)"
    return None


def _tasks_disagree(conn: Connection, instance_id: int, tasks: dict[int, _Expected],
                    last: int) -> tuple[int, str] | None:
    t = HumanTask.c
    rows = conn.execute(select(t.id, t.state, t.assignee, t.completed_by, t.controls_confirmed, t.acting)
                        .where(t.instance_id == instance_id).order_by(t.id)).all()
    seen = set()
    for task_id, state, assignee, completed_by, controls, acting in rows:
        seen.add(task_id)
        expected = tasks.get(task_id)
        if expected is None:
            return last, f"task {task_id} is not in the history (it was added beside it)"
        if state != expected.state:
            return expected.seq, f"task {task_id} is {state}, but its history leaves it {expected.state}"
        if completed_by != expected.completed_by:
            return expected.seq, f"task {task_id} was completed by {expected.completed_by} according to its history, " \
                                 f"not {completed_by}"
        if state == "completed" and (controls, acting) != (expected.controls, expected.acting):
            return expected.seq, f"task {task_id} was completed with {expected.controls} control point(s) confirmed" \
                                 f"{' by an acting official' if expected.acting else ''} according to its history, " \
                                 f"not {controls}{' by an acting official' if acting else ''}"
        if state == "open" and assignee != expected.assignee:
            return expected.seq, f"task {task_id} is held by {assignee or 'nobody'}, but its history gives it to " \
                                 f"{expected.assignee or 'nobody'}"
    for task_id, expected in sorted(tasks.items()):
        if task_id not in seen:
            return expected.seq, f"task {task_id} of the history has no row (it was deleted)"
    return None
