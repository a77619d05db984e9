"""The SpiffWorkflow adapter: the only place in Krabuan that imports SpiffWorkflow.

Everything here is internal to engine/: callers of the engine get Krabuan dataclasses.
"""
from .runtime import ReadyTask, Runtime, WaitingTimer, Workflow

__all__ = ["WaitingTimer", "ReadyTask", "Runtime", "Workflow"]
