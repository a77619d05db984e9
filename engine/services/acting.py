"""Acting officials and absences.

- ``Acting``: an administrator records who acts for which position (รักษาราชการแทน /
  ปฏิบัติราชการแทน / รักษาการในตำแหน่ง), from and to (Bangkok dates, inclusive) and under which
  order; ends one early; lists them. During the period the acting official sees, claims, completes
  and signs the position's tasks (engine.model.acting), and every such action records the capacity
  in its history event; the rights are computed from the engine's clock on each request, so they
  end on their own.
- ``Absences``: a user records an absence with a deputy of the same group; new tasks that would be
  reserved for or given back to them go to the deputy (engine.projection); their claimed tasks can
  be handed over to the deputy in one action (one ``task_handed_over`` event per task).
- ``capacity_now``: in what capacity a user acts on a task now (for claim, completion and
  signatures), inside the caller's transaction.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection

from ..context import Context
from ..errors import Forbidden, InvalidInput, NotFound
from ..model.acting import KINDS, ActingRights, Capacity, TaskShape, capacity_on, own_capacity
from ..operation import work
from ..results import AbsenceView, ActingAppointmentView, HandOver, PositionView
from ..store import accounts, acting, notifications, people, task_rows
from ..store.history import EventType
from ..store.task_rows import TaskRow
from ..time.calendar import local_date

MAX_ORDER_REF = 200
NO_RIGHTS = ActingRights()
MAX_REASON = 500


def rights_now(conn: Connection, username: str, now: datetime) -> ActingRights:
    """What the user's acting appointments in force today (Bangkok) give."""
    return acting.rights(conn, username, local_date(now))


def rights_for(conn: Connection, task: TaskRow, user: tuple[str, set[str]], now: datetime) -> ActingRights:
    """The acting rights that matter for ``user`` ((username, own groups)) on ``task``: none (and no
    query) when the task is theirs as themselves, else their appointments in force today."""
    username, groups = user
    return NO_RIGHTS if own_capacity(shape(task), username, groups) else rights_now(conn, username, now)


def shape(task: TaskRow) -> TaskShape:
    return TaskShape(task.groups, task.reserved_for)


def capacity_now(conn: Connection, task: TaskRow, user: tuple[str, set[str]], now: datetime) -> Capacity | None:
    """In what capacity ``user`` ((username, own groups)) acts on ``task`` at ``now``: oneself, as an
    acting official (kind, for which position and holder, the order's reference), or None: no
    right to it (e.g. the appointment is over). A task handed to someone by name (delegated,
    given back, handed over) is theirs to work as themselves."""
    username, groups = user
    found = capacity_on(shape(task), username, groups, rights_for(conn, task, user, now))
    if found is None and task.assignee == username and task.reserved_for is None \
            and acting.rights(conn, username, None).for_task(shape(task)) is None:
        return Capacity()  # not a task one held as an acting official, whose rights are over
    return found


def capacity_payload(capacity: Capacity | None) -> dict[str, Any]:
    """What a history event records of the actor's capacity (nothing when acting as oneself)."""
    return {"capacity": capacity.to_json()} if capacity is not None and not capacity.is_self else {}


def _period(starts_on: date, ends_on: date) -> tuple[date, date]:
    if ends_on < starts_on:
        raise InvalidInput("the period ends before it starts", field="ends_on")
    return starts_on, ends_on


def _status(period: tuple[date, date], today: date, stopped: bool, stop_word: str) -> str:
    starts_on, ends_on = period
    if stopped:
        return stop_word
    if today < starts_on:
        return "upcoming"
    return "in_force" if today <= ends_on else "over"


@dataclass(frozen=True)
class AppointmentRequest:
    """An acting appointment to record: who, for which position, kind (KINDS), from, to, order."""

    username: str
    position_id: str
    kind: str
    period: tuple[date, date]
    order_ref: str


class Acting:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def positions(self) -> list[PositionView]:
        with work(self.ctx, write=False) as w:
            return [PositionView(p.id, p.title_th, p.title_en, p.groups, p.holder) for p in acting.positions(w.conn)]

    def appoint(self, actor: str, request: AppointmentRequest) -> ActingAppointmentView:
        """Record an appointment (administrators only); refused if the user holds the position, or
        if another appointment for the position meets the period."""
        with work(self.ctx) as w:
            _check_admin(w.conn, actor, "record acting appointments")
            position = acting.position(w.conn, request.position_id)
            if position is None:
                raise InvalidInput(f"position {request.position_id!r} does not exist (see `krabuan acting positions`)",
                                   field="position")
            if request.kind not in KINDS:
                raise InvalidInput(f"the kind is one of: {', '.join(KINDS)}", field="kind")
            _active_user(w.conn, request.username, "username")
            if position.holder == request.username:
                raise InvalidInput(f"{request.username} holds the position {position.id} ({position.title_th}); "
                                   "one cannot be appointed to act for one's own position", field="username",
                                   reason="self_appointment")
            order_ref = " ".join(request.order_ref.split())
            if not order_ref or len(order_ref) > MAX_ORDER_REF:
                raise InvalidInput(f"the order's reference (เลขที่คำสั่ง) is required, at most {MAX_ORDER_REF} "
                                   "characters", field="order_ref")
            period = _period(*request.period)
            other = acting.overlapping(w.conn, position.id, period)
            if other is not None:
                raise InvalidInput(f"appointment {other} for the position {position.id} already covers part of "
                                   f"{period[0].isoformat()} to {period[1].isoformat()}; end it first or choose "
                                   "other dates", field="starts_on", reason="overlapping")
            new_id = acting.add_appointment(w.conn, acting.NewAppointment(
                position.id, request.username, request.kind, period, order_ref), actor, w.now)
            return self._view(w.conn, acting.appointment(w.conn, new_id), local_date(w.now))

    def appointments(self, actor: str, username: str | None = None) -> list[ActingAppointmentView]:
        """Every appointment for an administrator; one's own for anyone else."""
        with work(self.ctx, write=False) as w:
            viewer = accounts.account(w.conn, actor)
            if viewer is None:
                raise NotFound(f"user {actor!r} does not exist or is not active")
            if not viewer.has_role("admin"):
                username = actor
            today = local_date(w.now)
            return [self._view(w.conn, r, today) for r in acting.appointments(w.conn, username)]

    def end(self, actor: str, appointment_id: int) -> ActingAppointmentView:
        """End an appointment now (administrators only): it grants nothing from now on."""
        with work(self.ctx) as w:
            _check_admin(w.conn, actor, "end acting appointments")
            row = acting.appointment(w.conn, appointment_id)
            if row is None:
                raise NotFound(f"acting appointment {appointment_id} does not exist")
            acting.end_appointment(w.conn, appointment_id, actor, w.now)
            return self._view(w.conn, acting.appointment(w.conn, appointment_id), local_date(w.now))

    def capacity(self, task_id: int, username: str) -> Capacity | None:
        """In what capacity ``username`` acts on task ``task_id`` now (None: no right to it)."""
        with work(self.ctx, write=False) as w:
            row = task_rows.load(w.conn, task_id)
            if row is None:
                raise NotFound(f"task {task_id} does not exist")
            return capacity_now(w.conn, row, (username, people.user_groups(w.conn, username)), w.now)

    @staticmethod
    def _view(conn: Connection, row: Any, today: date) -> ActingAppointmentView:
        found = acting.position(conn, row.position_id)
        position = (PositionView(found.id, found.title_th, found.title_en, found.groups, found.holder) if found
                    else PositionView(row.position_id, row.position_id, row.position_id, (), None))
        return ActingAppointmentView(row.id, position, row.username, row.kind, KINDS.get(row.kind, ("", ""))[0],
                                     row.starts_on, row.ends_on, row.order_ref, row.created_by,
                                     _status((row.starts_on, row.ends_on), today, row.ended_at is not None, "ended"))


@dataclass(frozen=True)
class AbsenceRequest:
    """An absence to record: from, to (inclusive), the deputy, why (optional)."""

    period: tuple[date, date]
    deputy: str
    reason: str = ""


class Absences:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def add(self, actor: str, request: AbsenceRequest, username: str | None = None) -> AbsenceView:
        """Record an absence of ``username`` (default: the actor; someone else's: administrators only)."""
        who = username or actor
        with work(self.ctx) as w:
            if who != actor:
                _check_admin(w.conn, actor, "record another user's absence")
            groups = _active_user(w.conn, who, "username")
            if request.deputy == who:
                raise InvalidInput("the deputy is a colleague, not yourself", field="deputy")
            if not groups & _active_user(w.conn, request.deputy, "deputy"):
                raise InvalidInput(f"{request.deputy} is not in a group of {who}; the deputy is a colleague of "
                                   "the same group", field="deputy")
            period = _period(*request.period)
            if period[1] < local_date(w.now):
                raise InvalidInput("the absence is over already", field="ends_on")
            reason = " ".join(request.reason.split())
            if len(reason) > MAX_REASON:
                raise InvalidInput(f"a reason has at most {MAX_REASON} characters", field="reason")
            other = acting.absence_overlapping(w.conn, who, period)
            if other is not None:
                raise InvalidInput(f"absence {other} of {who} already covers part of these dates; cancel it first",
                                   field="starts_on", reason="overlapping")
            new_id = acting.add_absence(w.conn, acting.NewAbsence(who, request.deputy, period, reason), w.now)
            return _absence_view(acting.absence(w.conn, new_id), local_date(w.now))

    def absences(self, username: str) -> list[AbsenceView]:
        with work(self.ctx, write=False) as w:
            today = local_date(w.now)
            return [_absence_view(r, today) for r in acting.absences(w.conn, username)]

    def cancel(self, actor: str, absence_id: int) -> AbsenceView:
        """Cancel an absence (its user or an administrator): new tasks go to the user again."""
        with work(self.ctx) as w:
            row = acting.absence(w.conn, absence_id)
            if row is None or (row.username != actor and not _is_admin(w.conn, actor)):
                raise NotFound(f"absence {absence_id} does not exist")
            acting.cancel_absence(w.conn, absence_id, w.now)
            return _absence_view(acting.absence(w.conn, absence_id), local_date(w.now))

    def hand_over(self, username: str) -> HandOver:
        """Hand every open task the user has claimed to the deputy of their absence (in force
        today, or the next one), in one transaction; a task the deputy may not work stays (and
        says why). Each handed-over task records ``task_handed_over``; the deputy is told once."""
        with work(self.ctx) as w:
            _active_user(w.conn, username, "username")
            absence = acting.current_or_next_absence(w.conn, username, local_date(w.now))
            if absence is None:
                raise InvalidInput(f"{username} has no absence in force or to come; record one first "
                                   "(it names the deputy)", field="absence")
            deputy = absence.deputy
            deputy_groups = _active_user(w.conn, deputy, "deputy")
            handed, kept = [], {}
            for task_id in acting.claimed_by(w.conn, username):
                with w.case(task_id=task_id, actor=username) as op:
                    task = op.task(task_id)
                    if capacity_on(shape(task), deputy, deputy_groups, ActingRights()) is None:
                        kept[task_id] = f"{deputy} may not work task {task_id} ({task.name})"
                        continue
                    task_rows.assign(op.conn, task, username, deputy)
                    op.record(EventType.TASK_HANDED_OVER, username, task_id=task_id, element_id=task.element_id,
                              previous=username, to=deputy, absence_id=absence.id)
                    handed.append(task_id)
                    notifications.add(op.conn, [deputy], notifications.NewNotification(
                        "delegated", task.instance_id, task_id, f"ส่งมอบงานให้คุณระหว่างที่ {username} ลา: {task.name}",
                        f"Handed over to you while {username} is absent: {task.name}", task.due_at), op.now, "off")
            return HandOver(deputy, tuple(handed), kept)


def _absence_view(row: Any, today: date) -> AbsenceView:
    return AbsenceView(row.id, row.username, row.deputy, row.starts_on, row.ends_on, row.reason,
                       _status((row.starts_on, row.ends_on), today, row.cancelled_at is not None, "cancelled"))


def _is_admin(conn: Connection, username: str) -> bool:
    account = accounts.account(conn, username)
    return account is not None and account.has_role("admin")


def _check_admin(conn: Connection, actor: str, what: str) -> None:
    if not _is_admin(conn, actor):
        raise Forbidden(f"{actor} may not {what} (it needs the administrator role in the organisation file)")


def _active_user(conn: Connection, username: str, field: str) -> set[str]:
    try:
        return people.user_groups(conn, username)
    except NotFound:
        raise InvalidInput(f"user {username!r} does not exist or is not active", field=field) from None
