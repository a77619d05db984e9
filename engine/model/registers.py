"""The official registers (``processes/registers.yaml``): what each register is, how its numbers are
counted and written, which process steps take a number from it, and who may read it.

A register keeps one counter per period: the calendar year (1 January) or the fiscal year
(1 October), both counted in the Buddhist Era. A number is written with the register's
``reference`` (``สธ 0701/{n}``, ``สธ 0701/ว {n}``, ``{n}/{be_year}``). Secrecy levels are ranked
normal < secret (ลับ) < very_secret (ลับมาก) < most_secret (ลับที่สุด); a reader group reads the
entries up to its level. The file is read with pydantic (a problem names the register and the key)
on first use and at ``krabuan init``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints, field_validator

from ..errors import NotFound
from ..time.calendar import fiscal_year
from ..time.file_schema import REQUIRED, Schema, list_of, load_yaml, refuse, says
from .secrecy import SECRECY, SECRECY_CODES, secrecy_of

# The columns of a paper register an issuing step may fill from the case's data.
COLUMNS = ("reference", "dated", "from", "to", "subject", "action", "remarks", "secrecy")
KINDS = ("received", "sent", "circular", "order", "announcement", "memo")


@dataclass(frozen=True)
class Issuer:
    """A process step that takes a number from a register when it is completed."""

    process_id: str
    step_id: str
    store_as: str
    fields: dict[str, str]


@dataclass(frozen=True)
class Register:
    id: str
    name_th: str
    name_en: str
    kind: str
    period: str  # "calendar" | "fiscal"
    reference: str
    readers: dict[str, int] = field(default_factory=dict)  # group -> highest secrecy rank it reads
    keepers: tuple[str, ...] = ()
    issued_by: tuple[Issuer, ...] = ()

    def period_of(self, day: date) -> int:
        """The Buddhist-era year a number issued on ``day`` (Bangkok) counts in."""
        return fiscal_year(day) if self.period == "fiscal" else day.year + 543  # fiscal_year is BE already

    def format(self, number: int, period: int) -> str:
        return self.reference.replace("{n}", str(number)).replace("{be_year}", str(period))

    def clearance(self, groups: tuple[str, ...] | list[str] | set[str]) -> int | None:
        """The highest secrecy rank these groups read here; None: not a reader."""
        ranks = [self.readers[g] for g in groups if g in self.readers]
        return max(ranks) if ranks else None

    def keeps(self, groups: tuple[str, ...] | list[str] | set[str]) -> bool:
        return any(g in self.keepers for g in groups)

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "name": {"th": self.name_th, "en": self.name_en}, "kind": self.kind,
                "period": self.period, "reference": self.reference,
                "readers": {g: SECRECY[r].code for g, r in self.readers.items()}, "keepers": list(self.keepers),
                "issued_by": [{"process_id": i.process_id, "step_id": i.step_id, "store_as": i.store_as}
                              for i in self.issued_by]}


@dataclass(frozen=True)
class Registers:
    registers: tuple[Register, ...] = ()

    def get(self, register_id: str) -> Register:
        for r in self.registers:
            if r.id == register_id:
                return r
        raise NotFound(f"register {register_id!r} does not exist")

    def issued_at(self, process_id: str, step_id: str) -> list[tuple[Register, Issuer]]:
        """The registers a completed step takes a number from (usually none)."""
        return [(r, i) for r in self.registers for i in r.issued_by
                if i.process_id == process_id and i.step_id == step_id]

    @classmethod
    def load(cls, path: Path) -> Registers:
        """The registers of the file (none when there is no file); ConfigurationError names the first problem."""
        if not path.exists():
            return cls()
        schema = load_yaml(path, RegistersFileSchema, "registers")
        return cls(tuple(r.register() for r in schema.registers))


class LabelSchema(Schema):
    NOT_A_MAPPING = UNKNOWN_KEYS = "a name is {th: ..., en: ...}"
    th: Annotated[str, StringConstraints(min_length=1, max_length=200), says("name.th is a text")] = REQUIRED
    en: Annotated[str, StringConstraints(min_length=1, max_length=200), says("name.en is a text")] = REQUIRED


_NAME = StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,63}$")
_FIELD = StringConstraints(pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,99}$")


class IssuerSchema(Schema):
    UNKNOWN_KEYS = "unknown key(s) {keys} (an issuing step has process, step, store_as, fields)"
    process: Annotated[str, StringConstraints(min_length=1, max_length=100), says("process is a process id")] \
        = REQUIRED
    step: Annotated[str, StringConstraints(min_length=1, max_length=100), says("step is a step id")] = REQUIRED
    store_as: Annotated[str, _FIELD, says("store_as is a case-data field name")] = REQUIRED
    fields: Annotated[dict[str, Annotated[str, _FIELD]], says(
        "fields maps register columns (" + ", ".join(COLUMNS) + ") to case-data field names")] \
        = Field(default_factory=dict)

    @field_validator("fields")
    @classmethod
    def _columns(cls, value: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(value) - set(COLUMNS))
        if unknown:
            raise refuse(f"unknown column(s) {', '.join(unknown)}; the columns are {', '.join(COLUMNS)}")
        return value


class RegisterSchema(Schema):
    UNKNOWN_KEYS = "unknown key(s) {keys}"
    id: Annotated[str, _NAME, says("id must be lower-case letters, digits and _")] = REQUIRED
    name: LabelSchema = REQUIRED
    kind: Annotated[Literal["received", "sent", "circular", "order", "announcement", "memo"],
                    says("kind is one of " + ", ".join(KINDS))] = REQUIRED
    period: Annotated[Literal["calendar", "fiscal"], says("period is calendar or fiscal")] = "calendar"
    reference: Annotated[str, StringConstraints(pattern=r"\{n\}", max_length=100),
                         says("reference is a text with {n} (and optionally {be_year})")] = REQUIRED
    readers: Annotated[dict[str, Literal["normal", "secret", "very_secret", "most_secret"]], says(
        "readers maps group ids to the highest secrecy level they read (" + ", ".join(SECRECY_CODES) + ")")] \
        = Field(default_factory=dict)
    keepers: Annotated[list[str], list_of("keepers")] = Field(default_factory=list)
    issued_by: Annotated[list[IssuerSchema], list_of("issued_by")] = Field(default_factory=list)

    def register(self) -> Register:
        return Register(self.id, self.name.th, self.name.en, self.kind, self.period, self.reference,
                        {g: secrecy_of(level).rank for g, level in self.readers.items()}, tuple(self.keepers),
                        tuple(Issuer(i.process, i.step, i.store_as, dict(i.fields)) for i in self.issued_by))


class RegistersFileSchema(Schema):
    NOT_A_MAPPING = UNKNOWN_KEYS = "expected 'registers:' with a list of registers"
    registers: Annotated[list[RegisterSchema], list_of("registers")] = Field(default_factory=list)

    @field_validator("registers")
    @classmethod
    def _unique(cls, registers: list[RegisterSchema]) -> list[RegisterSchema]:
        ids = [r.id for r in registers]
        if len(set(ids)) != len(ids):
            raise refuse("a register id is used twice")
        steps = [(i.process, i.step) for r in registers for i in r.issued_by]
        if len(set(steps)) != len(steps):
            raise refuse("a step issues numbers from two registers")
        return registers
