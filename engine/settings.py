"""Settings: one typed, frozen object built once from ``KRABUAN_*`` variables.

Sources, later ones winning: built-in defaults, an optional TOML settings file (path in
``KRABUAN_SETTINGS_FILE``; keys are the variable names without the prefix, lower case),
then the environment. Nothing below web/ reads the environment itself: the object is
passed in.
"""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Mapping

from .errors import ConfigurationError

PREFIX = "KRABUAN_"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
SQLITE_SYNCHRONOUS = ("OFF", "NORMAL", "FULL", "EXTRA")


@dataclass(frozen=True)
class Settings:
    data_dir: Path = Path("data")
    database_url: str = ""
    sqlite_synchronous: str = "NORMAL"
    sqlite_busy_timeout_ms: int = 10_000
    processes_dir: Path = PROJECT_ROOT / "processes"
    forms_dir: Path = PROJECT_ROOT / "forms"
    organisation_file: Path = field(default=PROJECT_ROOT / "processes" / "organisation.yaml")
    max_bpmn_bytes: int = 2 * 1024 * 1024
    spec_cache_size: int = 256
    # Reminders and calendar triggers per process (see engine.schedules).
    schedules_file: Path = field(default=PROJECT_ROOT / "processes" / "schedules.yaml")
    # The scheduler: how often it looks for due timers, how many it claims at once, and how long
    # a claim lasts before another scheduler may take the timer over.
    scheduler_interval_ms: int = 200
    scheduler_batch: int = 50
    scheduler_lease_seconds: int = 30
    # E-mail for notifications: off unless a host is set.
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_from: str = "krabuan@localhost"
    smtp_starttls: bool = False
    smtp_user: str = ""
    smtp_password: str = ""
    # Address of a user for e-mail: the template's {username} is replaced.
    smtp_address_template: str = "{username}@localhost"

    @property
    def bpmn_dir(self) -> Path:
        return self.processes_dir / "bpmn"

    @property
    def effective_database_url(self) -> str:
        """``database_url`` if set, else the SQLite file in the data folder."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'krabuan.sqlite3').resolve()}"

    @property
    def is_sqlite(self) -> bool:
        return self.effective_database_url.startswith("sqlite")

    def with_overrides(self, **overrides: Any) -> "Settings":
        return _coerce(replace(self, **overrides))

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "Settings":
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        settings_file = environ.get(PREFIX + "SETTINGS_FILE")
        if settings_file:
            try:
                with open(settings_file, "rb") as fh:
                    values.update({k.lower(): v for k, v in tomllib.load(fh).items()})
            except (OSError, tomllib.TOMLDecodeError) as exc:
                raise ConfigurationError(f"cannot read settings file {settings_file}: {exc}") from exc
        known = {f.name for f in fields(cls)}
        for key, value in environ.items():
            if key.startswith(PREFIX) and key != PREFIX + "SETTINGS_FILE":
                name = key[len(PREFIX):].lower()
                if name in known:
                    values[name] = value
        unknown = set(values) - known
        if unknown:
            raise ConfigurationError(f"unknown settings: {', '.join(sorted(unknown))}")
        return _coerce(cls(**values))


def _boolean(value: Any) -> bool:
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off", ""):
        return False
    raise ValueError(value)


def _coerce(settings: Settings) -> Settings:
    """Convert strings to the declared types and check values; fail loudly."""
    changes: dict[str, Any] = {}
    for f in fields(settings):
        value = getattr(settings, f.name)
        try:
            if f.type == "Path" and not isinstance(value, Path):
                changes[f.name] = Path(value)
            elif f.type == "int" and not isinstance(value, int):
                changes[f.name] = int(value)
            elif f.type == "bool" and not isinstance(value, bool):
                changes[f.name] = _boolean(value)
        except (TypeError, ValueError) as exc:
            raise ConfigurationError(f"setting {PREFIX}{f.name.upper()}: {value!r} is not a {f.type}") from exc
    settings = replace(settings, **changes)
    sync = str(settings.sqlite_synchronous).upper()
    if sync not in SQLITE_SYNCHRONOUS:
        raise ConfigurationError(
            f"setting {PREFIX}SQLITE_SYNCHRONOUS must be one of {', '.join(SQLITE_SYNCHRONOUS)}, not {sync!r}")
    for name in ("scheduler_interval_ms", "scheduler_batch", "scheduler_lease_seconds"):
        if getattr(settings, name) < 1:
            raise ConfigurationError(f"setting {PREFIX}{name.upper()} must be at least 1")
    url = settings.database_url
    if url and not (url.startswith("sqlite") or url.startswith("postgresql")):
        raise ConfigurationError(f"setting {PREFIX}DATABASE_URL: only sqlite and postgresql URLs are supported")
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return replace(settings, sqlite_synchronous=sync, database_url=url)
