"""Only engine/ imports SpiffWorkflow, and engine's public API never returns its objects."""
from __future__ import annotations

import ast
import dataclasses
import inspect
import typing
from pathlib import Path

from engine import app, views
from engine.settings import PROJECT_ROOT


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_only_engine_imports_spiffworkflow():
    # bench/ is not product code: it measures raw SpiffWorkflow as the baseline to compare with.
    offenders = [str(p.relative_to(PROJECT_ROOT))
                 for folder in ("web", "scheduler", "forms", "processes", "tests")
                 for p in (PROJECT_ROOT / folder).rglob("*.py")
                 if any(name.split(".")[0] == "SpiffWorkflow" for name in _imports(p))]
    assert offenders == []


def test_within_engine_only_the_adapter_imports_spiffworkflow():
    engine_dir = PROJECT_ROOT / "engine"
    offenders = [str(p.relative_to(engine_dir)) for p in engine_dir.rglob("*.py")
                 if p.parent.name != "spiff" and any(n.split(".")[0] == "SpiffWorkflow" for n in _imports(p))]
    assert offenders == []


def test_public_methods_return_krabuan_types():
    allowed_modules = {"engine.views", "engine.history", "engine.forms", "engine.definitions", "engine.metadata",
                       "engine.calendar", "datetime",
                       "builtins", "typing",
                       "collections.abc", "pathlib"}
    for name, fn in inspect.getmembers(app.Krabuan, inspect.isfunction):
        if name.startswith("_"):
            continue
        hints = typing.get_type_hints(fn)
        ret = hints.get("return")
        for t in _flatten(ret):
            module = getattr(t, "__module__", "builtins")
            assert module in allowed_modules, f"Krabuan.{name} returns {t!r} from {module}"


def _flatten(t):
    if t is None or t is type(None):
        return []
    args = typing.get_args(t)
    if args:
        out = [typing.get_origin(t)]
        for a in args:
            out += _flatten(a)
        return [o for o in out if o is not None]
    return [t]


def test_views_are_frozen_dataclasses():
    for _, cls in inspect.getmembers(views, inspect.isclass):
        if cls.__module__ == "engine.views":
            assert dataclasses.is_dataclass(cls) and cls.__dataclass_params__.frozen
