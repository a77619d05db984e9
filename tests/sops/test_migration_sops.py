"""Every SOP's main journey, with the case moved to another version of its process before each of
its steps (engine.services.migration): a version with a step added right after every user task
("plus", the added step in the same lane, without a form) and the original content as new bytes
("plain"). Before each step T the case moves to a freshly deployed version of the other kind, so it
waits at T through every move, once from plain to plus and once back; on plus, the step added after
T is done right after T. Each journey runs twice, in opposite phases, so that every user task on it
is moved both ways. The journey's own assertions hold, the case completes, and its history verifies.

The journeys are the SOP path tests' own (their ``happy`` path first, then the others that reach a
user task not yet moved both ways), driven through ``Case`` as always; which user tasks each SOP
covered is written to ``test-artifacts/migration-sops.json``."""
from __future__ import annotations

import importlib
import inspect
import json
import re
from collections import defaultdict
from collections.abc import Callable
from contextlib import ExitStack, contextmanager
from itertools import count
from typing import Any

import pytest
from migration_helpers import SUFFIX, renewed, user_tasks, with_steps_after

from engine import Completion, Krabuan
from engine.settings import PROJECT_ROOT

ADMIN = "admin1"
BPMN = PROJECT_ROOT / "processes" / "bpmn"
ARTIFACT = PROJECT_ROOT / "test-artifacts" / "migration-sops.json"
SOPS = sorted(p.stem for p in BPMN.glob("*.bpmn"))
_MARKS = count(1)
# process id: {user task id: the moves it waited through: to a version with a step "added" after it,
# to one with that step "removed"}
_MOVED: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))


def _module(process_id: str) -> Any:
    return importlib.import_module("test_" + process_id.replace("-", "_"))


def _journeys(process_id: str) -> list[Any]:
    """The SOP path tests' journeys of a process (the tests taking only ``case``), the main one
    first (``happy`` in its name, else the first)."""
    module = _module(process_id)
    journeys = [fn for name, fn in inspect.getmembers(module, inspect.isfunction)
                if name.startswith("test_") and fn.__module__ == module.__name__
                and list(inspect.signature(fn).parameters) == ["case"]]
    journeys.sort(key=lambda fn: ("happy" not in fn.__name__, fn.__code__.co_firstlineno))
    return journeys


def _named_steps(process_id: str, journey: Any) -> set[str]:
    """The user tasks a journey names in its own text (as string literals)."""
    text = inspect.getsource(journey)
    return {t for t in user_tasks((BPMN / f"{process_id}.bpmn").read_bytes())
            if re.search(rf"[\"']{re.escape(t)}[\"']", text)}


def _covered(process_id: str, task: str) -> bool:
    return _MOVED.get(process_id, {}).get(task, set()) == {"added", "removed"}


class Versions:
    """Deploys a fresh version of a process (each move needs a newer one), with a step added after
    each of the given user tasks."""

    def __init__(self, k: Krabuan, process_id: str) -> None:
        self.k, self.process_id = k, process_id
        self.plain = (BPMN / f"{process_id}.bpmn").read_bytes()

    def deploy(self, after: frozenset[str]) -> int:
        xml = with_steps_after(self.plain, sorted(after)) if after else self.plain
        results = self.k.repository.deploy_bytes(renewed(xml, f"version {next(_MARKS)}"),
                                                 str(BPMN / f"{self.process_id}.bpmn"))
        return next(r.version for r in results if r.process_id == self.process_id)


class MovingCase:
    """A path test's ``Case`` that moves to new versions before each step T it does (everything
    else is the wrapped case's). Phase ``taken``: to a version with a step added after T, which is
    done right after T (and stays in every later version: a step done is never removed). Phase
    ``skipped``: to a version with the step added after T, then to one without it again, so T leads
    straight to its old successor."""

    def __init__(self, inner: Any, versions: Versions, phase: str) -> None:
        self.inner, self.versions, self.phase = inner, versions, phase
        self.after: frozenset[str] = frozenset()  # the steps the case's version adds a step after
        self.moves = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def do(self, element_id: str, user: str, data: dict[str, Any] | None = None,
           outsider: str | None = None, confirm: bool = True) -> None:
        if element_id in self.inner.open():
            added = element_id not in self.after
            self._move(self.after | {element_id}, element_id, "added" if added else None)
            if self.phase == "skipped":
                self._move(self.after - {element_id}, element_id, "removed")
        self.inner.do(element_id, user, data, outsider, confirm)
        self._do_added_steps()

    def _move(self, after: frozenset[str], element_id: str, kind: str | None) -> None:
        version = self.versions.deploy(after)
        [outcome] = self.inner.k.migrations.migrate(ADMIN, self.versions.process_id, version, [self.inner.id])
        assert outcome.migrated, (self.versions.process_id, element_id, kind, outcome.reasons)
        if kind:
            _MOVED[self.versions.process_id][element_id].add(kind)
        self.after, self.moves = after, self.moves + 1

    def _do_added_steps(self) -> None:
        """The added step after the task just done (and any other added step that is open)."""
        k = self.inner.k
        while added := [t for t in k.tasks.of_case(self.inner.id) if t.element_id.endswith(SUFFIX)]:
            task = added[0]
            user = task.reserved_for or task.assignee or _member_of(k, task.candidate_groups)
            k.cases.complete(task.id, user, {}, [], how=Completion(claim=task.assignee != user))


def _member_of(k: Krabuan, groups: tuple[str, ...]) -> str:
    return next(u.username for u in k.people.users() if set(u.groups) & set(groups))


# User tasks no journey moves a case before: their path tests complete them through
# ``k.cases.complete`` inside helpers, not through ``Case.do``, so the wrapper never sees them.
NOT_REACHED = {"digital-strategy-monitoring": {"units_report_results"},
               "digital-strategy-plan": {"units_submit_projects"}}


@pytest.mark.parametrize("process_id", SOPS)
def test_every_user_task_survives_a_move_both_ways(project: Krabuan, case: Callable[..., Any],
                                                   process_id: str) -> None:
    """The main journey in both phases (its cases complete), then each other journey of the path
    tests that names a user task not yet moved both ways; in the end every user task of the SOP
    waited through a move to a version with a step added after it and to one with it removed."""
    main, *others = _journeys(process_id)
    for phase in ("taken", "skipped"):
        for c in _run(project, case, (process_id, main), phase):
            assert c.status == "completed", (process_id, c.open())
    for journey in others:
        for phase in ("taken", "skipped"):
            if not all(_covered(process_id, t) for t in _named_steps(process_id, journey)):
                _run(project, case, (process_id, journey), phase)
    tasks = user_tasks((BPMN / f"{process_id}.bpmn").read_bytes())
    missing = {t for t in tasks if not _covered(process_id, t)}
    _write_coverage(process_id, len(tasks), missing)
    assert missing == NOT_REACHED.get(process_id, set()), (process_id, sorted(missing))


def _run(project: Krabuan, case: Callable[..., Any], journey: tuple[str, Any], phase: str) -> list[MovingCase]:
    """Run a path test's journey with its cases moving before each step; each case's history
    verifies and records each move."""
    process_id, run = journey
    versions = Versions(project, process_id)
    started: list[MovingCase] = []

    def make(pid: str, starter: str, data: dict[str, Any] | None = None) -> MovingCase:
        assert pid == process_id, f"the journey of {process_id} starts a case of {pid}"
        versions.deploy(frozenset())  # the case starts on the plain model
        started.append(MovingCase(case(pid, starter, data), versions, phase))
        return started[-1]

    with ExitStack() as setup:
        for fixture in _autouse_fixtures(_module(process_id)):  # e.g. meeting-setup's engine clock
            setup.enter_context(contextmanager(fixture)(project))
        run(make)
    assert started
    for c in started:
        reports = list(project.audit.verify(c.id))
        assert all(r.ok for r in reports), [r.reason for r in reports]
        history = [e.event_type for e in project.cases.show(c.id).history]
        assert history.count("instance_migrated") == c.moves
    return started


def _autouse_fixtures(module: Any) -> list[Any]:
    """The journey module's own autouse fixtures of the project (their generator functions)."""
    found = []
    for _, obj in inspect.getmembers(module):
        marker = getattr(obj, "_fixture_function_marker", None)
        if marker is not None and marker.autouse and obj.__module__ == module.__name__:
            function = obj.__wrapped__
            assert list(inspect.signature(function).parameters) == ["project"], function
            found.append(function)
    return found


def _write_coverage(process_id: str, user_tasks_count: int, missing: set[str]) -> None:
    """Record which user tasks of the SOP waited through a move each way (test-artifacts)."""
    report = json.loads(ARTIFACT.read_text(encoding="utf-8")) if ARTIFACT.exists() else {}
    moved = _MOVED.get(process_id, {})
    report[process_id] = {"user_tasks": user_tasks_count, "moved_both_ways": user_tasks_count - len(missing),
                          "one_way_only": sorted(t for t in missing if len(moved.get(t, set())) == 1),
                          "not_reached": sorted(t for t in missing if t not in moved)}
    ARTIFACT.parent.mkdir(exist_ok=True)
    ARTIFACT.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
