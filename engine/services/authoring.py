"""Process owners change procedures: drafts, validation at the element, four-eyes publishing with
an effective date, and the readable diff between versions.

The life of a change (``process_changes``, one open per procedure):

1. **Draft.** An owner of the procedure (``processes/owners.yaml``) opens the editor on the
   newest version and saves as they work (``save``; every save names the ``lock_version`` it
   started from, so a stale tab gets a conflict instead of overwriting). The draft holds the BPMN
   and the forms edited with it; it is private to the owners and changes nothing that runs.
2. **Validate.** Every rule of ``krabuan processes check`` and the deploy checks, bpmnlint's
   recommended modelling rules (``engine.model.modelling_rules``) and the forms' own checks, each
   problem at its element in Thai and English (``validate``).
3. **Submit** with an effective date and a reason: only a draft without errors; its readable
   diff against the version it changes is computed and kept with it.
4. **Approve** (publish) or **reject**, by an approver of the procedure who did not edit the
   change (four eyes). Approving creates the immutable version n + 1 with the effective date, its
   own forms and the diff, in one transaction; new cases start on the newest version in effect on
   their start date, running cases stay on theirs (``engine.services.migration`` moves them).
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection

from ..change_results import (
    ChangeView,
    DraftContent,
    ModelProblem,
    StewardView,
    Validation,
    VariableChoice,
)
from ..context import Context, LoadedDefinition
from ..errors import Conflict, DeployError, Forbidden, InvalidInput, NotFound
from ..model.definitions import NS, read_process_model
from ..model.documents import parse_document
from ..model.finding_texts import thai
from ..model.form_schema import form_from_source
from ..model.forms import FormDefinition, FormRegistry
from ..model.modelling_rules import check_modelling, with_flow_references
from ..model.process_diff import ProcessDiff, diff_versions, version_content
from ..model.stewards import Stewards
from ..operation import work
from ..results import Account
from ..store import accounts, changes, definitions
from ..store.changes import ChangeRow, Decision, DraftWrite, Submission
from ..time.calendar import local_date
from .repository import Publication, Repository, findings

MAX_NOTE = 2000
MAX_FORMS = 200


@dataclass(frozen=True)
class DraftInput:
    """What the editor saves: the BPMN XML, the forms edited with it ({key: form as in a forms
    file}) and the ``lock_version`` the editor started from (0: there was no draft yet)."""

    bpmn_xml: str
    forms: Mapping[str, Any]
    lock_version: int


@dataclass(frozen=True)
class SubmitInput:
    effective_from: date
    note: str
    lock_version: int


class ProcessChanges:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    # ---------------------------------------------------------------- reading

    def looks_after(self, who: Account) -> bool:
        """Whether this signed-in person owns or approves some procedure (the menu shows the editor)."""
        return self.ctx.stewardship.looks_after_any(who.username, who.groups, who.roles)

    def mine(self, actor: str) -> list[StewardView]:
        """The procedures this person owns or approves, with their open change (if any)."""
        found: list[StewardView] = []
        with work(self.ctx, write=False) as w:
            who = _account(w.conn, actor)
            latest = {v.process_id: v for v in definitions.versions(w.conn)}
            for process_id, version in sorted(latest.items(), key=lambda kv: kv[1].name):
                stewards = self._stewards(process_id)
                owns, approves = _owns(stewards, who), _approves(stewards, who)
                if owns or approves:
                    row = changes.open_change(w.conn, process_id)
                    visible = row if row is not None and (owns or row.status == "submitted") else None
                    found.append(StewardView(process_id, version.name, version.version, owns, approves,
                                             _view(visible) if visible else None))
        return found

    def draft(self, actor: str, process_id: str) -> DraftContent:
        """What the editor opens: the open change (an owner's draft, or a change submitted for an
        approver to read), else the newest version as the start of a new draft."""
        with work(self.ctx, write=False) as w:
            who = _account(w.conn, actor)
            stewards = self._stewards(process_id)
            owns, approves = _owns(stewards, who), _approves(stewards, who)
            row = changes.open_change(w.conn, process_id)
            if not owns and not (approves and row is not None and row.status == "submitted"):
                raise NotFound(f"no draft of {process_id} for {actor}: drafts are private to the procedure's owners")
            base = self._newest(w.conn, process_id)
            forms = self.ctx.forms_for(base)
            content: tuple[str, dict[str, Any], int, ChangeView | None]
            if row is None:
                content = (definitions.bpmn_of(w.conn, base.id), _sources(forms, base.model.form_keys()), 0, None)
            else:
                content = (row.bpmn_xml, dict(json.loads(row.forms_json)), row.lock_version, _view(row))
            xml, own_forms, lock_version, change = content
            overlay = forms.overlay(_parsed_quietly(own_forms))
            return DraftContent(process_id, base.model.name, base.version, xml, own_forms, lock_version, change,
                                form_titles={k: f.title.th for k in overlay.keys() if (f := overlay.get(k))},
                                variables=_variables(overlay, list(own_forms) or base.model.form_keys()),
                                may_edit=owns and (row is None or row.status == "draft"),
                                may_approve=approves and row is not None and row.status == "submitted"
                                and actor not in _editors(row))

    def changes(self, actor: str, process_id: str | None = None) -> list[ChangeView]:
        """Changes of the procedures this person owns or approves, newest first (an approver sees
        no one's unsubmitted drafts)."""
        with work(self.ctx, write=False) as w:
            who = _account(w.conn, actor)
            return [_view(row) for row in changes.listed(w.conn, process_id)
                    if _owns(self._stewards(row.process_id), who)
                    or (_approves(self._stewards(row.process_id), who) and row.submitted_at is not None)]

    def change(self, actor: str, change_id: int) -> ChangeView:
        """One change, for its procedure's owners (and its approvers once submitted); NotFound else."""
        with work(self.ctx, write=False) as w:
            who = _account(w.conn, actor)
            return _view(self._visible(w.conn, who, change_id))

    def version_diff(self, process_id: str, from_version: int, to_version: int) -> ProcessDiff:
        """The readable diff between two deployed versions of a procedure."""
        with work(self.ctx, write=False) as w:
            old, new = (self._content(w.conn, process_id, v) for v in (from_version, to_version))
        return diff_versions(old, new)

    def version_xml(self, process_id: str, version: int) -> str:
        """The BPMN XML of a deployed version (for the diagrams of the diff)."""
        with work(self.ctx, write=False) as w:
            found = definitions.bpmn_and_forms(w.conn, process_id, version)
        if found is None:
            raise NotFound(f"process {process_id!r} version {version} is not deployed")
        return found[1]

    # ---------------------------------------------------------------- the draft

    def save(self, actor: str, process_id: str, content: DraftInput) -> ChangeView:
        """Save the draft as the owner works (a new draft on the first save). Anything well-formed
        is kept; validation says what is wrong."""
        xml, forms_json = _checked_content(content, self.ctx.settings.max_bpmn_bytes)
        with work(self.ctx) as w:
            who = _account(w.conn, actor)
            self._require_owner(process_id, who)
            row = changes.open_change(w.conn, process_id)
            write = DraftWrite(xml, forms_json, actor, w.now)
            if row is None:
                if content.lock_version != 0:
                    raise Conflict(f"the draft of {process_id} was published, withdrawn or rejected meanwhile; "
                                   "reload the editor")
                base = self._newest(w.conn, process_id)
                found = changes.get(w.conn, changes.create(w.conn, process_id, base.version, write))
            else:
                _require_draft(row, content.lock_version)
                if not changes.save(w.conn, row, write):
                    raise Conflict(f"the draft of {process_id} was saved by someone else meanwhile; reload it")
                found = changes.get(w.conn, row.id)
            assert found is not None
            return _view(found)

    def validate(self, actor: str, process_id: str) -> Validation:
        """Every problem of the saved draft, each at its element, in Thai and English."""
        with work(self.ctx, write=False) as w:
            who = _account(w.conn, actor)
            row = changes.open_change(w.conn, process_id)
            stewards = self._stewards(process_id)
            if row is None or not (_owns(stewards, who) or (_approves(stewards, who) and row.status == "submitted")):
                raise NotFound(f"{process_id} has no draft to validate")
            source = self._source_name(w.conn, process_id)
        return self.check(process_id, (row.bpmn_xml, json.loads(row.forms_json)), source)

    def check(self, process_id: str, content: tuple[str, Mapping[str, Any]], source: str) -> Validation:
        """Validate a model and its forms as a new version of ``process_id`` (nothing stored)."""
        xml, raw_forms = content
        problems, own = _form_problems(raw_forms)
        registry = self.ctx.forms.overlay(own)
        try:
            doc = parse_document(xml.encode("utf-8"), source, self.ctx.settings.max_bpmn_bytes)
        except DeployError as exc:
            return Validation((*problems, _deploy_problem(exc)))
        ids = [p.get("id") for p in doc.root.iterfind("bpmn:process", NS)]
        if process_id not in ids:
            problems.append(ModelProblem("", "error", "krabuan", f"แบบจำลองต้องมีกระบวนการรหัส {process_id}",
                                         f"the model must define the process {process_id} (it has "
                                         f"{', '.join(i for i in ids if i) or 'none'})"))
        problems += [ModelProblem(p.element_id, p.severity, p.rule, p.th, p.en)
                     for p in check_modelling(with_flow_references(doc.root))]
        try:
            problems += [ModelProblem(f.element, f.severity, "krabuan", thai(f.message), f.message)
                         for f in findings(self.ctx, doc, registry)]
        except DeployError as exc:
            problems.append(_deploy_problem(exc))
        return Validation(tuple(dict.fromkeys(problems)))

    def submit(self, actor: str, process_id: str, submission: SubmitInput) -> ChangeView:
        """Send the draft to the procedure's approvers, with the day it takes effect and why. The
        draft must validate; its diff against the version it changes is kept with it."""
        note = submission.note.strip()
        if not note or len(note) > MAX_NOTE:
            raise InvalidInput(f"say why the procedure changes (1 to {MAX_NOTE} characters)", field="note")
        with work(self.ctx) as w:
            who = _account(w.conn, actor)
            self._require_owner(process_id, who)
            row = changes.open_change(w.conn, process_id)
            if row is None:
                raise NotFound(f"{process_id} has no draft to submit")
            _require_draft(row, submission.lock_version)
            if submission.effective_from < local_date(w.now):
                raise InvalidInput("the effective date is in the past", field="effective_from")
            validation = self.check(process_id, (row.bpmn_xml, json.loads(row.forms_json)),
                                    self._source_name(w.conn, process_id))
            if not validation.ok:
                raise InvalidInput(f"the draft has {validation.to_json()['errors']} problem(s); validate it and fix "
                                   "them first", reason="invalid_model")
            diff = self._draft_diff(w.conn, row)
            if diff.is_empty:
                raise InvalidInput("the draft changes nothing in the procedure", reason="no_change")
            done = changes.submit(w.conn, row, Submission(actor, submission.effective_from, note,
                                                          json.dumps(diff.to_json(), ensure_ascii=False), w.now))
            return self._after(w.conn, row, done)

    def withdraw(self, actor: str, process_id: str) -> ChangeView:
        """Drop the open change (an owner; nothing is published)."""
        with work(self.ctx) as w:
            who = _account(w.conn, actor)
            self._require_owner(process_id, who)
            row = changes.open_change(w.conn, process_id)
            if row is None:
                raise NotFound(f"{process_id} has no open change")
            done = changes.decide(w.conn, row, Decision(actor, "withdrawn", "", w.now))
            return self._after(w.conn, row, done)

    # ---------------------------------------------------------------- the second person

    def approve(self, actor: str, change_id: int, note: str = "") -> ChangeView:
        """Publish a submitted change as the procedure's next version (an approver who did not
        edit it). Checked again as it is published: nothing that fails is ever published."""
        with work(self.ctx) as w:
            row = self._to_decide(w.conn, actor, change_id)
            base = self._newest(w.conn, row.process_id)
            if base.version != row.base_version:
                raise Conflict(f"version {base.version} of {row.process_id} was published after this change was "
                               f"made on version {row.base_version}; its owners must make the change again on it")
            source = self._source_name(w.conn, row.process_id)
            raw_forms = json.loads(row.forms_json)
            validation = self.check(row.process_id, (row.bpmn_xml, raw_forms), source)
            if not validation.ok:
                raise InvalidInput("the change no longer validates; return it to its owners", reason="invalid_model")
            registry = self.ctx.forms.overlay({k: form_from_source(v, k) for k, v in raw_forms.items()})
            doc = parse_document(row.bpmn_xml.encode("utf-8"), source, self.ctx.settings.max_bpmn_bytes)
            keys = [k for p in doc.root.iterfind("bpmn:process", NS)
                    for k in read_process_model(p, source).form_keys()]
            assert row.effective_from is not None and row.submitted_by is not None
            published = Repository(self.ctx).publish_in(w.conn, doc, registry, Publication(
                row.process_id, definitions.Publication(
                    row.effective_from, row.submitted_by, actor, row.id, row.diff_json or "{}",
                    json.dumps(_sources(registry, keys), ensure_ascii=False))))
            done = changes.decide(w.conn, row, Decision(actor, "published", note.strip()[:MAX_NOTE], w.now,
                                                        published.version))
            return self._after(w.conn, row, done)

    def reject(self, actor: str, change_id: int, reason: str) -> ChangeView:
        """Return a submitted change to its owners as a draft, with the reason."""
        if not reason.strip() or len(reason) > MAX_NOTE:
            raise InvalidInput(f"say why the change is returned (1 to {MAX_NOTE} characters)", field="reason")
        with work(self.ctx) as w:
            row = self._to_decide(w.conn, actor, change_id)
            done = changes.decide(w.conn, row, Decision(actor, "rejected", reason.strip(), w.now))
            return self._after(w.conn, row, done)

    # ---------------------------------------------------------------- helpers

    def _stewards(self, process_id: str) -> Stewards:
        return self.ctx.stewardship.of(process_id)

    def _require_owner(self, process_id: str, who: Account) -> None:
        if not _owns(self._stewards(process_id), who):
            raise Forbidden(f"{who.username} is not an owner of {process_id} (processes/owners.yaml)",
                            reason="not_owner")

    def _to_decide(self, conn: Connection, actor: str, change_id: int) -> ChangeRow:
        who = _account(conn, actor)
        row = self._visible(conn, who, change_id)
        if not _approves(self._stewards(row.process_id), who):
            raise Forbidden(f"{actor} is not an approver of {row.process_id} (processes/owners.yaml)",
                            reason="not_approver")
        if row.status != "submitted":
            raise Conflict(f"change {change_id} is {row.status}, not waiting for approval")
        if actor in _editors(row):
            raise Forbidden(f"{actor} edited this change, so may not approve it: a second person must (four eyes)",
                            reason="four_eyes")
        return row

    def _visible(self, conn: Connection, who: Account, change_id: int) -> ChangeRow:
        """A change its procedure's owners see, and its approvers once submitted; NotFound for anyone else."""
        row = changes.get(conn, change_id)
        stewards = self._stewards(row.process_id) if row is not None else None
        if row is None or stewards is None or not (
                _owns(stewards, who) or (_approves(stewards, who) and row.submitted_at is not None)):
            raise NotFound(f"change {change_id} does not exist")
        return row

    def _newest(self, conn: Connection, process_id: str) -> LoadedDefinition:
        definition_id = definitions.definition_id_of(conn, process_id)
        if definition_id is None:
            raise NotFound(f"process {process_id!r} is not deployed")
        return self.ctx.definition(conn, definition_id)

    def _source_name(self, conn: Connection, process_id: str) -> str:
        latest = definitions.latest(conn, process_id)
        return latest[2] if latest else f"{process_id}.bpmn"

    def _content(self, conn: Connection, process_id: str, version: int) -> Any:
        found = definitions.bpmn_and_forms(conn, process_id, version)
        if found is None:
            raise NotFound(f"process {process_id!r} version {version} is not deployed")
        definition = self.ctx.definition(conn, found[0])
        return version_content(found[1], self.ctx.forms_for(definition), version, process_id)

    def _draft_diff(self, conn: Connection, row: ChangeRow) -> ProcessDiff:
        old = self._content(conn, row.process_id, row.base_version)
        registry = self.ctx.forms.overlay(_parsed_quietly(json.loads(row.forms_json)))
        return diff_versions(old, version_content(row.bpmn_xml, registry, row.base_version + 1, row.process_id))

    def _after(self, conn: Connection, row: ChangeRow, done: bool) -> ChangeView:
        if not done:
            raise Conflict(f"change {row.id} was changed by someone else meanwhile; reload it")
        found = changes.get(conn, row.id)
        assert found is not None
        return _view(found)


def _account(conn: Connection, username: str) -> Account:
    who = accounts.account(conn, username)
    if who is None:
        raise Forbidden(f"unknown or inactive user {username}")
    return who


def _owns(stewards: Stewards, who: Account) -> bool:
    return stewards.owns(who.username, who.groups, who.roles)


def _approves(stewards: Stewards, who: Account) -> bool:
    return stewards.approves(who.username, who.groups, who.roles)


def _editors(row: ChangeRow) -> set[str]:
    return {*row.authors, *([row.submitted_by] if row.submitted_by else [])}


def _require_draft(row: ChangeRow, lock_version: int) -> None:
    if row.status != "draft":
        raise Conflict(f"the change of {row.process_id} is {row.status}; withdraw it to edit it again")
    if row.lock_version != lock_version:
        raise Conflict(f"the draft of {row.process_id} was saved elsewhere meanwhile (version {row.lock_version}, "
                       f"this editor has {lock_version}); reload it")


def _view(row: ChangeRow) -> ChangeView:
    return ChangeView(row.id, row.process_id, row.base_version, row.status, row.authors, row.created_at,
                      row.updated_at, row.lock_version, row.effective_from, row.note, row.submitted_by,
                      row.submitted_at, row.decided_by, row.decided_at, row.decision_note, row.published_version,
                      ProcessDiff.from_json(row.diff_json) if row.diff_json else None)


def _checked_content(content: DraftInput, max_bytes: int) -> tuple[str, str]:
    """The draft as stored: well-formed XML within the size limit, and forms as a JSON object."""
    xml = content.bpmn_xml
    if not isinstance(xml, str) or not xml.strip():
        raise InvalidInput("the draft has no BPMN", field="bpmn_xml")
    parse_document_shape(xml, max_bytes)
    if not isinstance(content.forms, Mapping) or len(content.forms) > MAX_FORMS:
        raise InvalidInput(f"forms is an object of at most {MAX_FORMS} forms by key", field="forms")
    forms_json = json.dumps(dict(content.forms), ensure_ascii=False)
    if len(forms_json) > max_bytes:
        raise InvalidInput(f"the forms are larger than {max_bytes:,} bytes", field="forms")
    return xml, forms_json


def parse_document_shape(xml: str, max_bytes: int) -> None:
    """Refuse what is not well-formed XML (or too large) with one line; a draft may be
    unfinished BPMN, so nothing else is checked here."""
    from ..model.xmlguard import parse_model_bytes

    try:
        parse_model_bytes(xml.encode("utf-8"), "draft", max_bytes)
    except DeployError as exc:
        raise InvalidInput(f"the draft is not well-formed BPMN XML: {exc.reason}", field="bpmn_xml") from None


def _form_problems(raw_forms: Mapping[str, Any]) -> tuple[list[ModelProblem], dict[str, FormDefinition]]:
    problems: list[ModelProblem] = []
    own: dict[str, FormDefinition] = {}
    for key, raw in raw_forms.items():
        try:
            form = form_from_source(raw, f"form {key}")
        except InvalidInput as exc:
            problems.append(ModelProblem("", "error", "form", f"แบบฟอร์ม {key} ไม่ถูกต้อง: {exc.message}", exc.message))
            continue
        if form.key != key:
            problems.append(ModelProblem("", "error", "form", f"แบบฟอร์ม {key} มีรหัส {form.key} ไม่ตรงกัน",
                                         f"form {key} is stored with the key {form.key}"))
            continue
        own[key] = form
    return problems, own


def _parsed_quietly(raw_forms: Mapping[str, Any]) -> dict[str, FormDefinition]:
    """The draft's forms that parse (what does not is reported by validation)."""
    return _form_problems(raw_forms)[1]


def _deploy_problem(exc: DeployError) -> ModelProblem:
    return ModelProblem(str(exc.details.get("element") or ""), "error", "krabuan", thai(exc.reason), exc.reason)


def _sources(forms: FormRegistry, keys: list[str]) -> dict[str, Any]:
    found = {key: forms.get(key) for key in dict.fromkeys(keys)}
    return {key: form.to_source() for key, form in found.items() if form is not None}


def _variables(forms: FormRegistry, keys: list[str]) -> tuple[VariableChoice, ...]:
    """Every field the process's forms set, once, in form order (for conditions and anchors)."""
    seen: dict[str, VariableChoice] = {}
    for key in keys:
        form = forms.get(key)
        for f in form.fields if form else ():
            seen.setdefault(f.name, VariableChoice(f.name, f.label.th, f.label.en, f.type,
                                                   tuple((o.value, o.label.th) for o in f.options)))
    return tuple(seen.values())


