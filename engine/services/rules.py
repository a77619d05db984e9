"""Who may take or finish a task: the rules that claim and complete share (no SQL of their own)."""
from __future__ import annotations

from sqlalchemy import Connection

from ..errors import Conflict, EngineError, Forbidden, NotFound
from ..results import Account
from ..store import access, accounts
from ..store.task_rows import TaskRow


def check_may_claim(task: TaskRow, username: str, groups: set[str]) -> None:
    """An open, unclaimed task of one of the user's groups, or one reserved for the user."""
    if task.state != "open":
        raise Conflict(f"task {task.id} is already {task.state}")
    if task.assignee == username:
        raise Conflict(f"task {task.id} is already claimed by you")
    if task.assignee is not None:
        raise Conflict(f"task {task.id} is already claimed by {task.assignee}")
    candidates = set(task.groups)
    if task.reserved_for is not None and task.reserved_for != username:
        raise Forbidden(f"task {task.id} is personal to {task.reserved_for}")
    if task.reserved_for is None and candidates and not candidates & groups:
        raise Forbidden(f"{username} is not in the lane of task {task.id} "
                        f"(needs one of: {', '.join(sorted(candidates))})")


def check_may_complete(task: TaskRow, username: str) -> None:
    """An open task the user has claimed."""
    _check_held(task, username, (Forbidden(f"task {task.id} is not claimed; claim it before completing it"),
                                 f"task {task.id} is claimed by {task.assignee}, not by {username}"))


def check_may_hand_back(task: TaskRow, username: str) -> None:
    """An open task the user has claimed (anyone else: not theirs to hand back)."""
    _check_held(task, username, (Conflict(f"task {task.id} is not claimed"),
                                 f"task {task.id} is claimed by {task.assignee}; only they can hand it back"))


def _check_held(task: TaskRow, username: str, refusals: tuple[EngineError, str]) -> None:
    """Open and held by ``username``; ``refusals`` is (if nobody holds it, if someone else does)."""
    unheld, held_by_other = refusals
    if task.state != "open":
        raise Conflict(f"task {task.id} is already {task.state}")
    if task.assignee is None:
        raise unheld
    if task.assignee != username:
        raise Forbidden(held_by_other)


def hidden_unless_visible(conn: Connection, task: TaskRow, actor: tuple[str, set[str]],
                          refusal: EngineError) -> EngineError:
    """A refusal (not allowed, or already taken or done) for someone who may see the task's case;
    for anyone else the task does not exist, so that ids, states and names cannot be probed.
    ``actor`` is (username, groups)."""
    username, groups = actor
    viewer = accounts.account(conn, username) or Account(username, "", "", tuple(sorted(groups)))
    if access.can_see_case(conn, task.instance_id, viewer):  # an auditor sees, but may not act
        return refusal
    return NotFound(f"task {task.id} does not exist")
