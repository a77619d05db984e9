"""``Krabuan``: the engine's public face. One instance per process, built from Settings.

Every method is one operation (one unit of work) and returns Krabuan dataclasses.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator, Mapping

from datetime import date

from . import (deadline_admin, deploy, firing, history, holiday_admin, instances, mail, notifications, org, schema,
               tasks, triggers)
from .calendar import WorkCalendar
from .context import Context
from .definitions import ProcessModel
from .forms import FormDefinition
from .metadata import ControlPoint
from .errors import EngineError, NotFound
from .settings import Settings
from .views import (DeadlineChange, FireResult, TriggerStart, TriggerView, DeployResult, InstanceView, NotificationView, ProcessVersionView, TaskView,
                    TimerView, UserView)


class Krabuan:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.ctx = Context.build(settings)

    # -- set-up --
    def upgrade_schema(self) -> None:
        schema.upgrade(self.ctx.db)

    def load_organisation(self, path: Path | None = None) -> int:
        organisation = org.load_organisation(path or self.settings.organisation_file)
        with self.ctx.db.unit_of_work() as session:
            org.sync_organisation(session, organisation)
        return len(organisation.users)

    def init(self) -> tuple[list[DeployResult], dict[str, list[str]]]:
        """Create/upgrade the schema, load the organisation, deploy what passes the check in
        processes/bpmn. Returns what was deployed and the problems of the files left out."""
        self.upgrade_schema()
        self.load_organisation()
        if not (self.settings.bpmn_dir.exists() and any(self.settings.bpmn_dir.iterdir())):
            return [], {}
        report = self.check([self.settings.bpmn_dir])
        passing = [Path(f) for f, problems in report.items() if not problems]
        failing = {f: problems for f, problems in report.items() if problems}
        return (self.deploy(passing) if passing else []), failing

    def check(self, paths: list[Path]) -> dict[str, list[str]]:
        return deploy.check_paths(self.ctx, paths)

    def process_model(self, process_id: str, version: int | None = None) -> tuple[ProcessVersionView, ProcessModel]:
        """A deployed version (the latest by default) with its steps and their metadata."""
        versions = [v for v in self.processes(process_id) if version is None or v.version == version]
        if not versions:
            raise NotFound(f"process {process_id!r}{f' version {version}' if version else ''} is not deployed")
        chosen = versions[-1]
        with self.ctx.db.unit_of_work(write=False) as session:
            return chosen, self.ctx.definition(session, chosen.definition_id).model

    def form_controls(self, key: str) -> list[ControlPoint]:
        """The control points of the step(s) of the latest deployed versions that use this form."""
        latest: dict[str, ProcessVersionView] = {}
        for v in self.processes():
            latest[v.process_id] = v
        found: list[ControlPoint] = []
        with self.ctx.db.unit_of_work(write=False) as session:
            for v in latest.values():
                for step in self.ctx.definition(session, v.definition_id).model.steps.values():
                    if step.form_key == key:
                        found += [c for c in step.meta.controls if c not in found]
        return found

    # -- models --
    def deploy(self, paths: list[Path]) -> list[DeployResult]:
        return deploy.deploy_paths(self.ctx, paths)

    def deploy_bytes(self, data: bytes, source: str) -> list[DeployResult]:
        return deploy.deploy_bytes(self.ctx, data, source)

    def processes(self, process_id: str | None = None) -> list[ProcessVersionView]:
        return deploy.list_versions(self.ctx, process_id)

    def form(self, key: str) -> FormDefinition:
        form = self.ctx.forms.get(key)
        if form is None:
            raise NotFound(f"form {key!r} does not exist")
        return form

    # -- people --
    def users(self) -> list[UserView]:
        with self.ctx.db.unit_of_work(write=False) as session:
            return org.list_users(session)

    # -- cases --
    def start(self, process_id: str, username: str, data: Mapping[str, Any] | None = None,
              version: int | None = None) -> int:
        return instances.start(self.ctx, process_id, username, data, version)

    def instance(self, instance_id: int) -> InstanceView:
        return instances.show(self.ctx, instance_id)

    def tasks(self, username: str) -> list[TaskView]:
        return tasks.worklist(self.ctx, username)

    def open_tasks(self, instance_id: int) -> list[TaskView]:
        return tasks.open_tasks(self.ctx, instance_id)

    def task(self, task_id: int) -> TaskView:
        return tasks.get_task(self.ctx, task_id)

    def claim(self, task_id: int, username: str) -> TaskView:
        return tasks.claim(self.ctx, task_id, username)

    def unclaim(self, task_id: int, username: str) -> TaskView:
        return tasks.unclaim(self.ctx, task_id, username)

    def complete(self, task_id: int, username: str, data: Mapping[str, Any] | None = None,
                 confirmed: list[str] | tuple[str, ...] = ()) -> None:
        instances.complete(self.ctx, task_id, username, data, confirmed)

    # -- calendar --
    def calendar(self) -> WorkCalendar:
        with self.ctx.db.unit_of_work(write=False) as session:
            return holiday_admin.load_calendar(session)

    def add_holiday(self, day: date, name: str, ref: str, actor: str = "admin") -> list[DeadlineChange]:
        """Add a holiday; every open deadline it moves is recomputed (returned, and in each case's history)."""
        return deadline_admin.change_holiday(self.ctx, day, "add", name, ref, actor)

    def remove_holiday(self, day: date, ref: str, actor: str = "admin") -> list[DeadlineChange]:
        return deadline_admin.change_holiday(self.ctx, day, "remove", "", ref, actor)

    # -- time: timers, triggers, notifications (the scheduler's operations) --
    def claim_timers(self, owner: str, batch: int, lease_seconds: int) -> list[int]:
        return firing.claim(self.ctx, owner, batch, lease_seconds)

    def fire_timer(self, timer_id: int, owner: str) -> FireResult:
        return firing.fire(self.ctx, timer_id, owner)

    def record_timer_failure(self, timer_id: int, owner: str, error: EngineError) -> None:
        firing.record_failure(self.ctx, timer_id, owner, error)

    def timers(self, instance_id: int | None = None, state: str | None = "pending") -> list[TimerView]:
        return notifications.list_timers(self.ctx, instance_id, state)

    def run_triggers(self) -> list[TriggerStart]:
        return triggers.run_due(self.ctx)

    def triggers(self) -> list[TriggerView]:
        return triggers.list_triggers(self.ctx)

    def notifications(self, username: str, unread_only: bool = False) -> list[NotificationView]:
        return notifications.list_for(self.ctx, username, unread_only)

    def mark_notification_read(self, notification_id: int, username: str) -> None:
        notifications.mark_read(self.ctx, notification_id, username)

    def send_pending_mail(self) -> int:
        return mail.send_pending(self.ctx)

    # -- audit --
    def verify_history(self, instance_id: int | None = None) -> Iterator[history.ChainReport]:
        with self.ctx.db.unit_of_work(write=False) as session:
            yield from history.verify(session, instance_id)

    def close(self) -> None:
        self.ctx.db.dispose()
