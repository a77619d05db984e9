"""What an approver reads when a process owner publishes version n+1: the changes between two
versions of meeting-setup (edited here as its owner would edit the BPMN and the forms), each with
its kind, its element and a Thai and an English sentence naming the step and the values."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from lxml import etree

from engine.errors import InvalidInput
from engine.model.deadline_text import RENDERED_KINDS, Names, deadline_text
from engine.model.definitions import NS
from engine.model.forms import FormDefinition, FormRegistry
from engine.model.process_diff import (
    CHANGE_KINDS,
    Change,
    ProcessDiff,
    VersionContent,
    diff_versions,
    version_content,
)
from engine.settings import PROJECT_ROOT
from engine.time.deadlines import RULE_KINDS

BPMN = PROJECT_ROOT / "processes" / "bpmn"
MEETING = (BPMN / "meeting-setup.bpmn").read_text(encoding="utf-8")
FORMS_YAML = (PROJECT_ROOT / "forms" / "meeting-setup.yaml").read_text(encoding="utf-8")
SEND_INVITATIONS = "ส่งหนังสือเชิญประชุมถึงหน่วยงาน/ กลุ่มเป้าหมาย"
CLERK = "เจ้าพนักงานธุรการ"


@pytest.fixture(scope="module")
def registry() -> FormRegistry:
    return FormRegistry.load(PROJECT_ROOT / "forms")


def _edit(text: str, *replacements: tuple[str, str]) -> str:
    """The text with each (old, new) replaced exactly once (a test edit that no longer applies fails)."""
    for old, new in replacements:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def _diff(registry: FormRegistry, new_text: str, new_forms: FormRegistry | None = None) -> ProcessDiff:
    return diff_versions(version_content(MEETING, registry, 1), version_content(new_text, new_forms or registry, 2))


def _kinds(diff: ProcessDiff) -> list[tuple[str, str]]:
    return [(c.kind, c.element_id) for c in diff.changes]


def _one(diff: ProcessDiff, kind: str) -> Change:
    [change] = [c for c in diff.changes if c.kind == kind]
    return change


# ---------------------------------------------------------------- steps, deadlines, controls

def test_a_deadline_moved_from_one_week_to_ten_days_before_the_meeting_reads_in_words(registry):
    rule = '{"type": "before_event", "amount": %s, "event": "meeting_date"}'
    diff = _diff(registry, _edit(MEETING, (rule % '1, "unit": "weeks"', rule % '10, "unit": "days"')))
    assert _kinds(diff) == [("deadline_changed", "send_invitations")]
    change = diff.changes[0]
    assert change.th == (f"เปลี่ยนกำหนดเวลาของขั้นตอน “{SEND_INVITATIONS}” จาก 1 สัปดาห์ก่อน วันประชุม "
                         "เป็น 10 วันก่อน วันประชุม")
    assert change.en == (f"Deadline of step “{SEND_INVITATIONS}” changed from 1 week before Meeting date to "
                         "10 days before Meeting date")
    assert json.loads(change.before)["unit"] == "weeks" and json.loads(change.after)["amount"] == 10
    assert diff.marks() == {"send_invitations": "changed"}


def test_a_note_on_a_deadline_is_not_a_change_of_when_the_step_is_due(registry):
    edited = _edit(MEETING, ('"roll": false, "corrected": "The meeting day',
                             '"roll": false, "corrected": "Reworded: the day'))
    assert _diff(registry, edited).is_empty


def test_a_control_point_added_names_the_step_and_its_text(registry):
    edited = _edit(MEETING, ('en="Sent by electronic mail."/>',
                             'en="Sent by electronic mail."/><krabuan:control id="cp3" th="แนบร่างวาระการประชุมทุกฉบับ" '
                             'en="The draft agenda is attached to every invitation."/>'))
    diff = _diff(registry, edited)
    assert _kinds(diff) == [("control_added", "send_invitations")]
    change = diff.changes[0]
    assert change.th == f"เพิ่มจุดควบคุมในขั้นตอน “{SEND_INVITATIONS}”: แนบร่างวาระการประชุมทุกฉบับ"
    assert change.en.endswith(": The draft agenda is attached to every invitation.")
    assert (change.before, change.after) == ("", "แนบร่างวาระการประชุมทุกฉบับ")


def test_a_control_point_reworded_and_one_dropped(registry):
    edited = _edit(MEETING, ('th="ส่งผ่านจดหมายอิเล็กทรอนิกส์" en="Sent by electronic mail."',
                             'th="ส่งผ่านจดหมายอิเล็กทรอนิกส์และระบบสารบรรณ" en="Sent by e-mail and the e-filing system."'),
                    ('<krabuan:control id="cp1" th="ผู้อำนวยการลงนามอนุมัติ" en="The director signs the approval."/>', ''))
    diff = _diff(registry, edited)
    assert _kinds(diff) == [("control_changed", "send_invitations"),
                            ("control_removed", "director_approves_disbursement")]
    assert diff.changes[0].th == (f"แก้ไขจุดควบคุมของขั้นตอน “{SEND_INVITATIONS}” จาก “ส่งผ่านจดหมายอิเล็กทรอนิกส์” "
                                  "เป็น “ส่งผ่านจดหมายอิเล็กทรอนิกส์และระบบสารบรรณ”")
    assert "ผู้อำนวยการลงนามอนุมัติ" in diff.changes[1].th and "ผู้อำนวยการพิจารณาลงนามอนุมัติเบิกจ่าย" in diff.changes[1].th


def test_a_text_changed_in_one_language_is_shown_in_both_sentences(registry):
    edited = _edit(MEETING, ('th="ส่งผ่านจดหมายอิเล็กทรอนิกส์"', 'th="ส่งทางอีเมล"'))
    change = _one(_diff(registry, edited), "control_changed")
    assert change.en == (f"Control point of step “{SEND_INVITATIONS}” changed from “ส่งผ่านจดหมายอิเล็กทรอนิกส์” "
                         "to “ส่งทางอีเมล”")


NEW_TASK = ('<bpmn:userTask id="confirm_attendance" name="ตรวจสอบรายชื่อผู้เข้าร่วม"><bpmn:extensionElements>'
            '<krabuan:step form="meeting-setup.confirm_attendance" kind="user" minutes="60"/></bpmn:extensionElements>'
            '</bpmn:userTask>\n    <bpmn:userTask id="prepare_day_before"')


def test_a_step_added_after_another_with_its_flows_rewired(registry):
    edited = _edit(MEETING,
                   ("<bpmn:flowNodeRef>prepare_day_before</bpmn:flowNodeRef>",
                    "<bpmn:flowNodeRef>confirm_attendance</bpmn:flowNodeRef><bpmn:flowNodeRef>prepare_day_before"
                    "</bpmn:flowNodeRef>"),
                   ('<bpmn:userTask id="prepare_day_before"', NEW_TASK),
                   ('sourceRef="send_invitations" targetRef="prepare_day_before"/>',
                    'sourceRef="send_invitations" targetRef="confirm_attendance"/>\n    <bpmn:sequenceFlow '
                    'id="flow_confirm_attendance_to_prepare_day_before" sourceRef="confirm_attendance" '
                    'targetRef="prepare_day_before"/>'))
    diff = _diff(registry, edited)
    assert _kinds(diff) == [("step_added", "confirm_attendance"),
                            ("flow_added", "flow_confirm_attendance_to_prepare_day_before"),
                            ("flow_rewired", "flow_send_invitations_to_prepare_day_before")]
    added, flow, rewired = diff.changes
    assert added.th == f"เพิ่มขั้นตอน “ตรวจสอบรายชื่อผู้เข้าร่วม” ในบทบาท {CLERK}"
    assert added.en == f"Step “ตรวจสอบรายชื่อผู้เข้าร่วม” added in lane {CLERK}"
    assert flow.th == ("เพิ่มเส้นทางจาก “ตรวจสอบรายชื่อผู้เข้าร่วม” ไป “ก่อนประชุม : จัดเตรียมเอกสาร/อุปกรณ์ ในการประชุม "
                       "และติดต่อสั่งอาหารว่างและเครื่องดื่ม/อาหารกลางวัน”")
    assert (rewired.before, rewired.after) == ("send_invitations -> prepare_day_before",
                                               "send_invitations -> confirm_attendance")
    assert rewired.th.startswith(f"เปลี่ยนเส้นทางจาก “{SEND_INVITATIONS}” ไป “ก่อนประชุม")
    assert rewired.th.endswith(f"เป็นจาก “{SEND_INVITATIONS}” ไป “ตรวจสอบรายชื่อผู้เข้าร่วม”")
    assert diff.marks() == {"confirm_attendance": "added", "flow_confirm_attendance_to_prepare_day_before": "added",
                            "flow_send_invitations_to_prepare_day_before": "changed"}


def test_a_step_removed_with_its_flow_and_the_flow_before_it_rewired(registry):
    task = MEETING[MEETING.index('<bpmn:userTask id="check_meeting_readiness"'):]
    task = task[:task.index("</bpmn:userTask>") + len("</bpmn:userTask>")]
    edited = _edit(MEETING, (task, ""), ("<bpmn:flowNodeRef>check_meeting_readiness</bpmn:flowNodeRef>", ""),
                   ('<bpmn:sequenceFlow id="flow_check_meeting_readiness_to_meeting_day" '
                    'sourceRef="check_meeting_readiness" targetRef="meeting_day"/>', ""),
                   ('sourceRef="prepare_day_before" targetRef="check_meeting_readiness"',
                    'sourceRef="prepare_day_before" targetRef="meeting_day"'))
    diff = _diff(registry, edited)
    assert _kinds(diff) == [("step_removed", "check_meeting_readiness"),
                            ("flow_removed", "flow_check_meeting_readiness_to_meeting_day"),
                            ("flow_rewired", "flow_prepare_day_before_to_check_meeting_readiness")]
    assert diff.changes[0].th == f"ลบขั้นตอน “ตรวจสอบความพร้อมก่อนเริ่มประชุม 30 นาที” ในบทบาท {CLERK}"
    assert diff.changes[1].th == "ลบเส้นทางจาก “ตรวจสอบความพร้อมก่อนเริ่มประชุม 30 นาที” ไป “วันประชุม”"
    assert diff.marks()["check_meeting_readiness"] == "removed"


def test_a_step_renamed_and_a_step_moved_to_another_lane(registry):
    edited = _edit(MEETING,
                   ('name="เก็บเอกสารสำคัญเบิกจ่ายเข้าแฟ้ม"', 'name="จัดเก็บเอกสารเบิกจ่ายเข้าแฟ้มตามปีงบประมาณ"'),
                   ("<bpmn:flowNodeRef>send_to_finance</bpmn:flowNodeRef>\n", ""),
                   ("<bpmn:flowNodeRef>budget_keeper_records_disbursement</bpmn:flowNodeRef>",
                    "<bpmn:flowNodeRef>budget_keeper_records_disbursement</bpmn:flowNodeRef>"
                    "<bpmn:flowNodeRef>send_to_finance</bpmn:flowNodeRef>"))
    diff = _diff(registry, edited)
    assert _kinds(diff) == [("step_lane_changed", "send_to_finance"), ("step_renamed", "file_disbursement_documents")]
    moved, renamed = diff.changes
    assert moved.th == f"ย้ายขั้นตอน “นำเอกสารเบิกจ่ายส่งคลัง” จากบทบาท {CLERK} ไปบทบาท ผู้ดูแลงบประมาณ"
    assert moved.en == f"Step “นำเอกสารเบิกจ่ายส่งคลัง” moved from lane {CLERK} to lane ผู้ดูแลงบประมาณ"
    assert renamed.th == "เปลี่ยนชื่อขั้นตอน “เก็บเอกสารสำคัญเบิกจ่ายเข้าแฟ้ม” เป็น “จัดเก็บเอกสารเบิกจ่ายเข้าแฟ้มตามปีงบประมาณ”"
    assert (renamed.before, renamed.after) == ("เก็บเอกสารสำคัญเบิกจ่ายเข้าแฟ้ม", "จัดเก็บเอกสารเบิกจ่ายเข้าแฟ้มตามปีงบประมาณ")


def test_duration_kind_and_form_of_a_step(registry):
    edited = _edit(MEETING, ('form="meeting-setup.file_disbursement_documents" kind="archive" minutes="20"',
                             'form="meeting-setup.send_to_finance" kind="signature" workingDays="2"'))
    diff = _diff(registry, edited)
    assert _kinds(diff) == [("step_kind_changed", "file_disbursement_documents"),
                            ("duration_changed", "file_disbursement_documents"),
                            ("form_changed", "file_disbursement_documents")]
    kind, duration, form = diff.changes
    assert kind.th == "เปลี่ยนประเภทของขั้นตอน “เก็บเอกสารสำคัญเบิกจ่ายเข้าแฟ้ม” จาก การเก็บเอกสาร เป็น การลงนาม"
    assert duration.th == "เปลี่ยนระยะเวลามาตรฐานของขั้นตอน “เก็บเอกสารสำคัญเบิกจ่ายเข้าแฟ้ม” จาก 20 นาที เป็น 2 วันทำการ"
    assert duration.en.endswith("from 20 minutes to 2 working days")
    assert (form.before, form.after) == ("meeting-setup.file_disbursement_documents", "meeting-setup.send_to_finance")
    assert form.th.endswith(f"เป็น “{registry.get('meeting-setup.send_to_finance').title.th}”")


# ---------------------------------------------------------------- lanes, flows, gateways, timers

def test_a_lane_renamed_and_a_condition_and_a_default_path_changed(registry):
    edited = _edit(MEETING, ('<bpmn:lane id="budget_keeper" name="ผู้ดูแลงบประมาณ">',
                             '<bpmn:lane id="budget_keeper" name="เจ้าหน้าที่ดูแลงบประมาณ">'),
                   ("<bpmn:conditionExpression>room_available == 'no'</bpmn:conditionExpression>",
                    "<bpmn:conditionExpression>room_available != 'yes'</bpmn:conditionExpression>"),
                   ('default="flow_gateway_room_available_to_draft_meeting_documents"', ""))
    diff = _diff(registry, edited)
    assert _kinds(diff) == [("lane_renamed", "budget_keeper"), ("gateway_default_changed", "gateway_room_available"),
                            ("flow_condition_changed", "flow_gateway_room_available_to_agree_new_date")]
    lane, default, condition = diff.changes
    assert lane.th == "เปลี่ยนชื่อบทบาท ผู้ดูแลงบประมาณ เป็น เจ้าหน้าที่ดูแลงบประมาณ"
    assert default.th == ("เปลี่ยนทางเลือกปกติของจุดตัดสินใจ “ได้วันและห้องประชุมที่ต้องการ?” จาก ทางไป "
                          "“จัดทำเอกสารขออนุมัติจัดประชุม/หนังสือเชิญประชุม/ร่างวาระการประชุม” เป็น ไม่มี")
    assert condition.th == ("เปลี่ยนเงื่อนไขของเส้นทางจาก “ได้วันและห้องประชุมที่ต้องการ?” ไป “ตกลงวันหรือห้องประชุมใหม่” "
                            "จาก “room_available == 'no'” เป็น “room_available != 'yes'”")
    assert (condition.before, condition.after) == ("room_available == 'no'", "room_available != 'yes'")


def test_a_timer_definition_changed_and_an_event_renamed():
    text = (BPMN / "advance-loan.bpmn").read_text(encoding="utf-8")
    forms = FormRegistry.load(PROJECT_ROOT / "forms")
    edited = _edit(text, ('at(return_date, "08:30") if', 'at(return_date, "09:00") if'),
                   ('name="รอจนเสร็จสิ้นกิจกรรม/เดินทางกลับ"', 'name="รอจนกิจกรรมหรือการเดินทางเสร็จสิ้น"'))
    diff = diff_versions(version_content(text, forms, 3), version_content(edited, forms, 4))
    assert (diff.from_version, diff.to_version) == (3, 4)
    assert _kinds(diff) == [("event_renamed", "wait_for_activity_end"), ("timer_changed", "wait_for_activity_end")]
    timer = diff.changes[1]
    assert timer.th.startswith("เปลี่ยนเวลาของตัวจับเวลา “รอจนกิจกรรมหรือการเดินทางเสร็จสิ้น” "
                               'จาก วันเวลา at(return_date, "08:30")')
    assert '"09:00"' in timer.after and '"08:30"' in timer.before
    assert diff.marks() == {"wait_for_activity_end": "changed"}


def test_the_process_its_starters_rules_lanes_documents_risks_systems_gateways_and_flow_labels(registry):
    edited = _edit(MEETING,
                   ('<bpmn:process id="meeting-setup" name="กระบวนการจัดประชุม"',
                    '<bpmn:process id="meeting-setup" name="กระบวนการจัดประชุมและเบิกจ่าย"'),
                   ('<krabuan:process starters="clerk"/>',
                    '<krabuan:process starters="clerk matter_owner"/><krabuan:segregation id="drafter_not_signer" '
                    'who="step:draft_meeting_documents" not="step:director_signs_meeting_documents" '
                    'th="ผู้จัดทำเอกสารไม่ลงนามเอง" en="Who drafts does not sign"/>'),
                   ('<bpmn:lane id="budget_keeper" name="ผู้ดูแลงบประมาณ">',
                    '<bpmn:lane id="budget_keeper" name="ผู้ดูแลงบประมาณ"><bpmn:extensionElements>'
                    '<krabuan:lane groups="budget_keeper finance_group"/></bpmn:extensionElements>'),
                   ('<krabuan:document direction="out" th="ใบเซ็นชื่อผู้เข้าร่วมประชุม" en="Attendance sign-in sheet"/>',
                    '<krabuan:document direction="out" th="ใบลงทะเบียนผู้เข้าร่วมประชุม" en="Attendance register"/>'
                    '<krabuan:risk th="อาหารไม่พอ" en="Not enough food" likelihood="2" impact="3" score="6" '
                    'level="ปานกลาง" levelEn="medium"/>'),
                   ('minutes="20" system="smart"><krabuan:deadline>{"type": "after_event", "amount": 2',
                    'minutes="20" system="gfmis"><krabuan:deadline>{"type": "after_event", "amount": 2'),
                   ('<bpmn:exclusiveGateway id="gateway_room_available"',
                    '<bpmn:inclusiveGateway id="gateway_room_available"'),
                   ('name="จองได้" sourceRef', 'name="ว่าง จองแล้ว" sourceRef'))
    diff = _diff(registry, edited)
    assert _kinds(diff) == [
        ("process_renamed", ""), ("starters_changed", ""), ("segregation_added", ""),
        ("lane_groups_changed", "budget_keeper"), ("risk_added", "prepare_day_before"),
        ("document_removed", "prepare_day_before"), ("document_added", "prepare_day_before"),
        ("step_system_changed", "send_to_finance"), ("node_type_changed", "gateway_room_available"),
        ("flow_renamed", "flow_gateway_room_available_to_draft_meeting_documents")]
    said = {c.kind: c for c in diff.changes}
    assert said["starters_changed"].th == "เปลี่ยนผู้มีสิทธิ์เริ่มเรื่องจาก clerk เป็น clerk, matter_owner"
    assert said["segregation_added"].th.startswith("เพิ่มกฎแบ่งแยกหน้าที่: “ผู้จัดทำเอกสารไม่ลงนามเอง”")
    assert said["lane_groups_changed"].th == ("เปลี่ยนกลุ่มผู้ปฏิบัติของบทบาท ผู้ดูแลงบประมาณ จาก budget_keeper เป็น "
                                              "budget_keeper, finance_group")
    assert said["risk_added"].en.endswith(": Not enough food")
    assert said["document_added"].th.startswith("เพิ่มเอกสารที่ได้ “ใบลงทะเบียนผู้เข้าร่วมประชุม” ในขั้นตอน “ก่อนประชุม")
    assert said["step_system_changed"].th == "เปลี่ยนระบบที่ใช้ในขั้นตอน “นำเอกสารเบิกจ่ายส่งคลัง” จาก smart เป็น gfmis"
    assert said["node_type_changed"].th == ("เปลี่ยนชนิดของ “ได้วันและห้องประชุมที่ต้องการ?” จาก จุดตัดสินใจ เป็น "
                                            "จุดตัดสินใจแบบหลายทาง")
    assert (said["flow_renamed"].before, said["flow_renamed"].after) == ("จองได้", "ว่าง จองแล้ว")
    assert "" not in diff.marks() and diff.marks()["prepare_day_before"] == "changed"


_HEAD = ('<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
         'xmlns:krabuan="urn:krabuan:bpmn:1" id="D" targetNamespace="urn:t">')


def _small(body: str) -> str:
    return f"""{_HEAD}
  <bpmn:process id="letters" name="หนังสือ" isExecutable="true">
    <bpmn:laneSet id="ls"><bpmn:lane id="clerk" name="ธุรการ"><bpmn:flowNodeRef>draft</bpmn:flowNodeRef></bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="start" name="รับเรื่อง"/>
    <bpmn:userTask id="draft" name="ร่างหนังสือ"><bpmn:extensionElements><krabuan:step form="f.draft" minutes="5"/>
      </bpmn:extensionElements></bpmn:userTask>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="draft"/>
    {body}
  </bpmn:process>
  <bpmn:process id="archive" isExecutable="true"><bpmn:startEvent id="a0"/><bpmn:endEvent id="a1"/>
    <bpmn:sequenceFlow id="af" sourceRef="a0" targetRef="a1"/></bpmn:process>
  <bpmn:process id="shelve" isExecutable="true"><bpmn:startEvent id="s0"/><bpmn:endEvent id="s1"/>
    <bpmn:sequenceFlow id="sf" sourceRef="s0" targetRef="s1"/></bpmn:process>
</bpmn:definitions>
"""


def test_gateways_events_and_call_activities_added_removed_and_changed():
    old = _small('<bpmn:callActivity id="file_it" name="เก็บเข้าแฟ้ม" calledElement="archive"/>'
                 '<bpmn:endEvent id="done" name="เสร็จ"/>'
                 '<bpmn:sequenceFlow id="f2" sourceRef="draft" targetRef="file_it"/>'
                 '<bpmn:sequenceFlow id="f3" sourceRef="file_it" targetRef="done"/>')
    new = _small('<bpmn:callActivity id="file_it" name="เก็บเข้าแฟ้ม" calledElement="shelve"/>'
                 '<bpmn:parallelGateway id="split" name="แยกงาน"/>'
                 '<bpmn:endEvent id="finished" name="จบเรื่อง"/>'
                 '<bpmn:sequenceFlow id="f2" sourceRef="draft" targetRef="split"/>'
                 '<bpmn:sequenceFlow id="f4" sourceRef="split" targetRef="file_it"/>'
                 '<bpmn:sequenceFlow id="f3" sourceRef="file_it" targetRef="finished"/>')
    diff = diff_versions(version_content(old, {}, 1, "letters"), version_content(new, {}, 2, "letters"))
    assert _kinds(diff) == [("gateway_added", "split"), ("event_added", "finished"), ("event_removed", "done"),
                            ("call_changed", "file_it"), ("flow_added", "f4"), ("flow_rewired", "f2"),
                            ("flow_rewired", "f3")]
    said = {c.element_id: c for c in diff.changes}
    assert said["split"].th == "เพิ่มจุดแยกงานคู่ขนาน “แยกงาน”" and said["split"].en == "Parallel gateway “แยกงาน” added"
    assert said["done"].th == "ลบเหตุการณ์สิ้นสุด “เสร็จ”"
    assert said["file_it"].en == "Call activity “เก็บเข้าแฟ้ม” now calls shelve instead of archive"
    assert said["f3"].th == "เปลี่ยนเส้นทางจาก “เก็บเข้าแฟ้ม” ไป “เสร็จ” เป็นจาก “เก็บเข้าแฟ้ม” ไป “จบเรื่อง”"
    assert diff.marks() == {"split": "added", "finished": "added", "done": "removed", "file_it": "changed",
                            "f4": "added", "f2": "changed", "f3": "changed"}


# ---------------------------------------------------------------- forms

def test_form_fields_relabelled_added_and_made_required(registry, tmp_path: Path):
    yaml = _edit(FORMS_YAML,
                 ("label: {th: เลขที่หนังสือเชิญประชุม, en: Invitation letter number}",
                  "label: {th: เลขที่หนังสือเชิญประชุม (ที่ สธ), en: Invitation letter number (outgoing)}"),
                 ("        label: {th: จำนวนหน่วยงาน/ผู้ได้รับเชิญ, en: Number of units / persons invited}\n",
                  "        label: {th: จำนวนหน่วยงาน/ผู้ได้รับเชิญ, en: Number of units / persons invited}\n"
                  "      - name: agenda_attached\n        type: checkbox\n        required: true\n"
                  "        label: {th: แนบร่างวาระการประชุมแล้ว, en: Draft agenda attached}\n"),
                 ("      - name: matter_owner_contact\n        type: text\n",
                  "      - name: matter_owner_contact\n        type: text\n        required: true\n"))
    (tmp_path / "meeting-setup.yaml").write_text(yaml, encoding="utf-8")
    diff = _diff(registry, MEETING, FormRegistry.load(tmp_path))
    assert _kinds(diff) == [("field_changed", "receive_assignment"), ("field_added", "send_invitations"),
                            ("field_changed", "send_invitations"), ("field_changed", "send_invitations")]
    required, added, label_th, label_en = diff.changes
    assert required.th == ("แก้ไขช่อง “ผู้เกี่ยวข้องหรือเจ้าของงาน” ในแบบฟอร์มของขั้นตอน "
                           "“ได้รับมอบหมายให้ดำเนินการจัดการประชุม”: การบังคับกรอก จาก ไม่บังคับ เป็น บังคับกรอก")
    assert (required.before, required.after) == ("false", "true")
    assert added.th == f"เพิ่มช่อง “แนบร่างวาระการประชุมแล้ว” (บังคับกรอก) ในแบบฟอร์มของขั้นตอน “{SEND_INVITATIONS}”"
    assert added.en == f"Field “Draft agenda attached” (required) added to the form of step “{SEND_INVITATIONS}”"
    assert label_th.th == (f"แก้ไขช่อง “เลขที่หนังสือเชิญประชุม” ในแบบฟอร์มของขั้นตอน “{SEND_INVITATIONS}”: ชื่อช่อง "
                           "จาก “เลขที่หนังสือเชิญประชุม” เป็น “เลขที่หนังสือเชิญประชุม (ที่ สธ)”")
    assert (label_en.before, label_en.after) == ("Invitation letter number", "Invitation letter number (outgoing)")
    assert diff.marks() == {"receive_assignment": "changed", "send_invitations": "changed"}


def test_a_field_and_the_form_rule_that_read_it_removed(registry, tmp_path: Path):
    start = FORMS_YAML.index("      - name: short_notice_reason")
    end = FORMS_YAML.index("  - key: meeting-setup.agree_new_date")
    (tmp_path / "meeting-setup.yaml").write_text(FORMS_YAML[:start] + FORMS_YAML[end:], encoding="utf-8")
    diff = _diff(registry, MEETING, FormRegistry.load(tmp_path))
    assert _kinds(diff) == [("field_removed", "fix_date_and_book_room"),
                            ("form_rule_removed", "fix_date_and_book_room")]
    field, rule = diff.changes
    assert field.th.startswith("ลบช่อง “เหตุผลที่ต้องประชุมกระชั้นชิด (น้อยกว่า ๗ วัน)” ออกจากแบบฟอร์มของขั้นตอน “กำหนดวันประชุม")
    assert rule.before.startswith("room_available != 'yes'") and rule.th.startswith("ยกเลิกเงื่อนไขตรวจสอบ")


def test_every_kind_of_change_has_its_sentences():
    from engine.model import process_diff_forms, process_diff_graph, process_diff_steps

    said = {*process_diff_steps._TEMPLATES, *process_diff_forms._TEMPLATES, *process_diff_graph._TEMPLATES,
            *process_diff_graph._NODE_TEMPLATE}
    assert set(CHANGE_KINDS) <= said


def test_a_deadline_anchor_reads_as_the_field_label_of_its_own_version(registry, tmp_path: Path):
    """The new label of the anchor's field is used for the new rule; a relabelled anchor alone is a
    field change, not a deadline change."""
    yaml = _edit(FORMS_YAML, ("label: {th: วันประชุม, en: Meeting date}",
                              "label: {th: วันที่ประชุม, en: Date of the meeting}"))
    (tmp_path / "meeting-setup.yaml").write_text(yaml, encoding="utf-8")
    forms = FormRegistry.load(tmp_path)
    relabelled = _diff(registry, MEETING, forms)
    assert [c.kind for c in relabelled.changes] == ["field_changed", "field_changed"]
    edited = _edit(MEETING, ('"amount": 2, "unit": "weeks", "event": "meeting_date"}</krabuan:deadline><krabuan:c',
                             '"amount": 10, "unit": "working_days", "event": "meeting_date"}</krabuan:deadline>'
                             '<krabuan:c'))
    deadline = _one(_diff(registry, edited, forms), "deadline_changed")
    assert deadline.element_id == "send_to_finance"
    assert deadline.th.endswith("จาก 2 สัปดาห์หลัง วันประชุม เป็น 10 วันทำการหลัง วันที่ประชุม")
    assert deadline.en.endswith("from 2 weeks after Meeting date to 10 working days after Date of the meeting")


# ---------------------------------------------------------------- no change, storage

def test_a_version_compared_with_itself_has_no_change(registry):
    content = version_content(MEETING, registry, 1)
    diff = diff_versions(content, content)
    assert diff.is_empty and diff.marks() == {} and diff.to_json()["changes"] == []


def test_every_deployed_process_compared_with_itself_has_no_change(registry):
    compared = 0
    for path in sorted(BPMN.glob("*.bpmn")):
        text = path.read_text(encoding="utf-8")
        for process in etree.fromstring(text.encode("utf-8")).iterfind("bpmn:process", NS):
            old = version_content(text, registry, 1, process.get("id"))
            new = version_content(text, registry, 2, process.get("id"))
            assert isinstance(new, VersionContent) and new.model.steps
            diff = diff_versions(old, new)
            assert diff.is_empty, (path.name, [c.en for c in diff.changes])
            compared += 1
    assert compared >= 28


def test_the_diff_is_stored_as_json_and_read_back(registry):
    edited = _edit(MEETING, ('name="เก็บเอกสารสำคัญเบิกจ่ายเข้าแฟ้ม"', 'name="จัดเก็บเอกสารเบิกจ่าย"'),
                   ('<bpmn:lane id="caterer" name="ร้านอาหาร">', '<bpmn:lane id="caterer" name="ร้านอาหาร (ผู้รับจ้าง)">'))
    diff = _diff(registry, edited)
    assert len(diff.changes) == 2
    stored = json.dumps(diff.to_json(), ensure_ascii=False)
    assert ProcessDiff.from_json(stored) == diff
    assert ProcessDiff.from_json(json.loads(stored)) == diff
    assert json.loads(stored)["marks"] == {"file_disbursement_documents": "changed", "caterer": "changed"}
    assert {c.kind for c in diff.changes} <= set(CHANGE_KINDS)


@pytest.mark.parametrize("stored", ['{"process_id": "p", "from_version": 1}', "[]", "not json",
                                    '{"process_id": "p", "from_version": 1, "to_version": 2, "changes": '
                                    '[{"kind": "step_exploded", "element_id": "", "before": "", "after": "", '
                                    '"th": "", "en": ""}]}'])
def test_a_malformed_stored_diff_is_refused(stored):
    with pytest.raises(InvalidInput):
        ProcessDiff.from_json(stored)


# ---------------------------------------------------------------- deadline rules in words

def test_every_kind_of_deadline_rule_reads_in_words():
    assert set(RENDERED_KINDS) == set(RULE_KINDS)


@pytest.mark.parametrize(("rule", "th", "en"), [
    ({"type": "relative", "amount": 3, "unit": "working_days"}, "3 วันทำการ นับจากวันที่ได้รับงาน",
     "3 working days from when the step arrives"),
    ({"type": "relative", "amount": 1, "unit": "working_days", "anchor": "step:draft.completed"},
     "1 วันทำการ นับจาก ขั้นตอน “ร่างคำสั่ง” เสร็จ", "1 working day from the completion of step “ร่างคำสั่ง”"),
    ({"type": "after_event", "amount": 0, "unit": "days", "event": "meeting_date", "roll": False},
     "ภายใน วันประชุม (ไม่เลื่อนไปวันทำการถัดไป)", "by Meeting date (not moved to the next working day)"),
    ({"type": "relative_by_case", "by": "purpose", "anchor": "received",
      "cases": [{"when": "travel", "amount": 15, "unit": "days", "anchor": "returned"}]},
     "ตามกรณีของ วัตถุประสงค์: เดินทางไปราชการ: 15 วัน นับจาก returned",
     "by case of Purpose: Official travel: 15 days from returned"),
    ({"type": "annual_date", "month": 9, "day": 15}, "วันที่ 15 กันยายน ของทุกปี", "September 15 each year"),
    ({"type": "month_window", "from_month": 9, "to_month": 10}, "ภายในสิ้นเดือนตุลาคม (ช่วงเดือนกันยายน–ตุลาคม)",
     "by the end of October (window September–October)"),
    ({"type": "all_of", "rules": [{"type": "fiscal_year_end_offset", "amount": 40, "unit": "days"},
                                  {"type": "monthly_day", "day": 10, "relative_to": "next_month"}]},
     "วันที่ถึงก่อนระหว่าง 40 วันหลังสิ้นปีงบประมาณ; วันที่ 10 ของเดือนถัดไป",
     "the earliest of 40 days after the end of the fiscal year; day 10 of the next month"),
    (None, "ไม่มีกำหนดเวลา", "no deadline"),
])
def test_deadline_rules_in_thai_and_english(rule, th, en):
    from engine.model.forms import Label

    names = Names(labels={"meeting_date": Label("วันประชุม", "Meeting date"), "purpose": Label("วัตถุประสงค์", "Purpose")},
                  steps={"draft": "ร่างคำสั่ง"}, choices={"travel": Label("เดินทางไปราชการ", "Official travel")})
    text = deadline_text(rule, names)
    assert (text.th, text.en) == (th, en)


def test_forms_may_be_given_as_a_mapping(registry):
    forms: dict[str, FormDefinition] = {k: f for k in registry.keys() if (f := registry.get(k)) is not None}
    content = version_content(MEETING.encode("utf-8"), forms, 7)
    assert content.process_id == "meeting-setup" and "meeting-setup.send_invitations" in content.forms
    assert set(content.forms) == set(content.model.form_keys())
