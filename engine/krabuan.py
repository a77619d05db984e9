"""``Krabuan``: the engine's public face. One per process, built from Settings.

It holds the process-wide parts (``engine.context.Context``) and exposes one service per
actor; each public method of a service is one operation (one transaction) and returns
Krabuan's own dataclasses (``engine.results``):

- ``repository``: deploy, check, versions, process_model, form, form_controls
- ``cases``: start, complete, show
- ``tasks``: worklist, get, of_case, claim, unclaim
- ``files``: upload, open, known, of_case (evidence files)
- ``jobs`` (the scheduler): claim_timers, fire_timer, record_failure, timers, run_triggers, triggers
- ``inbox``: notifications, mark_read, send_pending_mail, send_mail
- ``calendar``: calendar, add_holiday, remove_holiday
- ``audit``: verify, summary, checkpoint
- ``event_logs``: xes, ocel (streamed exports for auditors and administrators), case_trail (a case's audit-trail PDF)
- ``case_search``: search, export, views_of, log_case_view (the auditor's search; every view logged)
- ``case_replay``: replay (a case step by step from its history)
- ``migrations``: candidates, migrate (move running cases to a newer version of their process)
- ``people``: load_organisation, users
- ``acting``: positions, appoint, appointments, end, capacity (acting officials for positions)
- ``absences``: add, absences, cancel, hand_over (a user's absence and deputy)
- ``registers``: registers, page, issue, void, correct, export (the official registers, processes/registers.yaml)
- ``reports``: on_time, overdue, controls, risks, export (auditors' reports, engine.services.reports)
- ``signatures``: verify, of_case, one, keys (signature steps' signatures, verified when read; signing
  itself is ``cases.complete`` with the password)
- ``accounts``: hash_password, check_may_manage, set_password, sign_in, session, sign_out, account,
  create_token, revoke_token, tokens, token, sweep_sessions (a password or token: the user or an administrator)
"""
from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from .context import Context
from .results import DeployResult
from .settings import Settings

if TYPE_CHECKING:
    from .services.accounts import Accounts
    from .services.acting import Absences, Acting
    from .services.audit import Audit
    from .services.audit_search import CaseSearch
    from .services.authoring import ProcessChanges
    from .services.calendar_admin import CalendarAdmin
    from .services.case_replay import CaseReplayService
    from .services.cases import Cases
    from .services.event_log import EventLogs
    from .services.files import Files
    from .services.inbox import Inbox
    from .services.jobs import Jobs
    from .services.migration import Migrations
    from .services.people import People
    from .services.registers import Registers
    from .services.replay import Replays
    from .services.reports import Reports
    from .services.repository import Repository
    from .services.signatures import Signatures
    from .services.tasks import Tasks


class Krabuan:
    """The engine. Each service is built (and its module imported) on first use."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.ctx = Context.build(settings)

    @cached_property
    def accounts(self) -> Accounts:
        from .services.accounts import Accounts

        return Accounts(self.ctx)

    @cached_property
    def repository(self) -> Repository:
        from .services.repository import Repository

        return Repository(self.ctx)

    @cached_property
    def cases(self) -> Cases:
        from .services.cases import Cases

        return Cases(self.ctx)

    @cached_property
    def files(self) -> Files:
        from .services.files import Files

        return Files(self.ctx)

    @cached_property
    def tasks(self) -> Tasks:
        from .services.tasks import Tasks

        return Tasks(self.ctx)

    @cached_property
    def acting(self) -> Acting:
        from .services.acting import Acting

        return Acting(self.ctx)

    @cached_property
    def absences(self) -> Absences:
        from .services.acting import Absences

        return Absences(self.ctx)

    @cached_property
    def jobs(self) -> Jobs:
        from .services.jobs import Jobs

        return Jobs(self.ctx)

    @cached_property
    def inbox(self) -> Inbox:
        from .services.inbox import Inbox

        return Inbox(self.ctx)

    @cached_property
    def calendar(self) -> CalendarAdmin:
        from .services.calendar_admin import CalendarAdmin

        return CalendarAdmin(self.ctx)

    @cached_property
    def audit(self) -> Audit:
        from .services.audit import Audit

        return Audit(self.ctx)

    @cached_property
    def case_search(self) -> CaseSearch:
        """The auditor's case search and its exports (every view logged)."""
        from .services.audit_search import CaseSearch

        return CaseSearch(self.ctx)

    @cached_property
    def case_replay(self) -> CaseReplayService:
        """A case replayed step by step from its history (an auditor's replay is logged)."""
        from .services.case_replay import CaseReplayService

        return CaseReplayService(self.ctx)

    @cached_property
    def event_logs(self) -> EventLogs:
        """XES and OCEL 2.0 exports of a procedure's history (auditors, administrators)."""
        from .services.event_log import EventLogs

        return EventLogs(self.ctx)

    @cached_property
    def replays(self) -> Replays:
        """A case re-run from its recorded inputs and compared with its history (``krabuan audit replay``)."""
        from .services.replay import Replays

        return Replays(self.ctx)

    @cached_property
    def migrations(self) -> Migrations:
        from .services.migration import Migrations

        return Migrations(self.ctx)

    @cached_property
    def people(self) -> People:
        from .services.people import People

        return People(self.ctx)

    @cached_property
    def registers(self) -> Registers:
        from .services.registers import Registers

        return Registers(self.ctx)

    @cached_property
    def reports(self) -> Reports:
        from .services.reports import Reports

        return Reports(self.ctx)

    @cached_property
    def signatures(self) -> Signatures:
        from .services.signatures import Signatures

        return Signatures(self.ctx)

    @cached_property
    def changes(self) -> ProcessChanges:
        """Process owners' changes of procedures: drafts, validation, four-eyes publishing."""
        from .services.authoring import ProcessChanges

        return ProcessChanges(self.ctx)

    def upgrade_schema(self) -> None:
        """Create or upgrade the tables (Alembic)."""
        from .store import schema

        schema.upgrade(self.ctx.db)
    def init(self) -> tuple[list[DeployResult], dict[str, list[str]]]:
        """Create/upgrade the schema, load the organisation, deploy what passes the check in
        processes/bpmn. Returns what was deployed and the problems of the files left out."""
        self.upgrade_schema()
        with self.ctx.db.unit_of_work() as conn:
            self.ctx.chain_key(conn)  # the server key made (or read) and matched with the database's
        self.people.load_organisation()
        _ = self.ctx.registers  # processes/registers.yaml read and checked (a problem stops init)
        bpmn_dir = self.settings.bpmn_dir
        if not (bpmn_dir.exists() and any(bpmn_dir.iterdir())):
            return [], {}
        report = self.repository.check([bpmn_dir])
        passing = [Path(f) for f, problems in report.items() if not problems]
        failing = {f: problems for f, problems in report.items() if problems}
        return (self.repository.deploy(passing) if passing else []), failing

    def close(self) -> None:
        self.ctx.db.dispose()
