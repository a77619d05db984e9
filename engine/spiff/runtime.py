"""Compile vetted model trees into Spiff specs, and run workflows for the engine.

``Workflow`` wraps one live ``BpmnWorkflow`` for the length of one operation; it answers
in Krabuan terms (``ReadyTask``, status, case data) and never leaks Spiff objects.
"""
from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime
from threading import Lock
from typing import Any, Literal
from uuid import UUID

from lxml import etree
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.exceptions import SpiffWorkflowException, WorkflowException
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser
from SpiffWorkflow.util.task import TaskState

from ..errors import ConfigurationError, Conflict, DeployError, ExpressionError, ProcessError
from ..model import caps as model_limits
from ..model.expressions import ExpressionEvaluator
from . import patches
from .environment import restricted_script_engine
from .serializer import StateSerializer

patches.apply()


@dataclass(frozen=True)
class ReadyTask:
    """A human task waiting for a person, as Spiff sees it."""

    spiff_id: str
    element_id: str
    name: str
    data: dict[str, Any]


@dataclass(frozen=True)
class WaitingTimer:
    """A BPMN timer event the workflow waits on, and when it is due."""

    spiff_id: str
    element_id: str
    due_at: datetime


@dataclass(frozen=True)
class CompiledProcess:
    process_id: str
    name: str
    spec_json: str
    called_processes: tuple[str, ...]


class Runtime:
    """Owns the Spiff parser configuration, the serializer and a cache of restored specs."""

    def __init__(self, evaluator: ExpressionEvaluator, spec_cache_size: int = 256) -> None:
        self.script_engine = restricted_script_engine(evaluator)
        self.serializer = StateSerializer()
        self._specs: OrderedDict[int, tuple[Any, dict[str, Any]]] = OrderedDict()
        self._cache_size = spec_cache_size
        self._lock = Lock()

    # -- deploy --
    def compile(self, documents: list[tuple[etree._Element, str]]) -> list[CompiledProcess]:
        """Build the spec of every executable process in the given (root, source) documents."""
        parser = SpiffBpmnParser(validator=VALIDATOR)
        bpmn_process_ids: dict[str, str] = {}  # process id -> its file
        for root, source in documents:
            try:
                name = etree.QName(root.tag)
                if name.localname == "definitions" and "DMN" in (name.namespace or ""):
                    parser.add_dmn_xml(root, filename=source)
                else:
                    before = set(parser.get_process_ids())
                    parser.add_bpmn_xml(root, filename=source)
                    bpmn_process_ids |= {p: source for p in parser.get_process_ids() if p not in before}
            except ValidationException as exc:
                raise _deploy_error(exc, source) from None
            except (SpiffWorkflowException, etree.LxmlError, KeyError, ValueError) as exc:
                raise DeployError(f"cannot read model: {_ELEMENT_REPR.sub('', str(exc))}", file=source) from None
        compiled = []
        for process_id in bpmn_process_ids:
            try:
                spec = parser.get_spec(process_id)
                subprocess_specs = parser.get_subprocess_specs(process_id)
            except ValidationException as exc:
                raise _deploy_error(exc, exc.file_name or bpmn_process_ids[process_id]) from None
            except (SpiffWorkflowException, KeyError, ValueError, TypeError) as exc:
                raise DeployError(f"process {process_id} cannot be built: {_ELEMENT_REPR.sub('', str(exc))}") from None
            compiled.append(CompiledProcess(
                process_id=process_id,
                name=getattr(spec, "description", None) or process_id,
                spec_json=self.serializer.specs_to_json(spec, subprocess_specs),
                called_processes=tuple(sorted(subprocess_specs)),
            ))
        return compiled

    # -- run --
    def specs(self, definition_id: int, spec_json: str) -> tuple[Any, dict[str, Any]]:
        """Restored spec objects of one deployed version, shared (they are immutable)."""
        with self._lock:
            hit = self._specs.get(definition_id)
            if hit is not None:
                self._specs.move_to_end(definition_id)
                return hit
        specs = self.serializer.specs_from_json(spec_json)
        with self._lock:
            self._specs[definition_id] = specs
            while len(self._specs) > self._cache_size:
                self._specs.popitem(last=False)
        return specs

    def start(self, definition_id: int, spec_json: str, data: dict[str, Any]) -> Workflow:
        spec, subprocess_specs = self.specs(definition_id, spec_json)
        wf = BpmnWorkflow(spec, subprocess_specs, script_engine=self.script_engine)
        wf.data.update(data)
        wf.task_tree.data.update(data)
        workflow = Workflow(wf, self)
        workflow.run()
        return workflow

    def restore(self, definition_id: int, spec_json: str, state_json: str) -> Workflow:
        spec, subprocess_specs = self.specs(definition_id, spec_json)
        try:
            wf = self.serializer.state_from_json(state_json, spec, subprocess_specs)
        except (ValueError, KeyError, TypeError) as exc:
            raise ConfigurationError(f"stored instance state cannot be read: {exc}") from exc
        wf.script_engine = self.script_engine
        return Workflow(wf, self)


_ELEMENT_REPR = re.compile(r"\s*<Element [^>]* at 0x[0-9a-fA-F]+>")
_UNRESOLVED_DATA = re.compile(r"Cannot resolve data(Input|Output)Association")
_MISSING_PROCESS = re.compile(r"The process '([^']*)' was not found")


def _deploy_error(exc: ValidationException, source: str) -> DeployError:
    """One clear line from SpiffWorkflow's refusal: no Python object reprs in it."""
    message = str(exc.args[0]) if exc.args else str(exc)
    data = _UNRESOLVED_DATA.match(message)
    if data:
        message = (f"the data {data[1].lower()} association of this element names data that is not a data object "
                   "of the process (process-level data inputs and outputs are not supported); case data comes "
                   "from the forms")
    missing = _MISSING_PROCESS.match(message)
    if missing:
        message = (f"a call activity calls process {missing[1]!r}, which no file of this deployment defines; "
                   "deploy the file that defines it together with this one (a called process is built into its "
                   "caller's version)")
    message = _ELEMENT_REPR.sub("", message)
    line = getattr(exc, "line_number", "")
    if line:
        message += f" (line {line})"
    return DeployError(message, file=exc.file_name or source, element=getattr(exc, "id", None) or None)


class Workflow:
    """One live workflow during one operation."""

    def __init__(self, wf: BpmnWorkflow, runtime: Runtime) -> None:
        self._wf = wf
        self._runtime = runtime

    def run(self) -> None:
        """Run engine steps to the next wait state; a case that takes more than the cap
        of them in one operation (``max_engine_steps``; a loop with no user task or timer in it) fails the operation
        with a ProcessError, and nothing of it is stored."""
        with _process_errors():
            cap = model_limits.caps().max_engine_steps
            steps = count = self._wf._do_engine_steps(None, None)
            while count > 0:
                if steps > cap:
                    raise ProcessError(f"the case ran more than {cap} automatic steps without reaching a user task, a "
                                       "timer or its end (a loop with no wait state?); nothing was saved")
                count = self._wf._do_engine_steps(None, None)
                steps += count
            self._wf.refresh_timers()

    def ready_tasks(self) -> list[ReadyTask]:
        tasks = self._wf.get_tasks(state=TaskState.READY, manual=True)
        return [ReadyTask(spiff_id=str(t.id), element_id=t.task_spec.bpmn_id or t.task_spec.name,
                          name=t.task_spec.bpmn_name or t.task_spec.bpmn_id or t.task_spec.name,
                          data=t.data)
                for t in tasks]

    def complete(self, spiff_id: str, data: dict[str, Any]) -> None:
        task = self._wf.get_task_from_id(UUID(spiff_id))
        if task is None or task.state != TaskState.READY or not task.task_spec.manual:
            raise Conflict("the task is no longer waiting to be done", task=spiff_id)
        task.data.update(data)
        with _process_errors():
            task.run()
        self.run()

    def waiting_timers(self) -> list[WaitingTimer]:
        """Timer events waiting to fire, with the due time Spiff computed on the operation's clock."""
        found = []
        for task in list(self._wf.event_manager.tasks.values()):
            # A timer event, or an event-based gateway waiting on the timers after it (its first is due).
            dues = []
            for definition, value in patches.timer_values(task.task_spec.event_definition, task):
                if value is None:
                    continue
                try:
                    due = patches.due_time(definition, value)
                except ValueError:
                    raise ProcessError(f"timer {task.task_spec.bpmn_id} has no valid time: {value!r}",
                                       element=task.task_spec.bpmn_id) from None
                if due is not None:
                    dues.append(due)
            if dues:
                found.append(WaitingTimer(str(task.id), task.task_spec.bpmn_id or task.task_spec.name,
                                          min(dues).astimezone(UTC)))
        return found

    def reevaluate_date_timers(self) -> bool:
        """Evaluate the expressions of waiting date timers again (the calendar changed); returns
        whether any was waiting. Duration and cycle timers keep their times (they count from
        when they started)."""
        found = False
        for task in list(self._wf.event_manager.tasks.values()):
            found = patches.forget_date_timers(task) or found
        if found:
            self.fire_due_timers()
        return found

    def fire_due_timers(self) -> None:
        """Let every timer that is due on the operation's clock fire, and run on."""
        with _process_errors():
            self._wf.refresh_timers()
            self._wf.do_engine_steps()

    @property
    def completed(self) -> bool:
        return bool(self._wf.is_completed())

    def case_data(self) -> dict[str, Any]:
        """The case's current data: the workflow's data once done, else its waiting tasks' data."""
        if self._wf.is_completed():
            return dict(self._wf.data)
        merged: dict[str, Any] = {}
        waiting = self._wf.get_tasks(state=TaskState.READY | TaskState.WAITING | TaskState.STARTED)
        if not waiting and self._wf.last_task is not None:
            waiting = [self._wf.last_task]
        for task in sorted(waiting, key=lambda t: t.last_state_change or 0):
            merged.update(task.data)
        return merged

    def to_json(self) -> str:
        return self._runtime.serializer.state_to_json(self._wf)


class _process_errors:
    """Turn failures inside Spiff into ProcessError naming the BPMN element."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, exc_type: type | None, exc: BaseException | None, tb: Any) -> Literal[False]:
        if exc is None or isinstance(exc, (Conflict, DeployError, ProcessError)):
            return False
        if isinstance(exc, ExpressionError):
            raise ProcessError(exc.message) from exc
        if isinstance(exc, (SpiffWorkflowException, WorkflowException)):
            task = getattr(exc, "task", None)
            element = task.task_spec.bpmn_id if task is not None else None
            inner = getattr(exc, "exception", None)
            detail = inner.message if isinstance(inner, ExpressionError) else str(exc.args[0] if exc.args else exc)
            raise ProcessError(f"the process failed at {element or 'an element'}: {detail}",
                               element=element) from exc
        if type(exc) in (Exception, ValueError, TypeError, OverflowError) and _from_timer(tb):
            raise ProcessError(f"a timer has an invalid value: {exc}") from exc
        return False


def _from_timer(tb: Any) -> bool:
    """Whether a traceback passes through Spiff's timer definitions (bad ISO 8601 values)."""
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.endswith("event_definitions/timer.py"):
            return True
        tb = tb.tb_next
    return False

