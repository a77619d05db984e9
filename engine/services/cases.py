"""Cases: start a process, complete a step, show a case. Each call is one case operation."""
from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from .. import signing
from ..context import Context, LoadedDefinition
from ..errors import Conflict, Forbidden, InvalidInput, NotFound
from ..model import approvals, limits
from ..model.approvals import REJECT, Decision
from ..model.definitions import StepModel, may_start
from ..model.forms import FormDefinition, Label
from ..model.urgency import MAX_TITLE, CaseHeader, by_code, by_rank
from ..operation import CaseOperation, Start, case, work
from ..results import Account, CasePage, CaseStarted, InstanceView, TaskCompleted
from ..store import access, accounts, definitions, instances, people, task_rows, timer_rows
from ..store.history import EventType, events_of
from ..store.task_rows import TaskRow
from ..time.calendar import local_date
from . import signatures
from .acting import capacity_now, capacity_payload, rights_for
from .files import START_FORM, Evidence
from .rules import (
    check_decision_comment,
    check_entitled,
    check_may_approve,
    check_may_claim,
    check_may_complete,
    hidden_unless_visible,
)
from .segregation import check_segregation

MAX_DATA_BYTES = 256 * 1024


@dataclass(frozen=True)
class Completion:
    """How a task is completed: ``claim`` it first if it is still unclaimed (one transaction), with
    a ``comment`` kept in the history, and the user's ``password``, which a signature step needs
    to sign (engine.services.signatures; never stored, never shown)."""

    claim: bool = False
    comment: str = ""
    password: str | None = field(default=None, repr=False)


PLAIN = Completion()
MAX_COMMENT = 2000
NO_FORM = FormDefinition(key="(no form)", title=Label("ไม่มีแบบฟอร์ม", "no form"))


class Cases:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def start(self, process_id: str, username: str, data: Mapping[str, Any] | None = None,
              version: int | None = None, header: CaseHeader | None = None) -> CaseStarted:
        """Start the latest (or the given) version of a process as this user, with the case's
        title and urgency (``header``; the title defaults to the start data's subject, if any)."""
        limits.check_value([data or {}, (header or CaseHeader()).title], "the start data")
        head = (header or CaseHeader()).checked()
        with work(self.ctx) as w:
            definition_id = definitions.definition_id_of(w.conn, process_id, version, on=local_date(w.now))
            if definition_id is None:
                which = f"version {version} of " if version is not None else ""
                raise NotFound(f"{which}process {process_id!r} is not deployed")
            definition = self.ctx.definition(w.conn, definition_id)
            if not may_start(definition.model, people.user_groups(w.conn, username)):
                raise Forbidden(f"{username} may not start {process_id}: only members of "
                                f"{', '.join(definition.model.start_groups)} may start it", reason="starters")
            start_form = definition.model.start_form
            if start_form is None and data:
                raise InvalidInput(f"process {process_id} takes no start data (its start event has no form)")
            clean = (self._form(start_form, definition).validate(data or {},
                                                     members_of=lambda g: people.group_members(w.conn, g))
                     if start_form else {})
            title = head.title or _subject_of(clean)
            evidence = Evidence.of(self._form(start_form, definition), clean, username)
            evidence.check(w.conn, None)
            with w.case(start=Start(definition, clean, title=title, urgency=head.rank), actor=username) as op:
                pass
            evidence.attach(w.conn, op.instance_id, START_FORM, w.now)
            return CaseStarted(op.instance_id, definition.process_id, definition.version, op.status,
                               op.open_tasks())

    def complete(self, task_id: int, username: str, data: Mapping[str, Any] | None = None,
                 confirmed: list[str] | tuple[str, ...] = (), how: Completion = PLAIN) -> TaskCompleted:
        """Complete a claimed task with its form data and the control points the user confirms,
        and run the case to its next wait state. With ``claim``, a task still unclaimed is claimed
        by the user in the same transaction (the claim's rules apply, and history records both).
        A ``comment`` (at most 2,000 characters) is kept in the history with the completion."""
        claim, comment = how.claim, how.comment
        if len(comment) > MAX_COMMENT:
            raise InvalidInput(f"a comment has at most {MAX_COMMENT} characters", field="comment")
        limits.check_value([data or {}, list(confirmed), comment], "the submitted data")
        # The signing key is opened (Argon2id: slow) before the case is locked; a wrong password stops here.
        unlocked = signatures.unlock(self.ctx, username, how.password) if how.password else None
        with case(self.ctx, task_id=task_id, actor=username) as op:
            groups = op.actor_groups()  # an active user
            task = op.task(task_id)
            claiming = claim and task.state == "open" and task.assignee is None
            try:
                if claiming:
                    check_may_claim(task, username, groups, rights_for(op.conn, task, (username, groups), op.now))
                    task = replace(task, assignee=username)
                check_may_complete(task, username)
                # self, or acting for a position (engine.services.acting)
                capacity = check_entitled(task, username, capacity_now(op.conn, task, (username, groups), op.now))
                check_segregation(op, task, username)  # barred from the step whatever is entered
            except (Forbidden, Conflict) as exc:
                raise hidden_unless_visible(op.conn, task, (username, groups), exc) from None
            form = self._form(task.form_key, op.definition)
            step = op.definition.model.steps.get(task.element_id)
            before = _data_before(op, task)
            shown = signing.plain(before)  # what the task page shows (what a signer signs)
            clean, controls, decision = _check_submission(form, step, (data or {}, confirmed, comment),
                                                          lambda g: people.group_members(op.conn, g), before)
            _check_size(clean)
            evidence = Evidence.of(form, clean, username)
            evidence.check(op.conn, task.instance_id)
            if decision is not None and decision.approves:
                check_may_approve(decision, username, _case_roles(op, task))
            check_segregation(op, task, username, clean)  # a committee list naming someone a rule bars
            clean = op.issue_numbers(task, clean)  # register numbers (processes/registers.yaml), if the step takes any
            signer = _signer(step, decision, unlocked)
            op.workflow.complete(task.spiff_task_id, clean)
            if decision is not None and not decision.approves:  # the steps it goes back to say why
                op.notice_new_tasks({"kind": "rejected" if decision.value == REJECT else "returned",
                                     "decision": decision.value, "by": username, "comment": decision.comment,
                                     "at": op.now.isoformat(), "from_step": task.name})
            op.complete_task(task, task_rows.CompletedBy(username, claiming, len(controls),
                                                         "capacity" in capacity_payload(capacity)))
            evidence.attach(op.conn, task.instance_id, task.id, op.now)
            if task.due_at is not None:  # only a task with a deadline has escalation timers
                timer_rows.cancel_task_timers(op.conn, [task.id])
            if claiming:
                op.record(EventType.TASK_CLAIMED, username, task_id=task.id, element_id=task.element_id,
                          **capacity_payload(capacity))
            op.record(EventType.TASK_COMPLETED, username, task_id=task.id, element_id=task.element_id, data=clean,
                      confirmed_controls=controls, **_timing(task, op.now), **capacity_payload(capacity),
                      **({"decision": decision.value} if decision is not None else {}),
                      **({"comment": comment.strip()} if comment.strip() else {}))
            if signer is not None:  # the signature, in the completion's transaction (after it in the history)
                signatures.sign_step(op, task, signer, signatures.Signing(shown, clean, evidence.refs,
                                                                          capacity.to_json()))
        done = replace(task_rows.to_view(task), state="completed", completed_at=op.now, completed_by=username)
        return TaskCompleted(done, op.status, op.open_tasks())

    def set_urgency(self, instance_id: int, username: str, urgency: str) -> None:
        """Change how urgent a running case is (its lane decides: whoever holds or may take one
        of its open tasks, or supervises their groups); kept in the history."""
        new = by_code(urgency)
        with case(self.ctx, instance_id=instance_id, actor=username) as op:
            groups = op.actor_groups()
            if not access.works_case_now(op.conn, instance_id, username, groups):
                viewer = accounts.account(op.conn, username)
                if viewer is not None and access.can_see_case(op.conn, instance_id, viewer):
                    raise Forbidden(f"only the lane now working case {instance_id} may change its urgency")
                raise NotFound(f"instance {instance_id} does not exist")
            before = by_rank(op.header[1])
            if before.rank != new.rank:
                op.set_urgency(new.rank)
                op.record(EventType.URGENCY_CHANGED, username, previous=before.code, urgency=new.code)

    def show(self, instance_id: int) -> InstanceView:
        """A case: its state, data, open tasks and history."""
        with work(self.ctx, write=False) as w:
            inst = instances.read(w.conn, instance_id)
            definition = self.ctx.definition(w.conn, inst.definition_id)
            open_rows = task_rows.rows(w.conn, task_rows.of_instance_query(instance_id))
            return InstanceView(id=inst.id, process_id=inst.process_id, version=definition.version,
                                definition_id=inst.definition_id, status=inst.status, data=dict(inst.data),
                                started_by=inst.started_by, created_at=inst.created_at, title=inst.title,
                                urgency=by_rank(inst.urgency).code,
                                completed_at=inst.completed_at,
                                open_tasks=tuple(task_rows.to_view(r, w.now, w.calendar) for r in open_rows),
                                history=tuple(events_of(w.conn, instance_id)))

    def page(self, instance_id: int, viewer: Account) -> CasePage:
        """A case with its steps, history and diagram, for a viewer who may see it (else NotFound)."""
        with work(self.ctx, write=False) as w:
            if not access.can_see_case(w.conn, instance_id, viewer):
                raise NotFound(f"instance {instance_id} does not exist")
            inst = instances.read(w.conn, instance_id)
            definition = self.ctx.definition(w.conn, inst.definition_id)
            rows = task_rows.rows(w.conn, task_rows.all_of_instance_query(instance_id))
            steps = tuple(task_rows.to_view(r, w.now, w.calendar) for r in rows)
            open_now = tuple(t for t in steps if t.state == "open")
            view = InstanceView(id=inst.id, process_id=inst.process_id, version=definition.version,
                                definition_id=inst.definition_id, status=inst.status, data=dict(inst.data),
                                started_by=inst.started_by, created_at=inst.created_at, title=inst.title,
                                urgency=by_rank(inst.urgency).code,
                                completed_at=inst.completed_at, open_tasks=open_now,
                                history=tuple(events_of(w.conn, instance_id)))
            states: dict[str, str] = {}
            for t in steps:  # in order: a step done and waiting again (a loop) shows as waiting
                if t.state == "completed":
                    states.setdefault(t.element_id, "done")
                elif t.state == "open":
                    states[t.element_id] = "overdue" if t.due_status == "overdue" else "current"
            may = inst.status == "running" and access.works_case_now(w.conn, instance_id, viewer.username,
                                                                     set(viewer.groups))
            labels = self.ctx.forms_for(definition).field_labels(definition.model.form_keys())
            return CasePage(view, definition.model.name, steps, states, definitions.bpmn_of(w.conn, inst.definition_id),
                            may_set_urgency=may, field_labels=labels)

    def _form(self, key: str | None, definition: LoadedDefinition) -> FormDefinition:
        if key is None:
            return NO_FORM
        form = self.ctx.forms_for(definition).get(key)
        if form is None:
            raise NotFound(f"form {key!r} is not loaded")
        return form


def _check_submission(form: FormDefinition, step: StepModel | None,
                      submitted: tuple[Mapping[str, Any], list[str] | tuple[str, ...], str],
                      members_of: Callable[[str], set[str]],
                      earlier: Mapping[str, Any]) -> tuple[dict[str, Any], list[str], Decision | None]:
    """The cleaned form data, the confirmed control points and (on an approval or signature
    step) the decision; if anything is wrong, one InvalidInput whose ``problems`` name every
    field, a missing comment and every unconfirmed control point. ``submitted`` is (data,
    confirmed control points, the completion's comment); ``earlier`` the data the task sees,
    which the form's cross-field rules may read."""
    data, confirmed, comment = submitted
    form_error: InvalidInput | None = None
    clean: dict[str, Any] = {}
    try:
        clean = form.validate(data, members_of=members_of, earlier=earlier)
    except InvalidInput as exc:
        if "problems" not in exc.details:  # not about one field (fields not on the form): as it is
            raise
        form_error = exc
    decision = approvals.decision_of(step, form, data if form_error else clean, comment)
    try:
        check_decision_comment(decision)
    except InvalidInput as exc:
        if form_error is None:
            form_error = exc
        elif exc.details["field"] not in {p["field"] for p in form_error.details["problems"]}:
            form_error = InvalidInput(form_error.message, **{**form_error.details, "problems": [
                *form_error.details["problems"], *exc.details["problems"]]})
    try:
        controls = _check_controls(step, confirmed)
    except InvalidInput as exc:
        problems = [*(form_error.details["problems"] if form_error else []),
                    {"field": "confirm", "code": "control_unconfirmed", "message": exc.message,
                     "params": {"controls": ",".join(exc.details.get("controls", []))}}]
        first = form_error or exc
        raise InvalidInput(first.message, **{**first.details, "problems": problems}) from None
    if form_error is not None:
        raise form_error
    return clean, controls, decision


def _signer(step: StepModel | None, decision: Decision | None,
            unlocked: signatures.Unlocked | None) -> signatures.Unlocked | None:
    """Who signs this completion: on a signature step that is not returned or rejected, the
    user whose key the password opened (without a password: InvalidInput, nothing written)."""
    if step is None or step.meta.kind != "signature" or (decision is not None and not decision.approves):
        return None
    if unlocked is None:
        raise signatures.password_error(signatures.NEEDS_PASSWORD)
    return unlocked


def _data_before(op: CaseOperation, task: TaskRow) -> Mapping[str, Any]:
    """The case data the task sees (its own, in a branch or a committee member's instance)."""
    ready = next((t for t in op.workflow.ready_tasks() if t.spiff_id == task.spiff_task_id), None)
    return ready.data if ready is not None else op.workflow.case_data()


def _case_roles(op: CaseOperation, task: TaskRow) -> tuple[str, str | None]:
    """Who started the task's case, and who completed the step that prepared what it approves:
    the latest completed step of the case that is not itself an approval (from the task rows)."""
    steps = op.definition.model.steps
    done = task_rows.rows(op.conn, task_rows.done_of_instance_query(task.instance_id))
    preparer = next((r.completed_by for r in reversed(done) if not approvals.is_approval(steps.get(r.element_id))),
                    None)
    return instances.started_by_of(op.conn, task.instance_id), preparer


def _check_controls(step: StepModel | None, confirmed: list[str] | tuple[str, ...]) -> list[str]:
    """Every control point of the step must be confirmed, and nothing else."""
    expected = {c.id: c for c in (step.meta.controls if step else ())}
    given = list(dict.fromkeys(confirmed))
    unknown = [c for c in given if c not in expected]
    if unknown:
        raise InvalidInput(f"control point(s) not on this step: {', '.join(unknown)}"
                           + (f" (the step has: {', '.join(expected)})" if expected else " (the step has none)"),
                           controls=unknown)
    missing = [c for c in expected.values() if c.id not in given]
    if missing:
        first = missing[0]
        raise InvalidInput(f"control point {first.id} must be confirmed: {first.en} / {first.th}"
                           + (f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""),
                           controls=[c.id for c in missing])
    return [c for c in expected if c in given]


_SUBJECT_FIELDS = ("title", "subject", "letter_subject", "topic", "project_name")


def _subject_of(data: Mapping[str, Any]) -> str:
    """A case title from its start data, when the start form asks for a subject."""
    for name in _SUBJECT_FIELDS:
        value = data.get(name)
        if isinstance(value, str) and value.strip():
            return " ".join(value.split())[:MAX_TITLE]
    return ""


def _check_size(data: Mapping[str, Any]) -> None:
    if len(json.dumps(data, ensure_ascii=False)) > MAX_DATA_BYTES:
        raise InvalidInput(f"submitted data is larger than {MAX_DATA_BYTES // 1024} KiB")


def _timing(task: TaskRow, now: datetime) -> dict[str, Any]:
    """How the step went against its deadline, for the auditor's replay."""
    if task.due_at is None:
        return {}
    return {"due_at": task.due_at.isoformat(), "late": now > task.due_at}
