"""Positions, acting appointments, absences and task preparers in the database (the rules are in
engine.model.acting and engine.services.acting)."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, and_, delete, insert, select, update

from ..model.acting import ActingRights, Appointed, Capacity
from ..model.organisation import OrgPosition
from .tables import Absence, ActingAppointment, HumanTask, Position, TaskPreparer

_A = ActingAppointment.c
_P = Position.c
_B = Absence.c


def sync_positions(conn: Connection, positions: Iterable[OrgPosition]) -> None:
    """Make the positions table match the organisation file (positions are not referred to by id
    from elsewhere but appointments, which keep their position id)."""
    conn.execute(delete(Position))
    rows = [dict(id=p.id, title_th=p.title_th, title_en=p.title_en, groups=" ".join(p.groups), holder=p.holder)
            for p in positions]
    if rows:
        conn.execute(insert(Position), rows)


def positions(conn: Connection) -> list[OrgPosition]:
    return [_position(r) for r in conn.execute(select(Position).order_by(_P.id))]


def position(conn: Connection, position_id: str) -> OrgPosition | None:
    row = conn.execute(select(Position).where(_P.id == position_id)).first()
    return _position(row) if row is not None else None


def _position(row: Any) -> OrgPosition:
    return OrgPosition(row.id, row.title_th, row.title_en, tuple(row.groups.split()), row.holder)


@dataclass(frozen=True)
class NewAppointment:
    position_id: str
    username: str
    kind: str
    period: tuple[date, date]
    order_ref: str


def overlapping(conn: Connection, position_id: str, period: tuple[date, date]) -> int | None:
    """The id of an appointment (not ended) for the position whose period meets ``period``."""
    starts_on, ends_on = period
    return conn.scalar(select(_A.id).where(_A.position_id == position_id, _A.ended_at.is_(None),
                                           _A.starts_on <= ends_on, _A.ends_on >= starts_on).limit(1))


def add_appointment(conn: Connection, new: NewAppointment, by: str, now: datetime) -> int:
    starts_on, ends_on = new.period
    result = conn.execute(insert(ActingAppointment).values(
        position_id=new.position_id, username=new.username, kind=new.kind, starts_on=starts_on, ends_on=ends_on,
        order_ref=new.order_ref, created_by=by, created_at=now))
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def appointment(conn: Connection, appointment_id: int) -> Any:
    return conn.execute(select(ActingAppointment).where(_A.id == appointment_id)).first()


def end_appointment(conn: Connection, appointment_id: int, by: str, now: datetime) -> bool:
    return bool(conn.execute(update(ActingAppointment).where(_A.id == appointment_id, _A.ended_at.is_(None))
                             .values(ended_at=now, ended_by=by)).rowcount)


def appointments(conn: Connection, username: str | None = None) -> list[Any]:
    """Every appointment (or one user's), newest period first."""
    query = select(ActingAppointment)
    if username is not None:
        query = query.where(_A.username == username)
    return list(conn.execute(query.order_by(_A.starts_on.desc(), _A.id.desc())))


def rights(conn: Connection, username: str, today: date | None) -> ActingRights:
    """What the user's appointments in force on ``today`` give (one indexed query); ``today``
    None: every appointment the user ever had, in force or not."""
    query = (select(_A.id, _A.kind, _A.order_ref, _P.id.label("position_id"), _P.title_th, _P.title_en,
                    _P.groups, _P.holder)
             .join(Position, _P.id == _A.position_id).where(_A.username == username))
    if today is not None:
        query = query.where(_A.ends_on >= today, _A.starts_on <= today, _A.ended_at.is_(None))
    rows = conn.execute(query.order_by(_A.starts_on, _A.id)).all()
    return ActingRights(tuple(
        Appointed(frozenset(r.groups.split()), r.holder,
                  Capacity(r.kind, r.position_id, r.title_th, r.title_en, r.holder, r.order_ref, r.id))
        for r in rows))


@dataclass(frozen=True)
class NewAbsence:
    username: str
    deputy: str
    period: tuple[date, date]
    reason: str = ""


def add_absence(conn: Connection, new: NewAbsence, now: datetime) -> int:
    starts_on, ends_on = new.period
    result = conn.execute(insert(Absence).values(username=new.username, deputy=new.deputy, starts_on=starts_on,
                                                 ends_on=ends_on, reason=new.reason, created_at=now))
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def absence_overlapping(conn: Connection, username: str, period: tuple[date, date]) -> int | None:
    starts_on, ends_on = period
    return conn.scalar(select(_B.id).where(_B.username == username, _B.cancelled_at.is_(None),
                                           _B.starts_on <= ends_on, _B.ends_on >= starts_on).limit(1))


def absences(conn: Connection, username: str | None = None) -> list[Any]:
    query = select(Absence)
    if username is not None:
        query = query.where(_B.username == username)
    return list(conn.execute(query.order_by(_B.starts_on.desc(), _B.id.desc())))


def absence(conn: Connection, absence_id: int) -> Any:
    return conn.execute(select(Absence).where(_B.id == absence_id)).first()


def current_or_next_absence(conn: Connection, username: str, today: date) -> Any:
    """The user's absence in force on ``today``, else the next one (not cancelled), or None."""
    return conn.execute(select(Absence).where(_B.username == username, _B.cancelled_at.is_(None),
                                              _B.ends_on >= today)
                        .order_by(_B.starts_on, _B.id).limit(1)).first()


def claimed_by(conn: Connection, username: str) -> list[int]:
    """The open tasks the user holds, oldest first."""
    return list(conn.scalars(select(HumanTask.c.id).where(HumanTask.c.assignee == username,
                                                          HumanTask.c.state == "open").order_by(HumanTask.c.id)))


def cancel_absence(conn: Connection, absence_id: int, now: datetime) -> bool:
    return bool(conn.execute(update(Absence).where(_B.id == absence_id, _B.cancelled_at.is_(None))
                             .values(cancelled_at=now)).rowcount)


def deputies(conn: Connection, usernames: set[str], today: date) -> dict[str, tuple[str, int]]:
    """For each of the users absent on ``today``: (their deputy, the absence's id)."""
    if not usernames:
        return {}
    rows = conn.execute(select(_B.id, _B.username, _B.deputy)
                        .where(_B.username.in_(sorted(usernames)), _B.cancelled_at.is_(None),
                               and_(_B.starts_on <= today, _B.ends_on >= today))
                        .order_by(_B.id)).all()
    return {r.username: (r.deputy, r.id) for r in rows}


def add_preparer(conn: Connection, key: tuple[int, str], by: str, now: datetime) -> bool:
    """Share a task for preparation with a user (False: it already is)."""
    task_id, username = key
    if is_preparer(conn, task_id, username):
        return False
    conn.execute(insert(TaskPreparer).values(task_id=task_id, username=username, shared_by=by, shared_at=now))
    return True


def is_preparer(conn: Connection, task_id: int, username: str) -> bool:
    return conn.scalar(select(TaskPreparer.c.task_id).where(TaskPreparer.c.task_id == task_id,
                                                            TaskPreparer.c.username == username)) is not None


def preparers_of(conn: Connection, task_id: int) -> list[str]:
    return list(conn.scalars(select(TaskPreparer.c.username).where(TaskPreparer.c.task_id == task_id)
                             .order_by(TaskPreparer.c.shared_at, TaskPreparer.c.username)))
