"""The architecture as tests: who may import what, who may write what, and what the engine returns."""
from __future__ import annotations

import ast
import dataclasses
import functools
import inspect
import types
import typing
from pathlib import Path

import engine
import engine.services.audit
import engine.services.audit_search
import engine.services.authoring
import engine.services.calendar_admin
import engine.services.case_replay
import engine.services.cases
import engine.services.event_log
import engine.services.files
import engine.services.inbox
import engine.services.jobs
import engine.services.people
import engine.services.replay
import engine.services.reports
import engine.services.repository
import engine.services.tasks
from engine import results
from engine.settings import PROJECT_ROOT

ENGINE = PROJECT_ROOT / "engine"
SERVICES = ("repository", "cases", "tasks", "jobs", "inbox", "calendar", "audit", "people", "files", "event_logs", "reports",
            "case_search", "case_replay", "replays")


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"))


def _imports(path: Path) -> set[str]:
    """Absolute names of the modules a file imports (relative imports resolved)."""
    package = ".".join(path.relative_to(PROJECT_ROOT).with_suffix("").parts[:-1])
    names = set()
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
            module = ".".join([*base, node.module] if node.module else base)
            names.add(module)
            names.update(f"{module}.{a.name}" for a in node.names)
    return names


def _py(folder: str) -> list[Path]:
    return sorted(p for p in (PROJECT_ROOT / folder).rglob("*.py") if "migrations" not in p.parts)


def test_only_engine_imports_spiffworkflow():
    # bench/ is not product code: it measures raw SpiffWorkflow as the baseline to compare with.
    offenders = [str(p.relative_to(PROJECT_ROOT))
                 for folder in ("cli", "web", "scheduler", "forms", "processes", "tests")
                 for p in _py(folder) if any(name.split(".")[0] == "SpiffWorkflow" for name in _imports(p))]
    assert offenders == []


def test_within_engine_only_the_adapter_imports_spiffworkflow():
    offenders = [str(p.relative_to(ENGINE)) for p in _py("engine")
                 if p.parent.name != "spiff" and any(n.split(".")[0] == "SpiffWorkflow" for n in _imports(p))]
    assert offenders == []


def test_model_and_time_are_pure():
    """engine/model and engine/time hold no SQL: neither SQLAlchemy nor the store, services or operation."""
    forbidden = ("sqlalchemy", "engine.store", "engine.services", "engine.operation", "engine.context")
    offenders = [f"{p.relative_to(ENGINE)} imports {name}" for folder in ("engine/model", "engine/time")
                 for p in _py(folder) for name in _imports(p) if name.startswith(forbidden)]
    assert offenders == []


def test_edges_import_only_the_engines_public_surface():
    """cli/, web/ and scheduler/ use ``from engine import …`` and nothing deeper."""
    offenders = [f"{p.relative_to(PROJECT_ROOT)} imports {name}" for folder in ("cli", "web", "scheduler")
                 for p in _py(folder) for name in _imports(p)
                 if name.startswith("engine.") and name.split(".")[1] not in engine.__all__
                 or name.startswith(("engine.store", "engine.services", "engine.operation", "sqlalchemy.orm"))]
    assert offenders == []


def test_the_store_is_sqlalchemy_core_without_the_orm():
    """Rows are read as rows and written with statements; no command pays for importing the ORM."""
    offenders = [f"{p.relative_to(PROJECT_ROOT)} imports {name}" for folder in ("engine", "cli", "web", "scheduler")
                 for p in _py(folder) for name in _imports(p) if name.startswith("sqlalchemy.orm")]
    assert offenders == []


def test_no_private_name_crosses_a_module():
    offenders = []
    for p in _py("engine") + _py("cli") + _py("web") + _py("scheduler"):
        for node in ast.walk(_tree(p)):
            if isinstance(node, ast.ImportFrom):
                offenders += [f"{p.relative_to(PROJECT_ROOT)}: {a.name}" for a in node.names
                              if a.name.startswith("_") and a.name != "__version__"]
    assert offenders == []


def _calls(path: Path) -> list[tuple[str, str]]:
    """(callee as written, first argument as written) of every call in a file."""
    found = []
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.Call):
            first = ast.unparse(node.args[0]) if node.args else ""
            found.append((ast.unparse(node.func), first))
    return found


def test_only_the_case_operation_writes_instance_state_and_chain_head():
    writers = {}
    for p in _py("engine"):
        rel = str(p.relative_to(ENGINE))
        for func, first in _calls(p):
            if func in ("update", "insert") and first == "Instance":
                writers.setdefault("SQL", set()).add(rel)
            if func in ("instances.write", "instances.insert_started"):
                writers.setdefault("callers", set()).add(rel)
    assert writers == {"SQL": {"store/instances.py"}, "callers": {"operation.py"}}


def test_only_the_recorder_inserts_history_rows():
    inserts, recorders = set(), set()
    for p in _py("engine"):
        rel = str(p.relative_to(ENGINE))
        for func, first in _calls(p):
            if func == "insert" and first == "HistoryEvent":
                inserts.add(rel)
            if func == "Recorder":
                recorders.add(rel)
    assert inserts == {"store/history.py"} and recorders == {"operation.py"}


def test_no_table_aliases():
    """Core statements use the ORM entities (typed), not ``X.__table__`` aliases."""
    assert [str(p.relative_to(ENGINE)) for p in _py("engine") if "__table__" in p.read_text()] == []


def test_functions_take_at_most_five_parameters():
    offenders = []
    for p in _py("engine") + _py("cli") + _py("web") + _py("scheduler"):
        for node in ast.walk(_tree(p)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                if any("click." in ast.unparse(d) for d in node.decorator_list):
                    continue  # a command's parameters are its options, bound by click
                args = node.args
                names = [a.arg for a in args.posonlyargs + args.args + args.kwonlyargs if a.arg not in ("self", "cls")]
                if len(names) > 5:
                    offenders.append(f"{p.relative_to(PROJECT_ROOT)}:{node.lineno} {node.name} ({len(names)})")
    assert offenders == []


def test_public_service_methods_return_krabuan_types():
    allowed_modules = {"engine.results", "engine.event_log_results", "engine.report_results", "engine.change_results", "engine.migration_results",
                       "engine.audit_results", "engine.replay_results",
                       "engine.model.process_diff_changes", "engine.model.forms", "engine.model.definitions",
                       "engine.model.metadata", "engine.time.calendar", "datetime", "builtins", "typing",
                       "collections.abc", "pathlib"}
    from engine.krabuan import Krabuan
    for name in SERVICES:
        assert isinstance(inspect.getattr_static(Krabuan, name), functools.cached_property), name
    for cls in (engine.services.repository.Repository, engine.services.cases.Cases, engine.services.tasks.Tasks,
                engine.services.jobs.Jobs, engine.services.inbox.Inbox,
                engine.services.calendar_admin.CalendarAdmin, engine.services.audit.Audit,
                engine.services.people.People, engine.services.files.Files, engine.services.event_log.EventLogs,
                engine.services.authoring.ProcessChanges, engine.services.reports.Reports,
                engine.services.audit_search.CaseSearch, engine.services.case_replay.CaseReplayService,
                engine.services.replay.Replays, Krabuan):
        for name, fn in inspect.getmembers(cls, inspect.isfunction):
            if name.startswith("_"):
                continue
            for t in _flatten(typing.get_type_hints(fn).get("return")):
                module = getattr(t, "__module__", "builtins")
                assert module in allowed_modules, f"{cls.__name__}.{name} returns {t!r} from {module}"


def _flatten(t: object) -> list[object]:
    if t is None or t is type(None):
        return []
    args = typing.get_args(t)
    if args:
        origin = typing.get_origin(t)
        out = [] if origin is types.UnionType else [origin]  # `int | None` is no type of its own
        for a in args:
            out += _flatten(a)
        return [o for o in out if o is not None]
    return [t]


def test_results_are_frozen_dataclasses_that_serialise_themselves():
    import engine.audit_results
    import engine.change_results

    import engine.event_log_results

    for module in (results, engine.change_results, engine.audit_results, engine.event_log_results):
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == module.__name__:
                assert dataclasses.is_dataclass(cls) and cls.__dataclass_params__.frozen, cls
                assert callable(getattr(cls, "to_json", None)), f"{cls.__name__} has no to_json"
