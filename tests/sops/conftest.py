"""Fixtures for the SOP path tests: the real project (processes/bpmn, forms/, the demo
organisation), deployed once per test module on SQLite, and a path driver.

A file field holds the SHA-256s of uploaded files. The tests name their evidence files (e.g.
``"plan_file": "plan-v2.pdf"``): the driver uploads a small PDF of that name as the acting user and
completes with its SHA-256, and ``Case.data`` shows a field holding one such file by its name again."""
from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Iterator

import pytest

from engine import Completion, Krabuan
from engine.errors import Conflict, Forbidden, NotFound
from engine.settings import PROJECT_ROOT, Settings

BPMN = PROJECT_ROOT / "processes" / "bpmn"
PASSWORD = "sop-path-tests-2569"  # every demo user's, for the signature steps


@pytest.fixture(scope="module")
def organisation_file() -> Path:
    """The organisation the module's project loads (a module may override it, e.g. test_segregation.py)."""
    return PROJECT_ROOT / "processes" / "organisation.yaml"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory, organisation_file: Path) -> Iterator[Krabuan]:
    """The real project on a fresh SQLite database; every process that passes the check is deployed."""
    folder = tmp_path_factory.mktemp("sop")
    k = Krabuan(Settings().with_overrides(data_dir=folder, processes_dir=PROJECT_ROOT / "processes",
                                          forms_dir=PROJECT_ROOT / "forms",
                                          organisation_file=organisation_file))
    k.upgrade_schema()
    k.people.load_organisation()
    stored = k.accounts.hash_password("demo", PASSWORD)  # signature steps sign with the signer's password
    for user in k.people.users():
        k.accounts.set_password(user.username, PASSWORD, actor=user.username, stored_hash=stored)
    yield k
    # Every signature the paths made still verifies: no later step of a process changes what was signed.
    broken = [(s.instance_id, s.element_id, [p.message for p in s.problems]) for s in k.signatures.verify()
              if not s.valid]
    # Every case the paths made re-runs from its recorded inputs alone to the same path, task rows,
    # register numbers and state (krabuan audit replay): the history carries every input the engine took.
    diverged = [r.line() for r in k.replays.replay_many() if not r.ok]
    k.close()
    assert not broken, broken
    assert not diverged, diverged


_NAMES: dict[str, str] = {}  # sha256 of a named test file: its name


def with_files(k: Krabuan, form_key: str | None, data: dict[str, Any] | None, user: str) -> dict[str, Any] | None:
    """``data`` with each file named in a file field uploaded (a PDF of that name) as ``user``."""
    if not data or form_key is None:
        return data
    out = dict(data)
    for f in k.repository.form(form_key).fields:
        value = out.get(f.name)
        if f.type != "file" or not isinstance(value, str) or re.fullmatch(r"[0-9a-f]{64}", value):
            continue
        view = k.files.upload(user, value, b"%PDF-1.4\n% " + value.encode() + b"\n%%EOF\n")
        _NAMES[view.sha256] = value
        out[f.name] = [view.sha256]
    return out


class Case:
    """Drives one case of a process step by step, asserting who may claim each step."""

    def __init__(self, k: Krabuan, process_id: str, starter: str, data: dict[str, Any] | None = None) -> None:
        self.k = k
        self.process_id = process_id
        _, self.model = k.repository.process_model(process_id)
        self.id = k.cases.start(process_id, starter, with_files(k, self.model.start_form, data, starter)).instance_id
        self.done: list[str] = []

    def open(self) -> list[str]:
        return [t.element_id for t in self.k.tasks.of_case(self.id)]

    def do(self, element_id: str, user: str, data: dict[str, Any] | None = None,
           outsider: str | None = None, confirm: bool = True) -> None:
        """Claim and complete the (first) open task of this step as `user`, confirming its control points.

        If `outsider` is given, first assert that this user may not claim it."""
        tasks = [t for t in self.k.tasks.of_case(self.id) if t.element_id == element_id]
        assert tasks, f"{element_id} is not open; open: {self.open()}"
        step = self.model.steps[element_id]
        if step.meta.candidate_group_variable:  # a step per unit: the task of the user's own unit
            groups = next(set(u.groups) for u in self.k.people.users() if u.username == user)
            tasks = [t for t in tasks if set(t.candidate_groups) & groups] or tasks
        task = next((t for t in tasks if t.reserved_for in (None, user)), tasks[0])
        if not step.meta.candidate_group_variable:
            assert set(task.candidate_groups) == set(step.candidate_groups)
        if outsider is not None:
            # NotFound when the case is not theirs to see; Conflict when the task is already someone's
            # (a step returned for revision goes back to who did it)
            with pytest.raises((Forbidden, NotFound, Conflict)):
                self.k.tasks.claim(task.id, outsider)
        if task.assignee != user:
            self.k.tasks.claim(task.id, user)
        controls = [c.id for c in step.meta.controls] if confirm else []
        signs = Completion(password=PASSWORD) if step.meta.kind == "signature" else Completion()
        self.k.cases.complete(task.id, user, with_files(self.k, task.form_key, data, user) or {}, controls, how=signs)
        self.done.append(element_id)

    def wait_until(self, moment: datetime | None = None) -> None:
        """Let time pass on the engine clock to ``moment`` (if later than now), then fire what is due
        then, as the scheduler would: the steps that wait for a date open (issue 11, section 2). A wait
        whose date had already passed when the case reached it did not wait at all."""
        if moment is not None:
            now = self.k.ctx.fixed_now or datetime.now(UTC)
            self.k.ctx.fixed_now = max(now, moment)
        for timer_id in self.k.jobs.claim_timers("path-tests", 500, 60):
            self.k.jobs.fire_timer(timer_id, "path-tests")

    @property
    def status(self) -> str:
        return self.k.cases.show(self.id).status

    @property
    def data(self) -> dict[str, Any]:
        """The case's data, a file field holding one named test file shown as its name."""
        return {key: _NAMES[value[0]] if isinstance(value, list) and len(value) == 1 and value[0] in _NAMES
                else value for key, value in self.k.cases.show(self.id).data.items()}


@pytest.fixture
def case(project: Krabuan):
    clock = project.ctx.fixed_now  # a test that lets time pass leaves the clock as it found it

    def make(process_id: str, starter: str, data: dict[str, Any] | None = None) -> Case:
        if not project.repository.versions(process_id):
            problems = project.repository.check([BPMN / f"{process_id}.bpmn"])
            assert not any(problems.values()), problems
            project.repository.deploy([BPMN / f"{process_id}.bpmn"])
        return Case(project, process_id, starter, data)
    yield make
    project.ctx.fixed_now = clock
