"""Cross-field rules of a form: checks that read several fields, of this step's form or of an
earlier step's (the case data), each reported against one field with a message in Thai and English.

In a form file (engine.model.forms)::

    rules:
      - check: "leftover_cash != 'yes' or leftover_amount == amount_paid - amount_spent"
        field: leftover_amount
        message: {th: เงินเหลือส่งคืนต้องเท่ากับเงินที่ได้รับลบเงินที่ใช้จ่ายจริง,
                  en: The unspent amount must equal the amount received minus the amount spent}

``check`` is an expression of the restricted evaluator (engine.model.expressions), with the
calendar functions of timer values (``today()``, ``add_days(day, n, roll)``,
``working_days_between(a, b)`` …, engine.time.time_functions) and ``common(a, b)`` (the items of
list ``a`` also in list ``b``). It must be true for the submission to be accepted. The names it
reads are field names:

- a field of this form has the value just submitted (cleaned), or ``None`` when left empty (a
  value the case holds from an earlier round is not used);
- any other field has the value the case holds (set by an earlier step), or ``None``.

Values are as stored: dates ``YYYY-MM-DD``, months ``YYYY-MM`` and date-times (UTC) as ISO text,
which compare in time order; money as an exact decimal (``800.50 != 800.05``, and
``15000.50 - 14200.00 == 800.50`` exactly), so add, subtract and compare money with money or
whole numbers (a decimal literal such as ``0.5`` is a binary float: avoid it).

A rule that cannot be evaluated because a value it reads is empty (``None - 5``) does not apply:
write ``x is None or …`` to make a check apply anyway. Any other failure refuses the submission
with the rule's message. A rule whose field already has a problem of its own, or that reads a
field of this form that has one, is not checked (the field's own problem is what to fix first).
"""
from __future__ import annotations

import ast
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

from ..errors import ExpressionError
from .expressions import BASE_FUNCTIONS, ExpressionEvaluator, compile_expression
from .forms import FieldProblem, FormDefinition, Label

MAX_RULES = 50  # on one form


def common(a: Any, b: Any) -> list[Any]:
    """The items of list ``a`` that are also in list ``b`` (in ``a``'s order); an empty value is an
    empty list. ``not common(committee_a, committee_b)``: nobody sits on both."""
    first, second = _as_list(a), _as_list(b)
    return [item for item in first if item in second]


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, (list, tuple)):
        raise ExpressionError("common() takes two lists")
    return list(value)


RULE_FUNCTIONS: dict[str, Callable[..., Any]] = {"common": common}


@cache
def functions() -> dict[str, Callable[..., Any]]:
    """Every function a rule may call, by name."""
    from ..time.time_functions import FUNCTIONS

    return {**BASE_FUNCTIONS, **FUNCTIONS, **RULE_FUNCTIONS}


@cache
def _evaluator() -> ExpressionEvaluator:
    return ExpressionEvaluator(functions())


@dataclass(frozen=True)
class FormRule:
    check: str
    field: str
    message: Label

    def names(self) -> tuple[str, ...]:
        """The field names the check reads (its names that are not functions), sorted."""
        tree = compile_expression(self.check)
        known = functions()
        return tuple(sorted({n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and n.id not in known}))

    def to_json(self) -> dict[str, Any]:
        return {"check": self.check, "field": self.field, "message": self.message.to_json(), "uses": list(self.names())}


def rule_problems(form: FormDefinition, cleaned: Mapping[str, Any], refused: set[str],
                  earlier: Mapping[str, Any]) -> list[FieldProblem]:
    """The problems of the form's rules with these cleaned values (``refused``: the fields of this
    submission that already have a problem) and the case's data from earlier steps."""
    own = set(form.field_names())
    labels = {f.name: f.label for f in form.fields}
    problems: list[FieldProblem] = []
    for rule in form.rules:
        names = rule.names()
        if rule.field in refused or refused.intersection(names) or rule.field in {p.field for p in problems}:
            continue
        values = {n: _exact(cleaned.get(n) if n in own else earlier.get(n)) for n in names}
        failure = _failure(rule, values)
        if failure is None:
            continue
        label = labels[rule.field]
        message = f"field {rule.field} ({label.en}): {rule.message.en} / {rule.message.th}{failure}"
        problems.append(FieldProblem(rule.field, "rule", message, {"th": rule.message.th, "en": rule.message.en}))
    return problems


def _failure(rule: FormRule, values: dict[str, Any]) -> str | None:
    """None when the rule holds (or does not apply); else what to add to its message."""
    try:
        return None if _evaluator().evaluate(rule.check, values) else ""
    except ExpressionError as exc:
        if any(v is None for v in values.values()):
            return None  # a value it reads is empty: the rule does not apply
        return f" (the rule could not be checked: {exc.message})"


def _exact(value: Any) -> Any:
    """Money (a float rounded to satang in the case data) as an exact decimal; lists item by item."""
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, list):
        return [_exact(v) for v in value]
    return value


def unknown_names(form: FormDefinition, known_fields: set[str]) -> list[tuple[int, list[str]]]:
    """For each rule of the form that reads a name no form declares: its index and those names."""
    found = []
    for i, rule in enumerate(form.rules):
        unknown = [n for n in rule.names() if n not in known_fields]
        if unknown:
            found.append((i, unknown))
    return found
