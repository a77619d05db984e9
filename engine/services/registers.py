"""The official registers (ทะเบียน): numbers issued by the steps that need them, the register read
as its paper form, a number voided or an entry corrected (a new row each, never an edit), and
exports (engine.services.register_export).

Who may read what (checked here, for the pages, the API and the CLI alike):

- a register is read by the members of its ``readers`` groups (processes/registers.yaml) and by
  auditors; to anyone else it does not exist (NotFound);
- an entry marked ลับ / ลับมาก / ลับที่สุด is shown to a reader whose group's level reaches it
  (auditors: normal entries only), and to the people of its case (engine.store.access: who
  started it, worked it, its lanes and their supervisors; not auditors as such) who also read
  the register; it is left out for everyone else;
- the register's ``keepers`` (นายทะเบียน) void numbers and correct entries; anyone else who reads
  the register is Forbidden; a number a signature of its case holds is neither (R-SIG-02);
- every secret entry shown (page, export; through the web, the API or the CLI) is logged in
  ``register_views``, and a ลับที่สุด entry holds metadata only, no files (R-COR-08).
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Row

from ..context import Context
from ..errors import Conflict, Forbidden, InvalidInput, NotFound
from ..model.registers import COLUMNS, Issuer, Register
from ..model.secrecy import SECRECY, secrecy_of
from ..model.urgency import by_rank
from ..operation import work
from ..results import (
    Account,
    RegisterAmendment,
    RegisterEntryView,
    RegisterExport,
    RegisterPage,
    RegisterView,
    RegisterViewing,
)
from ..store import access, accounts, files
from ..store import registers as store
from ..store import signatures as signed_rows
from ..store.history import EventType
from ..store.registers import CANCELLED, CORRECTED, ISSUED, Letter, NewEntry, Viewing
from ..time.calendar import local_date
from .files import MOST_SECRET_FILES

if TYPE_CHECKING:
    from ..operation import CaseOperation
    from ..store.task_rows import TaskRow

MAX_TEXT = 2000
MAX_REASON = 1000
# The columns a correction may change (ที่, ลงวันที่, จาก, ถึง, เรื่อง, การปฏิบัติ, หมายเหตุ, ชั้นความลับ).
_LETTER_FIELDS = {"reference": "letter_reference", "dated": "dated", "from": "sender", "to": "addressee",
                  "subject": "subject", "action": "action", "remarks": "remarks", "secrecy": "secrecy"}
SELF = {"capacity": "self"}  # in what capacity a number was issued: oneself, or an acting official's capacity
MOST_SECRET = SECRECY[-1].rank
PLACEHOLDER = "(ลับที่สุด)"  # the subject of a ลับที่สุด entry: the register keeps its metadata only (R-COR-08)
SURFACES = ("engine", "web", "api", "cli")  # through which a secret entry is viewed (the log says)


def _capacity_of(op: CaseOperation, task: TaskRow) -> dict[str, Any]:
    """SELF, or the acting official's capacity (engine.model.acting.Capacity.to_json) on the step."""
    from .acting import capacity_now

    if op.actor is None:
        return SELF
    found = capacity_now(op.conn, task, (op.actor, op.actor_groups()), op.now)
    return found.to_json() if found is not None and not found.is_self else SELF


def issue_for_step(op: CaseOperation, task: TaskRow, data: Mapping[str, Any]) -> dict[str, Any]:
    """CaseOperation.issue_numbers: the numbers a completing step takes, in its transaction."""
    out = dict(data)
    pairs = op.ctx.registers.issued_at(op.definition.process_id, task.element_id)
    if not pairs:
        return out
    ready = next((t for t in op.workflow.ready_tasks() if t.spiff_id == task.spiff_task_id), None)
    seen = {**(ready.data if ready is not None else op.workflow.case_data()), **out}
    today = local_date(op.now)
    capacity = _capacity_of(op, task)
    for register, issuer in pairs:
        period = register.period_of(today)
        number = store.next_number(op.conn, register.id, period)
        reference = register.format(number, period)
        letter = letter_from(issuer, seen, reference if register.kind != "received" else "")
        if letter.secrecy >= MOST_SECRET:
            _refuse_files(op, task, data)
        store.append(op.conn, NewEntry(register.id, period, number, ISSUED, reference, letter, op.now,
                                       op.actor or "", today, op.header[1], (op.instance_id, task.id),
                                       capacity=capacity))
        op.record(EventType.REGISTER_NUMBER_ISSUED, op.actor, task_id=task.id, element_id=task.element_id,
                  register_id=register.id, period=period, number=number, reference=reference,
                  secrecy=SECRECY[letter.secrecy].code)
        out[issuer.store_as] = reference
        seen[issuer.store_as] = reference
    return out


def letter_from(issuer: Issuer, data: Mapping[str, Any], reference: str) -> Letter:
    """The register's columns from the case's data, as the issuing step maps them."""
    def text(column: str) -> str:
        name = issuer.fields.get(column)
        value = data.get(name) if name else None
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        return "" if value is None else " ".join(str(value).split())[:MAX_TEXT]

    return sealed(Letter(text("reference") or reference, _day(text("dated")), text("from"), text("to"),
                         text("subject"), text("action"), text("remarks"), secrecy_of(text("secrecy")).rank))


def sealed(letter: Letter) -> Letter:
    """R-COR-08: a ลับที่สุด entry carries no content: its subject is the placeholder (the rest of
    its columns are the letter's metadata: ที่, ลงวันที่, จาก, ถึง)."""
    return replace(letter, subject=PLACEHOLDER) if letter.secrecy >= MOST_SECRET else letter


def _refuse_files(op: CaseOperation, task: TaskRow, data: Mapping[str, Any]) -> None:
    """R-COR-08: a ลับที่สุด letter is registered without files: neither the issuing step nor the case
    may carry any (InvalidInput; nothing is written)."""
    form = op.ctx.forms_for(op.definition).get(task.form_key) if task.form_key else None
    named = [f.name for f in (form.fields if form is not None else ()) if f.type == "file" and data.get(f.name)]
    if named or files.case_files(op.conn, op.instance_id):
        raise InvalidInput(MOST_SECRET_FILES, field=named[0] if named else "secrecy", reason="most_secret_files")


def _day(value: str) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


@dataclass(frozen=True)
class Reader:
    """Who reads a register: their account and the highest secrecy rank they read in it."""

    account: Account
    clearance: int
    keeps: bool


class Registers:
    """The registers as one surface reads them (``through``): each secret entry shown is logged with
    its viewer, the time and the surface (R-COR-08)."""

    def __init__(self, ctx: Context, surface: str = "engine") -> None:
        if surface not in SURFACES:
            raise ValueError(f"surface is one of {', '.join(SURFACES)}")
        self.ctx = ctx
        self.surface = surface

    def through(self, surface: str) -> Registers:
        """The same registers read through another surface (web, api, cli), as the view log says."""
        return Registers(self.ctx, surface)

    def registers(self, username: str) -> list[RegisterView]:
        """The registers this user reads."""
        with work(self.ctx, write=False) as w:
            viewer = _account(w.conn, username)
        return [_view(r, viewer) for r in self.ctx.registers.registers if _reader(r, viewer) is not None]

    def page(self, register_id: str, username: str, year: int | None = None, q: str = "") -> RegisterPage:
        """A register's entries for a Buddhist-era year (default: the current period) that the user
        may see, narrowed to those containing a text (``q``); each secret one shown is logged."""
        page = self._read(register_id, username, (year, q))
        self._log_views(page, username, self.surface)
        return page

    def viewings(self, register_id: str, username: str, year: int | None = None) -> list[RegisterViewing]:
        """Who viewed which secret entry of a register's year, when and through which surface: for
        its keepers and auditors (anyone else who reads it: Forbidden)."""
        register = self.ctx.registers.get(register_id)
        with work(self.ctx, write=False) as w:
            reader = self._reader(w.conn, register, username)
            if not (reader.keeps or reader.account.has_role("auditor")):
                raise Forbidden(f"only the keepers of register {register.id} and auditors read who viewed its "
                                "secret entries", reason="keepers")
            period = year if year is not None else register.period_of(local_date(w.now))
            return [RegisterViewing(v.reference, v.number, SECRECY[v.secrecy].code, v.viewer, v.surface, v.viewed_at)
                    for v in store.views_of(w.conn, register.id, period)]

    def _log_views(self, page: RegisterPage, username: str, surface: str) -> None:
        shown = [e for e in page.entries if secrecy_of(e.secrecy).rank > 0]
        if not shown:
            return
        with work(self.ctx) as w:
            store.log_views(w.conn, [Viewing(e.register_id, e.period, e.number, e.reference,
                                             secrecy_of(e.secrecy).rank, username, surface, w.now) for e in shown])

    def _read(self, register_id: str, username: str, where: tuple[int | None, str]) -> RegisterPage:
        register = self.ctx.registers.get(register_id)
        year, q = where[0], " ".join(where[1].split())[:100]
        with work(self.ctx, write=False) as w:
            reader = self._reader(w.conn, register, username)
            period = year if year is not None else register.period_of(local_date(w.now))
            entries = [e for e in _fold(store.rows_of(w.conn, register.id, period))
                       if _visible(w.conn, e, reader) and _matches(e, q)]
            periods = sorted({period, *store.periods_of(w.conn, register.id)}, reverse=True)
            return RegisterPage(_view(register, reader.account), period, tuple(periods), tuple(entries),
                                store.last_number(w.conn, register.id, period), q)

    def export(self, register_id: str, username: str, year: int | None = None,
               how: tuple[str, str, bool] = ("pdf", "", False)) -> RegisterExport:
        """The page (as ``page`` reads it for this user) as its paper form: ``how`` is (pdf | xlsx,
        the text it is narrowed to, Thai digits)."""
        fmt, q, thai_digits = how
        if fmt not in ("pdf", "xlsx"):
            raise InvalidInput("the format is pdf or xlsx", field="format")
        from . import register_export

        page = self._read(register_id, username, (year, q))
        self._log_views(page, username, f"{self.surface}:{fmt}")
        name = f"{register_id}-{page.period}.{fmt}"
        if fmt == "pdf":
            fonts = self.ctx.settings.assets_dir / "@fontsource" / "sarabun" / "files"
            return RegisterExport(register_export.to_pdf(page, fonts, thai_digits), name, "application/pdf")
        return RegisterExport(register_export.to_xlsx(page, thai_digits), name,
                              "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

    def issue(self, register_id: str, username: str, letter: Mapping[str, Any]) -> RegisterEntryView:
        """A number taken by a keeper outside any case (a circular, an order), with its columns."""
        register = self.ctx.registers.get(register_id)
        with work(self.ctx) as w:
            reader = self._reader(w.conn, register, username)
            _check_keeper(register, reader)
            today = local_date(w.now)
            period = register.period_of(today)
            number = store.next_number(w.conn, register.id, period)
            reference = register.format(number, period)
            issuer = Issuer("", "", "", {c: c for c in COLUMNS})
            made = letter_from(issuer, _letter_input(letter), reference if register.kind != "received" else "")
            store.append(w.conn, NewEntry(register.id, period, number, ISSUED, reference, made, w.now, username,
                                          today, capacity=SELF))
            return _fold(store.rows_of(w.conn, register.id, period, number))[0]

    def void(self, register_id: str, number: int, username: str, reason: str,
             year: int | None = None) -> RegisterEntryView:
        """Void a number (it stays in the register marked cancelled, with the reason): a keeper's."""
        return self._amend(register_id, (number, year), username, reason, None)

    def correct(self, register_id: str, which: int | tuple[int, int | None], username: str,
                changes: Mapping[str, Any], reason: str) -> RegisterEntryView:
        """Correct an entry's columns (ที่, ลงวันที่, จาก, ถึง, เรื่อง, การปฏิบัติ, หมายเหตุ, ชั้นความลับ): a
        new row referring to the one it corrects; the original stays as it was. A keeper's. ``which``
        is the number, or (number, Buddhist-era year) for another year than the current one."""
        if not changes:
            raise InvalidInput("name at least one column to correct", field="changes")
        return self._amend(register_id, which if isinstance(which, tuple) else (which, None), username, reason,
                           changes)

    def _amend(self, register_id: str, which: tuple[int, int | None], username: str, reason: str,
               changes: Mapping[str, Any] | None) -> RegisterEntryView:
        register = self.ctx.registers.get(register_id)
        reason = " ".join(reason.split())
        if not reason or len(reason) > MAX_REASON:
            raise InvalidInput(f"give a reason (at most {MAX_REASON} characters)", field="reason")
        with work(self.ctx) as w:
            reader = self._reader(w.conn, register, username)
            number, year = which
            period = year if year is not None else register.period_of(local_date(w.now))
            rows = store.rows_of(w.conn, register.id, period, number)
            if not rows or not _visible(w.conn, _fold(rows)[0], reader):
                raise NotFound(f"number {number} of register {register_id} ({period}) does not exist")
            _check_keeper(register, reader)
            current = _fold(rows)[0]
            if current.status == CANCELLED:
                raise Conflict(f"number {number} of register {register_id} ({period}) is already cancelled")
            first, last = rows[0], rows[-1]
            _refuse_if_signed(w.conn, current)
            letter = store.letter_of(last if last.kind == CORRECTED else first)
            kind = CANCELLED
            if changes is not None:
                letter, kind = _changed(letter, changes), CORRECTED
            store.append(w.conn, NewEntry(register.id, period, number, kind, first.reference, letter, w.now,
                                          username, first.registered_on, first.urgency,
                                          (first.instance_id, first.task_id), refers_to=first.id, reason=reason,
                                          capacity=SELF))
            return _fold(store.rows_of(w.conn, register.id, period, number))[0]

    def _reader(self, conn: Connection, register: Register, username: str) -> Reader:
        viewer = _account(conn, username)
        reader = _reader(register, viewer)
        if reader is None:
            raise NotFound(f"register {register.id!r} does not exist")
        return reader


def _account(conn: Connection, username: str) -> Account:
    viewer = accounts.account(conn, username)
    if viewer is None:
        raise NotFound(f"user {username!r} does not exist or is not active")
    return viewer


def _reader(register: Register, viewer: Account) -> Reader | None:
    clearance = register.clearance(viewer.groups)
    if viewer.has_role("auditor"):
        clearance = max(clearance or 0, 0)
    if clearance is None:
        return None
    return Reader(viewer, clearance, register.keeps(viewer.groups))


def _view(register: Register, viewer: Account) -> RegisterView:
    return RegisterView(register.id, register.name_th, register.name_en, register.kind, register.period,
                        register.reference, register.keeps(viewer.groups))


def _check_keeper(register: Register, reader: Reader) -> None:
    if not reader.keeps:
        raise Forbidden(f"only the keepers of register {register.id} ({', '.join(register.keepers) or 'none'}) "
                        "may issue, void or correct its numbers", reason="keepers")


def _visible(conn: Connection, entry: RegisterEntryView, reader: Reader) -> bool:
    rank = secrecy_of(entry.secrecy).rank
    if rank <= reader.clearance:
        return True
    if entry.instance_id is None:
        return False
    # The case's own people, not everyone who may see any case: an auditor's role does not lift secrecy.
    person = replace(reader.account, roles=tuple(r for r in reader.account.roles if r != "auditor"))
    return access.can_see_case(conn, entry.instance_id, person)


def _refuse_if_signed(conn: Connection, entry: RegisterEntryView) -> None:
    """R-SIG-02: a number is issued before the signature, so a signature of the entry's case whose
    signed data holds the number fixes it: the number can no longer be voided or its entry
    corrected (Conflict); a new number is issued and signed instead."""
    if entry.instance_id is None:
        return
    for sig in signed_rows.signatures(conn, entry.instance_id):
        if _holds(sig.content.get("data"), entry.reference):
            en = (f"number {entry.reference} of register {entry.register_id} is in a document signed at step "
                  f"{sig.element_id} by {sig.signer}: a signed number cannot be voided or corrected; issue a new "
                  "number and sign again")
            raise Conflict(en, reason="signed_number", signature_id=sig.id, en=en,
                           th=f"เลข {entry.reference} อยู่ในเอกสารที่ลงนามแล้ว (ขั้นตอน {sig.element_id} โดย {sig.signer}) "
                              "จึงยกเลิกหรือแก้ไขไม่ได้ ให้ออกเลขใหม่และลงนามใหม่")


def _holds(value: Any, reference: str) -> bool:
    """Whether signed data holds the reference as a value (anywhere in it)."""
    if isinstance(value, Mapping):
        return any(_holds(v, reference) for v in value.values())
    if isinstance(value, list):
        return any(_holds(v, reference) for v in value)
    return isinstance(value, str) and value.strip() == reference


def _matches(entry: RegisterEntryView, q: str) -> bool:
    if not q:
        return True
    needle = q.casefold()
    texts = (entry.reference, entry.letter_reference, entry.sender, entry.addressee, entry.subject, entry.action,
             entry.remarks, str(entry.number))
    return any(needle in t.casefold() for t in texts)


def _letter_input(letter: Mapping[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(letter) - set(COLUMNS))
    if unknown:
        raise InvalidInput(f"unknown column(s) {', '.join(unknown)}; the columns are {', '.join(COLUMNS)}",
                           field=unknown[0])
    return dict(letter)


def _changed(letter: Letter, changes: Mapping[str, Any]) -> Letter:
    values = _letter_input(changes)
    update: dict[str, Any] = {}
    for column, value in values.items():
        name = _LETTER_FIELDS[column]
        if column == "secrecy":
            update[name] = secrecy_of(value).rank
        elif column == "dated":
            update[name] = _day(str(value or ""))
            if value and update[name] is None:
                raise InvalidInput("dated is a date (YYYY-MM-DD)", field="dated")
        else:
            update[name] = " ".join(str(value or "").split())[:MAX_TEXT]
    return sealed(replace(letter, **update))


def _fold(rows: Any) -> list[RegisterEntryView]:
    """Each number as it reads now: its issued row, the latest correction applied, cancelled if voided."""
    out: list[RegisterEntryView] = []
    by_number: dict[int, list[Row[Any]]] = {}
    for row in rows:
        by_number.setdefault(row.number, []).append(row)
    for number in sorted(by_number):
        group = by_number[number]
        first = next((r for r in group if r.kind == ISSUED), group[0])
        letter = store.letter_of(first)
        amendments: list[RegisterAmendment] = []
        status, cancel_reason = ISSUED, ""
        for row in group:
            if row.kind == CORRECTED:
                now = store.letter_of(row)
                amendments.append(_amendment(row, _diff(letter, now)))
                letter = now
            elif row.kind == CANCELLED:
                amendments.append(_amendment(row, {}))
                status, cancel_reason = CANCELLED, row.reason
        out.append(_entry_view(first, letter, (status, cancel_reason), tuple(amendments)))
    return out


def _amendment(row: Row[Any], changes: dict[str, Any]) -> RegisterAmendment:
    return RegisterAmendment(row.id, row.kind, row.refers_to, row.issued_at, row.issued_by, row.reason, changes)


def _diff(before: Letter, after: Letter) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for column, name in _LETTER_FIELDS.items():
        old, new = getattr(before, name), getattr(after, name)
        if old != new:
            if column == "secrecy":
                old, new = SECRECY[old].code, SECRECY[new].code
            elif column == "dated":
                old, new = old.isoformat() if old else None, new.isoformat() if new else None
            changes[column] = {"from": old, "to": new}
    return changes


def _entry_view(first: Row[Any], letter: Letter, status: tuple[str, str],
                amendments: tuple[RegisterAmendment, ...]) -> RegisterEntryView:
    return RegisterEntryView(first.register_id, first.period, first.number, first.reference, first.registered_on,
                             letter.letter_reference, letter.dated, letter.sender, letter.addressee, letter.subject,
                             letter.action, letter.remarks, by_rank(first.urgency).code, SECRECY[letter.secrecy].code,
                             first.instance_id, first.task_id, first.issued_at, first.issued_by,
                             json.loads(first.capacity_json or "{}"), status[0], status[1], amendments)
