"""Acting officials: the kinds of appointment, the capacity in which someone acts on a task, and
the rights a user's appointments of the day give (pure: the rows come from engine.store.acting).

A position (engine.model.organisation.OrgPosition) holds the tasks of its groups. During an
appointment's period (Bangkok dates, inclusive), its acting official may see, claim, complete and
sign those tasks, and the tasks reserved for the position's holder; every such action records the
capacity (``Capacity.to_json``). After the period the rights are gone: they are computed from the
clock on every request, never granted by a job.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

SELF = "self"
# code: (Thai as a letter prints it, English)
KINDS: dict[str, tuple[str, str]] = {
    "acting": ("รักษาราชการแทน", "Acting for"),
    "delegated": ("ปฏิบัติราชการแทน", "On behalf of"),
    "caretaker": ("รักษาการในตำแหน่ง", "Acting in the position of"),
}
ACTING_KINDS = KINDS  # as the engine's public surface names it


@dataclass(frozen=True)
class Capacity:
    """In what capacity a user acts: ``self``, or a kind of KINDS for a position (its holder, the
    order's reference)."""

    kind: str = SELF
    position: str | None = None
    position_th: str = ""
    position_en: str = ""
    for_user: str | None = None
    order_ref: str | None = None
    appointment_id: int | None = None

    @property
    def is_self(self) -> bool:
        return self.kind == SELF

    @property
    def kind_th(self) -> str:
        return KINDS[self.kind][0] if self.kind in KINDS else "ตนเอง"

    @property
    def kind_en(self) -> str:
        return KINDS[self.kind][1] if self.kind in KINDS else "Self"

    @property
    def label_th(self) -> str:
        """E.g. ``ปฏิบัติราชการแทน ผู้อำนวยการกลุ่มเทคโนโลยีสารสนเทศ`` (empty for oneself)."""
        return "" if self.is_self else f"{self.kind_th} {self.position_th}".strip()

    @property
    def label_en(self) -> str:
        return "" if self.is_self else f"{self.kind_en} {self.position_en}".strip()

    def to_json(self) -> dict[str, Any]:
        if self.is_self:
            return {"kind": SELF}
        return {"kind": self.kind, "kind_th": self.kind_th, "kind_en": self.kind_en, "for_position": self.position,
                "position_title": {"th": self.position_th, "en": self.position_en}, "for_user": self.for_user,
                "order_ref": self.order_ref, "appointment_id": self.appointment_id}


@dataclass(frozen=True)
class Appointed:
    """One appointment in force: the position's groups and holder, and the capacity it gives."""

    groups: frozenset[str]
    holder: str | None
    capacity: Capacity


@dataclass(frozen=True)
class TaskShape:
    """What decides who may work a task: its candidate groups and whom it is reserved for."""

    groups: tuple[str, ...]
    reserved_for: str | None = None


@dataclass(frozen=True)
class ActingRights:
    """What a user's appointments in force today give them (none: an empty one)."""

    appointed: tuple[Appointed, ...] = ()

    @property
    def groups(self) -> frozenset[str]:
        """The groups whose tasks the user may take as an acting official."""
        return frozenset(g for a in self.appointed for g in a.groups)

    @property
    def holders(self) -> frozenset[str]:
        """The holders of the positions acted for (their personal tasks are the position's)."""
        return frozenset(a.holder for a in self.appointed if a.holder)

    def for_task(self, task: TaskShape) -> Capacity | None:
        """The capacity the appointments give on ``task`` (None: none covers it)."""
        for a in self.appointed:
            if task.reserved_for is not None and task.reserved_for == a.holder:
                return a.capacity
            if task.reserved_for is None and set(task.groups) & a.groups:
                return a.capacity
        return None


def own_capacity(task: TaskShape, username: str, groups: set[str] | frozenset[str]) -> bool:
    """Whether the user works the task as themselves: it is reserved for them, or it is not
    personal and it is open to anyone or to one of their own groups."""
    if task.reserved_for is not None:
        return task.reserved_for == username
    return not task.groups or bool(set(task.groups) & groups)


def capacity_on(task: TaskShape, username: str, groups: set[str] | frozenset[str],
                rights: ActingRights) -> Capacity | None:
    """In what capacity ``username`` (with their own ``groups``) acts on ``task`` now: oneself, an
    appointment's, or None (no right to it)."""
    if own_capacity(task, username, groups):
        return Capacity()
    return rights.for_task(task)


def in_force(period: tuple[date, date], today: date) -> bool:
    starts_on, ends_on = period
    return starts_on <= today <= ends_on
