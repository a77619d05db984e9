"""The restricted expression evaluator: the only way an expression from a model is run.

Gateway conditions, timer values, multi-instance counts and DMN entries are *expressions*
(never statements), evaluated by a locked-down ``simpleeval`` evaluator:

- a length cap on the text and a depth/size cap on its syntax tree;
- no comprehensions, lambdas, assignments, imports, or underscore names;
- attribute access only to an allow-list of harmless attributes per type;
- calls only to an allow-list of pure functions (callers add more, e.g. calendar helpers);
- strings and numbers bounded (no ``9**9**9``, no ``'a' * 10**8``, no huge format widths);
- containers built only from literals (no ``list * n``, no ``list()`` of a huge range);
- a budget on evaluated nodes, on wall-clock time (50 ms) and on the size of the values it makes
  (a proxy for memory: a few MB), checked at every node;
- the arguments of every allowed function bounded (``round``'s digits, text and list lengths);
  no bytes at all.

Every refusal or failure raises ``ExpressionError``; nothing else escapes.
"""
from __future__ import annotations

import ast
import math
import operator as op
import time
from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

import simpleeval
from simpleeval import EvalWithCompoundTypes

from ..errors import ExpressionError

MAX_EXPRESSION_LENGTH = 2_000
MAX_AST_NODES = 400
MAX_AST_DEPTH = 40
MAX_STRING = 10_000
MAX_INT_BITS = 4_096
MAX_EVALUATED_NODES = 5_000
MAX_SECONDS = 0.05
MAX_PRODUCED = 1_000_000  # characters, items and (int bits / 8) made during one evaluation
MAX_ROUND_DIGITS = 20

_SCALARS = (str, int, float, Decimal, bool, type(None), date, datetime)  # Decimal: money in form rules

ALLOWED_ATTRS: dict[type, set[str]] = {
    dict: {"get", "keys", "values", "items"},
    str: {"lower", "upper", "strip", "startswith", "endswith", "isdigit"},
    list: {"count", "index"},
    tuple: {"count", "index"},
    date: {"year", "month", "day", "weekday", "isoformat"},
    datetime: {"year", "month", "day", "hour", "minute", "weekday", "isoformat", "date"},
}

# Node types the evaluator will walk at all (anything else is refused before evaluation).
_ALLOWED_NODES: tuple[type, ...] = (
    ast.Expression, ast.Expr, ast.Constant, ast.Name, ast.Load, ast.UnaryOp, ast.BinOp, ast.BoolOp,
    ast.Compare, ast.IfExp, ast.Call, ast.keyword, ast.Subscript, ast.Attribute, ast.Slice,
    ast.List, ast.Tuple, ast.Dict, ast.Set, ast.JoinedStr, ast.FormattedValue,
    ast.operator, ast.unaryop, ast.boolop, ast.cmpop,
)


def _check_int(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > MAX_INT_BITS:
        raise ExpressionError(f"number too large (more than {MAX_INT_BITS} bits)")
    if isinstance(value, (str, list, tuple, dict, set)) and len(value) > MAX_STRING:
        raise ExpressionError(f"value too long (more than {MAX_STRING} items)")
    return value


def _size(value: Any) -> int:
    if isinstance(value, (str, list, tuple, dict, set)):
        return len(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return value.bit_length() // 8
    return 1


def _safe_pow(a: Any, b: Any) -> Any:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        if abs(a) > 1 and b > 0 and b * math.log2(abs(a)) > MAX_INT_BITS:
            raise ExpressionError("power too large")
        if abs(b) > 10_000:
            raise ExpressionError("exponent too large")
    return _check_int(op.pow(a, b))


def _safe_mult(a: Any, b: Any) -> Any:
    for seq, n in ((a, b), (b, a)):
        if isinstance(seq, (list, tuple, dict, set)):
            raise ExpressionError("repeating a list is not allowed in expressions")
        if isinstance(seq, str) and isinstance(n, int) and n * len(seq) > MAX_STRING:
            raise ExpressionError(f"string too long (more than {MAX_STRING} characters)")
    return _check_int(op.mul(a, b))


def _safe_add(a: Any, b: Any) -> Any:
    if hasattr(a, "__len__") and hasattr(b, "__len__") and len(a) + len(b) > MAX_STRING:
        raise ExpressionError(f"value too long (more than {MAX_STRING} items)")
    return _check_int(op.add(a, b))


def _safe_lshift(a: Any, b: Any) -> Any:
    if isinstance(b, int) and b > MAX_INT_BITS:
        raise ExpressionError("shift too large")
    return _check_int(op.lshift(a, b))


OPERATORS: dict[type, Callable[..., Any]] = {
    ast.Add: _safe_add, ast.Sub: lambda a, b: _check_int(op.sub(a, b)), ast.Mult: _safe_mult,
    ast.Div: op.truediv, ast.FloorDiv: op.floordiv, ast.Mod: lambda a, b: _mod(a, b), ast.Pow: _safe_pow,
    ast.LShift: _safe_lshift, ast.RShift: op.rshift,
    ast.Eq: op.eq, ast.NotEq: op.ne, ast.Gt: op.gt, ast.Lt: op.lt, ast.GtE: op.ge, ast.LtE: op.le,
    ast.Not: op.not_, ast.USub: op.neg, ast.UAdd: op.pos, ast.In: lambda a, b: a in b,
    ast.NotIn: lambda a, b: a not in b, ast.Is: op.is_, ast.IsNot: op.is_not,
    ast.BitAnd: op.and_, ast.BitOr: op.or_, ast.BitXor: op.xor, ast.Invert: op.invert,
}


def _mod(a: Any, b: Any) -> Any:
    if isinstance(a, str):
        raise ExpressionError("string % formatting is not allowed in expressions")
    return op.mod(a, b)


def _safe_str(value: Any) -> str:
    if not isinstance(value, _SCALARS):
        raise ExpressionError("str() takes a single value, not a container")
    return str(value)


def _safe_round(number: Any, ndigits: Any = None) -> Any:
    """round() with at most MAX_ROUND_DIGITS digits either way (round(1, -10**8) takes minutes)."""
    if ndigits is not None and (not isinstance(ndigits, int) or isinstance(ndigits, bool)
                                or abs(ndigits) > MAX_ROUND_DIGITS):
        raise ExpressionError(f"round() takes at most {MAX_ROUND_DIGITS} digits")
    if not isinstance(number, (int, float, Decimal)) or isinstance(number, bool):
        raise ExpressionError("round() takes a number")
    return round(number) if ndigits is None else round(number, ndigits)


def _safe_int(value: Any, base: Any = 10) -> Any:
    if isinstance(value, str) and len(value) > 100:
        raise ExpressionError("int() takes a number of at most 100 characters")
    if not isinstance(base, int) or isinstance(base, bool) or not (base == 0 or 2 <= base <= 36):
        raise ExpressionError("int() takes a base from 2 to 36")
    return int(value) if isinstance(value, (int, float)) else int(value, base)


def _safe_float(value: Any = 0.0) -> float:
    if isinstance(value, str) and len(value) > 100:
        raise ExpressionError("float() takes a number of at most 100 characters")
    return float(value)


def _safe_sum(values: Any) -> Any:
    if not isinstance(values, (list, tuple)) or not all(
            isinstance(v, (int, float, Decimal)) and not isinstance(v, bool) for v in values):
        raise ExpressionError("sum() takes a list of numbers")
    return _check_int(sum(values))


BASE_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "len": len, "min": min, "max": max, "abs": abs, "round": _safe_round, "int": _safe_int, "float": _safe_float,
    "bool": bool, "str": _safe_str, "sum": _safe_sum, "any": any, "all": all, "sorted": sorted,
}


class _Evaluator(EvalWithCompoundTypes):
    """simpleeval with Krabuan's extra limits."""

    def __init__(self, functions: Mapping[str, Callable[..., Any]], names: Mapping[str, Any]) -> None:
        super().__init__(operators=dict(OPERATORS), functions=dict(functions), names=dict(names),
                         allowed_attrs=ALLOWED_ATTRS)
        # EvalWithCompoundTypes adds list/tuple/dict/set constructors and comprehensions: drop them.
        for name in ("list", "tuple", "dict", "set"):
            if name not in functions:
                self.functions.pop(name, None)
        for node in (ast.ListComp, ast.GeneratorExp, ast.DictComp, ast.SetComp, ast.Assign,
                     ast.AugAssign, ast.Import, ast.Expr):
            self.nodes.pop(node, None)
        self.ATTR_INDEX_FALLBACK = False
        self._budget = MAX_EVALUATED_NODES
        self._produced = 0
        self._deadline = time.perf_counter() + MAX_SECONDS

    def _eval(self, node: ast.AST) -> Any:
        self._budget -= 1
        if self._budget < 0:
            raise ExpressionError("expression is too expensive to evaluate")
        if time.perf_counter() > self._deadline:
            raise ExpressionError(f"expression took longer than {int(MAX_SECONDS * 1000)} ms")
        value = _check_int(super()._eval(node))
        self._produced += _size(value)
        if self._produced > MAX_PRODUCED:
            raise ExpressionError("expression makes too much data (memory budget)")
        return value

    # A called name is always the allow-listed function (simpleeval's _eval_call reads the
    # functions only), so data cannot shadow a helper; a name read as a value is the case's data
    # first, so a variable may share a function's name (fiscal_year, the B.E. year of a case).

    def _eval_formattedvalue(self, node: ast.FormattedValue) -> Any:
        if node.format_spec is not None:
            raise ExpressionError("format specifications are not allowed in expressions")
        return _safe_str(self._eval(node.value))


def _vet_node(node: ast.AST) -> None:
    if not isinstance(node, _ALLOWED_NODES):
        raise ExpressionError(f"{type(node).__name__} is not allowed in expressions")
    if isinstance(node, ast.Name) and node.id.startswith("_"):
        raise ExpressionError(f"name {node.id!r} is not allowed (leading underscore)")
    if isinstance(node, ast.Attribute) and node.attr.startswith("_"):
        raise ExpressionError(f"attribute {node.attr!r} is not allowed (leading underscore)")
    if isinstance(node, ast.Constant) and isinstance(node.value, bytes):
        raise ExpressionError("bytes are not allowed in expressions")
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and len(node.value) > MAX_STRING:
        raise ExpressionError("string literal too long")


@lru_cache(maxsize=4096)
def compile_expression(expression: str) -> ast.expr:
    """Parse and vet an expression once; the result is cached by its text."""
    if not isinstance(expression, str):
        raise ExpressionError("expression must be text")
    text = expression.strip()
    if not text:
        raise ExpressionError("empty expression")
    if len(text) > MAX_EXPRESSION_LENGTH:
        raise ExpressionError(f"expression longer than {MAX_EXPRESSION_LENGTH} characters")
    try:
        tree = ast.parse(text, mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        raise ExpressionError(f"not a valid expression: {exc.__class__.__name__}: {exc}") from None
    count = 0
    stack: list[tuple[ast.AST, int]] = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        count += 1
        if count > MAX_AST_NODES:
            raise ExpressionError(f"expression has more than {MAX_AST_NODES} parts")
        if depth > MAX_AST_DEPTH:
            raise ExpressionError(f"expression is nested deeper than {MAX_AST_DEPTH} levels")
        _vet_node(node)
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return tree.body


class ExpressionEvaluator:
    """Evaluates model expressions against case data with an allow-list of functions."""

    def __init__(self, functions: Mapping[str, Callable[..., Any]] | None = None) -> None:
        self.functions = {**BASE_FUNCTIONS, **(functions or {})}

    def evaluate(self, expression: str, names: Mapping[str, Any] | None = None) -> Any:
        tree = compile_expression(expression)
        evaluator = _Evaluator(self.functions, names or {})
        try:
            return evaluator.eval(expression, previously_parsed=tree)
        except ExpressionError:
            raise
        except simpleeval.NameNotDefined as exc:
            raise ExpressionError(f"unknown name {exc.name!r} in expression {expression!r}") from None
        except simpleeval.InvalidExpression as exc:
            raise ExpressionError(f"expression {expression!r} refused: {exc}") from None
        except RecursionError:
            raise ExpressionError(f"expression {expression!r} is nested too deeply") from None
        except (ArithmeticError, TypeError, ValueError, KeyError, IndexError, AttributeError) as exc:
            raise ExpressionError(
                f"expression {expression!r} failed: {exc.__class__.__name__}: {exc}") from None
        except MemoryError:
            raise ExpressionError(f"expression {expression!r} needs too much memory") from None

    def check(self, expression: str) -> None:
        """Vet an expression's text without evaluating it (used at deploy)."""
        compile_expression(expression)
