"""The engine's process-wide parts, built once from the settings and passed to every service:
the database, the SpiffWorkflow runtime, the forms, the expression evaluator, the schedules, and
a cache of deployed versions (immutable, so cached by id)."""
from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime
from threading import Lock

from sqlalchemy.orm import Session

from .errors import NotFound
from .model.definitions import ProcessModel
from .model.expressions import ExpressionEvaluator
from .model.forms import FormRegistry
from .settings import Settings
from .spiff import Runtime
from .store import definitions
from .store.db import Database, db_now
from .time import time_functions
from .time.schedules import Schedules


@dataclass(frozen=True)
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
    def build(cls, settings: Settings) -> Context:
        evaluator = ExpressionEvaluator(time_functions.FUNCTIONS)
        return cls(settings=settings, db=Database(settings), runtime=Runtime(evaluator, settings.spec_cache_size),
                   forms=FormRegistry.load(settings.forms_dir), evaluator=evaluator,
                   schedules=Schedules.load(settings.schedules_file))

    def now(self, session: Session) -> datetime:
        """The database's clock (or the fixed time of a simulation)."""
        return self.fixed_now if self.fixed_now is not None else db_now(session)

    def definition(self, session: Session, definition_id: int) -> LoadedDefinition:
        """A deployed version, from the cache or the database."""
        with self._lock:
            hit = self._definitions.get(definition_id)
        if hit is not None:
            return hit
        row = definitions.load(session, definition_id)
        if row is None:
            raise NotFound(f"process definition {definition_id} does not exist")
        loaded = LoadedDefinition(row.id, row.process_id, row.version, row.spec_json,
                                  ProcessModel.from_json(row.model_json))
        with self._lock:
            self._definitions[definition_id] = loaded
            while len(self._definitions) > self.settings.spec_cache_size:
                self._definitions.popitem(last=False)
        return loaded
