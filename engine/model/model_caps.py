"""What a diagram may ask of the engine, checked at deploy where the value is in the text (the
runtime guards the rest): ids of a storable length, only element kinds the engine can run,
timers within sane bounds (no cycle faster than a minimum interval, no duration beyond a maximum,
no date outside the calendar's years), multi-instance counts within a cap, and no call activity
that calls itself, directly or through others."""
from __future__ import annotations

import ast
import re
from datetime import datetime, timedelta

from lxml import etree

from ..errors import DeployError, ExpressionError
from .caps import caps
from .expressions import compile_expression
from .xmlguard import local_name, namespace_of, owner_id

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
MAX_ID = 200  # the width of the id columns (process_id, element_id) on every database
MIN_YEAR, MAX_YEAR = 1950, 2200  # the calendar's years (engine.time.calendar)
# Kinds Krabuan cannot run: nothing would do the work (no service connectors, no message broker),
# so a case would fail or wait forever. Refused at deploy, naming the element.
UNSUPPORTED_TASKS = {"serviceTask": "a service task (model the system step as a user task with krabuan:step "
                                    "system=...)",
                     "sendTask": "a send task", "receiveTask": "a receive task",
                     "complexGateway": "a complex gateway", "transaction": "a transaction sub-process"}
UNSUPPORTED_CATCH = {"messageEventDefinition": "a message", "signalEventDefinition": "a signal",
                     "conditionalEventDefinition": "a condition"}
_CATCHERS = {"startEvent", "intermediateCatchEvent", "boundaryEvent"}
_DURATION = re.compile(r"^P(?!$)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?"
                       r"(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$")


def check_document(root: etree._Element, source: str) -> None:
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        element = el.get("id")
        if element is not None and len(element) > MAX_ID:
            raise DeployError(f"an id is longer than {MAX_ID} characters", file=source, element=element[:60] + "…")
        if namespace_of(el.tag) != BPMN_NS:
            continue
        tag = local_name(el.tag)
        if tag in UNSUPPORTED_TASKS:
            raise DeployError(f"{UNSUPPORTED_TASKS[tag]} cannot run in Krabuan", file=source, element=element)
        if tag in UNSUPPORTED_CATCH and local_name(el.getparent().tag) in _CATCHERS:
            raise DeployError(f"waiting for {UNSUPPORTED_CATCH[tag]} event cannot run in Krabuan (nothing would "
                              "send it); use a timer or a user task", file=source, element=owner_id(el))
        if tag in ("timeDuration", "timeCycle", "timeDate"):
            _check_timer(tag, (el.text or "").strip(), (source, owner_id(el)))
        if tag == "loopCardinality":
            _check_cardinality((el.text or "").strip(), (source, owner_id(el)))
    _check_call_cycles(root, source)


def _literal(text: str) -> str | int | None:
    """The value of an expression that is a plain literal (what deploy can judge), else None."""
    try:
        node = compile_expression(text)
    except ExpressionError:
        return None  # vetted (and refused) elsewhere
    if isinstance(node, ast.Constant) and isinstance(node.value, (str, int)) and not isinstance(node.value, bool):
        return node.value
    return None


def _check_timer(kind: str, text: str, where: tuple[str, str | None]) -> None:
    source, element = where
    value = _literal(text) if text else None
    if not isinstance(value, str):
        return
    value = value.strip()
    try:
        if kind == "timeDate":
            moment = datetime.fromisoformat(value)
            if not MIN_YEAR <= moment.year <= MAX_YEAR:
                raise DeployError(f"timer date {value!r} is outside {MIN_YEAR}–{MAX_YEAR}", file=source,
                                  element=element)
        elif kind == "timeDuration":
            _check_duration(value, source, element)
        else:
            _check_cycle(value, source, element)
    except ValueError:
        raise DeployError(f"{kind} {value[:60]!r} is not an ISO 8601 value", file=source, element=element) from None


def _duration(value: str) -> timedelta:
    match = _DURATION.match(value)
    if not match:
        raise ValueError(value)
    years, months, weeks, days, hours, minutes, seconds = match.groups()
    if len(value) > 40:
        raise ValueError(value)
    return timedelta(days=int(years or 0) * 365 + int(months or 0) * 31 + int(weeks or 0) * 7 + int(days or 0),
                     hours=int(hours or 0), minutes=int(minutes or 0), seconds=float(seconds or 0))


def _check_duration(value: str, source: str, element: str | None) -> timedelta:
    try:
        length = _duration(value)
    except OverflowError:
        length = timedelta.max
    if length > timedelta(days=caps().max_timer_duration_days):
        raise DeployError(f"timer duration {value[:40]!r} is longer than {caps().max_timer_duration_days} days",
                          file=source, element=element)
    return length


def check_duration_text(value: str) -> None:
    """For the runtime: ValueError when a duration is longer than MAX_DURATION (or not one)."""
    try:
        length = _duration(value.strip())
    except OverflowError:
        length = timedelta.max
    except ValueError:
        return  # not one this module reads (weeks mixed with days ...): Spiff judges it
    if length > timedelta(days=caps().max_timer_duration_days):
        raise ValueError(f"the timer's duration {value[:40]!r} is longer than {caps().max_timer_duration_days} days")


def _check_cycle(value: str, source: str, element: str | None) -> None:
    """R[n]/[start/]duration: at least MIN_CYCLE apart, and a bounded number of repetitions."""
    parts = value.split("/")
    if not parts[0].startswith("R") or len(parts) not in (2, 3):
        raise ValueError(value)
    count = parts[0][1:]
    interval = _check_duration(parts[-1], source, element)
    if interval < timedelta(seconds=caps().min_timer_cycle_seconds):
        raise DeployError(f"timer cycle {value!r} repeats more often than every {caps().min_timer_cycle_seconds} "
                          "seconds", file=source, element=element)
    if count and (not count.isdigit() or int(count) > caps().max_timer_cycle_repeats):
        raise DeployError(f"timer cycle {value!r} repeats more than {caps().max_timer_cycle_repeats} times",
                          file=source, element=element)


def _check_cardinality(text: str, where: tuple[str, str | None]) -> None:
    value = _literal(text)
    if isinstance(value, int) and not 0 <= value <= caps().max_multi_instance:
        raise DeployError(f"a multi-instance count of {value} is more than {caps().max_multi_instance}",
                          file=where[0], element=where[1])


def _check_call_cycles(root: etree._Element, source: str) -> None:
    """A call activity may not call its own process, directly or through others (in this file)."""
    calls: dict[str, set[str]] = {}
    for process in root.iter(f"{{{BPMN_NS}}}process"):
        called = process.iter(f"{{{BPMN_NS}}}callActivity")
        calls[process.get("id") or ""] = {c.get("calledElement") or "" for c in called}
    for start in calls:
        seen: set[str] = set()
        stack = list(calls[start])
        while stack:
            called = stack.pop()
            if called == start:
                raise DeployError(f"process {start} calls itself (through a call activity)", file=source,
                                  element=start)
            if called in seen or called not in calls:
                continue
            seen.add(called)
            stack.extend(calls[called])

