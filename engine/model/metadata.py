"""Step metadata: what Krabuan knows about a step beyond BPMN, read from ``krabuan:step``.

Inside a task's ``bpmn:extensionElements`` (namespace ``urn:krabuan:bpmn:1``)::

    <krabuan:step form="asset-audit.sign_report" kind="signature" minutes="30" workingDays="2"
                  durationInferred="false" system="smart" assignee="member" candidateGroup="unit"
                  inferred="why this step is not in the source"
                  sourceName="the source's name, when the name shown is corrected">
      <krabuan:deadline>{"type": "relative", "amount": 2, "unit": "working_days", "anchor": "..."}</krabuan:deadline>
      <krabuan:control id="sign_every_page" th="..." en="..."/>
      <krabuan:control id="cp2" th="..." en="..." source="the source's text" corrected="why it reads otherwise"/>
      <krabuan:risk th="..." en="..." factor="..." factorEn="..." likelihood="3" impact="4" score="12"
                    level="สูง" levelEn="high"/>
      <krabuan:document direction="in" th="..." en="..."/>
    </krabuan:step>

A sequence flow the source does not draw carries ``krabuan:inferred="why"`` (an attribute of the
``bpmn:sequenceFlow``; see engine.model.definitions.InferredFlow).

Every attribute is optional except as the lint requires; an unknown element or attribute, or
a malformed value, is a deploy error naming the element.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, get_args

from lxml import etree

from ..errors import DeployError
from .xmlguard import local_name as _local
from .xmlguard import namespace_of as _ns

KRABUAN_NS = "urn:krabuan:bpmn:1"
StepKind = Literal["user", "approval", "signature", "archive", "notification", "external_system"]
STEP_KINDS: tuple[str, ...] = get_args(StepKind)


@dataclass(frozen=True)
class ControlPoint:
    id: str
    th: str
    en: str
    # When the text is corrected from the source (an editor's note, a missing number, a control
    # moved from another role's step): the source's text and why.
    source: str = ""
    corrected: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "label": {"th": self.th, "en": self.en}}


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
    # A step done per organisational unit: the data variable naming the group whose members may
    # take this instance (``candidateGroup="unit"``; instead of the lane's groups).
    candidate_group_variable: str | None = None
    inferred: str | None = None
    # The source's name when the step's name is corrected (OCR, wrapped table text, who does what).
    source_name: str | None = None
    deadline: dict[str, Any] | None = None
    controls: tuple[ControlPoint, ...] = ()
    risks: tuple[Risk, ...] = ()
    documents: tuple[Document, ...] = field(default_factory=tuple)

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> StepMetadata:
        return cls(**{**raw,
                      "controls": tuple(ControlPoint(**c) for c in raw.get("controls", ())),
                      "risks": tuple(Risk(**r) for r in raw.get("risks", ())),
                      "documents": tuple(Document(**d) for d in raw.get("documents", ()))})




def read_step_metadata(el: etree._Element, source: str) -> StepMetadata:
    """Read the krabuan:step of a BPMN element (an empty StepMetadata if there is none).

    A mistake is a DeployError naming the file, the element and the rule (engine.model.step_schema).
    """
    element_id = el.get("id")
    ext = next((c for c in el if _local(c.tag) == "extensionElements"), None)
    steps = [c for c in (ext if ext is not None else []) if _ns(c.tag) == KRABUAN_NS]
    for c in steps:
        if _local(c.tag) != "step":
            raise DeployError(f"unknown Krabuan extension element krabuan:{_local(c.tag)}", file=source,
                              element=element_id)
    if len(steps) > 1:
        raise DeployError("only one krabuan:step per element", file=source, element=element_id)
    if not steps:
        return StepMetadata()
    from .step_schema import step_metadata  # pydantic models: imported only when a model is deployed

    return step_metadata(_step_as_read(steps[0]), source, element_id)


_CHILDREN = {"deadline": "deadlines", "control": "controls", "risk": "risks", "document": "documents"}


def _step_as_read(step: etree._Element) -> dict[str, Any]:
    """A krabuan:step as StepSchema takes it: attributes, and children grouped by kind."""
    raw: dict[str, Any] = {"attributes": dict(step.attrib), "unknown_elements": []}
    for child in step:
        if not isinstance(child.tag, str):
            continue  # comments, processing instructions
        tag = _local(child.tag)
        group = _CHILDREN.get(tag) if _ns(child.tag) == KRABUAN_NS else None
        if group == "deadlines":
            raw.setdefault(group, []).append(child.text or "")
        elif group:
            raw.setdefault(group, []).append(dict(child.attrib))
        else:
            raw["unknown_elements"].append(f"krabuan:{tag}" if _ns(child.tag) == KRABUAN_NS else tag)
    return raw
