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

SpiffWorkflow's state-change log lines stay at WARNING unless configured otherwise: it builds
their extras (task data, a walk of the tree) whenever its loggers' own level allows INFO.
"""
from __future__ import annotations

import logging
from datetime import datetime, tzinfo
from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions import timer as spiff_timer
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import MultiInstanceTask

from ..errors import ProcessError
from ..model import caps as model_limits
from ..model import model_caps
from ..time import clock
from ..time.calendar import BANGKOK

_original_update_hook = MultiInstanceTask._update_hook
_original_get_datetime = spiff_timer.TimerEventDefinition.get_datetime
_original_parse_duration = spiff_timer.TimerEventDefinition.parse_iso_duration
_original_init_output = MultiInstanceTask.init_data_output_with_input_data


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
    MultiInstanceTask._krabuan_patched = True
