"""Settings: one typed, frozen object built once from ``KRABUAN_*`` variables.

Sources, later ones winning: built-in defaults, an optional TOML settings file (path in
``KRABUAN_SETTINGS_FILE``; keys are the variable names without the prefix, lower case),
then the environment. Nothing below web/ reads the environment itself: the object is
passed in.

``Settings(...)`` is exactly its arguments over the defaults (it never reads the environment);
``Settings.from_env()`` adds the file and the variables. Every value is converted to its type
and checked; any mistake (an unknown key or variable, a value of the wrong type) is a
``ConfigurationError`` whose one-line message names the setting as ``KRABUAN_X``.
"""
from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, SecretStr, Strict, ValidationError, field_validator
from pydantic_core import PydanticCustomError

from .errors import ConfigurationError

PREFIX = "KRABUAN_"
SETTINGS_FILE = PREFIX + "SETTINGS_FILE"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
SQLITE_SYNCHRONOUS = ("OFF", "NORMAL", "FULL", "EXTRA")
_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off", "")


def _switch(value: Any) -> Any:
    """yes/no words (any case, "" is no) to a bool; anything else is left for the bool check to refuse."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    return True if text in _TRUE else False if text in _FALSE else value


Switch = Annotated[bool, BeforeValidator(_switch), Strict()]


class Settings(BaseModel):
    """A pydantic model rather than pydantic-settings' BaseSettings: reading ``KRABUAN_*`` is a few
    lines (``from_env``), and pydantic-settings would add about 50 ms (it imports asyncio) to the
    start of every command."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    data_dir: Path = Path("data")
    database_url: str = ""
    sqlite_synchronous: str = "NORMAL"
    sqlite_busy_timeout_ms: int = 10_000
    processes_dir: Path = PROJECT_ROOT / "processes"
    forms_dir: Path = PROJECT_ROOT / "forms"
    organisation_file: Path = PROJECT_ROOT / "processes" / "organisation.yaml"
    max_bpmn_bytes: int = 2 * 1024 * 1024
    spec_cache_size: int = 256
    # Reminders and calendar triggers per process (see engine.time.schedules).
    schedules_file: Path = PROJECT_ROOT / "processes" / "schedules.yaml"
    # The scheduler: how often it looks for due timers, how many it claims at once, and how long
    # a claim lasts before another scheduler may take the timer over.
    scheduler_interval_ms: int = Field(200, ge=1)
    scheduler_batch: int = Field(50, ge=1)
    scheduler_lease_seconds: int = Field(30, ge=1)
    # E-mail for notifications: off unless a host is set.
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_from: str = "krabuan@localhost"
    smtp_starttls: Switch = False
    smtp_user: str = ""
    smtp_password: SecretStr = SecretStr("")  # shown as '**********' by repr()
    # Address of a user for e-mail: the template's {username} is replaced.
    smtp_address_template: str = "{username}@localhost"

    def __init__(self, **values: Any) -> None:
        try:
            super().__init__(**values)
        except ValidationError as exc:
            raise _configuration_error(exc) from None

    @field_validator("sqlite_synchronous", mode="before")
    @classmethod
    def _known_synchronous_mode(cls, value: Any) -> str:
        mode = str(value).upper()
        if mode not in SQLITE_SYNCHRONOUS:
            raise PydanticCustomError("refused", f"setting {PREFIX}SQLITE_SYNCHRONOUS must be one of "
                                                 f"{', '.join(SQLITE_SYNCHRONOUS)}, not {mode!r}")
        return mode

    @field_validator("database_url")
    @classmethod
    def _supported_database(cls, url: str) -> str:
        """SQLite or PostgreSQL; postgres:// and postgresql:// go through the psycopg driver."""
        if url and not url.startswith(("sqlite", "postgresql", "postgres://")):
            raise PydanticCustomError("refused",
                                      f"setting {PREFIX}DATABASE_URL: only sqlite and postgresql URLs are supported")
        if url.startswith(("postgresql://", "postgres://")):
            return "postgresql+psycopg://" + url.split("://", 1)[1]
        return url

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

    def with_overrides(self, **overrides: Any) -> Settings:
        """A copy with some values replaced, converted and checked like any other."""
        return type(self)(**{**dict(self), **overrides})

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """The settings of ``environ`` (default: the process environment) and of its settings file."""
        environ = os.environ if environ is None else environ
        in_file = _read_settings_file(environ.get(SETTINGS_FILE))
        unknown = [key for key in in_file if key not in cls.model_fields]
        unknown += [key for key in environ if key.upper().startswith(PREFIX) and key.upper() != SETTINGS_FILE
                    and key[len(PREFIX):].lower() not in cls.model_fields]  # variables match in any case
        if unknown:
            raise ConfigurationError(f"unknown settings: {', '.join(sorted(unknown))}")
        variables = {key[len(PREFIX):].lower(): value for key, value in environ.items()
                     if key.upper().startswith(PREFIX) and key.upper() != SETTINGS_FILE}
        return cls(**{**in_file, **variables})  # the environment wins


def _read_settings_file(name: str | None) -> dict[str, Any]:
    """The TOML settings file's keys, lower-cased; {} when no file is named."""
    if not name:
        return {}
    try:
        with open(name, "rb") as fh:
            return {key.lower(): value for key, value in tomllib.load(fh).items()}
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigurationError(f"cannot read settings file {name}: {exc}") from exc


def _configuration_error(exc: ValidationError) -> ConfigurationError:
    """The first problem of a failed validation, in one line naming the setting."""
    errors = exc.errors()
    unknown = [str(e["loc"][0]) for e in errors if e["type"] == "extra_forbidden"]
    if unknown:
        return ConfigurationError(f"unknown settings: {', '.join(sorted(unknown))}")
    error = errors[0]
    name = str(error["loc"][0]) if error["loc"] else ""
    variable = PREFIX + name.upper()
    if error["type"] == "refused":
        return ConfigurationError(error["msg"])
    if error["type"] == "greater_than_equal":
        return ConfigurationError(f"setting {variable} must be at least {error['ctx']['ge']}")
    field = Settings.model_fields.get(name)
    kind = getattr(field.annotation, "__name__", "value") if field else "value"
    kind = "str" if kind == "SecretStr" else kind
    return ConfigurationError(f"setting {variable}: {error['input']!r} is not a {kind}")
