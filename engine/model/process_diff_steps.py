"""Changes to the process itself, its lanes and its human steps (engine.model.process_diff).

The process: its name, who may start it, its segregation rules. Lanes: added, removed, renamed,
their groups. Steps (engine.model.definitions.StepModel, matched by id): added, removed, renamed,
moved to another lane, their kind, who takes them, their outside system, standard duration,
deadline rule (in words: engine.model.deadline_text), control points (by id), risks (by text) and
documents; one small comparer per thing (``_STEP_COMPARERS``).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass

from .deadline_text import deadline_text, duration_text, number, rule_json
from .definitions import StepModel
from .forms import Label
from .metadata import ControlPoint, Document, Risk
from .process_diff_changes import Change, ChangeKind, Values, both, listed, same, sentence
from .process_diff_versions import Comparer, Pair, Side
from .segregation import SegregationRule

_TEMPLATES: dict[str, tuple[str, str]] = {
    "process_renamed": ("เปลี่ยนชื่อกระบวนการจาก “{old}” เป็น “{new}”", "Process renamed from “{old}” to “{new}”"),
    "starters_changed": ("เปลี่ยนผู้มีสิทธิ์เริ่มเรื่องจาก {old_th} เป็น {new_th}",
                         "Who may start a case changed from {old_en} to {new_en}"),
    "segregation_added": ("เพิ่มกฎแบ่งแยกหน้าที่: {new_th}", "Segregation rule added: {new_en}"),
    "segregation_removed": ("ยกเลิกกฎแบ่งแยกหน้าที่: {old_th}", "Segregation rule removed: {old_en}"),
    "segregation_changed": ("แก้ไขกฎแบ่งแยกหน้าที่ ({rule}) จาก {old_th} เป็น {new_th}",
                            "Segregation rule ({rule}) changed from {old_en} to {new_en}"),
    "lane_added": ("เพิ่มบทบาท {lane}", "Lane {lane} added"),
    "lane_removed": ("ลบบทบาท {lane}", "Lane {lane} removed"),
    "lane_renamed": ("เปลี่ยนชื่อบทบาท {old} เป็น {new}", "Lane {old} renamed to {new}"),
    "lane_groups_changed": ("เปลี่ยนกลุ่มผู้ปฏิบัติของบทบาท {lane} จาก {old} เป็น {new}",
                            "Groups of lane {lane} changed from {old} to {new}"),
    "step_added": ("เพิ่มขั้นตอน “{step}”{in_lane_th}", "Step “{step}” added{in_lane_en}"),
    "step_removed": ("ลบขั้นตอน “{step}”{in_lane_th}", "Step “{step}” removed{from_lane_en}"),
    "step_renamed": ("เปลี่ยนชื่อขั้นตอน “{old}” เป็น “{new}”", "Step “{old}” renamed to “{new}”"),
    "step_lane_changed": ("ย้ายขั้นตอน “{step}” จากบทบาท {old} ไปบทบาท {new}",
                          "Step “{step}” moved from lane {old} to lane {new}"),
    "step_kind_changed": ("เปลี่ยนประเภทของขั้นตอน “{step}” จาก {old_th} เป็น {new_th}",
                          "Step “{step}” changed from {old_en} to {new_en}"),
    "step_assignment_changed": ("เปลี่ยนผู้รับงานของขั้นตอน “{step}” จาก {old_th} เป็น {new_th}",
                                "Who takes step “{step}” changed from {old_en} to {new_en}"),
    "step_system_changed": ("เปลี่ยนระบบที่ใช้ในขั้นตอน “{step}” จาก {old_th} เป็น {new_th}",
                            "System used in step “{step}” changed from {old_en} to {new_en}"),
    "duration_changed": ("เปลี่ยนระยะเวลามาตรฐานของขั้นตอน “{step}” จาก {old_th} เป็น {new_th}",
                         "Standard duration of step “{step}” changed from {old_en} to {new_en}"),
    "deadline_changed": ("เปลี่ยนกำหนดเวลาของขั้นตอน “{step}” จาก {old_th} เป็น {new_th}",
                         "Deadline of step “{step}” changed from {old_en} to {new_en}"),
    "control_added": ("เพิ่มจุดควบคุมในขั้นตอน “{step}”: {new_th}", "Control point added to step “{step}”: {new_en}"),
    "control_removed": ("ยกเลิกจุดควบคุมของขั้นตอน “{step}”: {old_th}",
                        "Control point removed from step “{step}”: {old_en}"),
    "control_changed": ("แก้ไขจุดควบคุมของขั้นตอน “{step}” จาก “{old_th}” เป็น “{new_th}”",
                        "Control point of step “{step}” changed from “{old_en}” to “{new_en}”"),
    "risk_added": ("เพิ่มความเสี่ยงในขั้นตอน “{step}”: {new_th}", "Risk added to step “{step}”: {new_en}"),
    "risk_removed": ("ยกเลิกความเสี่ยงของขั้นตอน “{step}”: {old_th}", "Risk removed from step “{step}”: {old_en}"),
    "risk_changed": ("แก้ไขความเสี่ยง “{risk_th}” ของขั้นตอน “{step}” จาก {old_th} เป็น {new_th}",
                     "Risk “{risk_en}” of step “{step}” changed from {old_en} to {new_en}"),
    "document_added": ("เพิ่ม{direction_th} “{document_th}” ในขั้นตอน “{step}”",
                       "{direction_en} “{document_en}” added to step “{step}”"),
    "document_removed": ("ยกเลิก{direction_th} “{document_th}” ของขั้นตอน “{step}”",
                         "{direction_en} “{document_en}” removed from step “{step}”"),
}


def _change(kind: ChangeKind, element_id: str, values: Values, words: Mapping[str, str]) -> Change:
    return sentence(kind, element_id, values, _TEMPLATES[kind], words)


# ---------------------------------------------------------------- the process and its lanes

_ANYONE = Label("ทุกคน", "anyone")


def _process_name(pair: Pair) -> Iterator[Change]:
    old, new = pair.old.model.name, pair.new.model.name
    if old != new:
        yield _change("process_renamed", "", Values(old, new), {})


def _starters(pair: Pair) -> Iterator[Change]:
    old, new = pair.old.model.start_groups, pair.new.model.start_groups
    if set(old) != set(new):
        yield _change("starters_changed", "", Values(" ".join(old), " ".join(new)),
                      both(listed(old, _ANYONE), listed(new, _ANYONE)))


def _rule_text(rule: SegregationRule) -> Label:
    who, not_ = " ".join(rule.who), " ".join(rule.not_)
    return Label(f"“{rule.th or rule.en}” ({who} ≠ {not_})", f"“{rule.en or rule.th}” ({who} ≠ {not_})")


def _segregation(pair: Pair) -> Iterator[Change]:
    old = {r.id: r for r in pair.old.model.segregation}
    new = {r.id: r for r in pair.new.model.segregation}
    for rule_id, rule in old.items():
        if rule_id not in new:
            yield _change("segregation_removed", "", Values(before=rule_id), both(_rule_text(rule), same("")))
    for rule_id, rule in new.items():
        if rule_id not in old:
            yield _change("segregation_added", "", Values(after=rule_id), both(same(""), _rule_text(rule)))
        elif (old[rule_id].who, old[rule_id].not_, old[rule_id].th, old[rule_id].en) != \
                (rule.who, rule.not_, rule.th, rule.en):
            was, now = _rule_text(old[rule_id]), _rule_text(rule)
            yield _change("segregation_changed", "", Values(was.en, now.en), {"rule": rule_id, **both(was, now)})


def _lanes(pair: Pair) -> Iterator[Change]:
    old, new = pair.old, pair.new
    for lane_id in old.model.lanes:
        if lane_id not in new.model.lanes:
            yield _change("lane_removed", lane_id, Values(before=old.lane(lane_id)), {"lane": old.lane(lane_id)})
    for lane_id, groups in new.model.lanes.items():
        if lane_id not in old.model.lanes:
            yield _change("lane_added", lane_id, Values(after=new.lane(lane_id)), {"lane": new.lane(lane_id)})
            continue
        if old.lane(lane_id) != new.lane(lane_id):
            yield _change("lane_renamed", lane_id, Values(old.lane(lane_id), new.lane(lane_id)), {})
        if set(old.model.lanes[lane_id]) != set(groups):
            values = Values(", ".join(old.model.lanes[lane_id]), ", ".join(groups))
            yield _change("lane_groups_changed", lane_id, values, {"lane": new.lane(lane_id)})


# ---------------------------------------------------------------- steps

def _lane_words(side: Side, step: StepModel) -> dict[str, str]:
    lane = side.lane(step.lane)
    return {"in_lane_th": f" ในบทบาท {lane}" if lane else "", "in_lane_en": f" in lane {lane}" if lane else "",
            "from_lane_en": f" from lane {lane}" if lane else ""}


def _steps_added_removed(pair: Pair) -> Iterator[Change]:
    old, new = pair.old, pair.new
    for element_id, step in new.model.steps.items():
        if element_id not in old.model.steps:
            yield _change("step_added", element_id, Values(after=step.name), {"step": step.name,
                                                                                **_lane_words(new, step)})
    for element_id, step in old.model.steps.items():
        if element_id not in new.model.steps:
            yield _change("step_removed", element_id, Values(before=step.name), {"step": step.name,
                                                                                  **_lane_words(old, step)})


@dataclass(frozen=True)
class _StepPair:
    """The same step in both versions."""

    old: StepModel
    new: StepModel
    sides: Pair

    @property
    def element_id(self) -> str:
        return self.new.element_id

    def change(self, kind: ChangeKind, values: Values, words: Mapping[str, str]) -> Change:
        return _change(kind, self.element_id, values, {"step": self.new.name, **words})


StepComparer = Callable[[_StepPair], Iterable[Change]]


def _steps_changed(pair: Pair) -> Iterator[Change]:
    for element_id, new in pair.new.model.steps.items():
        old = pair.old.model.steps.get(element_id)
        if old is None:
            continue
        steps = _StepPair(old, new, pair)
        for compare in _STEP_COMPARERS:
            yield from compare(steps)


def _step_name(step: _StepPair) -> Iterator[Change]:
    if step.old.name != step.new.name:
        yield step.change("step_renamed", Values(step.old.name, step.new.name), {})


def _step_lane(step: _StepPair) -> Iterator[Change]:
    if step.old.lane != step.new.lane:
        old, new = step.sides.old.lane(step.old.lane), step.sides.new.lane(step.new.lane)
        yield step.change("step_lane_changed", Values(old, new), {"old": old or "-", "new": new or "-"})


_KIND_WORDS = {"user": Label("งานทั่วไป", "an ordinary step"), "approval": Label("การอนุมัติ", "an approval"),
               "signature": Label("การลงนาม", "a signature"), "archive": Label("การเก็บเอกสาร", "filing"),
               "notification": Label("การแจ้ง/ส่งหนังสือ", "a notification"),
               "external_system": Label("งานในระบบภายนอก", "work in an outside system")}


def _step_kind(step: _StepPair) -> Iterator[Change]:
    old, new = step.old.meta.kind, step.new.meta.kind
    if (old or "user") != (new or "user"):
        yield step.change("step_kind_changed", Values(old or "", new or ""),
                          both(_KIND_WORDS.get(old or "user", same(str(old))),
                                _KIND_WORDS.get(new or "user", same(str(new)))))


def _assignment(side: Side, step: StepModel) -> Label:
    """Who takes a step: a person named in a field, the group a field names, or the lane's members;
    one task per person when it is multi-instance."""
    meta = step.meta
    if meta.assignee_variable:
        label = side.names.labels.get(meta.assignee_variable, same(meta.assignee_variable))
        text = Label(f"ผู้ที่ระบุในช่อง “{label.th}”", f"the person named in “{label.en}”")
    elif meta.candidate_group_variable:
        label = side.names.labels.get(meta.candidate_group_variable, same(meta.candidate_group_variable))
        text = Label(f"กลุ่มที่ระบุในช่อง “{label.th}”", f"the group named in “{label.en}”")
    else:
        lane = side.lane(step.lane) or "-"
        text = Label(f"ผู้ปฏิบัติในบทบาท {lane}", f"the members of lane {lane}")
    if step.multi_instance:
        return Label(f"{text.th} (แยกงานรายบุคคล)", f"{text.en} (one task per person)")
    return text


def _assignment_key(step: StepModel) -> str:
    meta = step.meta
    return " ".join(part for part in (f"assignee={meta.assignee_variable}" if meta.assignee_variable else "",
                                      f"candidateGroup={meta.candidate_group_variable}"
                                      if meta.candidate_group_variable else "",
                                      "multi_instance" if step.multi_instance else "") if part)


def _step_assignment(step: _StepPair) -> Iterator[Change]:
    old, new = _assignment_key(step.old), _assignment_key(step.new)
    if old != new:
        yield step.change("step_assignment_changed", Values(old, new),
                          both(_assignment(step.sides.old, step.old), _assignment(step.sides.new, step.new)))


def _step_system(step: _StepPair) -> Iterator[Change]:
    old, new = step.old.meta.system or "", step.new.meta.system or ""
    if old != new:
        none = Label("ไม่มี", "none")
        yield step.change("step_system_changed", Values(old, new),
                          both(same(old) if old else none, same(new) if new else none))


def _duration_key(step: StepModel) -> str:
    meta = step.meta
    return " ".join(part for part in (f"working_days={number(meta.duration_working_days)}"
                                      if meta.duration_working_days is not None else "",
                                      f"minutes={meta.duration_minutes}" if meta.duration_minutes is not None else "")
                    if part)


def _duration(step: _StepPair) -> Iterator[Change]:
    old, new = _duration_key(step.old), _duration_key(step.new)
    if old != new:
        yield step.change("duration_changed", Values(old, new),
                          both(duration_text(step.old.meta), duration_text(step.new.meta)))


def _deadline(step: _StepPair) -> Iterator[Change]:
    old, new = rule_json(step.old.meta.deadline), rule_json(step.new.meta.deadline)
    if old != new:
        yield step.change("deadline_changed", Values(old, new),
                          both(deadline_text(step.old.meta.deadline, step.sides.old.names),
                                deadline_text(step.new.meta.deadline, step.sides.new.names)))


def _control_text(control: ControlPoint) -> Label:
    return Label(control.th or control.en, control.en or control.th)


def _controls(step: _StepPair) -> Iterator[Change]:
    old = {c.id: c for c in step.old.meta.controls}
    new = {c.id: c for c in step.new.meta.controls}
    for control_id, control in old.items():
        if control_id not in new:
            text = _control_text(control)
            yield step.change("control_removed", Values(before=text.th), both(text, same("")))
    for control_id, control in new.items():
        text = _control_text(control)
        if control_id not in old:
            yield step.change("control_added", Values(after=text.th), both(same(""), text))
        elif _control_text(old[control_id]) != text:
            was = _control_text(old[control_id])
            yield step.change("control_changed", Values(was.th, text.th), both(was, text))


def _risk_key(risk: Risk) -> str:
    return risk.th or risk.en


def _risk_assessment(risk: Risk) -> Label:
    th = [f"ปัจจัย {risk.factor}" if risk.factor else "",
          f"โอกาส {risk.likelihood}" if risk.likelihood is not None else "",
          f"ผลกระทบ {risk.impact}" if risk.impact is not None else "",
          f"คะแนน {risk.score}" if risk.score is not None else "", f"ระดับ{risk.level}" if risk.level else ""]
    en = [f"factor {risk.factor_en or risk.factor}" if risk.factor or risk.factor_en else "",
          f"likelihood {risk.likelihood}" if risk.likelihood is not None else "",
          f"impact {risk.impact}" if risk.impact is not None else "",
          f"score {risk.score}" if risk.score is not None else "",
          f"level {risk.level_en or risk.level}" if risk.level or risk.level_en else ""]
    return Label(", ".join(p for p in th if p) or "-", ", ".join(p for p in en if p) or "-")


def _risks(step: _StepPair) -> Iterator[Change]:
    old = {_risk_key(r): r for r in step.old.meta.risks}
    new = {_risk_key(r): r for r in step.new.meta.risks}
    for key, risk in old.items():
        if key not in new:
            yield step.change("risk_removed", Values(before=key), both(Label(risk.th, risk.en), same("")))
    for key, risk in new.items():
        if key not in old:
            yield step.change("risk_added", Values(after=key), both(same(""), Label(risk.th, risk.en)))
        elif old[key] != risk:
            was, now = _risk_assessment(old[key]), _risk_assessment(risk)
            yield step.change("risk_changed", Values(was.en, now.en),
                              {"risk_th": risk.th or risk.en, "risk_en": risk.en or risk.th, **both(was, now)})


_DIRECTIONS = {"in": Label("เอกสารนำเข้า", "Input document"), "out": Label("เอกสารที่ได้", "Output document")}


def _document_change(step: _StepPair, kind: ChangeKind, document: Document) -> Change:
    direction = _DIRECTIONS.get(document.direction, Label("เอกสาร", "Document"))
    values = Values(after=document.th or document.en) if kind == "document_added" \
        else Values(before=document.th or document.en)
    return step.change(kind, values, {"direction_th": direction.th, "direction_en": direction.en,
                                      "document_th": document.th or document.en,
                                      "document_en": document.en or document.th})


def _documents(step: _StepPair) -> Iterator[Change]:
    old, new = step.old.meta.documents, step.new.meta.documents
    for document in old:
        if document not in new:
            yield _document_change(step, "document_removed", document)
    for document in new:
        if document not in old:
            yield _document_change(step, "document_added", document)


_STEP_COMPARERS: tuple[StepComparer, ...] = (
    _step_name, _step_lane, _step_kind, _step_assignment, _step_system, _duration, _deadline, _controls, _risks,
    _documents,
)

COMPARERS: tuple[Comparer, ...] = (_process_name, _starters, _segregation, _lanes, _steps_added_removed,
                                   _steps_changed)
