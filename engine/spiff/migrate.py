"""Move a waiting case to another deployed version of its process (the SpiffWorkflow side).

SpiffWorkflow's diff utilities (``SpiffWorkflow.bpmn.util.diff``) align the case's task tree, and
each subprocess it has, with the new version's task specs. A case can move when every task it is
waiting in (ready, waiting, started or failed, also inside subprocesses) has a step in the new
version with the same id, kind and, for a person's step, lane; when every step it already did or
cancelled still has a spec to restore it with; and when every subprocess it has is in the new
version. Otherwise ``check`` says why, naming the step, and nothing is touched.

``migrate`` does not use Spiff's ``migrate_workflow`` reset of waiting tasks: ``reset_branch``
clears a task's data and internal data, so a waiting timer would forget when it fires. Instead
every task is pointed at its new spec in place (same id, state, data and internal data: the case's
task rows, claims, deadlines and timer rows go on pointing at the same tasks), and only what each
waiting task *predicts* (its children not yet reached) is dropped and predicted again from the new
version. The result is serialized and restored under the new version, so the live object graph is
exactly what the next operation would read from the database.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn.util.diff import WorkflowDiff, diff_workflow
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState

from ..errors import ConfigurationError, ProcessError
from .runtime import Workflow

_LIVE = TaskState.READY | TaskState.WAITING | TaskState.STARTED | TaskState.ERROR
_DONE = TaskState.COMPLETED | TaskState.CANCELLED
_PREDICTED = TaskState.PREDICTED_MASK | TaskState.FUTURE


@dataclass(frozen=True)
class MigrationCheck:
    """Whether a case can move to a version, why not, and what the move changes for it (BPMN element
    ids): the steps it waits in, its steps whose definition changed, and the steps the new version
    adds and removes (in the process and the subprocesses the case is in)."""

    can_move: bool
    reasons: tuple[str, ...]
    waiting: tuple[str, ...]
    changed: tuple[str, ...]
    added: tuple[str, ...]
    removed: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {"can_move": self.can_move, "reasons": list(self.reasons), "waiting": list(self.waiting),
                "changed": list(self.changed), "added": list(self.added), "removed": list(self.removed)}


@dataclass
class _Plan:
    """The diff of one case against one version (Spiff objects: never leaves this module)."""

    new_spec: Any
    new_dependencies: dict[str, Any]
    top: WorkflowDiff | None
    subprocesses: dict[UUID, WorkflowDiff | None]
    check: MigrationCheck


def check(workflow: Workflow, definition_id: int, spec_json: str) -> MigrationCheck:
    """Whether the case can move to the deployed version (``definition_id``, its specs); a dry run."""
    return _plan(workflow, definition_id, spec_json).check


def migrate(workflow: Workflow, definition_id: int, spec_json: str) -> Workflow:
    """The case moved to the version: the returned workflow runs on it; ``workflow`` must not be used
    again. ProcessError if the case cannot move (see ``check``); ``workflow`` may then be half moved."""
    plan = _plan(workflow, definition_id, spec_json)
    if not plan.check.can_move:
        raise ProcessError("the case cannot move to this version: " + "; ".join(plan.check.reasons))
    wf, runtime = workflow._wf, workflow._runtime
    try:
        _move_all(wf, plan)
        return runtime.restore(definition_id, spec_json, runtime.serializer.state_to_json(wf))
    except (SpiffWorkflowException, ConfigurationError, KeyError) as exc:  # e.g. a spec the version lacks
        raise ProcessError(f"the case cannot move to this version: its tree does not fit it ({exc})") from None


# -- the check --

def _plan(workflow: Workflow, definition_id: int, spec_json: str) -> _Plan:
    wf = workflow._wf
    runtime = workflow._runtime
    new_spec, new_dependencies = runtime.specs(definition_id, spec_json)
    try:
        top, subprocesses = diff_workflow(runtime.serializer.registry, wf, new_spec, new_dependencies)
    except KeyError as exc:  # a task whose spec the diff could not reach from the process's start
        spec = exc.args[0] if exc.args else None
        reason = f"the case's step {_label(spec) if hasattr(spec, 'name') else spec} cannot be compared with the " \
                 "new version"
        return _Plan(new_spec, new_dependencies, None, {}, MigrationCheck(False, (reason,), (), (), (), ()))
    reasons: list[str] = []
    reasons += _task_reasons(wf.get_tasks(skip_subprocesses=True), top)
    for sp_id, sp in wf.subprocesses.items():
        diff = subprocesses.get(sp_id)
        if diff is None:
            reasons.append(f"the case is in subprocess {sp.spec.name}, which the new version does not have")
            continue
        parent = top.alignment.get(wf.get_task_from_id(sp_id)) if sp.parent_workflow is wf else None
        if parent is not None and getattr(parent, "spec", sp.spec.name) != sp.spec.name:
            reasons.append(f"step {_label(parent)} now calls {parent.spec}, not {sp.spec.name} as the case's does")
        reasons += _task_reasons(sp.get_tasks(skip_subprocesses=True), diff)
    check = _summary(wf, (top, subprocesses), (new_spec, new_dependencies), reasons)
    return _Plan(new_spec, new_dependencies, top, subprocesses, check)


def _task_reasons(tasks: list[Any], diff: WorkflowDiff) -> list[str]:
    reasons = []
    for task in tasks:
        old, new = task.task_spec, diff.alignment.get(task)
        if task.has_state(_LIVE):
            reason = _live_reason(old, new)
            if reason:
                reasons.append(reason)
        elif task.has_state(_DONE) and new is None:
            reasons.append(f"step {_label(old)}, already done, was removed")
    return reasons


def _live_reason(old: Any, new: Any) -> str | None:
    """Why a task the case waits in cannot move to its aligned spec in the new version (None: it can)."""
    if new is None or new.name != old.name:
        return f"the case waits in step {_label(old)}, which the new version does not have"
    if type(new) is not type(old):
        return (f"the case waits in step {_label(old)}, which is a {new.description} in the new version, "
                f"not a {old.description}")
    if old.manual and getattr(old, "lane", None) != getattr(new, "lane", None):
        return (f"the case waits in step {_label(old)}, which is in lane {getattr(new, 'lane', None)!r} in the "
                f"new version, not {getattr(old, 'lane', None)!r} (someone else would have to do it)")
    return None


def _label(spec: Any) -> str:
    name = getattr(spec, "bpmn_name", None)
    element = getattr(spec, "bpmn_id", None) or spec.name
    return f"{name} ({element})" if name else str(element)


def _summary(wf: Any, diffs: tuple[WorkflowDiff, dict[UUID, WorkflowDiff | None]], new: tuple[Any, dict[str, Any]],
             reasons: list[str]) -> MigrationCheck:
    top, subprocesses = diffs
    workflows = [(wf, top, new[0])] + [(wf.subprocesses[i], d, new[1][wf.subprocesses[i].spec.name])
                                       for i, d in subprocesses.items() if d is not None]
    waiting: set[str] = set()
    changed: set[str] = set()
    old_ids: set[str] = set()
    new_ids: set[str] = set()
    for workflow, diff, spec in workflows:
        waiting |= {t.task_spec.bpmn_id for t in workflow.get_tasks(state=_LIVE, skip_subprocesses=True)
                    if t.task_spec.bpmn_id}
        changed |= {t.task_spec.bpmn_id for t in diff.changed if t.task_spec.bpmn_id}
        old_ids |= {s.bpmn_id for s in workflow.spec.task_specs.values() if s.bpmn_id}
        new_ids |= {s.bpmn_id for s in spec.task_specs.values() if s.bpmn_id}
    return MigrationCheck(not reasons, tuple(dict.fromkeys(reasons)), tuple(sorted(waiting)), tuple(sorted(changed)),
                          tuple(sorted(new_ids - old_ids)), tuple(sorted(old_ids - new_ids)))


# -- the move --

def _move_all(wf: Any, plan: _Plan) -> None:
    assert plan.top is not None
    _move(wf, plan.top, plan.new_spec)
    for sp_id, sp in wf.subprocesses.items():
        diff = plan.subprocesses[sp_id]
        assert diff is not None
        _move(sp, diff, plan.new_dependencies[sp.spec.name])
    wf.subprocess_specs = plan.new_dependencies
    if wf.last_task is not None and wf.last_task.id not in wf.tasks:
        wf.last_task = None


def _move(workflow: Any, diff: WorkflowDiff, spec: Any) -> None:
    """Point a (sub)workflow and each of its tasks at the new version's specs, then predict again
    what each task it waits in leads to."""
    workflow.spec = spec
    for task in workflow.tasks.values():
        aligned = diff.alignment.get(task)
        if aligned is not None:
            task.task_spec = aligned
    for task in workflow.get_tasks(state=_LIVE, skip_subprocesses=True):
        _predict_again(task)


def _predict_again(task: Any) -> None:
    """Drop what a waiting task predicts (its children not yet reached; never a child it started,
    such as a multi-instance's instances) and predict it again from its (new) spec, keeping the
    task's id, state, data and internal data. The prediction runs as when the task itself was
    predicted: FUTURE for a branch that will be taken, MAYBE/LIKELY for one that may be."""
    predicted = [child for child in task.children if child.has_state(_PREDICTED) and not child.triggered]
    states = {child.state for child in predicted}
    for child in predicted:
        task.workflow._remove_task(child.id)
    as_state = next((s for s in (TaskState.FUTURE, TaskState.LIKELY, TaskState.MAYBE) if s in states),
                    TaskState.FUTURE)
    live = task._state
    task._state = as_state  # set directly: the task did not change state, and keeps its time
    try:
        task.task_spec._predict(task, mask=_PREDICTED)
    finally:
        task._state = live
