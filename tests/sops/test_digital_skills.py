"""digital-skills: every path, as the users of the right lanes.

The IT staff state their own development needs before the consultation meeting, and each trainee
assesses their own skills before the follow-up (issue 11, section 4)."""
from __future__ import annotations

import pytest

from engine.errors import Forbidden, InvalidInput

ORDER = {"appointment_order_number": "สบส. 123/2565", "appointment_date": "2026-10-05"}
STAFF = ["it_staff1", "it_staff2"]
TRAINEES = ["trainees1", "trainees2"]
CLASSIFY = {"staff_groups": "กลุ่มพื้นฐาน, กลุ่มผู้ใช้งานขั้นสูง, กลุ่มนักพัฒนา", "staff_assessed": 48,
            "staff_consulted": STAFF}
CURRICULA = {"development_approach": "พัฒนาตามสายงานอาชีพ", "curricula": "หลักสูตรพื้นฐาน; หลักสูตรนักพัฒนา"}
CHANNELS = {"learning_channels": ["training", "digital_learning"], "learning_sources": "ห้องอบรม, ระบบ e-Learning",
            "trainees_enrolled": TRAINEES}
FOLLOW_UP = {"trainees_evaluated": 40, "evaluation_findings": "ร้อยละ 85 ผ่านเกณฑ์"}
STATED = ["staff_state_development_needs"] * 2
ASSESSED = ["trainees_self_assessment"] * 2
SUMMARY = {"results_summary": "บุคลากรมีทักษะดิจิทัลเพิ่มขึ้น"}


def each_person(c, element_id: str, answers: dict[str, dict], clerk: str) -> None:
    """Every person named acts in their own task; the working group's member cannot act for them."""
    tasks = [t for t in c.k.tasks.of_case(c.id) if t.element_id == element_id]
    assert sorted(t.reserved_for for t in tasks) == sorted(answers)
    for person, data in answers.items():
        task = next(t for t in tasks if t.reserved_for == person)
        with pytest.raises(Forbidden):
            c.k.cases.complete(task.id, clerk, data)
        c.do(element_id, person, data)
    assert element_id not in c.open()


def _run(c, members):
    c.do("form_committee", "innovation_staff1", {**ORDER, "working_group_members": members},
         outsider="working_group1")
    c.do("classify_staff", "working_group1", CLASSIFY, outsider="innovation_staff1")
    each_person(c, "staff_state_development_needs",
                {s: {"career_line": "นักวิชาการคอมพิวเตอร์", "development_need": f"ความต้องการของ {s}"} for s in STAFF},
                "working_group1")
    tasks = [t for t in c.k.tasks.of_case(c.id) if t.element_id == "consultation_meeting"]
    assert sorted(t.reserved_for for t in tasks) == sorted(members)
    for i, member in enumerate(members):
        assert c.open() == ["consultation_meeting"] * (len(members) - i)  # open until the last member acts
        c.do("consultation_meeting", member, {"member_view": f"ข้อเสนอของ {member}"})
    c.do("prepare_curricula", "working_group2", CURRICULA, outsider="it_staff1")
    c.do("define_learning_channels", "working_group1", CHANNELS, outsider="trainees1")
    each_person(c, "trainees_self_assessment",
                {"trainees1": {"trainee_skill_level": "intermediate"},
                 "trainees2": {"trainee_skill_level": "advanced"}},
                "working_group2")
    c.do("follow_up_trainees", "working_group2", FOLLOW_UP, outsider="trainees1")
    c.do("summarise_results", "working_group1", SUMMARY)


def test_happy_path_whole_working_group(case):
    """Working group of several members; every member takes part in the consultation meeting."""
    c = case("digital-skills", "innovation_staff1")
    _run(c, ["working_group1", "working_group2"])
    assert c.done == ["form_committee", "classify_staff"] + STATED + ["consultation_meeting", "consultation_meeting",
                      "prepare_curricula", "define_learning_channels"] + ASSESSED + ["follow_up_trainees",
                                                                                     "summarise_results"]
    assert c.status == "completed"
    assert c.data["member_views"] == ["ข้อเสนอของ working_group1", "ข้อเสนอของ working_group2"]
    assert c.data["learning_channels"] == ["training", "digital_learning"]
    assert c.data["trainee_skill_levels"] == ["intermediate", "advanced"]
    assert c.data["staff_development_needs"] == ["ความต้องการของ it_staff1", "ความต้องการของ it_staff2"]


def test_working_group_of_one_member(case):
    """Working group of a single member; that member alone takes part in the consultation meeting."""
    c = case("digital-skills", "innovation_staff2")
    _run(c, ["working_group2"])
    assert c.done == ["form_committee", "classify_staff"] + STATED + ["consultation_meeting", "prepare_curricula",
                      "define_learning_channels"] + ASSESSED + ["follow_up_trainees", "summarise_results"]
    assert c.status == "completed"
    assert c.data["member_views"] == ["ข้อเสนอของ working_group2"]
    assert c.data["results_summary"] == SUMMARY["results_summary"]


def test_members_must_belong_to_the_working_group(case):
    """Only working-group users can be appointed to the working group."""
    c = case("digital-skills", "innovation_staff1")
    with pytest.raises(InvalidInput, match="not member.* of group working_group: it_staff1"):
        c.do("form_committee", "innovation_staff1", {**ORDER, "working_group_members": ["working_group1", "it_staff1"]})
