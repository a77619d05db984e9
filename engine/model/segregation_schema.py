"""The ``<krabuan:segregation>`` extension element (engine.model.segregation) as a pydantic model:
its attributes checked, and the first mistake reported as a DeployError naming the file and the
process. Imported only when a process declares rules (pydantic costs start-up time)."""
from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)

from ..errors import DeployError
from ..time.file_schema import Schema, first_problem, refuse, says
from .segregation import GROUP, ROLE_FORMS, STARTER, STEP, VARIABLE, SegregationRule

_LOWER_SNAKE = r"^[a-z][a-z0-9_]{0,63}$"


def _role(text: str) -> str:
    if text == STARTER or (text.startswith(STEP) and len(text) > len(STEP)) or any(
            text.startswith(prefix) and re.match(_LOWER_SNAKE, text[len(prefix):]) for prefix in (VARIABLE, GROUP)):
        return text
    raise refuse(f"krabuan:segregation role {text!r} is not one of {ROLE_FORMS}")


def _roles(value: Any) -> Any:
    if not isinstance(value, str) or not value.split():
        raise refuse(f"krabuan:segregation needs who and not, each naming roles ({ROLE_FORMS})")
    return tuple(dict.fromkeys(_role(t) for t in value.replace(",", " ").split()))


Roles = Annotated[tuple[str, ...], BeforeValidator(_roles)]
Stripped = Annotated[str, StringConstraints(strip_whitespace=True)]


def _text(value: str) -> str:
    if not value:
        raise refuse("a segregation rule needs both th and en texts (the message that refuses)")
    return value


class SegregationSchema(Schema):
    """The attributes of one ``<krabuan:segregation>``."""

    model_config = ConfigDict(strict=False)
    UNKNOWN_KEYS = "krabuan:segregation takes id, who, not, th, en and why, not {keys}"

    id: Annotated[str, StringConstraints(pattern=_LOWER_SNAKE),
                  says("a segregation rule id is lower_snake_case, not {input}")] = ""
    who: Roles = ()
    not_: Annotated[Roles, Field(alias="not")] = ()
    th: Annotated[Stripped, AfterValidator(_text)] = ""
    en: Annotated[Stripped, AfterValidator(_text)] = ""
    why: Stripped = ""

    @model_validator(mode="after")
    def _two_sides(self) -> SegregationSchema:
        both = [r for r in self.who if r in self.not_]
        if both:
            raise refuse(f"segregation rule {self.id}: {both[0]} is on both sides (who and not)")
        return self

    def rule(self) -> SegregationRule:
        return SegregationRule(self.id, self.who, self.not_, self.th, self.en, self.why)


def rules_of(elements: list[dict[str, str]], source: str, process_id: str) -> tuple[SegregationRule, ...]:
    """The rules of a process from the attributes of its ``<krabuan:segregation>`` elements, or a
    DeployError naming the first mistake (and the process)."""
    rules: list[SegregationRule] = []
    for attributes in elements:
        try:
            rule = SegregationSchema.model_validate(dict(attributes)).rule()
        except ValidationError as exc:
            raise DeployError(first_problem(exc).message, file=source, element=process_id) from None
        if any(r.id == rule.id for r in rules):
            raise DeployError(f"segregation rule id {rule.id} is used twice", file=source, element=process_id)
        rules.append(rule)
    return tuple(rules)
