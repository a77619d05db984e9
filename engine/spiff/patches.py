"""Behaviour Krabuan needs from SpiffWorkflow 3.2 that it does not have, in one place.

Caps (engine.model.model_caps) hold at run time too: a committee larger than the cap is refused
before any instance is made, a timer date outside the calendar's years and a duration over ten
years are invalid timer values.

A committee step (a multi-instance task) may be entered again when the case loops back (a
return for revision, a new round). SpiffWorkflow refuses the second entry: the previous
round's result list is not empty, and the member variable of the last round is still in the
data. Krabuan starts every round fresh: the member variable is dropped and the result list
restarts empty (the previous round's results stay in the history events).

Timers read the time of the current engine operation (the database's clock, engine.clock)
instead of the node's clock, and a timer value without an offset is Bangkok time, not the
node's local zone. So a timer fires when the scheduler's operation finds it due, on any node.

An interrupting boundary timer on a multi-instance (the window of a step done per unit closes)
cancels the instances not done; the results the done ones collected go on with the case.

SpiffWorkflow's state-change log lines stay at WARNING unless configured otherwise: it builds
their extras (task data, a walk of the tree) whenever its loggers' own level allows INFO.

An event-based gateway waits on the catch events after it as one multiple event. With several
timers there (the only catch events Krabuan runs), SpiffWorkflow keeps one due time for all of
them (the first computed), so every branch would fire at once: each timer keeps its own
(``timer_values``), and the gateway takes the branch of the timer that fired first.
"""
from __future__ import annotations

import copy
import logging
from datetime import datetime, tzinfo
from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions import timer as spiff_timer
from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import BoundaryEvent
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import MultiInstanceTask, ParallelMultiInstanceTask
from SpiffWorkflow.bpmn.util.event import BpmnEvent

from ..errors import ProcessError
from ..model import caps as model_limits
from ..model import model_caps
from ..time import clock
from ..time.calendar import BANGKOK

_original_update_hook = MultiInstanceTask._update_hook
_original_get_datetime = spiff_timer.TimerEventDefinition.get_datetime
_original_parse_duration = spiff_timer.TimerEventDefinition.parse_iso_duration
_original_init_output = MultiInstanceTask.init_data_output_with_input_data
_original_multiple_has_fired = MultipleEventDefinition.has_fired
_original_boundary_run_hook = BoundaryEvent._run_hook
_original_create_children = ParallelMultiInstanceTask.create_children
_NEVER = datetime.max.replace(tzinfo=BANGKOK)
_TIMER_VALUES = "krabuan_timer_values"  # internal data of a multiple event: timer index -> its event_value


def _update_hook(self: Any, my_task: Any) -> Any:
    _check_cardinality(self, my_task)
    for item in (self.input_item, self.output_item):
        if item is not None:
            my_task.data.pop(item.bpmn_id, None)
    return _original_update_hook(self, my_task)


def _check_cardinality(spec: Any, my_task: Any) -> None:
    """Refuse a committee (multi-instance) larger than the cap before any instance is made."""
    if spec.cardinality is not None:
        size = my_task.workflow.script_engine.evaluate(my_task, spec.cardinality)
    elif spec.data_input is not None and spec.data_input.exists(my_task):
        size = len(spec.data_input.get(my_task))
    else:
        return
    cap = model_limits.caps().max_multi_instance
    if isinstance(size, int) and not 0 <= size <= cap:
        raise ProcessError(f"{spec.bpmn_id} would run {size} instances, more than {cap}", element=spec.bpmn_id)


def _create_children(self: Any, my_task: Any) -> None:
    """A committee over an optional list field left empty (not in the data) has no instances: the
    step is done at once, with an empty result list."""
    if self.data_input is not None and self.data_input.get(my_task) is None:
        if self.data_output is not None and not self.data_output.exists(my_task):
            self.data_output.set(my_task, [])
        return
    _original_create_children(self, my_task)


def _boundary_run_hook(self: Any, my_task: Any) -> Any:
    """An interrupting boundary event on a multi-instance (a window closing on a step done per unit
    or per member) carries on with what the instances done so far collected: the result list of
    the cancelled step goes on with the case instead of being lost with it."""
    if self.cancel_activity and my_task.parent is not None:
        for host in my_task.parent.children:
            spec = host.task_spec
            if (isinstance(spec, MultiInstanceTask) and getattr(spec, "data_output", None) is not None
                    and spec.data_output.exists(host)):
                spec.data_output.set(my_task, copy.deepcopy(spec.data_output.get(host)))
    return _original_boundary_run_hook(self, my_task)


def _get_datetime(expression: Any) -> datetime:
    """A timer's date, only within the calendar's years."""
    moment: datetime = _original_get_datetime(expression)
    if not model_caps.MIN_YEAR <= moment.year <= model_caps.MAX_YEAR:
        raise ValueError(f"the timer's date {expression!r} is outside {model_caps.MIN_YEAR}–{model_caps.MAX_YEAR}")
    return moment


def _parse_iso_duration(expression: Any) -> Any:
    """A timer's duration, at most ten years (P99999999Y would never be reached and hangs Spiff)."""
    if isinstance(expression, str):
        model_caps.check_duration_text(expression)
    return _original_parse_duration(expression)


def _init_output(self: Any, my_task: Any, input_data: Any) -> Any:
    if self.data_output is not None and self.data_output.exists(my_task):
        output = self.data_output.get(my_task)
        if output is not input_data and isinstance(output, list) and output:
            self.data_output.set(my_task, [])
    return _original_init_output(self, my_task, input_data)


def _multiple_has_fired(self: Any, my_task: Any) -> bool:
    """A multiple event (an event-based gateway) with several timers: each timer is evaluated
    with its own due time; the first that is due is the event seen."""
    timers = [i for i, d in enumerate(self.event_definitions) if isinstance(d, spiff_timer.TimerEventDefinition)]
    if len(timers) < 2 or self.parallel:
        return bool(_original_multiple_has_fired(self, my_task))
    seen = my_task.internal_data.get("seen_events", [])
    fired = [i for i in timers if _timer_fired(self.event_definitions[i], my_task, i)]
    if fired and not seen:
        values = my_task.internal_data[_TIMER_VALUES]
        first = min(fired, key=lambda i: _due_or_never(self.event_definitions[i], values.get(str(i))))
        seen.append(BpmnEvent(self.event_definitions[first]))
    my_task.internal_data["seen_events"] = seen
    return len(seen) > 0


def _due_or_never(definition: Any, value: Any) -> datetime:
    try:
        return due_time(definition, value) or _NEVER
    except ValueError:
        return _NEVER


def _timer_fired(definition: Any, my_task: Any, index: int) -> bool:
    """Run one timer's check on the task with that timer's own event value swapped in."""
    data = my_task.internal_data
    values = data.setdefault(_TIMER_VALUES, {})
    saved = {key: data.pop(key) for key in ("event_value", "event_fired") if key in data}
    if str(index) in values:
        data["event_value"] = values[str(index)]
    try:
        return bool(definition.has_fired(my_task))
    finally:
        values[str(index)] = data.pop("event_value", None)
        data.pop("event_fired", None)
        data.update(saved)


def timer_values(definition: Any, task: Any) -> list[tuple[Any, Any]]:
    """(timer definition, its event value) of each timer a waiting task's event has started."""
    if isinstance(definition, spiff_timer.TimerEventDefinition):
        return [(definition, task._get_internal_data("event_value"))]
    if not isinstance(definition, MultipleEventDefinition):
        return []
    timers = [(i, d) for i, d in enumerate(definition.event_definitions)
              if isinstance(d, spiff_timer.TimerEventDefinition)]
    if len(timers) == 1:
        return [(timers[0][1], task._get_internal_data("event_value"))]
    values = task.internal_data.get(_TIMER_VALUES, {})
    return [(d, values.get(str(i))) for i, d in timers]


def forget_date_timers(task: Any) -> bool:
    """Drop the computed times of a waiting task's date timers (evaluated again at the next check,
    e.g. after the calendar changed); returns whether it had any."""
    definition = task.task_spec.event_definition
    if isinstance(definition, spiff_timer.TimeDateEventDefinition):
        task.internal_data.pop("event_value", None)
        return True
    if not isinstance(definition, MultipleEventDefinition):
        return False
    dates = [i for i, d in enumerate(definition.event_definitions)
             if isinstance(d, spiff_timer.TimeDateEventDefinition)]
    timers = [d for d in definition.event_definitions if isinstance(d, spiff_timer.TimerEventDefinition)]
    if dates and len(timers) == 1:
        task.internal_data.pop("event_value", None)
    for index in dates:
        task.internal_data.get(_TIMER_VALUES, {}).pop(str(index), None)
    return bool(dates)


def due_time(definition: Any, value: Any) -> datetime | None:
    """When a timer with this event value is due (its next repetition for a cycle); None for a
    cycle that has run out; ValueError when the value is no valid time."""
    due: Any = None
    try:
        if isinstance(definition, spiff_timer.CycleTimerEventDefinition):
            if isinstance(value, dict) and value.get("cycles") == 0:
                return None
            due = datetime.fromisoformat(value["next"])
        elif isinstance(value, str):
            due = spiff_timer.TimerEventDefinition.parse_time_or_duration(value)
    except (ValueError, TypeError, KeyError) as exc:
        raise ValueError(f"no valid time: {value!r}") from exc
    if not isinstance(due, datetime):
        raise ValueError(f"no valid time: {value!r}")
    return due


class _OperationClock(datetime):
    """``datetime`` whose ``now()`` is the current operation's (database) time."""

    @classmethod
    def now(cls, tz: tzinfo | None = None) -> datetime:  # type: ignore[override]
        moment = clock.now()
        return moment.astimezone(tz) if tz is not None else moment.astimezone(BANGKOK).replace(tzinfo=None)


def _quiet_state_logs() -> None:
    """SpiffWorkflow builds the extras of its per-state-change INFO lines (task data, and for the
    workflow a walk of every task) whenever its loggers' own level is below INFO, which the
    default (NOTSET) is, even when nothing prints them (nine lines a timer fire). Unless set
    already, they are put at WARNING, where Krabuan keeps every library's log."""
    for name in ("spiff.task", "spiff.workflow"):
        spiff_logger = logging.getLogger(name)
        if spiff_logger.level == logging.NOTSET:
            spiff_logger.setLevel(logging.WARNING)


def apply() -> None:
    if getattr(MultiInstanceTask, "_krabuan_patched", False):
        return
    _quiet_state_logs()
    spiff_timer.datetime = _OperationClock
    spiff_timer.LOCALTZ = BANGKOK
    MultiInstanceTask._update_hook = _update_hook
    spiff_timer.TimerEventDefinition.get_datetime = staticmethod(_get_datetime)
    spiff_timer.TimerEventDefinition.parse_iso_duration = staticmethod(_parse_iso_duration)
    MultiInstanceTask.init_data_output_with_input_data = _init_output
    MultipleEventDefinition.has_fired = _multiple_has_fired
    BoundaryEvent._run_hook = _boundary_run_hook
    ParallelMultiInstanceTask.create_children = _create_children
    MultiInstanceTask._krabuan_patched = True
