"""``Krabuan``: the engine's public face. One instance per process, built from Settings.

Every method is one operation (one unit of work) and returns Krabuan dataclasses.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator, Mapping

from . import deploy, history, instances, org, schema, tasks
from .context import Context
from .forms import FormDefinition
from .errors import NotFound
from .settings import Settings
from .views import DeployResult, InstanceView, ProcessVersionView, TaskView, UserView


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

    def init(self) -> list[DeployResult]:
        """Create/upgrade the schema, load the organisation, deploy processes/bpmn."""
        self.upgrade_schema()
        self.load_organisation()
        if self.settings.bpmn_dir.exists() and any(self.settings.bpmn_dir.iterdir()):
            return self.deploy([self.settings.bpmn_dir])
        return []

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

    def complete(self, task_id: int, username: str, data: Mapping[str, Any] | None = None) -> None:
        instances.complete(self.ctx, task_id, username, data)

    # -- audit --
    def verify_history(self, instance_id: int | None = None) -> Iterator[history.ChainReport]:
        with self.ctx.db.unit_of_work(write=False) as session:
            yield from history.verify(session, instance_id)

    def close(self) -> None:
        self.ctx.db.dispose()
