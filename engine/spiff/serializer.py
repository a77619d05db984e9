"""State-only serialization: the process spec is stored once per deployed version, and
each instance row holds only its task tree and data.

SpiffWorkflow's stock serializer embeds the whole spec in every instance (more than half
of the row and of deserialization time, see the baseline in ../shared/reference); this
converter leaves it out and takes the spec objects from the caller on restore.
"""
from __future__ import annotations

import json
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, WorkflowConverter
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

from ..errors import ConfigurationError

ENVELOPE_VERSION = 1
ENVELOPE_KEY = "krabuan_state"


class StateOnlyWorkflowConverter(BpmnWorkflowConverter):
    def to_dict(self, workflow: BpmnWorkflow) -> dict[str, Any]:
        dct: dict[str, Any] = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct: dict[str, Any], spec: Any = None, subprocess_specs: Any = None) -> BpmnWorkflow:
        if spec is None:
            raise ValueError("state-only workflows need their spec to be restored")
        workflow = self.target_class(spec, subprocess_specs or {}, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


def _make_serializer() -> BpmnWorkflowSerializer:
    config = dict(SPIFF_CONFIG)
    config[BpmnWorkflow] = StateOnlyWorkflowConverter
    return BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(config))


class StateSerializer:
    def __init__(self) -> None:
        self._serializer = _make_serializer()
        self.spiff_version = self._serializer.VERSION

    @property
    def registry(self) -> Any:
        """The converters' registry (what SpiffWorkflow's diff utilities compare specs with)."""
        return self._serializer.registry

    # -- specs (once per deployed version) --
    def specs_to_json(self, spec: Any, subprocess_specs: dict[str, Any]) -> str:
        registry = self._serializer.registry
        return json.dumps({
            "serializer_version": self.spiff_version,
            "spec": registry.convert(spec),
            "subprocess_specs": {name: registry.convert(s) for name, s in subprocess_specs.items()},
        })

    def specs_from_json(self, text: str) -> tuple[Any, dict[str, Any]]:
        dct = json.loads(text)
        if dct.get("serializer_version") != self.spiff_version:
            raise ConfigurationError(
                f"stored spec was written by serializer {dct.get('serializer_version')}, "
                f"this engine reads {self.spiff_version}; redeploy the process")
        registry = self._serializer.registry
        return (registry.restore(dct["spec"]),
                {name: registry.restore(s) for name, s in dct["subprocess_specs"].items()})

    # -- instance state (every step) --
    def state_to_json(self, workflow: BpmnWorkflow) -> str:
        registry = self._serializer.registry
        registry._encoder_mode = True
        try:
            dct = self._serializer.to_dict(workflow)
            dct[ENVELOPE_KEY] = ENVELOPE_VERSION
            dct[self._serializer.VERSION_KEY] = self.spiff_version
            return json.dumps(dct, cls=self._serializer._encoder_cls, separators=(",", ":"))
        finally:
            registry._encoder_mode = False

    def state_from_json(self, text: str, spec: Any, subprocess_specs: dict[str, Any]) -> BpmnWorkflow:
        dct = json.loads(text)
        envelope = dct.pop(ENVELOPE_KEY, None)
        version = dct.pop(self._serializer.VERSION_KEY, None)
        if envelope != ENVELOPE_VERSION or version != self.spiff_version:
            raise ConfigurationError(
                f"instance state format {envelope}/{version} is not {ENVELOPE_VERSION}/{self.spiff_version}")
        return self._serializer.from_dict(dct, spec=spec, subprocess_specs=subprocess_specs)
