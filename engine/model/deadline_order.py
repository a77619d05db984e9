"""A lint warning: a step whose deadline lands after the deadline of a step that comes after it.

The check plays one scenario through the process: the case starts on a fixed Monday; every date
a form records (meeting date, return date, inspection start, ...) falls two months later, or on
the day the step whose form records it opens if that is later; and every step is done exactly on
its deadline (its rule, else its standard duration counted from when it opens). A step opens
when the steps before it are done (return loops are left out). If a step ``A`` is then due after
a later step ``B``'s deadline, ``B`` is overdue before it can open whenever ``A`` takes the time
it is given: the encoding must give ``A`` a deadline inside ``B``'s (as the meeting's
disbursement papers were given 8 working days against the finance group's 2 weeks).

``B``'s deadline counts when its rule counts from a case date or a step (a fixed day of the year
or of the fiscal year depends on when the case starts, which the scenario cannot know).
Exclusive branches are taken as if each could have run, which is what a process owner needs to
hear about.
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from lxml import etree

from ..time import calendar as cal
from ..time.calendar import WorkCalendar
from ..time.deadlines import STEP_ANCHOR, basis_for, deadline_anchors, due_at
from .definitions import BPMN_NS, FLOW_NODE_TAGS, ProcessModel
from .xmlguard import local_name as _local

SCENARIO_START = date(2027, 1, 4)  # a Monday in a month without public holidays after the 4th
SCENARIO_DATES = date(2027, 3, 1)  # every date a form records: two months on, a Monday


@dataclass(frozen=True)
class LateStep:
    """``element_id`` is due at ``due``, after ``later`` (due at ``later_due``) which follows it."""

    element_id: str
    due: datetime
    later: str
    later_due: datetime

    def message(self) -> str:
        minute = "%Y-%m-%d %H:%M"
        return (f"the step is due after the deadline of {self.later}, which follows it (in a case whose every step "
                f"is done on its deadline: {self.due.astimezone(cal.BANGKOK):{minute}} against "
                f"{self.later_due.astimezone(cal.BANGKOK):{minute}}); give it a deadline inside {self.later}'s")


@dataclass
class _Run:
    """The scenario's times: when each node opened and was done, and each step's due date."""

    opened: dict[str, datetime] = field(default_factory=dict)
    done: dict[str, datetime] = field(default_factory=dict)
    due: dict[str, datetime] = field(default_factory=dict)


def late_steps(process: etree._Element, model: ProcessModel, sets: Mapping[str, set[str]],
               calendar: WorkCalendar | None = None) -> list[LateStep]:
    """Each step due after a later step's anchored deadline, in the scenario above (top level
    only); ``sets``: the case variables each step's form records, by element id."""
    work_calendar = calendar or WorkCalendar()
    nodes, preds = _dag(process)
    run = _Run()
    dates = {v: SCENARIO_DATES for s in model.steps.values() for v in deadline_anchors(s.meta.deadline)
             if not STEP_ANCHOR.match(v)}
    start = cal.at_local(SCENARIO_START, cal.OFFICE_OPENS)
    for node_id in _topological(nodes, preds):
        opened = max((run.done[p] for p in preds[node_id] if p in run.done), default=start)
        run.opened[node_id] = run.done[node_id] = opened
        step = model.steps.get(node_id)
        if step is None:
            continue
        for name in sets.get(node_id, set()) & set(dates):  # recorded then: not before that day
            dates[name] = max(dates[name], cal.local_date(opened))
        values = {**{k: d.isoformat() for k, d in dates.items()}, **_step_times(run)}
        basis = basis_for(step.meta.deadline, opened, values, step.meta.duration_minutes,
                          step.meta.duration_working_days)
        due = due_at(basis, work_calendar) if basis else None
        if due is not None:
            run.due[node_id] = due
            run.done[node_id] = max(opened, due)
    return list(_late(model, preds, run))


def _late(model: ProcessModel, preds: dict[str, set[str]], run: _Run) -> Iterator[LateStep]:
    reported: set[str] = set()
    for later, step in model.steps.items():
        if later not in run.due or not deadline_anchors(step.meta.deadline):
            continue
        for earlier in sorted(_ancestors(later, preds)):
            if earlier in run.due and run.due[earlier] > run.due[later] and earlier not in reported:
                reported.add(earlier)
                yield LateStep(earlier, run.due[earlier], later, run.due[later])


def _step_times(run: _Run) -> dict[str, Any]:
    times = {f"step:{n}.started": t.isoformat() for n, t in run.opened.items()}
    times.update({f"step:{n}.completed": t.isoformat() for n, t in run.done.items()})
    return times


def _dag(process: etree._Element) -> tuple[list[str], dict[str, set[str]]]:
    """The top-level flow nodes and their predecessors, without the flows that close a loop."""
    nodes = [el.get("id") or "" for el in process
             if isinstance(el.tag, str) and _local(el.tag) in FLOW_NODE_TAGS and el.get("id")]
    succ: dict[str, list[str]] = {n: [] for n in nodes}
    for flow in process.iterfind(f"{{{BPMN_NS}}}sequenceFlow"):
        source, target = flow.get("sourceRef") or "", flow.get("targetRef") or ""
        if source in succ and target in succ:
            succ[source].append(target)
    starts = [el.get("id") or "" for el in process if isinstance(el.tag, str) and _local(el.tag) == "startEvent"]
    preds: dict[str, set[str]] = {n: set() for n in nodes}
    state: dict[str, int] = {}  # 1: on the current path, 2: finished

    def visit(node: str) -> None:  # iterative depth-first search: a flow into the current path closes a loop
        stack = [(node, iter(succ[node]))]
        state[node] = 1
        while stack:
            current, children = stack[-1]
            child = next(children, None)
            if child is None:
                state[current] = 2
                stack.pop()
            elif state.get(child) != 1:
                preds[child].add(current)
                if child not in state:
                    state[child] = 1
                    stack.append((child, iter(succ[child])))

    for start_id in starts:
        if start_id not in state:
            visit(start_id)
    return nodes, preds


def _topological(nodes: list[str], preds: dict[str, set[str]]) -> list[str]:
    order: list[str] = []
    placed: set[str] = set()
    remaining = [n for n in nodes if n in preds]
    while remaining:
        ready = [n for n in remaining if preds[n] <= placed]
        if not ready:  # unreachable leftovers
            break
        order += ready
        placed.update(ready)
        remaining = [n for n in remaining if n not in placed]
    return order


def _ancestors(node: str, preds: dict[str, set[str]]) -> set[str]:
    seen: set[str] = set()
    stack = list(preds.get(node, ()))
    while stack:
        current = stack.pop()
        if current not in seen:
            seen.add(current)
            stack.extend(preds.get(current, ()))
    return seen
