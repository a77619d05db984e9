"""What changed between two versions of a process, in Thai and English sentences, not XML.

An approver of version n+1 reads the changes as a list (each ``Change`` says it in one Thai and
one English sentence, e.g. "เพิ่มขั้นตอน “ตรวจสอบรายชื่อผู้เข้าร่วม” ในบทบาท เจ้าพนักงานธุรการ") and
sees them on the diagram (``ProcessDiff.marks()``: element id -> added / removed / changed).

Elements are matched by their BPMN id: a step with the same id and another name is renamed, a
flow with the same id and other ends is rewired. What is compared, each by small comparers in
tables, in reading order:

- the process, its lanes and its human steps (engine.model.process_diff_steps);
- its other flow nodes (gateways, events and their timers, service tasks, call activities) and its
  sequence flows (engine.model.process_diff_graph);
- the forms its steps use, field by field (engine.model.process_diff_forms).

A version is read with ``version_content`` (the BPMN text stored with it, vetted by
engine.model.xmlguard, and the forms it uses; engine.model.process_diff_versions). Pure: no SQL,
no SpiffWorkflow. A ``ProcessDiff`` is stored as its ``to_json()`` and read back with
``ProcessDiff.from_json`` (engine.model.process_diff_changes).
"""
from __future__ import annotations

from .process_diff_changes import CHANGE_KINDS, Change, ChangeKind, Mark, ProcessDiff
from .process_diff_forms import COMPARERS as FORM_COMPARERS
from .process_diff_graph import COMPARERS as GRAPH_COMPARERS
from .process_diff_steps import COMPARERS as STEP_COMPARERS
from .process_diff_versions import FormLookup, Pair, VersionContent, side_of, version_content

__all__ = ["CHANGE_KINDS", "Change", "ChangeKind", "FormLookup", "Mark", "ProcessDiff", "VersionContent",
           "diff_versions", "version_content"]

# In reading order: the process, its lanes and steps, its other nodes and flows, then its forms.
_COMPARERS = (*STEP_COMPARERS, *GRAPH_COMPARERS, *FORM_COMPARERS)


def diff_versions(old: VersionContent, new: VersionContent) -> ProcessDiff:
    """What changed from ``old`` to ``new`` (matched by BPMN id), in reading order."""
    pair = Pair(side_of(old), side_of(new))
    changes = tuple(change for compare in _COMPARERS for change in compare(pair))
    return ProcessDiff(process_id=new.process_id, from_version=old.version, to_version=new.version, changes=changes)
