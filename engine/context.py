"""The engine's process-wide parts, built once from the settings and passed to every service:
the database, the SpiffWorkflow runtime, the forms, the expression evaluator, the schedules, and
three caches that never need invalidating across nodes because each is keyed by what versions it:

- deployed versions, by definition id (immutable);
- the working-day calendar, by the id of the newest holiday change (changes are only appended);
- live case workflows, by (instance id, row version): an operation takes the workflow out
  (so two operations never share one), and the case operation puts it back only after its
  transaction committed, under the version it wrote. A rollback or a conflict drops it; a change
  by another node moves the version, so a stale entry is never used, only evicted.
"""
from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from threading import Lock
from typing import TYPE_CHECKING

from sqlalchemy import Connection

from .errors import NotFound
from .model import caps as model_limits
from .settings import Settings
from .store import definitions, holiday_cache, holidays, key_fingerprint
from .store.db import Database, db_now
from .time.calendar import WorkCalendar

if TYPE_CHECKING:
    from .model.definitions import ProcessModel
    from .model.expressions import ExpressionEvaluator
    from .model.forms import FormRegistry
    from .model.registers import Registers
    from .model.stewards import Stewardship
    from .server_key import ServerKey
    from .spiff import Runtime, Workflow
    from .time.schedules import Schedules


@dataclass(frozen=True)
class LoadedDefinition:
    id: int
    process_id: str
    version: int
    spec_json: str
    model: ProcessModel
    # The forms this version was published with ({key: form as in a forms file}, JSON), when they
    # were edited with it; None: the forms folder's (``Context.forms_for``).
    forms_json: str | None = None


class Context:
    """Shared by every service of one ``Krabuan``. The parts a command may not need (the
    SpiffWorkflow runtime, the forms, the evaluator, the schedules) are built on first use, so
    that a short command starts fast."""

    def __init__(self, settings: Settings, db: Database) -> None:
        self.settings = settings
        self.db = db
        # Tests and simulations only: a fixed "now" instead of the database's clock.
        self.fixed_now: datetime | None = None
        self._definitions: OrderedDict[int, LoadedDefinition] = OrderedDict()
        self._version_forms: dict[int, FormRegistry] = {}
        self._live: OrderedDict[tuple[int, int], Workflow] = OrderedDict()
        self._calendar: tuple[int, WorkCalendar] | None = None
        self._key_checked = False
        self._lock = Lock()

    @classmethod
    def build(cls, settings: Settings) -> Context:
        holiday_cache.install(settings.data_dir / "cache")
        model_limits.configure(model_limits.Caps(settings.max_multi_instance, settings.min_timer_cycle_seconds,
                                     settings.max_timer_cycle_repeats, settings.max_timer_duration_days,
                                     settings.max_engine_steps))
        return cls(settings, Database(settings))

    @cached_property
    def evaluator(self) -> ExpressionEvaluator:
        from .model.expressions import ExpressionEvaluator
        from .time.time_functions import FUNCTIONS

        return ExpressionEvaluator(FUNCTIONS)

    @cached_property
    def runtime(self) -> Runtime:
        from .spiff import Runtime

        return Runtime(self.evaluator, self.settings.spec_cache_size)

    @cached_property
    def forms(self) -> FormRegistry:
        from .model.forms import FormRegistry

        return FormRegistry.load(self.settings.forms_dir)

    def forms_for(self, definition: LoadedDefinition) -> FormRegistry:
        """The forms a version uses: its own (published with it from the browser) over the forms folder's."""
        if definition.forms_json is None:
            return self.forms
        with self._lock:
            hit = self._version_forms.get(definition.id)
        if hit is None:
            import json

            from .model.form_schema import form_from_source

            own = {key: form_from_source(raw, f"{definition.process_id} version {definition.version}")
                   for key, raw in json.loads(definition.forms_json).items()}
            hit = self.forms.overlay(own)
            with self._lock:
                self._version_forms[definition.id] = hit
        return hit

    @cached_property
    def stewardship(self) -> Stewardship:
        """Who owns and approves each procedure (processes/owners.yaml; administrators without it)."""
        from .model.stewards import Stewardship

        return Stewardship.load(self.settings.processes_dir / "owners.yaml")

    @cached_property
    def schedules(self) -> Schedules:
        from .time.schedules import Schedules

        return Schedules.load(self.settings.schedules_file)

    @cached_property
    def registers(self) -> Registers:
        """The official registers (processes/registers.yaml beside the processes; none without it)."""
        from .model.registers import Registers

        return Registers.load(self.settings.processes_dir / "registers.yaml")

    def now(self, conn: Connection) -> datetime:
        """The database's clock (or the fixed time of a simulation)."""
        return self.fixed_now if self.fixed_now is not None else db_now(conn)
    def calendar(self, conn: Connection, version: int | None = None) -> WorkCalendar:
        """The working-day calendar: the cached one when ``version`` (the newest change's id, read
        by the caller) says it is current, else loaded (one query) and cached."""
        cached = self._calendar
        if cached is not None and version is not None and cached[0] == version:
            return cached[1]
        loaded = holidays.load_versioned(conn)
        self._calendar = loaded
        return loaded[1]

    def take_live(self, instance_id: int, version: int) -> Workflow | None:
        """The case's live workflow at this row version, if this process kept it (taken out)."""
        with self._lock:
            return self._live.pop((instance_id, version), None)

    def keep_live(self, instance_id: int, version: int, workflow: Workflow) -> None:
        """Keep a committed case's workflow for the next operation on it."""
        with self._lock:
            self._live[(instance_id, version)] = workflow
            while len(self._live) > self.settings.spec_cache_size:
                self._live.popitem(last=False)

    @cached_property
    def server_key(self) -> ServerKey:
        """The server key (engine.server_key), read (or created) on first use."""
        from . import server_key

        return server_key.load(self.settings.server_key_path)

    def chain_key(self, conn: Connection) -> bytes:
        """The history chain's HMAC key; the first time in this process, the database is asked
        whether it is the key its history is written with (ConfigurationError if not)."""
        key = self.server_key
        if not self._key_checked:
            key_fingerprint.check(conn, key.fingerprint, self.now(conn))
            self._key_checked = True
        return key.chain

    def definition(self, conn: Connection, definition_id: int) -> LoadedDefinition:
        """A deployed version, from the cache or the database."""
        with self._lock:
            hit = self._definitions.get(definition_id)
        if hit is not None:
            return hit
        row = definitions.load(conn, definition_id)
        if row is None:
            raise NotFound(f"process definition {definition_id} does not exist")
        from .model.definitions import ProcessModel

        loaded = LoadedDefinition(row.id, row.process_id, row.version, row.spec_json,
                                  ProcessModel.from_json(row.model_json), row.forms_json)
        with self._lock:
            self._definitions[definition_id] = loaded
            while len(self._definitions) > self.settings.spec_cache_size:
                self._definitions.popitem(last=False)
        return loaded
