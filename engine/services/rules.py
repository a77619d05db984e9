"""Who may take or finish a task: the rules that claim and complete share (no SQL of their own)."""
from __future__ import annotations

from sqlalchemy import Connection

from ..errors import Conflict, EngineError, Forbidden, InvalidInput, NotFound
from ..model.acting import ActingRights, Capacity
from ..model.approvals import Decision
from ..model.segregation import PREPARER_NOT_APPROVER, STARTER_NOT_APPROVER, DefaultRule
from ..results import Account
from ..store import access, accounts, acting
from ..store.task_rows import TaskRow

NO_RIGHTS = ActingRights()


def check_may_claim(task: TaskRow, username: str, groups: set[str], rights: ActingRights = NO_RIGHTS) -> None:
    """An open, unclaimed task of one of the user's groups, or one reserved for the user; or one of
    a position the user acts for today (``rights``, engine.model.acting)."""
    if task.state != "open":
        raise Conflict(f"task {task.id} is already {task.state}")
    if task.assignee == username:
        raise Conflict(f"task {task.id} is already claimed by you")
    if task.assignee is not None:
        raise Conflict(f"task {task.id} is already claimed by {task.assignee}")
    candidates = set(task.groups)
    if task.reserved_for is not None and task.reserved_for != username and task.reserved_for not in rights.holders:
        raise Forbidden(f"task {task.id} is personal to {task.reserved_for}")
    if task.reserved_for is None and candidates and not candidates & (groups | rights.groups):
        raise Forbidden(f"{username} is not in the lane of task {task.id} "
                        f"(needs one of: {', '.join(sorted(candidates))})")


def check_may_complete(task: TaskRow, username: str) -> None:
    """An open task the user has claimed."""
    _check_held(task, username, (Forbidden(f"task {task.id} is not claimed; claim it before completing it"),
                                 f"task {task.id} is claimed by {task.assignee}, not by {username}"))


def check_entitled(task: TaskRow, username: str, capacity: Capacity | None) -> Capacity:
    """The user may still work the task they hold: as themselves or under an acting appointment in
    force (None: e.g. the appointment they claimed it under is over); returns the capacity."""
    if capacity is None:
        raise Forbidden(f"{username} may no longer work task {task.id}: it is not of their lane, and no acting "
                        "appointment in force today covers it", reason="not_entitled")
    return capacity


def check_decision_comment(decision: Decision | None) -> None:
    """An approver who returns or rejects says why: InvalidInput on the comment (field) otherwise,
    with the problem coded ``comment_required`` for a form to show next to the field."""
    if decision is None or decision.approves or decision.comment:
        return
    where = decision.where_comment_goes
    message = f"a comment is required to {decision.value} (say what is to be done, or why)"
    raise InvalidInput(message, field=where, problems=[
        {"field": where, "code": "comment_required", "message": message, "params": {"decision": decision.value}}])


def check_may_approve(decision: Decision | None, username: str, case_roles: tuple[str, str | None]) -> None:
    """Segregation of duties: who started the case or prepared what is being approved (the
    last step done before it that is not an approval) may not approve it. ``case_roles`` is
    (the case's starter, the preparing step's completer or None). Forbidden, with the ``reason``
    (``started_case`` or ``prepared_document``) for the web to say it in the user's language."""
    if decision is None or not decision.approves:
        return
    started_by, prepared_by = case_roles
    if username == started_by:
        raise _default_refusal(STARTER_NOT_APPROVER, f"{username} started this case, so cannot approve it")
    if username == prepared_by:
        raise _default_refusal(PREPARER_NOT_APPROVER,
                               f"{username} prepared the document of this step, so cannot approve it")


def _default_refusal(rule: DefaultRule, what: str) -> Forbidden:
    """The refusal of an implicit rule of approval steps (engine.model.segregation.DEFAULT_RULES)."""
    return Forbidden(f"{what} (segregation of duties, rule {rule.id}); another approver must decide",
                     reason=rule.reason, rule=rule.id, th=rule.th, en=rule.en)


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
    if access.can_see_case(conn, task.instance_id, viewer) or acting.is_preparer(conn, task.id, username):
        return refusal  # an auditor sees, but may not act; nor may who prepares a task on behalf of its holder
    return NotFound(f"task {task.id} does not exist")


MAX_REASON = 500


def check_may_delegate(task: TaskRow, username: str, groups: set[str], to: tuple[str, set[str]]) -> None:
    """A task I hold, or an unclaimed one I could claim, goes to a colleague of its lane (an active
    user in one of its groups, or the one it is reserved for); ``to`` is (who, their groups)."""
    colleague, their_groups = to
    if task.assignee != username:
        check_may_claim(task, username, groups)
    if colleague == username:
        raise InvalidInput("delegate to a colleague, not to yourself", field="to")
    if task.reserved_for is not None and colleague != task.reserved_for:
        raise InvalidInput(f"task {task.id} is personal to {task.reserved_for}; it cannot go to anyone else",
                           field="to")
    if task.reserved_for is None and task.groups and not set(task.groups) & their_groups:
        raise InvalidInput(f"{colleague} is not a colleague in the lane of task {task.id} "
                           f"(needs one of: {', '.join(sorted(task.groups))})", field="to")


def check_reason(reason: str) -> str:
    text = " ".join(reason.split())
    if not text:
        raise InvalidInput("say why the task is delegated (the reason is kept in the case's history)", field="reason")
    if len(text) > MAX_REASON:
        raise InvalidInput(f"a reason has at most {MAX_REASON} characters", field="reason")
    return text
