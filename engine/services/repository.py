"""The process repository: deploy and check model files, list versions, read a version's
steps and the forms.

Deploy is all or nothing: every file is read, vetted and compiled before anything is stored,
and the versions of one call are written in one transaction. The same bytes deployed again make
no new version; new bytes for a process id make version n + 1 (stamped with the database's
clock). Running cases stay on the version they started with.
"""
from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

from ..context import Context
from ..errors import DeployError, Forbidden, NotFound
from ..model.definitions import NS, ProcessModel, may_start, read_process_model
from ..model.documents import Document, expand_paths, parse_document, read_documents
from ..model.forms import FormDefinition
from ..model.lint import check_process, settable_in_document, unset_condition_variables
from ..model.metadata import ControlPoint
from ..results import DeployResult, ProcessVersionView
from ..store import accounts, definitions, people
from ..store.definitions import NewVersion


class Repository:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def deploy(self, paths: list[Path]) -> list[DeployResult]:
        """Deploy BPMN/DMN files or folders (all or nothing)."""
        files = expand_paths(paths)
        if not files:
            raise DeployError("no .bpmn or .dmn files found", file=", ".join(map(str, paths)))
        return self._deploy(read_documents(files, self.ctx.settings.max_bpmn_bytes))

    def deploy_as(self, actor: str, paths: list[Path]) -> list[DeployResult]:
        """``deploy`` by a person: only an administrator (role ``admin``) changes what runs."""
        with self.ctx.db.unit_of_work(write=False) as conn:
            account = accounts.account(conn, actor)
        if account is None or not account.has_role("admin"):
            raise Forbidden(f"{actor} may not deploy processes (it needs the administrator role in the organisation "
                            "file)")
        return self.deploy(paths)

    def deploy_bytes(self, data: bytes, source: str) -> list[DeployResult]:
        """Deploy one model given as bytes (e.g. an upload)."""
        return self._deploy([parse_document(data, source, self.ctx.settings.max_bpmn_bytes)])

    def check(self, paths: list[Path]) -> dict[str, list[str]]:
        """Lint every model file on its own; {file: [problems]} (an empty list means it passes)."""
        report: dict[str, list[str]] = {}
        for path in expand_paths(paths):
            source = str(path)
            try:
                report[source] = self._check_one(path)
            except DeployError as exc:
                report[source] = [exc.message]
        return report

    def versions(self, process_id: str | None = None) -> list[ProcessVersionView]:
        with self.ctx.db.unit_of_work(write=False) as conn:
            return definitions.versions(conn, process_id)

    def newest(self, for_user: str | None = None) -> list[ProcessVersionView]:
        """The newest version of every deployed process, by name; ``for_user``: with whether that
        user may start it (a member of its start lane's groups, or any user when its start event
        stands in no lane)."""
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

    def _deploy(self, documents: list[Document]) -> list[DeployResult]:
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
        for doc in documents:
            if not doc.is_dmn:
                self._check_conditions(doc)
        compiled = self.ctx.runtime.compile([(doc.root, doc.source) for doc in documents])
        results: list[DeployResult] = []
        with self.ctx.db.unit_of_work() as conn:
            now = self.ctx.now(conn)
            for proc in compiled:
                model, doc = _with_called(proc.process_id, models, proc.called_processes), models[proc.process_id][1]
                sha = hashlib.sha256(doc.data).hexdigest()
                latest = definitions.latest(conn, proc.process_id)
                if latest is not None and latest[1] == sha:
                    results.append(DeployResult(proc.process_id, latest[0], sha, doc.source, created=False))
                    continue
                version = 1 if latest is None else latest[0] + 1
                definitions.add_version(conn, NewVersion(
                    process_id=proc.process_id, name=model.name, sha256=sha, source_name=Path(doc.source).name,
                    bpmn_xml=doc.data.decode("utf-8"), spec_json=proc.spec_json, model_json=model.to_json()),
                    version, now)
                results.append(DeployResult(proc.process_id, version, sha, doc.source, created=True))
        return results

    def _check_one(self, path: Path) -> list[str]:
        source = str(path)
        [doc] = read_documents([path], self.ctx.settings.max_bpmn_bytes)
        problems: list[str] = []
        if not doc.is_dmn:
            processes = list(doc.root.iterfind("bpmn:process", NS))
            file_models = [read_process_model(process, source) for process in processes]
            settable = settable_in_document(doc.root, file_models, self.ctx.forms)
            for process, model in zip(processes, file_models, strict=True):
                self._check_forms(model, source)
                problems += [f"element {f.element}: {f.message}"
                             for f in check_process(process, model, self.ctx.forms, source, settable=settable)]
            self.ctx.runtime.compile([(doc.root, source)])
        return problems

    def _check_conditions(self, doc: Document) -> None:
        """A gateway condition may read only variables some form (or committee) of the file sets."""
        processes = list(doc.root.iterfind("bpmn:process", NS))
        models = [read_process_model(process, doc.source) for process in processes]
        settable = settable_in_document(doc.root, models, self.ctx.forms)
        functions = set(self.ctx.evaluator.functions)
        for process in processes:
            for flow_id, name in unset_condition_variables(process, settable, functions):
                raise DeployError(f"the condition reads {name!r}, which no form of this process sets",
                                  file=doc.source, element=flow_id)

    def _check_forms(self, model: ProcessModel, source: str) -> None:
        for step in model.steps.values():
            if step.form_key and step.form_key not in self.ctx.forms:
                raise DeployError(f"form {step.form_key!r} does not exist in {self.ctx.settings.forms_dir}",
                                  file=source, element=step.element_id)
        if model.start_form and model.start_form not in self.ctx.forms:
            raise DeployError(f"start form {model.start_form!r} does not exist", file=source,
                              element=model.process_id)


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
