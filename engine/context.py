"""The engine's shared, process-wide parts, built once from the settings and passed in."""
from __future__ import annotations

from collections import OrderedDict
from contextlib import contextmanager
from datetime import datetime
from dataclasses import dataclass, field
from threading import Lock
from typing import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import clock, holiday_admin, time_functions
from .db import Database
from .definitions import ProcessModel
from .errors import NotFound
from .expressions import ExpressionEvaluator
from .forms import FormRegistry
from .schedules import Schedules
from .models import ProcessDefinition
from .settings import Settings
from .spiff import Runtime


@dataclass
class LoadedDefinition:
    id: int
    process_id: str
    version: int
    spec_json: str
    model: ProcessModel


@dataclass
class Context:
    settings: Settings
    db: Database
    runtime: Runtime
    forms: FormRegistry
    evaluator: ExpressionEvaluator
    schedules: Schedules = field(default_factory=Schedules)
    # Tests and simulations only: a fixed "now" instead of the database's clock.
    fixed_now: datetime | None = None
    _definitions: OrderedDict[int, LoadedDefinition] = field(default_factory=OrderedDict)
    _lock: Lock = field(default_factory=Lock)

    @classmethod
    def build(cls, settings: Settings) -> "Context":
        evaluator = ExpressionEvaluator(time_functions.FUNCTIONS)
        return cls(settings=settings, db=Database(settings), runtime=Runtime(evaluator, settings.spec_cache_size),
                   forms=FormRegistry.load(settings.forms_dir), evaluator=evaluator,
                   schedules=Schedules.load(settings.schedules_file))

    def now(self, session: Session) -> datetime:
        return self.fixed_now if self.fixed_now is not None else clock.db_now(session)

    @contextmanager
    def operation(self, session: Session) -> Iterator[datetime]:
        """Make the database's current time (and its calendar, loaded on first use) the time of
        this operation; yields it."""
        moment = self.now(session)
        with clock.operation_time(moment, lambda: holiday_admin.load_calendar(session)):
            yield moment

    def definition(self, session: Session, definition_id: int) -> LoadedDefinition:
        """A deployed version (immutable, so cached by id)."""
        with self._lock:
            hit = self._definitions.get(definition_id)
        if hit is not None:
            return hit
        row = session.execute(
            select(ProcessDefinition.id, ProcessDefinition.process_id, ProcessDefinition.version,
                   ProcessDefinition.spec_json, ProcessDefinition.model_json)
            .where(ProcessDefinition.id == definition_id)).first()
        if row is None:
            raise NotFound(f"process definition {definition_id} does not exist")
        loaded = LoadedDefinition(row.id, row.process_id, row.version, row.spec_json,
                                  ProcessModel.from_json(row.model_json))
        with self._lock:
            self._definitions[definition_id] = loaded
            while len(self._definitions) > self.settings.spec_cache_size:
                self._definitions.popitem(last=False)
        return loaded
