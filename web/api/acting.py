"""The JSON API of acting officials, absences and "on behalf of" preparation (engine.services.acting)."""
from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import Field

from engine import AbsenceRequest, AppointmentRequest

from ..auth import account, krabuan
from . import answer, body, bp, signed_in
from .openapi import Doc, route
from .schemas import Body, Out

Kind = Literal["acting", "delegated", "caretaker"]


class PositionOut(Out):
    id: str
    title: dict[str, str]
    groups: list[str]
    holder: str | None


class AppointmentIn(Body):
    username: str = Field(min_length=1, max_length=100)
    position: str = Field(min_length=1, max_length=100)
    # acting: รักษาราชการแทน; delegated: ปฏิบัติราชการแทน; caretaker: รักษาการในตำแหน่ง.
    kind: Kind
    starts_on: date
    ends_on: date  # inclusive (Bangkok dates)
    order_ref: str = Field(min_length=1, max_length=200)


class AppointmentOut(Out):
    id: int
    position: PositionOut
    username: str
    kind: Kind
    kind_th: str
    starts_on: str
    ends_on: str
    order_ref: str
    created_by: str
    status: Literal["upcoming", "in_force", "over", "ended"]


class AbsenceIn(Body):
    starts_on: date
    ends_on: date  # inclusive (Bangkok dates)
    deputy: str = Field(min_length=1, max_length=100)
    reason: str = Field(default="", max_length=500)


class AbsenceOut(Out):
    id: int
    username: str
    deputy: str
    starts_on: str
    ends_on: str
    reason: str
    status: Literal["upcoming", "in_force", "over", "cancelled"]


class HandOverOut(Out):
    deputy: str
    handed_over: list[int]
    kept: dict[str, str]


class PreparerIn(Body):
    to: str = Field(min_length=1, max_length=100)


class PreparersOut(Out):
    preparers: list[str]


@route(bp, "GET", "/positions", Doc(out=PositionOut, many=True,
       summary="The organisation's positions: whose groups' tasks each holds, and who holds it"))
@signed_in
def positions() -> Any:
    return answer(PositionOut, [p.to_json() for p in krabuan().acting.positions()])


@route(bp, "GET", "/acting", Doc(out=AppointmentOut, many=True,
       summary="Acting appointments: every one for an administrator, one's own for anyone else"))
@signed_in
def acting_appointments() -> Any:
    return answer(AppointmentOut, [a.to_json() for a in krabuan().acting.appointments(account().username)])


@route(bp, "POST", "/acting", Doc(body=AppointmentIn, out=AppointmentOut, status=201,
       summary="Appoint an acting official for a position (administrators); refused if it overlaps another "
               "appointment for the position or is for one's own position"))
@signed_in
def appoint() -> Any:
    given = body(AppointmentIn)
    made = krabuan().acting.appoint(account().username, AppointmentRequest(
        given.username, given.position, given.kind, (given.starts_on, given.ends_on), given.order_ref))
    return answer(AppointmentOut, made.to_json(), 201)


@route(bp, "POST", "/acting/<id:appointment_id>/end", Doc(out=AppointmentOut,
       summary="End an acting appointment now (administrators)"))
@signed_in
def end_appointment(appointment_id: int) -> Any:
    return answer(AppointmentOut, krabuan().acting.end(account().username, appointment_id).to_json())


@route(bp, "GET", "/absences", Doc(out=AbsenceOut, many=True, summary="My absences"))
@signed_in
def absences() -> Any:
    return answer(AbsenceOut, [a.to_json() for a in krabuan().absences.absences(account().username)])


@route(bp, "POST", "/absences", Doc(body=AbsenceIn, out=AbsenceOut, status=201,
       summary="Record my absence: new tasks that would go to me go to the deputy (a colleague of my group)"))
@signed_in
def add_absence() -> Any:
    given = body(AbsenceIn)
    made = krabuan().absences.add(account().username, AbsenceRequest((given.starts_on, given.ends_on), given.deputy,
                                                                     given.reason))
    return answer(AbsenceOut, made.to_json(), 201)


@route(bp, "POST", "/absences/<id:absence_id>/cancel", Doc(out=AbsenceOut, summary="Cancel my absence"))
@signed_in
def cancel_absence(absence_id: int) -> Any:
    return answer(AbsenceOut, krabuan().absences.cancel(account().username, absence_id).to_json())


@route(bp, "POST", "/absences/hand-over", Doc(out=HandOverOut,
       summary="Hand every task I have claimed to the deputy of my absence, in one action"))
@signed_in
def hand_over() -> Any:
    return answer(HandOverOut, krabuan().absences.hand_over(account().username).to_json())


@route(bp, "POST", "/tasks/<id:task_id>/preparers", Doc(body=PreparerIn, out=PreparersOut,
       summary="On behalf of: let a colleague (a secretary) prepare a task I hold: they save its draft, only I "
               "(or my acting official) complete or sign it"))
@signed_in
def share_for_preparation(task_id: int) -> Any:
    given = body(PreparerIn)
    return answer(PreparersOut, {"preparers": krabuan().tasks.share_for_preparation(task_id, account().username,
                                                                                     given.to)})
