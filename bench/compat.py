"""One face for the engine API of the code tree being measured.

The benchmark measures the current engine (one service per actor: ``k.cases``, ``k.tasks``,
``k.repository``) and, so that earlier figures can be reproduced with the same harness, the
flat API of commit cbf069e and before (``engine.app.Krabuan``: ``k.start``, ``k.open_tasks``,
``k.claim``, ``k.complete``, ``k.deploy``). Everything else the harness does is the same for
both. Import this module only after the code tree's root is first on ``sys.path``.
"""
from __future__ import annotations

import importlib
import importlib.util
import inspect
import sys
from pathlib import Path
from types import ModuleType
from typing import Any


class EngineApi:
    """The few engine calls the benchmark makes, whatever the API generation."""

    def __init__(self) -> None:
        self.flat = importlib.util.find_spec("engine.app") is not None
        engine: ModuleType = importlib.import_module("engine.app" if self.flat else "engine")
        self.Krabuan = engine.Krabuan
        self.Settings = importlib.import_module("engine.settings").Settings
        self.tables = importlib.import_module("engine.models" if self.flat else "engine.store.tables")
        self.root = Path(engine.__file__).resolve().parent.parent

    @property
    def generation(self) -> str:
        return "flat API (engine.app, cbf069e and before)" if self.flat else "services API (k.cases, k.tasks)"

    def deploy(self, k: Any, paths: list[Path]) -> None:
        (k.deploy if self.flat else k.repository.deploy)(paths)

    def start(self, k: Any, process_id: str, user: str) -> tuple[int, list[Any]]:
        """Start a case; returns its id and its open tasks (a read on the flat API)."""
        if self.flat:
            instance_id = k.start(process_id, user)
            return instance_id, k.open_tasks(instance_id)
        started = k.cases.start(process_id, user)
        return started.instance_id, list(started.open_tasks)

    def of_case(self, k: Any, instance_id: int) -> list[Any]:
        return (k.open_tasks if self.flat else k.tasks.of_case)(instance_id)

    def claim(self, k: Any, task_id: int, user: str) -> None:
        (k.claim if self.flat else k.tasks.claim)(task_id, user)

    def table(self, name: str) -> Any:
        """A table as SQLAlchemy Core sees it (``.c``): the Core table itself, or an ORM entity's
        table in code before the store dropped the ORM."""
        entity = getattr(self.tables, name)
        return getattr(entity, "__table__", entity)

    @property
    def claims_on_complete(self) -> bool:
        """Whether complete can claim an unclaimed task in the same transaction (``claim=True``)."""
        if self.flat:
            return False
        cases = importlib.import_module("engine.services.cases").Cases
        return "how" in inspect.signature(cases.complete).parameters

    def complete(self, k: Any, task_id: int, user: str, data: dict[str, Any], instance_id: int,
                 claim: bool = False) -> list[Any]:
        """Complete a task; returns the case's open tasks after it (a read on the flat API).
        ``claim``: claim it in the same transaction (only where ``claims_on_complete``)."""
        if self.flat:
            k.complete(task_id, user, data)
            return k.open_tasks(instance_id)
        if claim:
            completion = importlib.import_module("engine").Completion(claim=True)
            return list(k.cases.complete(task_id, user, data, (), completion).open_tasks)
        return list(k.cases.complete(task_id, user, data).open_tasks)

    def cli_argv(self) -> list[str]:
        """How to run the ``krabuan`` command of this code tree (after the interpreter)."""
        if self.flat:
            return ["-c", "import sys; from engine.cli import main; sys.exit(main())"]
        script = Path(sys.executable).parent / "krabuan"
        return [str(script)] if script.exists() else ["-c", "import sys; from cli import main; sys.exit(main())"]
