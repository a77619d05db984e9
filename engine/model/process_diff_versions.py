"""The two versions a process diff compares (engine.model.process_diff), read and indexed.

``VersionContent`` is one version: its model, its vetted BPMN tree and the forms it uses;
``version_content`` builds it from the BPMN text stored with the version. ``Side`` indexes a version
for the comparers (flow nodes, flows, lane names, the names its deadline rules read, which element
uses which form) and ``Pair`` holds the old and the new one.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from lxml import etree

from ..errors import DeployError
from .deadline_text import Names
from .definitions import BPMN_NS, FLOW_NODE_TAGS, NS, ProcessModel, read_process_model
from .documents import parse_document
from .forms import FormDefinition, Label
from .metadata import read_step_metadata
from .process_diff_changes import Change
from .xmlguard import local_name, namespace_of

# Stored versions were vetted at deploy under the configured limit; this only bounds the work.
MAX_XML_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class VersionContent:
    """One version of a process as the diff reads it: its model, its parsed BPMN (the
    ``bpmn:definitions`` root, vetted) and the forms it uses (form key -> definition)."""

    process_id: str
    version: int
    model: ProcessModel
    root: etree._Element
    forms: Mapping[str, FormDefinition] = field(default_factory=dict)

    def process(self) -> etree._Element:
        found = next((p for p in self.root.iterfind("bpmn:process", NS) if p.get("id") == self.process_id), None)
        if found is None:
            raise DeployError(f"the file has no process {self.process_id!r}", element=self.process_id)
        return found


class FormLookup(Protocol):
    """Where the forms come from: a mapping of form key to definition, or a FormRegistry."""

    def get(self, key: str, /) -> FormDefinition | None: ...


def version_content(xml: str | bytes, forms: FormLookup, version: int, process_id: str | None = None) -> VersionContent:
    """A version from its BPMN text (vetted by engine.model.xmlguard and linted as at deploy) and the
    forms it uses. ``process_id`` picks the process of a file holding several (the first executable
    one by default)."""
    data = xml.encode("utf-8") if isinstance(xml, str) else xml
    source = f"{process_id or 'process'} version {version}"
    root = parse_document(data, source, MAX_XML_BYTES).root
    processes = [p for p in root.iterfind("bpmn:process", NS) if p.get("isExecutable", "true").lower() != "false"]
    process = next((p for p in processes if process_id in (None, p.get("id"))), None)
    if process is None:
        raise DeployError(f"the file has no executable process {process_id!r}", file=source)
    model = read_process_model(process, source)
    used = {key: form for key in model.form_keys() if (form := forms.get(key)) is not None}
    return VersionContent(process_id=model.process_id, version=version, model=model, root=root, forms=used)


@dataclass(frozen=True)
class Side:
    """One version indexed for comparing: flow nodes, flows, lane names, names for deadline anchors
    and which element uses which form."""

    content: VersionContent
    nodes: Mapping[str, etree._Element]
    flows: Mapping[str, etree._Element]
    lane_names: Mapping[str, str]
    names: Names
    form_users: Mapping[str, str]

    @property
    def model(self) -> ProcessModel:
        return self.content.model

    def name(self, element_id: str) -> str:
        """A step's or node's name as shown (its id when it has none)."""
        step = self.model.steps.get(element_id)
        if step is not None:
            return step.name
        node = self.nodes.get(element_id)
        return node_name(node) if node is not None else element_id

    def lane(self, lane_id: str | None) -> str:
        return self.lane_names.get(lane_id, lane_id) if lane_id else ""

    def form_title(self, key: str | None) -> Label:
        if key is None:
            return Label("ไม่มีแบบฟอร์ม", "no form")
        form = self.content.forms.get(key)
        title = form.title if form is not None else Label(key, key)
        return Label(f"“{title.th or key}”", f"“{title.en or key}”")


def side_of(content: VersionContent) -> Side:
    process = content.process()
    nodes = {el.get("id") or "": el for el in process.iter()
             if namespace_of(el.tag) == BPMN_NS and local_name(el.tag) in FLOW_NODE_TAGS}
    flows = {el.get("id") or "": el for el in process.iter(f"{{{BPMN_NS}}}sequenceFlow")}
    lane_names = {lane.get("id") or "": (lane.get("name") or lane.get("id") or "").strip()
                  for lane in process.iterfind(".//bpmn:lane", NS)}
    labels: dict[str, Label] = {}
    choices: dict[str, Label] = {}
    for key in content.model.form_keys():
        for f in content.forms[key].fields if key in content.forms else ():
            labels.setdefault(f.name, f.label)
            for option in f.options:
                choices.setdefault(option.value, option.label)
    step_names = {i: node_name(el) for i, el in nodes.items()} | {i: s.name for i, s in content.model.steps.items()}
    users = {i: form for i, s in content.model.steps.items() if (form := s.form_key)}
    for start in process.iterfind("bpmn:startEvent", NS):
        start_form = read_step_metadata(start, content.process_id).form_key
        if start_form:
            users[start.get("id") or ""] = start_form
    return Side(content, nodes, flows, lane_names, Names(labels, step_names, choices), users)


def node_name(el: etree._Element) -> str:
    return (el.get("name") or el.get("id") or "").strip()


@dataclass(frozen=True)
class Pair:
    old: Side
    new: Side


# A comparer: the changes of one kind of element between the two versions.
Comparer = Callable[[Pair], Iterable[Change]]
