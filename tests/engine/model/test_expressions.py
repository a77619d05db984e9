"""The restricted evaluator: what models may compute, and an attack corpus that must not escape."""
from __future__ import annotations

import time

import pytest

from engine.errors import ExpressionError
from engine.model.expressions import ExpressionEvaluator

ev = ExpressionEvaluator()

SECRET = {"flag": "not reachable"}


@pytest.mark.parametrize("expression, names, expected", [
    ("decision == 'approve'", {"decision": "approve"}, True),
    ("amount > 5000 and category in ['travel', 'meeting']", {"amount": 6000.5, "category": "travel"}, True),
    ("len(committee)", {"committee": ["a", "b", "c"]}, 3),
    ("'PT1H'", {}, "PT1H"),
    ("max(scores) - min(scores)", {"scores": [3, 9, 4]}, 6),
    ("sum(votes_yes) >= len(members) / 2", {"votes_yes": [1, 1, 0], "members": [1, 2, 3]}, True),
    ("form.get('x', 0) + 1", {"form": {"x": 41}}, 42),
    ("'yes' if approved else 'no'", {"approved": False}, "no"),
    ("str(n) + ' days'", {"n": 3}, "3 days"),
    ("f'R-{n}'", {"n": 7}, "R-7"),
    ("2 ** 10", {}, 1024),
    ("name.strip().lower() == 'ok'", {"name": " OK "}, True),
    ("items[1]", {"items": [5, 6]}, 6),
])
def test_allowed_expressions(expression, names, expected):
    assert ev.evaluate(expression, names) == expected


def test_data_cannot_shadow_a_function():
    assert ev.evaluate("len(x)", {"x": [1, 2], "len": "not a function"}) == 2


def test_unknown_name_is_a_clear_error():
    with pytest.raises(ExpressionError, match="unknown name 'approvd'"):
        ev.evaluate("approvd == True", {"approved": True})


def test_expressions_do_not_mutate_case_data():
    data = {"members": ["a"], "form": {"x": 1}}
    for expression in ("members.append('b')", "form.update({'x': 2})", "form.clear()", "members.pop()"):
        with pytest.raises(ExpressionError):
            ev.evaluate(expression, data)
    assert data == {"members": ["a"], "form": {"x": 1}}


ATTACKS = [
    # subclass walks and dunder access
    "().__class__.__base__.__subclasses__()",
    "''.__class__.__mro__[1].__subclasses__()",
    "[].__class__.__base__.__subclasses__()[0]",
    "x.__class__", "x.__dict__", "x.__globals__", "__import__('os').system('id')",
    "__builtins__", "_private", "getattr(x, '__class__')", "type(x)", "vars()", "globals()", "locals()",
    "eval('1')", "exec('1')", "compile('1', 'x', 'eval')", "open('/etc/passwd').read()",
    # str.format tricks
    "'{0.__class__}'.format(x)", "'{0.__class__.__mro__}'.format(1)", "'%s' % x", "'{}'.format_map(x)",
    "f'{x:>99999999}'", "f'{x!r:{9**9}}'",
    # generators, lambdas, comprehensions (frames and loops)
    "(y for y in []).gi_frame", "[y for y in 'a' for z in 'a']", "{y: 1 for y in 'ab'}",
    "(lambda: 1)()", "[z := 1]",
    # resource exhaustion
    "9**9**9", "10**100000", "4000000 ** 4000000", "2 << 100000", "'a' * 10**8", "'a' * 20000",
    "[1] * 100000", "[[1] * 1000] * 1000", "'a' * 9999 + 'b' * 9999", "int('9' * 100000)",
    "sum([[1]] * 10)", "str([1] * 10)", "sorted(x, key=lambda v: v)",
    # deep nesting and huge text
    "(" * 5000 + "1" + ")" * 5000, "-" * 5000 + "1", "[" * 300 + "]" * 300,
    "1 + " * 1000 + "1", "'" + "a" * 200000 + "'",
    # statements and imports
    "import os", "x = 1", "del x", "a; b", "while True: pass", "def f(): pass",
    # attribute access on arbitrary objects
    "x.join(['a'])", "x.replace('a', 'b' * 10000)", "x.encode()", "members.copy()",
]


@pytest.mark.parametrize("payload", ATTACKS)
def test_attack_is_refused_quickly(payload):
    names = {"x": "text", "members": ["a"], "secret": SECRET}
    start = time.perf_counter()
    with pytest.raises(ExpressionError):
        ev.evaluate(payload, names)
    assert time.perf_counter() - start < 0.1


def test_corpus_is_large_enough():
    assert len(ATTACKS) >= 30


def test_refusal_is_an_expression_error_not_a_crash():
    with pytest.raises(ExpressionError, match="not a valid expression"):
        ev.evaluate("a ==", {})
    with pytest.raises(ExpressionError, match="empty"):
        ev.evaluate("   ", {})
