"""Segregation of duties declared per process: rules that are data in the BPMN.

A rule names two roles of a case that one person may not both hold, as the case knows them::

    <bpmn:process id="advance-loan">
      <bpmn:extensionElements>
        <krabuan:process starters="clerk"/>
        <krabuan:segregation id="borrower_not_approver" who="variable:borrower"
                             not="step:approve_activity step:sign_loan_documents"
                             th="ผู้ยืมไม่สามารถอนุมัติเงินยืมของตนเอง" en="The borrower cannot approve their own loan"
                             why="where the rule comes from"/>
      </bpmn:extensionElements>

A role (``who`` and ``not`` each name one or more, separated by spaces) is:

- ``starter``: who started the case;
- ``step:<element id>``: whoever claims or completes that step (every member of a committee step);
- ``variable:<name>``: the people a case variable names (a ``user`` or ``users`` field: a borrower,
  a committee's members);
- ``group:<id>``: the members of a group of the organisation (e.g. the supplies officers).

So a rule says that the people of ``who`` may not do the steps of ``not`` (claim or complete
them), or be named in its variables (a committee list), and the other way round: the two sides
share nobody. The engine checks it when a step is claimed, when it is completed, and when a
completion sets a variable the rule names (engine.services.segregation.check_segregation;
a delegation too).

Every approval and signature step also has two implicit rules (DEFAULT_RULES, listed by
``krabuan processes show``): whoever started the case, or prepared what is approved (the last
step done before it that is not an approval), may not approve it. They bind only the decision
``approve`` (a starter may still return a document), so they are checked at completion
(engine.services.rules.check_may_approve), not declared per process.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

STARTER = "starter"
STEP, VARIABLE, GROUP = "step:", "variable:", "group:"
ROLE_FORMS = "starter, step:<element id>, variable:<name> or group:<id>"


@dataclass(frozen=True)
class SegregationRule:
    """Nobody holds a role of ``who`` and a role of ``not_`` in the same case (see the module)."""

    id: str
    who: tuple[str, ...]
    not_: tuple[str, ...]
    th: str
    en: str
    why: str = ""

    def roles(self) -> tuple[str, ...]:
        return self.who + self.not_

    def steps(self) -> set[str]:
        """The element ids of the steps the rule names."""
        return {r[len(STEP):] for r in self.roles() if r.startswith(STEP)}

    def variables(self) -> set[str]:
        """The case variables the rule names."""
        return {r[len(VARIABLE):] for r in self.roles() if r.startswith(VARIABLE)}

    def describe(self) -> dict[str, Any]:
        return {"id": self.id, "who": list(self.who), "not": list(self.not_), "th": self.th, "en": self.en,
                "why": self.why}

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> SegregationRule:
        return cls(**{**raw, "who": tuple(raw["who"]), "not_": tuple(raw["not_"])})


@dataclass(frozen=True)
class DefaultRule:
    """A rule every approval and signature step has (checked on the decision ``approve``)."""

    id: str
    reason: str  # the Forbidden's ``reason`` (web/messages.py words it in the user's language)
    th: str
    en: str


STARTER_NOT_APPROVER = DefaultRule(
    "starter_not_approver", "started_case", "ผู้เริ่มเรื่องไม่สามารถอนุมัติเรื่องที่ตนเริ่มเอง",
    "Whoever started the case cannot approve it")
PREPARER_NOT_APPROVER = DefaultRule(
    "preparer_not_approver", "prepared_document", "ผู้จัดทำเอกสารไม่สามารถอนุมัติเอกสารที่ตนจัดทำเอง",
    "Whoever prepared a document cannot approve it")
DEFAULT_RULES = (STARTER_NOT_APPROVER, PREPARER_NOT_APPROVER)


def describe_defaults(approval_steps: Iterable[str]) -> list[dict[str, Any]]:
    """The implicit rules with the approval and signature steps they bind (none: no rule)."""
    steps = list(approval_steps)
    return [{**asdict(r), "steps": steps} for r in DEFAULT_RULES] if steps else []


# ---------------------------------------------------------------- who holds a role

def people_named(value: Any) -> set[str]:
    """The usernames a ``user`` or ``users`` value names (anything else names nobody)."""
    if isinstance(value, str):
        return {value} if value else set()
    if isinstance(value, list | tuple):
        return {v for v in value if isinstance(v, str) and v}
    return set()


@dataclass(frozen=True)
class Breach:
    """One person holding both sides of a rule: ``roles`` is (their role of who, their role of not)."""

    rule: SegregationRule
    person: str
    roles: tuple[str, str]


def breaches(rules: Iterable[SegregationRule], holders: Callable[[str], set[str]],
             touched: set[str]) -> list[Breach]:
    """Every person holding both sides of a rule that names one of the ``touched`` roles (what
    the action changes: the step done, the variables set), with ``holders`` giving the people of a
    role as they would be after the action."""
    found = []
    for rule in rules:
        if not touched & set(rule.roles()):
            continue
        for one in rule.who:
            for other in rule.not_:
                found += [Breach(rule, p, (one, other)) for p in sorted(holders(one) & holders(other))]
    return found


# ---------------------------------------------------------------- the XML element

def read_rules(elements: Iterable[Mapping[str, str]], source: str, process_id: str) -> tuple[SegregationRule, ...]:
    """The rules of a process from the attributes of its ``<krabuan:segregation>`` elements, or a
    DeployError naming the first mistake (and the process); engine.model.segregation_schema."""
    attributes = [dict(a) for a in elements]
    if not attributes:
        return ()
    from .segregation_schema import rules_of  # pydantic models: imported only when a model declares rules
    return rules_of(attributes, source, process_id)


def unknown_roles(rules: Iterable[SegregationRule], steps: set[str], settable: set[str]) -> list[tuple[str, str]]:
    """(rule id, role) of every step the process does not have and every variable no form sets."""
    found = []
    for rule in rules:
        found += [(rule.id, f"{STEP}{s}") for s in sorted(rule.steps() - steps)]
        found += [(rule.id, f"{VARIABLE}{v}") for v in sorted(rule.variables() - settable)]
    return found
