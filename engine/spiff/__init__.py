"""The SpiffWorkflow adapter: the only place in Krabuan that imports SpiffWorkflow.

Everything here is internal to engine/: callers of the engine get Krabuan dataclasses.
"""
from .runtime import CompiledProcess, ReadyTask, Runtime, WaitingTimer, Workflow

__all__ = ["CompiledProcess", "WaitingTimer", "ReadyTask", "Runtime", "Workflow"]
