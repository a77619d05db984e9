"""The case operation: the one unit of work on one case.

    with case(ctx, task_id=task_id, actor=username) as op:
        task = op.task(task_id)
        op.workflow.complete(task.spiff_task_id, data)
        op.record(EventType.TASK_COMPLETED, username, task_id=task.id)

On entry it locks the instance row (always first, so that operations on one case queue in one
order and never deadlock), with the database's time and working-day calendar bound for
everything inside (``engine.time.clock``), and the deployed version at hand. ``op.workflow``
restores the case's workflow on first use. On exit without error, if the workflow was used, the
task rows, deadlines and timer rows are made to follow it (``engine.projection``); the history
is flushed through the one recorder; the state and the chain head are written ``WHERE version =
:v``. The commit is ``Database.unit_of_work``'s, once, when the outermost block ends; anything
raised rolls all of it back, and a lost race is a ``Conflict`` with nothing written.

``work(ctx)`` is the bare transaction (time bound, no case) for reads and for operations that
touch several cases in one transaction (a holiday change moves deadlines in many cases:
``with work(ctx) as w: ... with w.case(instance_id=i) as op: ...``).

Only this module writes an instance's state, version and chain head (a test checks it).
"""
from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection

from . import projection
from .context import Context, LoadedDefinition
from .errors import IntegrityViolation, NotFound
from .model.urgency import NORMAL
from .results import TaskView
from .store import instances, task_rows
from .store.db import is_row_id
from .store.history import GENESIS, EventType, Recorder
from .store.instances import LockedInstance, StateValues
from .store.state_digest import state_digests
from .store.task_rows import TaskRow
from .time import clock
from .time.calendar import WorkCalendar

if TYPE_CHECKING:
    from .spiff import Workflow


@dataclass(frozen=True)
class Start:
    """A case to start: the version, its (validated) start data, and what else
    ``instance_started`` records (e.g. the calendar trigger and period)."""

    definition: LoadedDefinition
    data: dict[str, Any]
    details: dict[str, Any] = field(default_factory=dict)
    # The case's title and urgency rank (engine.model.urgency).
    title: str = ""
    urgency: int = NORMAL.rank


@dataclass
class Work:
    """One transaction, with the database's time and calendar bound. The time is read once, on
    first use: a case's lock statement brings it along on PostgreSQL (no round trip of its own)."""

    ctx: Context
    conn: Connection
    _now: datetime | None = None
    # The calendar's version as read by a lock statement (None: not read yet).
    calendar_version: int | None = None
    # Run once the transaction has committed (never after a rollback).
    after_commit: list[Callable[[], None]] = field(default_factory=list)

    @property
    def now(self) -> datetime:
        if self._now is None:
            self._now = self.ctx.now(self.conn)
        return self._now

    @property
    def calendar(self) -> WorkCalendar:
        return clock.calendar()

    def load_calendar(self) -> WorkCalendar:
        calendar = self.ctx.calendar(self.conn, self.calendar_version)
        if self.calendar_version is None and self.ctx._calendar is not None:  # the version just loaded
            self.calendar_version = self.ctx._calendar[0]  # (recorded with deadlines, for the auditor's replay)
        return calendar

    @contextmanager
    def case(self, *, instance_id: int | None = None, task_id: int | None = None, start: Start | None = None,
             actor: str | None = None) -> Iterator[CaseOperation]:
        """One case inside this transaction (see the module docstring)."""
        op = self._open(instance_id, task_id, start, actor)
        if start is not None:
            op.record(EventType.INSTANCE_STARTED, actor, process_id=start.definition.process_id,
                      version=start.definition.version, definition_id=start.definition.id, data=start.data,
                      **start.details)
        yield op
        op.finish()

    def _open(self, instance_id: int | None, task_id: int | None, start: Start | None,
              actor: str | None) -> CaseOperation:
        if [instance_id, task_id, start].count(None) != 2:
            raise TypeError("a case operation names exactly one of instance_id, task_id, start")
        if task_id is not None and not is_row_id(task_id):
            raise NotFound(f"task {task_id} does not exist")
        if instance_id is not None and not is_row_id(instance_id):
            raise NotFound(f"instance {instance_id} does not exist")
        if start is not None:
            workflow = self.ctx.runtime.start(start.definition.id, start.definition.spec_json, start.data)
            op = CaseOperation(self, None, start.definition, workflow, actor)
            op.header = (start.title, start.urgency)
            return op
        task = None
        if task_id is not None:
            locked, task = instances.lock_by_task(self.conn, task_id, actor)
        else:
            assert instance_id is not None
            locked = instances.lock(self.conn, instance_id, actor)
        if self.calendar_version is None:
            self.calendar_version = locked.calendar_version
        if self._now is None and locked.db_time is not None and self.ctx.fixed_now is None:
            self._now = locked.db_time.astimezone(UTC)
        op = CaseOperation(self, locked, self.ctx.definition(self.conn, locked.definition_id), None, actor)
        if task is not None:
            op.known_task(task)
        return op


class CaseOperation:
    """One case, locked, inside a ``Work``; see the module docstring."""

    def __init__(self, work: Work, locked: LockedInstance | None, definition: LoadedDefinition,
                 workflow: Workflow | None, actor: str | None) -> None:
        self.work = work
        self.conn = work.conn
        self.definition = definition
        self.actor = actor
        self._locked = locked
        self._workflow = workflow
        self._tasks: dict[int, TaskRow] = {}
        self._open_after: tuple[TaskView, ...] = ()
        # What the workflow waited on before this operation ran it: its ready human tasks (which
        # the open task rows mirror) and its timers (which the pending BPMN timer rows mirror).
        self.ready_before: frozenset[str] = frozenset()
        self.timers_before: dict[str, datetime] = {}
        self.closed: set[str] = set()
        # A note the task rows this operation creates carry (a return for revision: who, why).
        self.new_task_notice: dict[str, Any] | None = None
        # The case's title and urgency rank, which its new task rows copy.
        self.header = (locked.title, locked.urgency) if locked else ("", NORMAL.rank)
        head = (locked.history_seq, locked.history_head) if locked else (0, GENESIS)
        self.recorder = Recorder(self.conn, locked.id if locked else None, head, self.ctx.chain_key(self.conn))

    @property
    def ctx(self) -> Context:
        return self.work.ctx

    @property
    def now(self) -> datetime:
        return self.work.now

    def actor_groups(self) -> set[str]:
        """The acting user's groups, as read with the lock; NotFound for an unknown or inactive user."""
        locked = self._locked
        if locked is None or self.actor is None:
            raise RuntimeError("only an operation on an existing case, for a user, knows the user's groups")
        if not locked.actor_active:
            raise NotFound(f"user {self.actor!r} does not exist or is not active")
        return set((locked.actor_groups or "").split())

    @property
    def instance_id(self) -> int:
        if self.recorder.instance_id is None:
            raise RuntimeError("a case being started has no id until the operation ends")
        return self.recorder.instance_id

    @property
    def calendar(self) -> WorkCalendar:
        return clock.calendar()

    @property
    def workflow(self) -> Workflow:
        """The case's workflow (kept from the last operation in this process, else restored from
        its stored state) on first use; once used, the operation stores it."""
        if self._workflow is None:
            locked = self._locked
            assert locked is not None
            workflow = self.ctx.take_live(locked.id, locked.version)
            if workflow is None:
                workflow = self.ctx.runtime.restore(self.definition.id, self.definition.spec_json, locked.state_json)
            self.ready_before = frozenset(t.spiff_id for t in workflow.ready_tasks())
            self.timers_before = {t.spiff_id: t.due_at for t in workflow.waiting_timers()}
            self._workflow = workflow
        return self._workflow

    def move_to(self, definition: LoadedDefinition, workflow: Workflow) -> None:
        """From now on the case runs on another version of its process: ``workflow`` is its workflow
        moved there (engine.spiff.migrate, from ``self.workflow``). When the operation ends, the state
        and the version are written together, and the rows follow the workflow as after any run: the
        tasks it waited in are the same tasks, so their rows, claims, deadlines and timers stay."""
        _ = self.workflow  # what the case waited on before the move (the rows mirror it) is read first
        self.definition = definition
        self._workflow = workflow

    def notice_new_tasks(self, notice: dict[str, Any]) -> None:
        """Attach a note to the task rows this operation creates when it ends (whoever works them
        sees it at the top of the task: who returned the case, when and why)."""
        self.new_task_notice = notice

    def complete_task(self, task: TaskRow, by: task_rows.CompletedBy) -> None:
        """Mark a task row of this case completed (version-checked); ``by.claiming``: the row must
        still be unclaimed, and the user becomes its assignee in the same update."""
        task_rows.mark_completed(self.conn, task, by, self.now)
        self.closed.add(task.spiff_task_id)

    def issue_numbers(self, task: TaskRow, data: dict[str, Any]) -> dict[str, Any]:
        """The registers this step takes a number from (processes/registers.yaml): each number is
        issued now, in this operation's transaction (a rollback gives it back), entered in its
        register and recorded in the history; ``data`` comes back with each reference stored
        under its field (e.g. ``letter_number``), ready to complete the step with."""
        from .services.registers import issue_for_step

        return issue_for_step(self, task, data)

    def set_urgency(self, rank: int) -> None:
        """Change the case's urgency (and its open tasks' copy)."""
        assert self._locked is not None
        instances.set_urgency(self.conn, self._locked, rank)
        self.header = (self.header[0], rank)

    def record(self, event: EventType, actor: str | None, **payload: Any) -> None:
        self.recorder.record(event, actor, **payload)

    def known_task(self, row: TaskRow) -> None:
        """A task row of this case already read under the lock."""
        self._tasks[row.id] = row

    def task(self, task_id: int) -> TaskRow:
        """A task row of this case, as read under the case's lock."""
        if task_id not in self._tasks:
            row = task_rows.load(self.conn, task_id)
            if row is None or (self._locked is not None and row.instance_id != self._locked.id):
                raise NotFound(f"task {task_id} does not exist")
            self._tasks[task_id] = row
        return self._tasks[task_id]

    def open_tasks(self) -> tuple[TaskView, ...]:
        """The case's open tasks once the operation ended (when its workflow ran)."""
        return self._open_after

    @property
    def status(self) -> str:
        return "completed" if self._workflow is not None and self._workflow.completed else "running"

    def finish(self) -> None:
        """Make rows follow the workflow, flush the history, write state and head (version-checked)."""
        state = _state_values(self._workflow, self.now) if self._workflow is not None else None
        locked = self._locked
        if locked is None:
            assert state is not None
            instance_id = instances.insert_started(self.conn, (self.definition.id, self.definition.process_id),
                                                   self.actor or "", self.header, state)
            self.recorder.instance_id = instance_id
            locked = LockedInstance(instance_id, 1, self.definition.id, state.state_json, 0, GENESIS, *self.header)
        if self._workflow is not None:
            rows = sorted(projection.follow(self, self._workflow), key=lambda r: r.id)
            self._open_after = tuple(task_rows.to_view(r, self.now, self.calendar) for r in rows)
            if self._workflow.completed:
                self.record(EventType.INSTANCE_COMPLETED, self.actor)
        if state is not None and not self.recorder.pending and self._locked is not None \
                and state.state_json == self._locked.state_json:
            state = None  # the workflow was read, not moved: nothing to write
        if state is None and not self.recorder.pending:
            return
        if state is not None:
            if not self.recorder.pending:  # every change of a case is an event; the history vouches for the state
                raise IntegrityViolation("the case's workflow moved with no event to record it; nothing was written")
            self.recorder.vouch_for_state(state_digests(state.state_json, state.data_json))
        written = state if self._locked else None
        instances.write(self.conn, locked, self.recorder, written, self.definition.id)
        if self._workflow is not None:
            workflow, version = self._workflow, locked.version + (1 if written else 0)
            self.work.after_commit.append(lambda: self.ctx.keep_live(locked.id, version, workflow))


def _state_values(workflow: Workflow, now: datetime) -> StateValues:
    completed = workflow.completed
    return StateValues(state_json=workflow.to_json(),
                       data_json=json.dumps(workflow.case_data(), ensure_ascii=False, default=str),
                       status="completed" if completed else "running", updated_at=now,
                       completed_at=now if completed else None)


@contextmanager
def work(ctx: Context, write: bool = True) -> Iterator[Work]:
    """One transaction with the database's time and working-day calendar bound."""
    with ctx.db.unit_of_work(write) as conn:
        w = Work(ctx, conn)
        with clock.operation_time(lambda: w.now, w.load_calendar):
            yield w
    for hook in w.after_commit:
        hook()


@contextmanager
def case(ctx: Context, *, instance_id: int | None = None, task_id: int | None = None, start: Start | None = None,
         actor: str | None = None) -> Iterator[CaseOperation]:
    """One transaction on one case (see the module docstring)."""
    with work(ctx) as w, w.case(instance_id=instance_id, task_id=task_id, start=start, actor=actor) as op:
        yield op
