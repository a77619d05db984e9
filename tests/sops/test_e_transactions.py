"""e-transactions: every path, as the users of the right lanes."""
from __future__ import annotations

ORDER = {"appointment_order_number": "สบส. 456/2565", "appointment_date": "2026-10-07"}
MANAGE = {"agreed_process": "ขั้นตอนการขับเคลื่อน 5 ขั้น", "development_actions": "พัฒนาระบบนัดหมายออนไลน์"}
ON_TRACK = {"units_followed_up": "ทุกหน่วยงาน", "units_status": "on_track"}
OFF_TRACK = {"units_followed_up": "กองสุขศึกษา ยังไม่เปิดบริการ", "units_status": "corrections_needed",
             "units_to_improve": "กองสุขศึกษา"}
REPORT = {"results_summary": "บริการดิจิทัลเปิดใช้ครบ", "service_usage_count": 15230, "usage_report": "usage-2565.pdf"}


def _start(c, members):
    c.do("form_working_group", "innovation_staff1", {**ORDER, "working_group_members": members},
         outsider="working_group1")
    tasks = [t for t in c.k.tasks.of_case(c.id) if t.element_id == "define_process_and_direction"]
    assert sorted(t.reserved_for for t in tasks) == sorted(members)
    for member in members:
        c.do("define_process_and_direction", member, {"member_proposal": f"ข้อเสนอของ {member}"})
    c.do("manage_development", "working_group1", MANAGE, outsider="dhss_units1")


def test_happy_path_all_units_on_track(case):
    """Working group of several members; every unit on track at the first follow-up."""
    c = case("e-transactions", "innovation_staff1")
    _start(c, ["working_group1", "working_group2"])
    c.do("monitor_units", "working_group2", ON_TRACK, outsider="innovation_staff2")
    c.do("summarise_and_report", "working_group1", REPORT, outsider="dhss_units2")
    assert c.done == ["form_working_group", "define_process_and_direction", "define_process_and_direction",
                      "manage_development", "monitor_units", "summarise_and_report"]
    assert c.status == "completed"
    assert c.data["member_proposals"] == ["ข้อเสนอของ working_group1", "ข้อเสนอของ working_group2"]
    assert c.data["usage_report"] == "usage-2565.pdf"


def test_working_group_of_one_member(case):
    """Working group of a single member; every unit on track."""
    c = case("e-transactions", "innovation_staff2")
    _start(c, ["working_group2"])
    c.do("monitor_units", "working_group2", ON_TRACK)
    c.do("summarise_and_report", "working_group2", REPORT)
    assert c.done == ["form_working_group", "define_process_and_direction", "manage_development",
                      "monitor_units", "summarise_and_report"]
    assert c.status == "completed"
    assert c.data["member_proposals"] == ["ข้อเสนอของ working_group2"]


def test_units_off_track_improve_twice(case):
    """A unit is off track at two follow-ups (inferred improvement loop taken twice), then on track."""
    c = case("e-transactions", "innovation_staff1")
    _start(c, ["working_group1"])
    for _ in range(2):
        c.do("monitor_units", "working_group1", OFF_TRACK)
        assert c.open() == ["improve_unit_services"]
        c.do("improve_unit_services", "dhss_units1", {"improvement_actions": "เปิดบริการออนไลน์แล้ว"},
             outsider="working_group2")
    c.do("monitor_units", "working_group2", ON_TRACK)
    c.do("summarise_and_report", "working_group1", REPORT)
    assert c.done == ["form_working_group", "define_process_and_direction", "manage_development",
                      "monitor_units", "improve_unit_services", "monitor_units", "improve_unit_services",
                      "monitor_units", "summarise_and_report"]
    assert c.status == "completed"
    assert c.data["units_status"] == "on_track"
    assert c.data["improvement_actions"] == "เปิดบริการออนไลน์แล้ว"
