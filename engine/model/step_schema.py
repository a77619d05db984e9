"""The ``krabuan:step`` extension element (see engine.model.metadata) as pydantic models.

``StepSchema`` takes a step as read from the XML: its attributes, and its children grouped by
kind (texts of krabuan:deadline, attributes of krabuan:control, krabuan:risk, krabuan:document,
names of unknown elements). ``step_metadata`` reports the first broken rule as a DeployError
naming the file and the element.

Attribute values are XML text: numbers are read as Python's int() and float() read them.
Deadline rules are JSON, checked against the rule kinds and units of engine.time.deadlines
and kept as written.
"""
from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    PlainValidator,
    StringConstraints,
    Tag,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from ..errors import DeployError
from ..time.deadlines import ANCHOR_KEYS, RULE_KINDS, UNITS, is_anchor
from ..time.file_schema import REFUSED, REQUIRED, Schema, first_problem, refuse, says
from .metadata import STEP_KINDS, ControlPoint, Document, Risk, StepKind, StepMetadata

_LOWER_SNAKE = r"^[a-z][a-z0-9_]{0,63}$"
RULE_TYPES = f"a deadline rule is a JSON object whose type is one of {', '.join(RULE_KINDS)}"


_NAMES = {"working_days": "workingDays", "likelihood": "risk likelihood", "impact": "risk impact",
          "score": "risk score"}  # how messages name a field


def _python_int(value: Any) -> Any:
    return int(value) if isinstance(value, str) else value  # int()'s ValueError is the field's message


def _python_float(value: Any) -> Any:
    return float(value) if isinstance(value, str) else value


def _not_negative(value: float | None, info: ValidationInfo) -> float | None:
    if value is not None and value < 0:
        raise refuse(f"{_NAMES.get(info.field_name or '', info.field_name)} must not be negative")
    return value


def _from_1_to_5(value: int | None, info: ValidationInfo) -> int | None:
    if value is not None and not 1 <= value <= 5:
        raise refuse(f"risk {info.field_name} must be from 1 to 5")
    return value


XmlInt = Annotated[int, BeforeValidator(_python_int)]
XmlFloat = Annotated[float, BeforeValidator(_python_float)]
Stripped = Annotated[str, StringConstraints(strip_whitespace=True)]
RiskNumber = Annotated[XmlInt | None, says("risk {field} must be a whole number, not {input}"),
                       AfterValidator(_not_negative)]
RiskScale = Annotated[RiskNumber, AfterValidator(_from_1_to_5)]


class XmlSchema(Schema):
    """The attributes of an XML element: text values, converted."""

    model_config = ConfigDict(strict=False)


class StepAttributes(XmlSchema):
    UNKNOWN_KEYS = "unknown attribute(s) on krabuan:step: {keys}"

    form: str | None = None
    kind: Annotated[StepKind | None, says(f"krabuan:step kind {{input}} is not one of {', '.join(STEP_KINDS)}")] = None
    working_days: Annotated[XmlFloat | None, Field(alias="workingDays"),
                            says("workingDays must be a number, not {input}"), AfterValidator(_not_negative)] = None
    assignee: Annotated[Annotated[str, StringConstraints(pattern=_LOWER_SNAKE)] | None,
                        says("assignee must name a data variable (lower_snake_case), not {input}")] = None
    candidate_group: Annotated[Annotated[str, StringConstraints(pattern=_LOWER_SNAKE)] | None,
                               Field(alias="candidateGroup"),
                               says("candidateGroup must name a data variable (lower_snake_case), not {input}")] = None
    minutes: Annotated[XmlInt | None, says("minutes must be a whole number, not {input}"),
                       AfterValidator(_not_negative)] = None
    duration_inferred: Annotated[Literal["true", "false"], Field(alias="durationInferred"),
                                 says("durationInferred is true or false, not {input}")] = "false"
    system: str | None = None
    inferred: str | None = None
    source_name: Annotated[str | None, Field(alias="sourceName")] = None

    @classmethod
    def check_raw(cls, raw: dict[Any, Any]) -> None:
        for name, value in raw.items():
            if not value.strip():
                raise refuse(f"krabuan:step {name} is empty")


class ControlSchema(XmlSchema):
    UNKNOWN_KEYS = "krabuan:control takes id, th, en, source and corrected"

    id: Annotated[str, StringConstraints(pattern=_LOWER_SNAKE),
                  says("control point id {input} must be lower_snake_case")] = ""
    th: Stripped = ""
    en: Stripped = ""
    source: Stripped = ""  # the source's text, when th/en correct it
    corrected: Stripped = ""  # why

    @model_validator(mode="after")
    def _both_texts(self) -> ControlSchema:
        if not self.th or not self.en:
            raise refuse(f"control point {self.id} needs both th and en texts")
        return self


class RiskSchema(XmlSchema):
    UNKNOWN_KEYS = "krabuan:risk takes th, en, factor, factorEn, likelihood, impact, score, level, levelEn"

    th: Stripped = ""
    en: Stripped = ""
    likelihood: RiskScale = None
    impact: RiskScale = None
    score: RiskNumber = None
    factor: str = ""
    factor_en: Annotated[str, Field(alias="factorEn")] = ""
    level: str = ""
    level_en: Annotated[str, Field(alias="levelEn")] = ""

    @field_validator("en")
    @classmethod
    def _both_texts(cls, en: str, info: ValidationInfo) -> str:
        if not info.data.get("th") or not en:
            raise refuse("a risk needs both th and en texts")
        return en


class DocumentSchema(XmlSchema):
    UNKNOWN_KEYS = 'krabuan:document takes direction="in|out", th and en'

    direction: Annotated[Literal["in", "out"], says(UNKNOWN_KEYS)] = REQUIRED
    th: Stripped = ""
    en: Stripped = ""

    @model_validator(mode="after")
    def _a_text(self) -> DocumentSchema:
        if not self.th and not self.en:  # the catalog names some documents in one language only
            raise refuse("a document needs a th or an en text")
        return self


# ---------------------------------------------------------------- deadline rules

class RuleSchema(Schema):
    """A deadline rule: its type decides how it is read; keys not checked here are kept.

    A key that is not written is not checked (defaults are not validated); a null one is.
    """

    model_config = ConfigDict(extra="allow", validate_default=False)
    UNKNOWN_KEYS = None


NOT_WRITTEN: Any = None
Month = Annotated[int, Field(ge=1, le=12), says("deadline {field} must be a month number from 1 to 12")]
Day = Annotated[int, Field(ge=1, le=31), says("deadline {field} must be a day of the month from 1 to 31")]


def _rules_list(value: Any) -> Any:
    if not isinstance(value, list) or not value:
        raise refuse("an all_of deadline rule needs a non-empty list under rules")
    return value


def _known_unit(unit: str) -> str:
    if unit not in UNITS:
        raise ValueError(unit)
    return unit


class AllOfRule(RuleSchema):
    """The earliest of its rules."""

    type: Literal["all_of"]
    rules: Annotated[list[Rule], BeforeValidator(_rules_list)] = Field(REQUIRED, validate_default=True)


class SingleRule(RuleSchema):
    type: str
    amount: Annotated[int, Field(ge=0), says("a deadline amount is a whole number of units")] = NOT_WRITTEN
    unit: Annotated[str, AfterValidator(_known_unit), says(f"a deadline unit is one of {', '.join(UNITS)}")] \
        = NOT_WRITTEN
    month: Month = NOT_WRITTEN
    from_month: Month = NOT_WRITTEN
    to_month: Month = NOT_WRITTEN
    day: Day = NOT_WRITTEN
    from_day: Day = NOT_WRITTEN
    to_day: Day = NOT_WRITTEN

    @model_validator(mode="after")
    def _anchors_are_named(self) -> SingleRule:
        """What a deadline counts from is a case variable or a step the engine records, never free
        text (which would silently count from the task's creation instead)."""
        extra = self.model_extra or {}
        month_kinds = ("month_window", "fixed_months", "monthly_window", "monthly_day")
        keys = [k for k in ANCHOR_KEYS if not (k == "from" and self.type in month_kinds)]
        places = [extra] + [c for c in extra.get("cases") or () if isinstance(c, dict)]
        for place in places:
            for key in keys:
                if key in place and not is_anchor(place[key]):
                    raise refuse(f"deadline {key} {str(place[key])[:80]!r} is neither a case variable (lower_snake) "
                                 "nor a step (step:<element id>.started or step:<element id>.completed)")
        return self


def _rule_kind(rule: Any) -> str | None:
    if not isinstance(rule, dict) or rule.get("type") not in RULE_KINDS:
        return None
    return "all_of" if rule["type"] == "all_of" else "single"


Rule = Annotated[Annotated[AllOfRule, Tag("all_of")] | Annotated[SingleRule, Tag("single")],
                 Discriminator(_rule_kind, custom_error_type=REFUSED, custom_error_message=RULE_TYPES)]
AllOfRule.model_rebuild()
_RULE: TypeAdapter[Any] = TypeAdapter(Rule)


def _deadline(text: Any) -> dict[str, Any]:
    """The rule of a krabuan:deadline (its JSON text), checked and kept as written."""
    try:
        rule = json.loads(text)
    except ValueError as exc:
        raise refuse(f"krabuan:deadline is not valid JSON: {exc}") from None
    _RULE.validate_python(rule)
    return rule  # type: ignore[no-any-return]


# ---------------------------------------------------------------- the step

def _no_unknown_elements(names: list[str]) -> list[str]:
    if names:
        raise refuse(f"unknown element inside krabuan:step: {names[0]}")
    return names


def _at_most_one_deadline(rules: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if len(rules) > 1:
        raise refuse("only one krabuan:deadline per step")
    return rules


def _unique_control_ids(controls: list[ControlSchema]) -> list[ControlSchema]:
    ids = [c.id for c in controls]
    twice = next((i for n, i in enumerate(ids) if i in ids[:n]), None)
    if twice is not None:
        raise refuse(f"control point id {twice} is used twice")
    return controls


class StepSchema(Schema):
    attributes: StepAttributes
    unknown_elements: Annotated[list[str], AfterValidator(_no_unknown_elements)] = Field(default_factory=list)
    deadlines: Annotated[list[Annotated[dict[str, Any], PlainValidator(_deadline)]],
                         AfterValidator(_at_most_one_deadline)] = Field(default_factory=list)
    controls: Annotated[list[ControlSchema], AfterValidator(_unique_control_ids)] = Field(default_factory=list)
    risks: list[RiskSchema] = Field(default_factory=list)
    documents: list[DocumentSchema] = Field(default_factory=list)

    def metadata(self) -> StepMetadata:
        a = self.attributes
        return StepMetadata(
            form_key=a.form, kind=a.kind, duration_minutes=a.minutes, duration_working_days=a.working_days,
            duration_inferred=a.duration_inferred == "true", system=a.system, assignee_variable=a.assignee,
            candidate_group_variable=a.candidate_group,
            inferred=a.inferred, source_name=a.source_name, deadline=self.deadlines[0] if self.deadlines else None,
            controls=tuple(ControlPoint(c.id, c.th, c.en, c.source, c.corrected) for c in self.controls),
            risks=tuple(Risk(r.th, r.en, r.factor, r.factor_en, r.likelihood, r.impact, r.score, r.level, r.level_en)
                        for r in self.risks),
            documents=tuple(Document(d.direction, d.th, d.en) for d in self.documents))



def step_metadata(raw: dict[str, Any], source: str, element_id: str | None) -> StepMetadata:
    """The metadata of a krabuan:step as read (see StepSchema), or a DeployError naming the first mistake."""
    try:
        return StepSchema.model_validate(raw).metadata()
    except ValidationError as exc:
        raise DeployError(first_problem(exc).message, file=source, element=element_id) from None
