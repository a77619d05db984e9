"""The process repository: deploy and check model files, list versions, read a version's
steps and the forms.

Deploy is all or nothing: every file is read, vetted and compiled before anything is stored,
and the versions of one call are written in one transaction. The same bytes deployed again make
no new version; new bytes for a process id from the same file (name) make version n + 1
(stamped with the database's clock). A process id already deployed from another file is refused
unless the caller says the file is a new version of it (``new_version_of``): unrelated models
that share an id (modelers default to ``main``) never become versions of each other. Running
cases stay on the version they started with. Deploy warns about lanes nobody could claim.
"""
from __future__ import annotations

import hashlib
from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from sqlalchemy import Connection

from ..context import Context
from ..errors import DeployError, Forbidden, NotFound
from ..model.definitions import NS, ProcessModel, may_start, read_process_model
from ..model.documents import Document, expand_paths, parse_document, read_documents
from ..model.forms import FormDefinition, FormRegistry
from ..model.lint import (
    Finding,
    check_process,
    lane_warnings,
    settable_in_document,
    unknown_segregation_roles,
    unset_condition_variables,
    unset_expression_variables,
)
from ..model.metadata import ControlPoint
from ..results import CheckReport, DeployResult, ProcessVersionView
from ..spiff import CompiledProcess
from ..store import accounts, definitions, people
from ..store.definitions import NewVersion
from ..time.calendar import local_date


class Repository:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def deploy(self, paths: list[Path], new_version_of: Collection[str] = ()) -> list[DeployResult]:
        """Deploy BPMN/DMN files or folders (all or nothing). A process id already deployed from
        another file is refused unless listed in ``new_version_of`` (the file is a new version of
        that process, e.g. renamed); the same file edited is always a new version."""
        files = expand_paths(paths)
        if not files:
            raise DeployError("no .bpmn or .dmn files found", file=", ".join(map(str, paths)))
        return self._deploy(read_documents(files, self.ctx.settings.max_bpmn_bytes), frozenset(new_version_of))

    def deploy_as(self, actor: str, paths: list[Path], new_version_of: Collection[str] = ()) -> list[DeployResult]:
        """``deploy`` by a person: only an administrator (role ``admin``) changes what runs."""
        with self.ctx.db.unit_of_work(write=False) as conn:
            account = accounts.account(conn, actor)
        if account is None or not account.has_role("admin"):
            raise Forbidden(f"{actor} may not deploy processes (it needs the administrator role in the organisation "
                            "file)")
        return self.deploy(paths, new_version_of)

    def deploy_bytes(self, data: bytes, source: str, new_version_of: Collection[str] = ()) -> list[DeployResult]:
        """Deploy one model given as bytes (e.g. an upload, or the modeler saving ``source`` again)."""
        return self._deploy([parse_document(data, source, self.ctx.settings.max_bpmn_bytes)],
                            frozenset(new_version_of))

    def check(self, paths: list[Path]) -> dict[str, list[str]]:
        """Lint every model file on its own; {file: [problems]} (an empty list means it passes)."""
        return {source: list(report.problems) for source, report in self.lint(paths).items()}

    def lint(self, paths: list[Path]) -> dict[str, CheckReport]:
        """Lint every model file on its own: its problems (which refuse it) and its warnings."""
        report: dict[str, CheckReport] = {}
        for path in expand_paths(paths):
            source = str(path)
            try:
                report[source] = self._check_one(path)
            except DeployError as exc:
                report[source] = CheckReport(problems=(exc.message,))
        return report

    def versions(self, process_id: str | None = None) -> list[ProcessVersionView]:
        """Every deployed version (oldest first per process), with the groups that may start it."""
        with self.ctx.db.unit_of_work(write=False) as conn:
            return [replace(v, start_groups=self.ctx.definition(conn, v.definition_id).model.start_groups)
                    for v in definitions.versions(conn, process_id)]

    def newest(self, for_user: str | None = None) -> list[ProcessVersionView]:
        """The version of every deployed process that new cases start on today (the newest in
        effect), by name; ``for_user``: with whether that
        user may start it (a member of the groups it declares, else of its start lane's; any user
        when it names none)."""
        with self.ctx.db.unit_of_work(write=False) as conn:
            today = local_date(self.ctx.now(conn))
        latest = {v.process_id: v for v in self.versions()  # oldest first: the newest in effect today wins
                  if v.effective_from is None or v.effective_from <= today}
        found = sorted(latest.values(), key=lambda v: (v.name, v.process_id))
        if for_user is None:
            return found
        with self.ctx.db.unit_of_work(write=False) as conn:
            groups = people.user_groups(conn, for_user)
            return [replace(v, can_start=may_start(self.ctx.definition(conn, v.definition_id).model, groups))
                    for v in found]

    def process_model(self, process_id: str, version: int | None = None) -> tuple[ProcessVersionView, ProcessModel]:
        """A deployed version (the latest by default) with its steps and their metadata."""
        with self.ctx.db.unit_of_work(write=False) as conn:
            found = [v for v in definitions.versions(conn, process_id) if version in (None, v.version)]
            if not found:
                raise NotFound(f"process {process_id!r}{f' version {version}' if version else ''} is not deployed")
            return found[-1], self.ctx.definition(conn, found[-1].definition_id).model

    def form(self, key: str) -> FormDefinition:
        form = self.ctx.forms.get(key)
        if form is None:
            raise NotFound(f"form {key!r} does not exist")
        return form

    def form_controls(self, key: str) -> list[ControlPoint]:
        """The control points of the step(s) of the latest deployed versions that use this form."""
        found: list[ControlPoint] = []
        with self.ctx.db.unit_of_work(write=False) as conn:
            latest = {v.process_id: v for v in definitions.versions(conn)}
            for v in latest.values():
                for step in self.ctx.definition(conn, v.definition_id).model.steps.values():
                    if step.form_key == key:
                        found += [c for c in step.meta.controls if c not in found]
        return found

    def _deploy(self, documents: list[Document], new_version_of: frozenset[str]) -> list[DeployResult]:
        vetted = self._vet(documents, new_version_of, self.ctx.forms)
        with self.ctx.db.unit_of_work() as conn:
            how = _How(self.ctx.now(conn), people.staffed_groups(conn), new_version_of)
            return [self._store(conn, new, how) for new in vetted]

    def publish_in(self, conn: Connection, doc: Document, forms: FormRegistry,
                   publication: Publication) -> DeployResult:
        """Store one model (vetted with these forms) as the next version of its process, inside the
        caller's transaction: a change approved in the browser (``engine.services.authoring``)."""
        vetted = [new for new in self._vet([doc], frozenset(), forms) if new[0].process_id == publication.process_id]
        how = _How(self.ctx.now(conn), people.staffed_groups(conn), frozenset({publication.process_id}),
                   publication.stored)
        return self._store(conn, vetted[0], how)

    def _vet(self, documents: list[Document], new_version_of: frozenset[str],
             forms: FormRegistry) -> list[tuple[CompiledProcess, ProcessModel, Document]]:
        """Read, check and compile every model (nothing stored); DeployError names the first problem."""
        models: dict[str, tuple[ProcessModel, Document]] = {}
        for doc in documents:
            if doc.is_dmn:
                continue
            for process in doc.root.iterfind("bpmn:process", NS):
                model = read_process_model(process, doc.source)
                if model.process_id in models:
                    raise DeployError(f"process id {model.process_id} is defined twice in this deployment",
                                      file=doc.source, element=model.process_id)
                models[model.process_id] = (model, doc)
                _check_forms(model, doc.source, forms)
        unknown = sorted(new_version_of - set(models))
        if unknown:
            raise DeployError(f"--new-version-of {', '.join(unknown)}: no file of this deployment defines that "
                              "process id")
        for doc in documents:
            if not doc.is_dmn:
                check_conditions(self.ctx, doc, forms)
        compiled = self.ctx.runtime.compile([(doc.root, doc.source) for doc in documents])
        return [(proc, _with_called(proc.process_id, models, proc.called_processes), models[proc.process_id][1])
                for proc in compiled]

    def _store(self, conn: Connection, new: tuple[CompiledProcess, ProcessModel, Document], how: _How) -> DeployResult:
        """Store one compiled process as its next version (unless its bytes are the newest's)."""
        proc, model, doc = new
        sha = hashlib.sha256(doc.data).hexdigest()
        source_name = Path(doc.source).name
        latest = definitions.latest(conn, proc.process_id)
        warnings = unclaimable_lanes(model, how.staffed) + unstartable(model, how.staffed)
        if latest is not None and latest[1] == sha and how.publication is None:
            return DeployResult(proc.process_id, latest[0], sha, doc.source, created=False, warnings=warnings)
        earlier = definitions.has_sha(conn, proc.process_id, sha) if latest is not None else None
        if latest is not None and earlier is not None and how.publication is None:
            # The file is an older version (e.g. ``krabuan init`` again after an owner published a
            # change in the browser): deploying it would silently undo the newer one.
            return DeployResult(proc.process_id, earlier, sha, doc.source, created=False, warnings=(
                *warnings, f"this file is version {earlier} of {proc.process_id}; version {latest[0]} is newer "
                "and stays in use (change the file to deploy it as a new version)"))
        if latest is not None and latest[2] != source_name and proc.process_id not in how.new_version_of:
            raise DeployError(
                f"process id {proc.process_id!r} is already deployed from another file ({latest[2]}, version "
                f"{latest[0]}); if this file is a new version of that process, deploy it with --new-version-of "
                f"{proc.process_id}; otherwise give its process another id", file=doc.source, element=proc.process_id)
        version = 1 if latest is None else latest[0] + 1
        definitions.add_version(conn, NewVersion(
            process_id=proc.process_id, name=model.name, sha256=sha, source_name=source_name,
            bpmn_xml=doc.data.decode("utf-8"), spec_json=proc.spec_json, model_json=model.to_json(),
            publication=how.publication), version, self.ctx.now(conn))
        return DeployResult(proc.process_id, version, sha, doc.source, created=True, warnings=warnings)

    def _check_one(self, path: Path) -> CheckReport:
        [doc] = read_documents([path], self.ctx.settings.max_bpmn_bytes)
        problems: list[str] = []
        warnings: list[str] = []
        for f in findings(self.ctx, doc, self.ctx.forms):
            (warnings if f.severity == "warning" else problems).append(
                f"element {f.element}: {f.message}" if f.element else f.message)
        return CheckReport(tuple(problems), tuple(warnings))

def findings(ctx: Context, doc: Document, forms: FormRegistry) -> list[Finding]:
    """Every problem (and warning) of one model, each at its element: what ``processes check``
    reports and what deploying it would refuse, with these forms (a draft's)."""
    found: list[Finding] = []
    if doc.is_dmn:
        return found
    processes = list(doc.root.iterfind("bpmn:process", NS))
    file_models = [read_process_model(process, doc.source) for process in processes]
    settable = settable_in_document(doc.root, file_models, forms)
    for process, model in zip(processes, file_models, strict=True):
        found += _missing_forms(model, doc.source, forms)
        found += check_process(process, model, forms, doc.source, settable=settable)
        found += [Finding(doc.source, element, f"the {what} reads {name!r}, which no form of this process sets")
                  for element, what, name in unset_expression_variables(
                      process, settable, set(ctx.evaluator.functions))]
    found += lane_warnings(doc.root, file_models, doc.source)
    for check in (lambda: check_conditions(ctx, doc, forms),
                  lambda: ctx.runtime.compile([(doc.root, doc.source)])):
        try:
            check()
        except DeployError as exc:
            element = str(exc.details.get("element") or "")
            if not any(f.element == element and f.severity == "error" for f in found):  # said already
                found.append(Finding(doc.source, element, exc.reason))
    return list(dict.fromkeys(found))


def check_conditions(ctx: Context, doc: Document, forms: FormRegistry) -> None:
    """A gateway, loop or completion condition, a timer value or a multi-instance count may read
    only variables some form (or committee) of the file sets, or the engine's functions."""
    processes = list(doc.root.iterfind("bpmn:process", NS))
    models = [read_process_model(process, doc.source) for process in processes]
    settable = settable_in_document(doc.root, models, forms)
    functions = set(ctx.evaluator.functions)
    steps = {element_id for model in models for element_id in model.steps}  # call activities' too
    for model in models:
        for message in unknown_segregation_roles(model, steps, settable):
            raise DeployError(message, file=doc.source, element=model.process_id)
    for process in processes:
        for flow_id, name in unset_condition_variables(process, settable, functions):
            raise DeployError(f"the condition reads {name!r}, which no form of this process sets",
                              file=doc.source, element=flow_id)
        for element_id, what, name in unset_expression_variables(process, settable, functions):
            raise DeployError(f"the {what} reads {name!r}, which no form of this process sets (it would fail "
                              "when a case reaches it)", file=doc.source, element=element_id)


@dataclass(frozen=True)
class Publication:
    """A version published from the browser: which process, and what its row records."""

    process_id: str
    stored: definitions.Publication


@dataclass(frozen=True)
class _How:
    now: datetime
    staffed: set[str]
    new_version_of: frozenset[str]
    publication: definitions.Publication | None = None


def _missing_forms(model: ProcessModel, source: str, forms: FormRegistry) -> list[Finding]:
    found = [Finding(source, step.element_id, f"form {step.form_key!r} does not exist")
             for step in model.steps.values() if step.form_key and step.form_key not in forms]
    if model.start_form and model.start_form not in forms:
        found.append(Finding(source, model.process_id, f"start form {model.start_form!r} does not exist"))
    return found


def _check_forms(model: ProcessModel, source: str, forms: FormRegistry) -> None:
    for f in _missing_forms(model, source, forms):
        raise DeployError(f"{f.message} (no form of that key in the forms folder)", file=source, element=f.element)


def unclaimable_lanes(model: ProcessModel, staffed: set[str]) -> tuple[str, ...]:
    """A warning for each lane with steps whose groups have no active member in the organisation:
    nobody could claim (or start) its tasks. Not refused: the organisation may be loaded later."""
    warnings = []
    for lane_id, groups in model.lanes.items():
        steps = [s.element_id for s in model.steps.values() if s.lane == lane_id]
        if steps and not set(groups) & staffed:
            known = sorted(staffed)
            shown = ", ".join(known[:15]) + (f", … ({len(known)} in all)" if len(known) > 15 else "")
            warnings.append(f"lane {lane_id!r} (groups {', '.join(groups)}) matches no group with members in the "
                            f"organisation, so nobody can claim its task(s) {', '.join(steps[:5])}; name the groups "
                            f'with <krabuan:lane groups="..."/> (known groups: {shown or "none"})')
    return tuple(warnings)


def unstartable(model: ProcessModel, staffed: set[str]) -> tuple[str, ...]:
    """A warning when no group that may start the process has an active member: nobody could
    start a case of it (except its calendar triggers). Not refused, as for lanes."""
    if not model.start_groups or set(model.start_groups) & staffed:
        return ()
    return (f"process {model.process_id!r} may be started only by members of {', '.join(model.start_groups)}, "
            "and none of these groups has an active member in the organisation, so nobody can start it",)


def _with_called(process_id: str, models: dict[str, tuple[ProcessModel, Document]],
                 called: tuple[str, ...]) -> ProcessModel:
    """The caller's model extended with the steps and lanes of the processes it calls, so that a
    task inside a call activity has its lane, form and metadata."""
    model, doc = models[process_id]
    steps, lanes = dict(model.steps), dict(model.lanes)
    for callee in called:
        if callee not in models:
            continue  # an embedded subprocess: its steps are already in the caller's model
        for element_id, step in models[callee][0].steps.items():
            if element_id in steps and steps[element_id] != step:
                raise DeployError(f"step id {element_id} is used both here and in called process {callee}",
                                  file=doc.source, element=element_id)
            steps[element_id] = step
        lanes.update(models[callee][0].lanes)
    return replace(model, steps=steps, lanes=lanes)
