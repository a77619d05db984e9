"""New versions of a BPMN model for the migration tests: a step added after user tasks, or the same
model as new bytes (a comment), so that deploying it makes the next version of the process."""
from __future__ import annotations

from collections.abc import Iterable

from lxml import etree

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
NS = {"bpmn": BPMN_NS}
SUFFIX = "_added"


def added_step(task_id: str) -> str:
    """The id of the step ``with_steps_after`` adds after a task."""
    return task_id + SUFFIX


def _q(tag: str) -> str:
    return f"{{{BPMN_NS}}}{tag}"


def user_tasks(xml: bytes) -> list[str]:
    root = etree.fromstring(xml)
    return [t.get("id") for t in root.iter(_q("userTask"))]


def with_steps_after(xml: bytes, after: Iterable[str] | None = None) -> bytes:
    """The model with a new user task X_T right after each user task T named (every one by default):
    in T's lane, without a form; T's outgoing flows (and its default flow) leave from X_T instead."""
    root = etree.fromstring(xml)
    wanted = set(after) if after is not None else None
    for task in list(root.iter(_q("userTask"))):
        task_id = task.get("id")
        if wanted is None or task_id in wanted:
            _insert_after(root, task)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def renewed(xml: bytes, mark: str) -> bytes:
    """The same model as other bytes (a new version with the same content)."""
    return xml.rstrip() + f"\n<!-- {mark} -->\n".encode()


def _insert_after(root: etree._Element, task: etree._Element) -> None:
    task_id, container = task.get("id"), task.getparent()
    new_id = added_step(task_id)
    step = etree.SubElement(container, _q("userTask"), id=new_id, name=f"ตรวจทานเพิ่ม ({task.get('name') or task_id})")
    flow_id = f"Flow_{new_id}"
    for flow in container.iterfind("bpmn:sequenceFlow", NS):
        if flow.get("sourceRef") == task_id:
            flow.set("sourceRef", new_id)
    for outgoing in task.findall("bpmn:outgoing", NS):
        task.remove(outgoing)
        step.append(outgoing)
    if task.get("default"):
        step.set("default", task.attrib.pop("default"))
    incoming = etree.Element(_q("incoming"))
    incoming.text = flow_id
    step.insert(0, incoming)
    out = etree.Element(_q("outgoing"))
    out.text = flow_id
    heads = [c for c in task if c.tag in {_q("documentation"), _q("extensionElements"), _q("incoming")}]
    if heads:
        heads[-1].addnext(out)
    else:
        task.insert(0, out)
    etree.SubElement(container, _q("sequenceFlow"), id=flow_id, sourceRef=task_id, targetRef=new_id)
    for ref in root.iter(_q("flowNodeRef")):
        if ref.text == task_id:
            lane_ref = etree.Element(_q("flowNodeRef"))
            lane_ref.text = new_id
            ref.addnext(lane_ref)
