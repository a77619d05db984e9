"""Changes to the forms a version's steps use (engine.model.process_diff).

The form an element (a step, the start event) uses; for the same form in both versions, its
fields by name (added, removed, and each aspect of a field: labels, type, required, options,
limits, help, group; ``_FIELD_ASPECTS``) and its cross-field rules. Said on the element that uses
the form, once per element.
"""
from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal

from .deadline_text import number
from .forms import FieldDefinition, FormDefinition, Label
from .process_diff_changes import Change, ChangeKind, Values, both, same, sentence
from .process_diff_versions import Comparer, Pair

_TEMPLATES: dict[str, tuple[str, str]] = {
    "form_changed": ("เปลี่ยนแบบฟอร์มของขั้นตอน “{step}” จาก {old_th} เป็น {new_th}",
                     "Form of step “{step}” changed from {old_en} to {new_en}"),
    "field_added": ("เพิ่มช่อง “{field_th}”{required_th} ในแบบฟอร์มของขั้นตอน “{step}”",
                    "Field “{field_en}”{required_en} added to the form of step “{step}”"),
    "field_removed": ("ลบช่อง “{field_th}” ออกจากแบบฟอร์มของขั้นตอน “{step}”",
                      "Field “{field_en}” removed from the form of step “{step}”"),
    "field_changed": ("แก้ไขช่อง “{field_th}” ในแบบฟอร์มของขั้นตอน “{step}”: {aspect_th} จาก {old_th} เป็น {new_th}",
                      "Field “{field_en}” of the form of step “{step}”: {aspect_en} changed from {old_en} to {new_en}"),
    "form_rule_added": ("เพิ่มเงื่อนไขตรวจสอบในแบบฟอร์มของขั้นตอน “{step}”: {new_th}",
                        "Check added to the form of step “{step}”: {new_en}"),
    "form_rule_removed": ("ยกเลิกเงื่อนไขตรวจสอบในแบบฟอร์มของขั้นตอน “{step}”: {old_th}",
                          "Check removed from the form of step “{step}”: {old_en}"),
}


def _change(kind: ChangeKind, element_id: str, values: Values, words: Mapping[str, str]) -> Change:
    return sentence(kind, element_id, values, _TEMPLATES[kind], words)


@dataclass(frozen=True)
class _FormPair:
    """The form one element (a step, the start event) uses, in both versions."""

    element_id: str
    old: FormDefinition
    new: FormDefinition
    step: str

    def change(self, kind: ChangeKind, values: Values, words: Mapping[str, str]) -> Change:
        return _change(kind, self.element_id, values, {"step": self.step, **words})


def _forms(pair: Pair) -> Iterator[Change]:
    old, new = pair.old, pair.new
    for element_id, key in new.form_users.items():
        if element_id not in old.form_users:
            continue  # a new step (said as such), or a start event given its first form (below)
        old_key = old.form_users[element_id]
        if old_key != key:
            yield _change("form_changed", element_id, Values(old_key, key),
                          {"step": new.name(element_id), **both(old.form_title(old_key), new.form_title(key))})
        elif key in old.content.forms and key in new.content.forms:
            forms = _FormPair(element_id, old.content.forms[key], new.content.forms[key], new.name(element_id))
            yield from _fields(forms)
            yield from _form_rules(forms)
    yield from _forms_given_or_taken(pair)


def _forms_given_or_taken(pair: Pair) -> Iterator[Change]:
    """An element of both versions (not a new or removed step) that gains or loses its form."""
    old, new = pair.old, pair.new
    changed = set(old.form_users) ^ set(new.form_users)
    for element_id in [i for i in new.nodes if i in changed and i in old.nodes]:
        old_key, key = old.form_users.get(element_id), new.form_users.get(element_id)
        yield _change("form_changed", element_id, Values(old_key or "", key or ""),
                      {"step": new.name(element_id), **both(old.form_title(old_key), new.form_title(key))})


def _required(f: FieldDefinition) -> dict[str, str]:
    return {"required_th": " (บังคับกรอก)" if f.required else "", "required_en": " (required)" if f.required else ""}


def _fields(form: _FormPair) -> Iterator[Change]:
    old = {f.name: f for f in form.old.fields}
    new = {f.name: f for f in form.new.fields}
    for name, f in new.items():
        if name not in old:
            yield form.change("field_added", Values(after=name),
                              {"field_th": f.label.th, "field_en": f.label.en, **_required(f)})
    for name, f in old.items():
        if name not in new:
            yield form.change("field_removed", Values(before=name), {"field_th": f.label.th, "field_en": f.label.en})
    for name, f in new.items():
        if name in old:
            for aspect in _FIELD_ASPECTS:
                yield from _field_aspect(form, (old[name], f), aspect)


@dataclass(frozen=True)
class _Aspect:
    """One thing about a field that may change: its words, its value as written, its value as read."""

    words: Label
    written: Callable[[FieldDefinition], str]
    read: Callable[[FieldDefinition], Label]


def _field_aspect(form: _FormPair, fields: tuple[FieldDefinition, FieldDefinition],
                  aspect: _Aspect) -> Iterator[Change]:
    old, new = fields
    if aspect.written(old) != aspect.written(new):
        yield form.change("field_changed", Values(aspect.written(old), aspect.written(new)),
                          {"field_th": old.label.th, "field_en": old.label.en, "aspect_th": aspect.words.th,
                           "aspect_en": aspect.words.en, **both(aspect.read(old), aspect.read(new))})


def _shown(text: str) -> Label:
    return same(f"“{text}”") if text else Label("ไม่มี", "none")


def _options(f: FieldDefinition) -> Label:
    return Label(", ".join(o.label.th or o.value for o in f.options) or "ไม่มี",
                 ", ".join(o.label.en or o.value for o in f.options) or "none")


def _bound(value: Decimal | None) -> str:
    return "" if value is None else number(int(value) if value == value.to_integral_value() else float(value))


_FIELD_ASPECTS: tuple[_Aspect, ...] = (
    _Aspect(Label("ชื่อช่อง", "label"), lambda f: f.label.th, lambda f: _shown(f.label.th)),
    _Aspect(Label("ชื่อช่องภาษาอังกฤษ", "English label"), lambda f: f.label.en, lambda f: _shown(f.label.en)),
    _Aspect(Label("ชนิดข้อมูล", "type"), lambda f: f.type, lambda f: same(f.type)),
    _Aspect(Label("การบังคับกรอก", "required"), lambda f: str(f.required).lower(),
            lambda f: Label("บังคับกรอก", "required") if f.required else Label("ไม่บังคับ", "optional")),
    _Aspect(Label("ตัวเลือก", "options"),
            lambda f: json.dumps([(o.value, o.label.th, o.label.en) for o in f.options], ensure_ascii=False), _options),
    _Aspect(Label("ค่าต่ำสุด", "minimum"), lambda f: _bound(f.min), lambda f: same(_bound(f.min) or "-")),
    _Aspect(Label("ค่าสูงสุด", "maximum"), lambda f: _bound(f.max), lambda f: same(_bound(f.max) or "-")),
    _Aspect(Label("ความยาวสูงสุด", "maximum length"), lambda f: number(f.max_length) if f.max_length else "",
            lambda f: same(number(f.max_length) if f.max_length else "-")),
    _Aspect(Label("รูปแบบ", "pattern"), lambda f: f.pattern or "", lambda f: _shown(f.pattern or "")),
    _Aspect(Label("คำอธิบาย", "help"), lambda f: json.dumps(f.help.to_json() if f.help else None, ensure_ascii=False),
            lambda f: Label(f"“{f.help.th}”", f"“{f.help.en}”") if f.help else Label("ไม่มี", "none")),
    _Aspect(Label("กลุ่มผู้ใช้ที่เลือกได้", "group to choose from"), lambda f: f.group or "",
            lambda f: same(f.group or "-")),
)


def _form_rules(form: _FormPair) -> Iterator[Change]:
    old = {json.dumps(r.to_json(), ensure_ascii=False, sort_keys=True): r for r in form.old.rules}
    new = {json.dumps(r.to_json(), ensure_ascii=False, sort_keys=True): r for r in form.new.rules}
    for key, rule in old.items():
        if key not in new:
            yield form.change("form_rule_removed", Values(before=rule.check),
                              both(Label(rule.message.th, rule.message.en), same("")))
    for key, rule in new.items():
        if key not in old:
            yield form.change("form_rule_added", Values(after=rule.check),
                              both(same(""), Label(rule.message.th, rule.message.en)))


COMPARERS: tuple[Comparer, ...] = (_forms,)
