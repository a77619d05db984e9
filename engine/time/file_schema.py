"""What the schemas of Krabuan's definition files share (forms, step metadata, schedules, organisation).

A file format is a set of pydantic models. Each field declares its type and constraints and, with
``says``, the sentence its author reads when a value breaks them; each model (``Schema``) words its
own shape (not a mapping, unknown keys). Pydantic reports every problem in document order; a
file's loader turns the first (``first_problem``) into an error naming the file and the place.

This module lives in engine/time because engine/model and engine/time both use it and engine/time
may not import engine/model.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    ValidationError,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    WrapValidator,
    model_validator,
)
from pydantic_core import PydanticCustomError

REFUSED = "refused"  # error type: a value breaks a rule
SHAPE = "shape"  # error type: a mapping cannot be read at all (not a mapping, or unknown keys)

# The default of a key that must be given: it is validated like a null value (schemas validate
# their defaults), so that the field's own sentence says what is missing.
REQUIRED: Any = None


def refuse(message: str, kind: str = REFUSED) -> PydanticCustomError:
    """The error for a broken rule, worded for the file's author (taken as is, braces included)."""
    return PydanticCustomError(kind, message)


def list_of(what: str) -> BeforeValidator:
    """A list; nothing (absent, null, empty) is an empty one."""
    def check(value: Any) -> Any:
        if not value:
            return []
        if not isinstance(value, list):
            raise refuse(f"{what} is a list")
        return value
    return BeforeValidator(check)


def says(message: str) -> WrapValidator:
    """Annotation: report ``message`` whenever the annotated type or its constraints refuse a value.

    In the message, ``{input}`` stands for the value as written (its repr), ``{field}`` for the
    field's name. Validators annotated after it keep their own messages.
    """
    def check(value: Any, handler: ValidatorFunctionWrapHandler, info: ValidationInfo) -> Any:
        try:
            return handler(value)
        except ValidationError:
            raise PydanticCustomError(REFUSED, message, {"input": repr(value), "field": info.field_name or ""}) \
                from None
    return WrapValidator(check)


class Schema(BaseModel):
    """One mapping of a definition file: strict types, frozen, defaults validated too.

    A subclass words its shape: NOT_A_MAPPING when the value is not a mapping, UNKNOWN_KEYS
    (``{keys}``: the unknown keys, sorted) when it has keys no field declares (by alias); with
    UNKNOWN_KEYS None such keys are ignored. ``check_raw`` may add checks of the raw mapping.
    """

    model_config = ConfigDict(strict=True, frozen=True, validate_default=True)
    NOT_A_MAPPING: ClassVar[str] = "expected a mapping"
    UNKNOWN_KEYS: ClassVar[str | None] = "unknown keys {keys}"

    @model_validator(mode="before")
    @classmethod
    def _shape(cls, raw: Any) -> Any:
        if not isinstance(raw, dict):
            raise refuse(cls.NOT_A_MAPPING, SHAPE)
        if cls.UNKNOWN_KEYS is not None:
            known = {field.alias or name for name, field in cls.model_fields.items()}
            unknown = sorted({str(key) for key in raw} - known)
            if unknown:
                raise refuse(cls.UNKNOWN_KEYS.replace("{keys}", ", ".join(unknown)), SHAPE)
        cls.check_raw(raw)
        return raw

    @classmethod
    def check_raw(cls, raw: dict[Any, Any]) -> None:
        """Further checks of the raw mapping, after its shape and before its fields."""


@dataclass(frozen=True)
class Problem:
    """The first problem of a file: where (pydantic's location), what, and whether the mapping
    there could not be read at all (then it has not been named by its key yet)."""

    loc: tuple[str | int, ...]
    message: str
    shape: bool


def first_problem(exc: ValidationError) -> Problem:
    error = exc.errors()[0]
    return Problem(tuple(error["loc"]), error["msg"], error["type"] == SHAPE)


S = TypeVar("S", bound=Schema)


def load_yaml(path: Path, schema: type[S], what: str) -> S:
    """A YAML file read safely and checked against ``schema``; ConfigurationError names the file,
    where in it (the first three steps of the location) and the first problem."""
    import yaml

    from ..errors import ConfigurationError

    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigurationError(f"{path}: cannot read {what}: {exc}") from exc
    try:
        return schema.model_validate(raw)
    except ValidationError as exc:
        problem = first_problem(exc)
        where = ".".join(str(p) for p in problem.loc[:3])
        raise ConfigurationError(f"{path}: {where}: {problem.message}") from None
