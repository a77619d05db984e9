"""Step metadata: what Krabuan knows about a step beyond BPMN, read from ``krabuan:step``.

Inside a task's ``bpmn:extensionElements`` (namespace ``urn:krabuan:bpmn:1``)::

    <krabuan:step form="asset-audit.sign_report" kind="signature" minutes="30" workingDays="2"
                  durationInferred="false" system="smart" assignee="member"
                  inferred="why this step is not in the source">
      <krabuan:deadline>{"type": "relative", "amount": 2, "unit": "working_days", "anchor": "..."}</krabuan:deadline>
      <krabuan:control id="sign_every_page" th="..." en="..."/>
      <krabuan:risk th="..." en="..." factor="..." factorEn="..." likelihood="3" impact="4" score="12" level="สูง" levelEn="high"/>
      <krabuan:document direction="in" th="..." en="..."/>
    </krabuan:step>

Every attribute is optional except as the lint requires; an unknown element or attribute, or
a malformed value, is a deploy error naming the element.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from ..errors import DeployError
from .xmlguard import local_name as _local, namespace_of as _ns

KRABUAN_NS = "urn:krabuan:bpmn:1"
STEP_KINDS = ("user", "approval", "signature", "archive", "notification", "external_system")
DEADLINE_TYPES = ("annual_date", "month_window", "monthly_window", "monthly_day", "fixed_months",
                  "fiscal_year_end_offset", "fiscal_year_start", "start_on", "relative", "before_event",
                  "after_event", "relative_by_case", "reporting_rounds", "unspecified", "all_of")
DEADLINE_UNITS = ("minutes", "hours", "days", "working_days", "weeks", "months", "years")
_ID = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
_VARIABLE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
_STEP_ATTRS = {"form", "kind", "minutes", "workingDays", "durationInferred", "system", "assignee", "inferred"}


@dataclass(frozen=True)
class ControlPoint:
    id: str
    th: str
    en: str


@dataclass(frozen=True)
class Risk:
    th: str
    en: str
    factor: str = ""
    factor_en: str = ""
    likelihood: int | None = None
    impact: int | None = None
    score: int | None = None
    level: str = ""
    level_en: str = ""


@dataclass(frozen=True)
class Document:
    direction: str
    th: str
    en: str


@dataclass(frozen=True)
class StepMetadata:
    form_key: str | None = None
    kind: str | None = None
    duration_minutes: int | None = None
    duration_working_days: float | None = None
    duration_inferred: bool = False
    system: str | None = None
    assignee_variable: str | None = None
    inferred: str | None = None
    deadline: dict[str, Any] | None = None
    controls: tuple[ControlPoint, ...] = ()
    risks: tuple[Risk, ...] = ()
    documents: tuple[Document, ...] = field(default_factory=tuple)

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> "StepMetadata":
        return cls(**{**raw,
                      "controls": tuple(ControlPoint(**c) for c in raw.get("controls", ())),
                      "risks": tuple(Risk(**r) for r in raw.get("risks", ())),
                      "documents": tuple(Document(**d) for d in raw.get("documents", ()))})




def _int(value: str | None, what: str, fail: Any) -> int | None:
    if value is None:
        return None
    try:
        number = int(value)
    except ValueError:
        raise fail(f"{what} must be a whole number, not {value!r}") from None
    if number < 0:
        raise fail(f"{what} must not be negative")
    return number


def _bool(value: str | None, what: str, fail: Any) -> bool:
    if value is None:
        return False
    if value not in ("true", "false"):
        raise fail(f"{what} is true or false, not {value!r}")
    return value == "true"


def _text_pair(el: etree._Element, what: str, fail: Any) -> tuple[str, str]:
    th, en = (el.get("th") or "").strip(), (el.get("en") or "").strip()
    if not th or not en:
        raise fail(f"{what} needs both th and en texts")
    return th, en


def read_step_metadata(el: etree._Element, source: str) -> StepMetadata:
    """Read the krabuan:step of a BPMN element (an empty StepMetadata if there is none)."""
    element_id = el.get("id")

    def fail(message: str) -> DeployError:
        return DeployError(message, file=source, element=element_id)

    ext = next((c for c in el if _local(c.tag) == "extensionElements"), None)
    steps = [c for c in (ext if ext is not None else []) if _ns(c.tag) == KRABUAN_NS]
    for c in steps:
        if _local(c.tag) != "step":
            raise fail(f"unknown Krabuan extension element krabuan:{_local(c.tag)}")
    if len(steps) > 1:
        raise fail("only one krabuan:step per element")
    if not steps:
        return StepMetadata()
    step = steps[0]
    unknown = set(step.attrib) - _STEP_ATTRS
    if unknown:
        raise fail(f"unknown attribute(s) on krabuan:step: {', '.join(sorted(unknown))}")
    for name, value in step.attrib.items():
        if not value.strip():
            raise fail(f"krabuan:step {name} is empty")
    kind = step.get("kind")
    if kind is not None and kind not in STEP_KINDS:
        raise fail(f"krabuan:step kind {kind!r} is not one of {', '.join(STEP_KINDS)}")
    working_days = step.get("workingDays")
    wd: float | None = None
    if working_days is not None:
        try:
            wd = float(working_days)
        except ValueError:
            raise fail(f"workingDays must be a number, not {working_days!r}") from None
        if wd < 0:
            raise fail("workingDays must not be negative")
    assignee = step.get("assignee")
    if assignee is not None and not _VARIABLE.match(assignee):
        raise fail(f"assignee must name a data variable (lower_snake_case), not {assignee!r}")
    deadline = None
    controls: list[ControlPoint] = []
    risks: list[Risk] = []
    documents: list[Document] = []
    for child in step:
        if not isinstance(child.tag, str):
            continue
        tag = _local(child.tag)
        if _ns(child.tag) != KRABUAN_NS:
            raise fail(f"unknown element inside krabuan:step: {tag}")
        if tag == "deadline":
            if deadline is not None:
                raise fail("only one krabuan:deadline per step")
            deadline = _deadline(child.text or "", fail)
        elif tag == "control":
            cid = child.get("id") or ""
            if not _ID.match(cid):
                raise fail(f"control point id {cid!r} must be lower_snake_case")
            if cid in {c.id for c in controls}:
                raise fail(f"control point id {cid} is used twice")
            if set(child.attrib) - {"id", "th", "en"}:
                raise fail("krabuan:control takes id, th and en")
            controls.append(ControlPoint(cid, *_text_pair(child, f"control point {cid}", fail)))
        elif tag == "risk":
            if set(child.attrib) - {"th", "en", "factor", "factorEn", "likelihood", "impact", "score", "level",
                                    "levelEn"}:
                raise fail("krabuan:risk takes th, en, factor, factorEn, likelihood, impact, score, level, levelEn")
            th, en = _text_pair(child, "a risk", fail)
            likelihood = _int(child.get("likelihood"), "risk likelihood", fail)
            impact = _int(child.get("impact"), "risk impact", fail)
            score = _int(child.get("score"), "risk score", fail)
            for value, what in ((likelihood, "likelihood"), (impact, "impact")):
                if value is not None and not 1 <= value <= 5:
                    raise fail(f"risk {what} must be from 1 to 5")
            risks.append(Risk(th, en, child.get("factor", ""), child.get("factorEn", ""), likelihood, impact, score,
                              child.get("level", ""), child.get("levelEn", "")))
        elif tag == "document":
            direction = child.get("direction")
            if direction not in ("in", "out") or set(child.attrib) - {"direction", "th", "en"}:
                raise fail('krabuan:document takes direction="in|out", th and en')
            th, en = (child.get("th") or "").strip(), (child.get("en") or "").strip()
            if not th and not en:  # the catalog names some documents in one language only
                raise fail("a document needs a th or an en text")
            documents.append(Document(direction, th, en))
        else:
            raise fail(f"unknown element inside krabuan:step: krabuan:{tag}")
    return StepMetadata(form_key=step.get("form"), kind=kind,
                        duration_minutes=_int(step.get("minutes"), "minutes", fail), duration_working_days=wd,
                        duration_inferred=_bool(step.get("durationInferred"), "durationInferred", fail),
                        system=step.get("system"), assignee_variable=assignee, inferred=step.get("inferred"),
                        deadline=deadline, controls=tuple(controls), risks=tuple(risks),
                        documents=tuple(documents))


def _deadline(text: str, fail: Any) -> dict[str, Any]:
    try:
        rule = json.loads(text)
    except ValueError as exc:
        raise fail(f"krabuan:deadline is not valid JSON: {exc}") from None
    _check_rule(rule, fail)
    return rule


def _check_rule(rule: Any, fail: Any) -> None:
    if not isinstance(rule, dict) or rule.get("type") not in DEADLINE_TYPES:
        raise fail(f"a deadline rule is a JSON object whose type is one of {', '.join(DEADLINE_TYPES)}")
    if rule["type"] == "all_of":
        parts = rule.get("rules")
        if not isinstance(parts, list) or not parts:
            raise fail("an all_of deadline rule needs a non-empty list under rules")
        for part in parts:
            _check_rule(part, fail)
        return
    if "amount" in rule and (not isinstance(rule["amount"], int) or rule["amount"] < 0):
        raise fail("a deadline amount is a whole number of units")
    if "unit" in rule and rule["unit"] not in DEADLINE_UNITS:
        raise fail(f"a deadline unit is one of {', '.join(DEADLINE_UNITS)}")
    for key in ("month", "from_month", "to_month"):
        if key in rule and not (isinstance(rule[key], int) and 1 <= rule[key] <= 12):
            raise fail(f"deadline {key} must be a month number from 1 to 12")
    for key in ("day", "from_day", "to_day"):
        if key in rule and not (isinstance(rule[key], int) and 1 <= rule[key] <= 31):
            raise fail(f"deadline {key} must be a day of the month from 1 to 31")
