"""The one error hierarchy of Krabuan.

Every failure the engine reports to a caller is an ``EngineError``. Each subclass carries
an ``error_code`` (stable, for scripts and the JSON API), an HTTP status and a CLI exit
code, so web/ and the CLI map errors in exactly one place each. This module imports
nothing from the rest of the engine.
"""
from __future__ import annotations

from typing import Any


class EngineError(Exception):
    """Base class: a failure the caller can understand and act on."""

    error_code = "engine_error"
    http_status = 500
    exit_code = 1

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = {k: v for k, v in details.items() if v is not None}

    def to_dict(self) -> dict[str, Any]:
        return {"error_code": self.error_code, "message": self.message, **self.details}


class InvalidInput(EngineError):
    """The caller sent something malformed (bad JSON, unknown field, wrong type...)."""

    error_code = "invalid_input"
    http_status = 422
    exit_code = 2


class NotFound(EngineError):
    error_code = "not_found"
    http_status = 404
    exit_code = 3


class Unauthorized(EngineError):
    """No valid credentials: a wrong username or password, an ended session, a revoked token.
    The message never tells which."""

    error_code = "unauthorized"
    http_status = 401
    exit_code = 11


class TooLarge(EngineError):
    """What was sent is larger than allowed (an uploaded file over ``max_upload_bytes``)."""

    error_code = "too_large"
    http_status = 413
    exit_code = 12


class Forbidden(EngineError):
    """The acting user may not do this (not in the lane, not the assignee...)."""

    error_code = "forbidden"
    http_status = 403
    exit_code = 4


class Conflict(EngineError):
    """The state changed underneath the caller: a lost race or a stale version.

    Nothing was written. Reload and try again.
    """

    error_code = "conflict"
    http_status = 409
    exit_code = 5


class DeployError(EngineError):
    """A process model was refused at deploy. Names the file, the element and the reason."""

    error_code = "deploy_error"
    http_status = 422
    exit_code = 6

    def __init__(self, message: str, *, file: str | None = None, element: str | None = None,
                 **details: Any) -> None:
        where = ", ".join(p for p in (file and f"file {file}", element and f"element {element}") if p)
        super().__init__(f"{where}: {message}" if where else message,
                         file=file, element=element, **details)
        self.reason = message


class ExpressionError(EngineError):
    """An expression from a model was refused or failed in the restricted evaluator."""

    error_code = "expression_error"
    http_status = 422
    exit_code = 7


class ProcessError(EngineError):
    """The process itself failed while running (e.g. a gateway with no matching flow).

    The operation is rolled back; the instance stays at its last wait state.
    """

    error_code = "process_error"
    http_status = 422
    exit_code = 8


class ConfigurationError(EngineError):
    """Settings, organisation or form files are wrong."""

    error_code = "configuration_error"
    http_status = 500
    exit_code = 9


class Unavailable(EngineError):
    """The database cannot be reached, or the connection dropped: nothing was written; try again."""

    error_code = "unavailable"
    http_status = 503
    exit_code = 13


class IntegrityViolation(EngineError):
    """The history chain does not verify."""

    error_code = "integrity_violation"
    http_status = 500
    exit_code = 10
