"""A script-engine environment for SpiffWorkflow that evaluates through Krabuan's
restricted evaluator and refuses every script and service call."""
from __future__ import annotations

from typing import Any

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment

from ..errors import ExpressionError
from ..model.expressions import ExpressionEvaluator


class RestrictedEnvironment(BasePythonScriptEngineEnvironment):
    def __init__(self, evaluator: ExpressionEvaluator) -> None:
        super().__init__({})
        self.evaluator = evaluator

    def evaluate(self, expression: str, context: dict[str, Any], external_context: dict[str, Any] | None = None) -> Any:
        names = dict(context)
        if external_context:
            names.update(external_context)
        return self.evaluator.evaluate(expression, names)

    def execute(self, script: str, context: dict[str, Any], external_context: dict[str, Any] | None = None) -> Any:
        raise ExpressionError("scripts are not allowed in Krabuan process models")

    def call_service(self, context: dict[str, Any], **kwargs: Any) -> Any:
        raise ExpressionError("service calls are not available")


def restricted_script_engine(evaluator: ExpressionEvaluator) -> PythonScriptEngine:
    return PythonScriptEngine(environment=RestrictedEnvironment(evaluator))
