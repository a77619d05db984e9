"""Segregation of duties at run time: a process's declared rules (engine.model.segregation) checked
when a step is claimed, delegated or completed. No SQL of its own (the case's starter and who did
which step come from engine.store)."""
from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..errors import Forbidden, InvalidInput
from ..model.segregation import GROUP, STARTER, STEP, VARIABLE, Breach, breaches, people_named
from ..store import instances, people, task_rows
from ..store.task_rows import TaskRow

if TYPE_CHECKING:
    from ..operation import CaseOperation


def check_segregation(op: CaseOperation, task: TaskRow, username: str,
                      setting: Mapping[str, Any] | None = None) -> None:
    """The process's segregation rules when ``username`` claims or completes ``task`` (or has it
    delegated to them), setting the variables ``setting`` (a completion's cleaned data). Someone a
    rule bars from the step: Forbidden; a variable naming someone a rule bars from it (a committee
    list): InvalidInput on that field. Both name the person and the rule, with the details
    ``reason`` (``segregation``), ``rule``, ``person``, and the rule's ``th`` and ``en`` texts."""
    rules = op.definition.model.segregation
    if not rules:
        return
    new = dict(setting or {})
    ready = next((t for t in op.workflow.ready_tasks() if t.spiff_id == task.spiff_task_id), None)
    data = ready.data if ready is not None else op.workflow.case_data()
    done: dict[str, set[str]] = {}
    for row in task_rows.rows(op.conn, task_rows.done_of_instance_query(task.instance_id)):
        if row.completed_by:
            done.setdefault(row.element_id, set()).add(row.completed_by)
    done.setdefault(task.element_id, set()).add(username)
    starter = instances.started_by_of(op.conn, task.instance_id)

    groups: dict[str, set[str]] = {}

    def holders(role: str) -> set[str]:
        if role.startswith(GROUP):
            if role not in groups:  # asked once per role
                groups[role] = people.group_members(op.conn, role[len(GROUP):])
            return groups[role]
        if role == STARTER:
            return {starter}
        if role.startswith(STEP):
            return done.get(role[len(STEP):], set())
        name = role[len(VARIABLE):]
        return people_named(new[name] if name in new else data.get(name))

    touched = {f"{STEP}{task.element_id}", *(f"{VARIABLE}{v}" for v in new)}
    for breach in breaches(rules, holders, touched):
        named = [r[len(VARIABLE):] for r in breach.roles
                 if r.startswith(VARIABLE) and breach.person in people_named(new.get(r[len(VARIABLE):]))]
        if named:
            raise _named_refusal(breach, named[0])
        if breach.person == username:
            raise _step_refusal(breach, task)


def _says(breach: Breach) -> str:
    rule = breach.rule
    return f"{rule.en} / {rule.th} (segregation of duties, rule {rule.id})"


def _step_refusal(breach: Breach, task: TaskRow) -> Forbidden:
    rule = breach.rule
    return Forbidden(f"{breach.person} may not take step {task.element_id} of this case: {_says(breach)}",
                     reason="segregation", rule=rule.id, th=rule.th, en=rule.en, person=breach.person)


def _named_refusal(breach: Breach, variable: str) -> InvalidInput:
    rule = breach.rule
    message = f"{breach.person} may not be named in {variable}: {_says(breach)}"
    return InvalidInput(message, field=variable, reason="segregation", rule=rule.id, person=breach.person,
                        problems=[{"field": variable, "code": "segregation", "message": message,
                                   "params": {"rule": rule.id, "th": rule.th, "en": rule.en,
                                              "person": breach.person}}])
