"""Move running cases to a newer version of their process.

Deployed versions never change and a case stays on the version it started with; when a process
owner publishes a new version, the cases still waiting in an older one can be moved to it:

- ``candidates``: every running case of the process on an older version, whether it can move
  (every step it waits in still exists with the same meaning: kind, lane, who does it and its
  form; every step it did still exists; engine.spiff.migrate) or why not, and what would change.
  A dry run: nothing is written.
- ``migrate``: the chosen cases, each in its own case operation (one transaction): the workflow is
  moved in place (the same tasks: claims, deadlines, timers and history stay), the instance runs on
  the new version from then on, and the history records ``instance_migrated`` (from, to, the diff).
  A case that cannot move is reported with the reasons and left untouched; a case changed by
  someone else at the same time is a conflict for that case only.
"""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection

from ..context import Context, LoadedDefinition
from ..errors import Conflict, Forbidden, NotFound, ProcessError
from ..migration_results import MigrationDiff, MigrationOutcome, MigrationPlan
from ..model.definitions import ProcessModel
from ..operation import CaseOperation, case, work
from ..spiff import Workflow
from ..spiff import migrate as spiff_migrate
from ..store import accounts, definitions, migration_rows
from ..store.history import EventType


class Migrations:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def candidates(self, actor: str, process_id: str, to_version: int) -> list[MigrationPlan]:
        """Every running case of the process on a version older than ``to_version``, with whether it
        can move there (else why not) and what would change for it. Writes nothing."""
        with work(self.ctx, write=False) as w:
            _may_migrate(self.ctx, w.conn, actor, process_id)
            target = _target(self.ctx, w.conn, process_id, to_version)
            plans = []
            for found in migration_rows.running_before(w.conn, process_id, to_version):
                source = self.ctx.definition(w.conn, found.definition_id)
                workflow = self.ctx.runtime.restore(source.id, source.spec_json, found.state_json)
                plans.append(_plan(found.instance_id, found.title, (source, target), workflow))
            return plans

    def migrate(self, actor: str, process_id: str, to_version: int,
                instance_ids: Iterable[int]) -> list[MigrationOutcome]:
        """Move each of these cases of the process to ``to_version``, one operation per case; one
        outcome per case, in the order given (migrated, refused with the reasons, or conflict)."""
        with work(self.ctx, write=False) as w:
            _may_migrate(self.ctx, w.conn, actor, process_id)
            target = _target(self.ctx, w.conn, process_id, to_version)
        return [self._migrate_one(actor, target, instance_id) for instance_id in instance_ids]

    def _migrate_one(self, actor: str, target: LoadedDefinition, instance_id: int) -> MigrationOutcome:
        try:
            with case(self.ctx, instance_id=instance_id, actor=actor) as op:
                return _move(op, actor, target)
        except NotFound:
            return MigrationOutcome(instance_id, "refused", None, target.version,
                                    (f"case {instance_id} does not exist",))
        except ProcessError as exc:
            return MigrationOutcome(instance_id, "refused", None, target.version, (exc.message,))
        except Conflict as exc:
            return MigrationOutcome(instance_id, "conflict", None, target.version, (exc.message,))


def _may_migrate(ctx: Context, conn: Connection, actor: str, process_id: str) -> None:
    """Who may move the cases of a process to another version: its owners (processes/owners.yaml),
    and administrators, who deploy what runs."""
    account = accounts.account(conn, actor)
    if account is None:
        raise Forbidden(f"unknown or inactive user {actor}")
    if not (account.has_role("admin")
            or ctx.stewardship.of(process_id).owns(account.username, account.groups, account.roles)):
        raise Forbidden(f"{actor} may not move the cases of {process_id} to another version: only its owners "
                        "(processes/owners.yaml) and administrators may")


def _target(ctx: Context, conn: Connection, process_id: str, version: int) -> LoadedDefinition:
    definition_id = definitions.definition_id_of(conn, process_id, version)
    if definition_id is None:
        raise NotFound(f"process {process_id!r} version {version} is not deployed")
    return ctx.definition(conn, definition_id)


def _move(op: CaseOperation, actor: str, target: LoadedDefinition) -> MigrationOutcome:
    """Inside the case's operation: move it, or say why not (and leave it as it was)."""
    source, instance_id = op.definition, op.instance_id
    refused = _not_a_candidate(op, target)
    if refused:
        return MigrationOutcome(instance_id, "refused", source.version, target.version, (refused,))
    plan = _plan(instance_id, "", (source, target), op.workflow)
    if not plan.can_move:
        return MigrationOutcome(instance_id, "refused", source.version, target.version, plan.reasons, plan.diff)
    # ProcessError if the tree cannot be moved after all: the operation is rolled back (_migrate_one)
    op.move_to(target, spiff_migrate.migrate(op.workflow, target.id, target.spec_json))
    op.record(EventType.INSTANCE_MIGRATED, actor, from_version=source.version, to_version=target.version,
              from_definition_id=source.id, to_definition_id=target.id, **plan.diff.to_json())
    return MigrationOutcome(instance_id, "migrated", source.version, target.version, (), plan.diff)


def _not_a_candidate(op: CaseOperation, target: LoadedDefinition) -> str | None:
    source = op.definition
    if source.process_id != target.process_id:
        return f"case {op.instance_id} is a case of {source.process_id}, not of {target.process_id}"
    if source.version >= target.version:
        return f"case {op.instance_id} already runs on version {source.version}"
    if op.workflow.completed:
        return f"case {op.instance_id} is completed"
    return None


def _plan(instance_id: int, title: str, versions: tuple[LoadedDefinition, LoadedDefinition],
          workflow: Workflow) -> MigrationPlan:
    source, target = versions
    check = spiff_migrate.check(workflow, target.id, target.spec_json)
    reasons = check.reasons + _steps_changed(source.model, target.model, check.waiting)
    # Steps whose Krabuan metadata changed (deadline, duration, control points, …), which the
    # workflow's own comparison does not see; an open task keeps its due date.
    described = tuple(e for e, step in source.model.steps.items()
                      if e in target.model.steps and target.model.steps[e] != step)
    diff = MigrationDiff(check.waiting, tuple(dict.fromkeys(check.changed + described)), check.added, check.removed)
    return MigrationPlan(instance_id, title, source.version, target.version, not reasons, reasons, diff)


def _steps_changed(source: ProcessModel, target: ProcessModel, waiting: tuple[str, ...]) -> tuple[str, ...]:
    """Why a step the case waits in means something else in the new version for Krabuan: other people
    do it (its lane's groups, or who a variable names) or another form (its open task keeps its own)."""
    reasons = []
    for element_id in waiting:
        old, new = source.steps.get(element_id), target.steps.get(element_id)
        if old is None or new is None:
            continue
        who = (old.candidate_groups, old.meta.candidate_group_variable, old.meta.assignee_variable)
        if who != (new.candidate_groups, new.meta.candidate_group_variable, new.meta.assignee_variable):
            reasons.append(f"the case waits in step {old.name} ({element_id}), which other people do in the new "
                           f"version (groups {', '.join(new.candidate_groups) or '-'}, not "
                           f"{', '.join(old.candidate_groups) or '-'})")
        if old.form_key != new.form_key:
            reasons.append(f"the case waits in step {old.name} ({element_id}), whose form is {new.form_key!r} in the "
                           f"new version, not {old.form_key!r}")
    return tuple(reasons)
