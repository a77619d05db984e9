"""Deploy: vet model files, build their specs, store each process as an immutable version.

All or nothing: every file is read, vetted and compiled before anything is stored, and the
versions of one call are written in one unit of work. The same bytes deployed again make
no new version; new bytes for a process id make version n + 1.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path

from lxml import etree
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .context import Context
from .definitions import NS, ProcessModel, lint_document, read_process_model
from .errors import DeployError
from .lint import check_process, settable_in_document, unset_condition_variables
from .models import ProcessDefinition
from .views import DeployResult, ProcessVersionView
from .xmlguard import parse_model_bytes

MODEL_SUFFIXES = (".bpmn", ".bpmn20.xml", ".dmn")


@dataclass
class _Document:
    source: str
    data: bytes
    root: etree._Element
    is_dmn: bool


def expand_paths(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.is_file() and p.name.endswith(MODEL_SUFFIXES))
        elif path.is_file():
            files.append(path)
        else:
            raise DeployError("no such file or folder", file=str(path))
    return files


def read_documents(files: list[Path], max_bytes: int) -> list[_Document]:
    documents = []
    for path in files:
        source = str(path)
        try:
            size = path.stat().st_size
            if size > max_bytes:
                raise DeployError(f"file is {size:,} bytes, larger than the {max_bytes:,}-byte limit", file=source)
            data = path.read_bytes()
        except OSError as exc:
            raise DeployError(f"cannot read file: {exc.strerror}", file=source) from None
        documents.append(_parse(data, source, max_bytes))
    return documents


def _parse(data: bytes, source: str, max_bytes: int) -> _Document:
    root = parse_model_bytes(data, source, max_bytes)
    is_dmn = "DMN" in (etree.QName(root.tag).namespace or "")
    if not is_dmn:
        lint_document(root, source)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        raise DeployError("model files must be UTF-8 encoded", file=source) from None
    return _Document(source, data, root, is_dmn)


def deploy_documents(ctx: Context, documents: list[_Document]) -> list[DeployResult]:
    models: dict[str, tuple[ProcessModel, _Document]] = {}
    for doc in documents:
        if doc.is_dmn:
            continue
        for process in doc.root.iterfind("bpmn:process", NS):
            model = read_process_model(process, doc.source)
            if model.process_id in models:
                raise DeployError(f"process id {model.process_id} is defined twice in this deployment",
                                  file=doc.source, element=model.process_id)
            models[model.process_id] = (model, doc)
            _check_forms(ctx, model, doc.source)
    for doc in documents:
        if not doc.is_dmn:
            _check_conditions(ctx, doc)
    compiled = ctx.runtime.compile([(doc.root, doc.source) for doc in documents])
    models = {pid: (_with_called(pid, models, called), doc)
              for pid, called in ((p.process_id, p.called_processes) for p in compiled)
              for doc in [models[pid][1]]}
    results: list[DeployResult] = []
    now = datetime.now(timezone.utc)
    with ctx.db.unit_of_work() as session:
        for proc in compiled:
            model, doc = models[proc.process_id]
            sha = hashlib.sha256(doc.data).hexdigest()
            latest = session.execute(
                select(ProcessDefinition.version, ProcessDefinition.sha256)
                .where(ProcessDefinition.process_id == proc.process_id)
                .order_by(ProcessDefinition.version.desc()).limit(1)).first()
            if latest is not None and latest.sha256 == sha:
                results.append(DeployResult(proc.process_id, latest.version, sha, doc.source, created=False))
                continue
            version = 1 if latest is None else latest.version + 1
            session.add(ProcessDefinition(
                process_id=proc.process_id, version=version, name=model.name, sha256=sha,
                source_name=Path(doc.source).name, bpmn_xml=doc.data.decode("utf-8"),
                spec_json=proc.spec_json, model_json=model.to_json(), deployed_at=now))
            results.append(DeployResult(proc.process_id, version, sha, doc.source, created=True))
    return results


def _check_conditions(ctx: Context, doc: _Document) -> None:
    """A gateway condition may read only variables some form (or committee) of the file sets."""
    processes = list(doc.root.iterfind("bpmn:process", NS))
    models = [read_process_model(process, doc.source) for process in processes]
    settable = settable_in_document(doc.root, models, ctx.forms)
    functions = set(ctx.evaluator.functions)
    for process in processes:
        for flow_id, name in unset_condition_variables(process, settable, functions):
            raise DeployError(f"the condition reads {name!r}, which no form of this process sets",
                              file=doc.source, element=flow_id)


def _with_called(process_id: str, models: dict[str, tuple[ProcessModel, _Document]],
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


def _check_forms(ctx: Context, model: ProcessModel, source: str) -> None:
    for step in model.steps.values():
        if step.form_key and step.form_key not in ctx.forms:
            raise DeployError(f"form {step.form_key!r} does not exist in {ctx.settings.forms_dir}",
                              file=source, element=step.element_id)
    if model.start_form and model.start_form not in ctx.forms:
        raise DeployError(f"start form {model.start_form!r} does not exist", file=source, element=model.process_id)


def deploy_paths(ctx: Context, paths: list[Path]) -> list[DeployResult]:
    files = expand_paths(paths)
    if not files:
        raise DeployError("no .bpmn or .dmn files found", file=", ".join(map(str, paths)))
    return deploy_documents(ctx, read_documents(files, ctx.settings.max_bpmn_bytes))


def deploy_bytes(ctx: Context, data: bytes, source: str) -> list[DeployResult]:
    """Deploy one model given as bytes (e.g. an upload)."""
    return deploy_documents(ctx, [_parse(data, source, ctx.settings.max_bpmn_bytes)])


def check_paths(ctx: Context, paths: list[Path]) -> dict[str, list[str]]:
    """Lint every model file on its own; {file: [problems]} (an empty list means it passes)."""
    report: dict[str, list[str]] = {}
    for path in expand_paths(paths):
        source = str(path)
        try:
            [doc] = read_documents([path], ctx.settings.max_bpmn_bytes)
            problems: list[str] = []
            if not doc.is_dmn:
                processes = list(doc.root.iterfind("bpmn:process", NS))
                file_models = [read_process_model(process, source) for process in processes]
                settable = settable_in_document(doc.root, file_models, ctx.forms)
                for process, model in zip(processes, file_models):
                    _check_forms(ctx, model, source)
                    problems += [f"element {f.element}: {f.message}"
                                 for f in check_process(process, model, ctx.forms, source, settable=settable)]
                ctx.runtime.compile([(doc.root, source)])
            report[source] = problems
        except DeployError as exc:
            report[source] = [exc.message]
    return report


def list_versions(ctx: Context, process_id: str | None = None) -> list[ProcessVersionView]:
    with ctx.db.unit_of_work(write=False) as session:
        query = select(ProcessDefinition.id, ProcessDefinition.process_id, ProcessDefinition.version,
                       ProcessDefinition.name, ProcessDefinition.sha256, ProcessDefinition.source_name,
                       ProcessDefinition.deployed_at).order_by(ProcessDefinition.process_id,
                                                               ProcessDefinition.version)
        if process_id is not None:
            query = query.where(ProcessDefinition.process_id == process_id)
        return [ProcessVersionView(*row) for row in session.execute(query)]


def latest_definition_id(session: Session, process_id: str, version: int | None = None) -> int | None:
    query = select(ProcessDefinition.id).where(ProcessDefinition.process_id == process_id)
    if version is not None:
        return session.scalar(query.where(ProcessDefinition.version == version))
    latest = select(func.max(ProcessDefinition.version)).where(ProcessDefinition.process_id == process_id)
    return session.scalar(query.where(ProcessDefinition.version == latest.scalar_subquery()))
