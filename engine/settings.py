"""Settings: one typed, frozen object built once from ``KRABUAN_*`` variables.

Sources, later ones winning: built-in defaults, an optional TOML settings file (path in
``KRABUAN_SETTINGS_FILE``; keys are the variable names without the prefix, lower case),
then the environment. Nothing below web/ reads the environment itself: the object is
passed in.

``Settings(...)`` is exactly its arguments over the defaults (it never reads the environment);
``Settings.from_env()`` adds the file and the variables. Every value is converted to its type
and checked; any mistake (an unknown key or variable, a value of the wrong type) is a
``ConfigurationError`` whose one-line message names the setting as ``KRABUAN_X``.

A frozen dataclass converted by the field's declared type (``str``, ``int``, ``bool``, ``Path``,
``Secret``) and its metadata (``minimum``), not a pydantic model: every command builds its
settings before anything else, and importing pydantic cost about 0.1 s of each start (the
definition files, read only when they are loaded, keep their pydantic schemas).
"""
from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, get_type_hints

from .errors import ConfigurationError

PREFIX = "KRABUAN_"
SETTINGS_FILE = PREFIX + "SETTINGS_FILE"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
SQLITE_SYNCHRONOUS = ("OFF", "NORMAL", "FULL", "EXTRA")
_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off", "")


@dataclass(frozen=True)
class Secret:
    """A value kept out of ``repr`` and ``str`` (the SMTP password)."""

    value: str = field(repr=False)

    def get_secret_value(self) -> str:
        return self.value

    def __repr__(self) -> str:
        return "Secret('**********')" if self.value else "Secret('')"

    __str__ = __repr__


def _at_least(minimum: int) -> dict[str, int]:
    return {"minimum": minimum}


@dataclass(frozen=True)
class Settings:
    data_dir: Path = Path("data")
    database_url: str = ""
    sqlite_synchronous: str = "NORMAL"
    sqlite_busy_timeout_ms: int = 10_000
    processes_dir: Path = PROJECT_ROOT / "processes"
    forms_dir: Path = PROJECT_ROOT / "forms"
    organisation_file: Path = PROJECT_ROOT / "processes" / "organisation.yaml"
    max_bpmn_bytes: int = 2 * 1024 * 1024
    # The largest evidence file accepted (engine.services.files); larger ones are refused as TooLarge.
    max_upload_bytes: int = field(default=20 * 1024 * 1024, metadata=_at_least(1))
    spec_cache_size: int = 256
    # Caps on what a diagram may ask (engine.model.model_caps): committee size, timer cycles and
    # durations, automatic steps per operation.
    max_multi_instance: int = field(default=1_000, metadata=_at_least(1))
    min_timer_cycle_seconds: int = field(default=60, metadata=_at_least(1))
    max_timer_cycle_repeats: int = field(default=1_000, metadata=_at_least(1))
    max_timer_duration_days: int = field(default=3_660, metadata=_at_least(1))
    max_engine_steps: int = field(default=500, metadata=_at_least(10))
    # Reminders and calendar triggers per process (see engine.time.schedules).
    schedules_file: Path = PROJECT_ROOT / "processes" / "schedules.yaml"
    # The scheduler: how often it looks for due timers, how many it claims at once, and how long
    # a claim lasts before another scheduler may take the timer over.
    scheduler_interval_ms: int = field(default=200, metadata=_at_least(1))
    scheduler_batch: int = field(default=50, metadata=_at_least(1))
    scheduler_lease_seconds: int = field(default=30, metadata=_at_least(1))
    # How often the scheduler signs every case's chain head into checkpoints.jsonl (0: never).
    checkpoint_minutes: int = field(default=10, metadata=_at_least(0))
    # ... and as soon as this many events were appended since the last one (0: only by the minute).
    checkpoint_events: int = field(default=10_000, metadata=_at_least(0))
    # How often a scheduler verifies every case in the background for the auditor's verify page
    # (hours; 0: only when an auditor asks).
    verify_hours: int = field(default=24, metadata=_at_least(0))
    # The server key (engine.server_key): the history chain's HMAC and the checkpoints' signature.
    # Empty: server.key in the data folder. Every process writing to one database needs the same file.
    server_key_file: str = ""
    # E-mail for notifications: off unless a host is set.
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_from: str = "krabuan@localhost"
    smtp_starttls: bool = False
    smtp_user: str = ""
    smtp_password: Secret = Secret("")  # shown as '**********' by repr()
    # Address of a user for e-mail: the template's {username} is replaced.
    smtp_address_template: str = "{username}@localhost"
    # Browser sessions end after this long without a request, and in any case this long after sign-in.
    session_idle_minutes: int = field(default=120, metadata=_at_least(1))
    session_hours: int = field(default=12, metadata=_at_least(1))
    # The web app: served over HTTPS (by a proxy in front of it), so cookies are sent only over it.
    web_https: bool = False
    # The browser assets installed by `npm ci` (Sarabun, bpmn-js), served by the web app.
    assets_dir: Path = PROJECT_ROOT / "node_modules"
    # Where sign-in attempts are counted: memory:// (one process) or redis://host:6379 (shared).
    ratelimit_storage_url: str = "memory://"

    def __post_init__(self) -> None:
        for f in fields(self):
            object.__setattr__(self, f.name, _convert(f.name, _TYPES[f.name], getattr(self, f.name)))
            minimum = f.metadata.get("minimum")
            if minimum is not None and getattr(self, f.name) < minimum:
                raise ConfigurationError(f"setting {PREFIX}{f.name.upper()} must be at least {minimum}")
        object.__setattr__(self, "sqlite_synchronous", _synchronous_mode(self.sqlite_synchronous))
        object.__setattr__(self, "database_url", _supported_database(self.database_url))

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
    def server_key_path(self) -> Path:
        return Path(self.server_key_file) if self.server_key_file else self.data_dir / "server.key"

    @property
    def is_sqlite(self) -> bool:
        return self.effective_database_url.startswith("sqlite")

    @classmethod
    def checked(cls, values: Mapping[str, Any]) -> Settings:
        """Settings from a mapping of names to values (unknown names refused)."""
        unknown = [key for key in values if key not in _TYPES]
        if unknown:
            raise ConfigurationError(f"unknown settings: {', '.join(sorted(unknown))}")
        return cls(**values)

    def with_overrides(self, **overrides: Any) -> Settings:
        """A copy with some values replaced, converted and checked like any other."""
        return self.checked({**{f.name: getattr(self, f.name) for f in fields(self)}, **overrides})

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """The settings of ``environ`` (default: the process environment) and of its settings file."""
        environ = os.environ if environ is None else environ
        in_file = _read_settings_file(environ.get(SETTINGS_FILE))
        unknown = [key for key in in_file if key not in _TYPES]
        unknown += [key for key in environ if key.upper().startswith(PREFIX) and key.upper() != SETTINGS_FILE
                    and key[len(PREFIX):].lower() not in _TYPES]  # variables match in any case
        if unknown:
            raise ConfigurationError(f"unknown settings: {', '.join(sorted(unknown))}")
        variables = {key[len(PREFIX):].lower(): value for key, value in environ.items()
                     if key.upper().startswith(PREFIX) and key.upper() != SETTINGS_FILE}
        return cls(**{**in_file, **variables})  # the environment wins


_TYPES: dict[str, type] = {name: kind for name, kind in get_type_hints(Settings).items()}


def _convert(name: str, kind: type, value: Any) -> Any:
    """``value`` (from the file, the environment or a caller) as ``kind``; text is parsed."""
    if kind is bool and isinstance(value, str):
        text = value.strip().lower()
        value = True if text in _TRUE else False if text in _FALSE else value
    elif kind is int and isinstance(value, str):
        try:
            value = int(value.strip())
        except ValueError:
            pass
    elif kind is Path and isinstance(value, str):
        value = Path(value)
    elif kind is Secret and isinstance(value, str):
        value = Secret(value)
    if isinstance(value, kind) and not (kind is int and isinstance(value, bool)):
        return value
    raise ConfigurationError(f"setting {PREFIX}{name.upper()}: {value!r} is not a {kind.__name__}")


def _synchronous_mode(value: str) -> str:
    mode = value.upper()
    if mode not in SQLITE_SYNCHRONOUS:
        raise ConfigurationError(f"setting {PREFIX}SQLITE_SYNCHRONOUS must be one of "
                                 f"{', '.join(SQLITE_SYNCHRONOUS)}, not {mode!r}")
    return mode


def _supported_database(url: str) -> str:
    """SQLite or PostgreSQL; postgres:// and postgresql:// go through the psycopg driver."""
    if url and not url.startswith(("sqlite", "postgresql", "postgres://")):
        raise ConfigurationError(f"setting {PREFIX}DATABASE_URL: only sqlite and postgresql URLs are supported")
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def _read_settings_file(name: str | None) -> dict[str, Any]:
    """The TOML settings file's keys, lower-cased; {} when no file is named."""
    if not name:
        return {}
    try:
        with open(name, "rb") as fh:
            return {key.lower(): value for key, value in tomllib.load(fh).items()}
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigurationError(f"cannot read settings file {name}: {exc}") from exc
