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
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from sqlalchemy import Connection

from ..context import Context
from ..errors import DeployError, Forbidden, NotFound
from ..model.definitions import NS, ProcessModel, may_start, read_process_model
from ..model.documents import Document, expand_paths, parse_document, read_documents
from ..model.forms import FormDefinition
from ..model.lint import (
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
        """The newest version of every deployed process, by name; ``for_user``: with whether that
        user may start it (a member of the groups it declares, else of its start lane's; any user
        when it names none)."""
        latest = {v.process_id: v for v in self.versions()}  # versions come oldest first
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
                self._check_forms(model, doc.source)
        unknown = sorted(new_version_of - set(models))
        if unknown:
            raise DeployError(f"--new-version-of {', '.join(unknown)}: no file of this deployment defines that "
                              "process id")
        for doc in documents:
            if not doc.is_dmn:
                self._check_conditions(doc)
        compiled = self.ctx.runtime.compile([(doc.root, doc.source) for doc in documents])
        with self.ctx.db.unit_of_work() as conn:
            now, staffed = self.ctx.now(conn), people.staffed_groups(conn)
            return [self._store(conn, (proc, _with_called(proc.process_id, models, proc.called_processes),
                                       models[proc.process_id][1]), now, new_version_of, staffed)
                    for proc in compiled]

    def _store(self, conn: Connection, new: tuple[CompiledProcess, ProcessModel, Document], now: datetime,
               new_version_of: frozenset[str], staffed: set[str]) -> DeployResult:
        """Store one compiled process as its next version (unless its bytes are the newest's)."""
        proc, model, doc = new
        sha = hashlib.sha256(doc.data).hexdigest()
        source_name = Path(doc.source).name
        latest = definitions.latest(conn, proc.process_id)
        warnings = unclaimable_lanes(model, staffed) + unstartable(model, staffed)
        if latest is not None and latest[1] == sha:
            return DeployResult(proc.process_id, latest[0], sha, doc.source, created=False, warnings=warnings)
        if latest is not None and latest[2] != source_name and proc.process_id not in new_version_of:
            raise DeployError(
                f"process id {proc.process_id!r} is already deployed from another file ({latest[2]}, version "
                f"{latest[0]}); if this file is a new version of that process, deploy it with --new-version-of "
                f"{proc.process_id}; otherwise give its process another id", file=doc.source, element=proc.process_id)
        version = 1 if latest is None else latest[0] + 1
        definitions.add_version(conn, NewVersion(
            process_id=proc.process_id, name=model.name, sha256=sha, source_name=source_name,
            bpmn_xml=doc.data.decode("utf-8"), spec_json=proc.spec_json, model_json=model.to_json()),
            version, now)
        return DeployResult(proc.process_id, version, sha, doc.source, created=True, warnings=warnings)

    def _check_one(self, path: Path) -> CheckReport:
        source = str(path)
        [doc] = read_documents([path], self.ctx.settings.max_bpmn_bytes)
        problems: list[str] = []
        warnings: list[str] = []
        if not doc.is_dmn:
            processes = list(doc.root.iterfind("bpmn:process", NS))
            file_models = [read_process_model(process, source) for process in processes]
            settable = settable_in_document(doc.root, file_models, self.ctx.forms)
            for process, model in zip(processes, file_models, strict=True):
                self._check_forms(model, source)
                for f in check_process(process, model, self.ctx.forms, source, settable=settable):
                    (warnings if f.severity == "warning" else problems).append(f"element {f.element}: {f.message}")
                problems += [f"element {element}: the {what} reads {name!r}, which no form of this process sets"
                             for element, what, name in unset_expression_variables(
                                 process, settable, set(self.ctx.evaluator.functions))]
            warnings += [f"element {f.element}: {f.message}" for f in lane_warnings(doc.root, file_models, source)]
            self.ctx.runtime.compile([(doc.root, source)])
        return CheckReport(tuple(problems), tuple(warnings))

    def _check_conditions(self, doc: Document) -> None:
        """A gateway, loop or completion condition, a timer value or a multi-instance count may read
        only variables some form (or committee) of the file sets, or the engine's functions."""
        processes = list(doc.root.iterfind("bpmn:process", NS))
        models = [read_process_model(process, doc.source) for process in processes]
        settable = settable_in_document(doc.root, models, self.ctx.forms)
        functions = set(self.ctx.evaluator.functions)
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

    def _check_forms(self, model: ProcessModel, source: str) -> None:
        for step in model.steps.values():
            if step.form_key and step.form_key not in self.ctx.forms:
                raise DeployError(f"form {step.form_key!r} does not exist in {self.ctx.settings.forms_dir}",
                                  file=source, element=step.element_id)
        if model.start_form and model.start_form not in self.ctx.forms:
            raise DeployError(f"start form {model.start_form!r} does not exist", file=source,
                              element=model.process_id)


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
