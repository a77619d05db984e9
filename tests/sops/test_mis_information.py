"""mis-information: every path, as the users of the right lanes."""
from __future__ import annotations

STUDY = {"fiscal_year": 2570, "central_systems_studied": "ระบบ DMC, ระบบ EMIS", "collection_plan": "เก็บ 10 มิ.ย."}
PRODUCE = {"information_produced": "ข้อมูลนักเรียน ครู โรงเรียน", "data_as_of": "2026-11-10"}
DESIGN = {"presentation_formats": ["document", "website"], "website_url": "https://example.go.th/mis"}
ROUNDS = ["first", "second", "third", "additional"]


def service(n):
    return {"period_from": f"2027-0{n}-01", "period_to": f"2027-0{n}-28", "requests_served": 10 * n}


def evaluation(round_, then):
    return {"evaluation_round": round_, "evaluation_findings": f"ผลการประเมินครั้ง {round_}",
            "service_continues": then}


def _prepare(c):
    c.do("study_data_system", "officers_working_group1", STUDY, outsider="service_users1")
    c.do("produce_management_information", "officers_working_group2", PRODUCE)
    c.do("design_presentation", "officers_working_group1", DESIGN)


PREPARE = ["study_data_system", "produce_management_information", "design_presentation"]
ROUND = ["provide_information_service", "monitor_evaluate_report"]


def test_happy_path_three_evaluations(case):
    """Three evaluation rounds (the minimum), then the fiscal year closes."""
    c = case("mis-information", "officers_working_group1")
    _prepare(c)
    for i, round_ in enumerate(ROUNDS[:3], 1):
        c.do("provide_information_service", "officers_working_group1", service(i), outsider="service_users2")
        then = "continue" if i < 3 else "year_end"
        c.do("monitor_evaluate_report", "officers_working_group2", evaluation(round_, then))
    assert c.done == PREPARE + ROUND * 3
    assert c.status == "completed"
    assert c.data["evaluation_round"] == "third" and c.data["requests_served"] == 30


def test_fourth_evaluation_when_service_continues(case):
    """After the third round the officers continue the service; a fourth evaluation closes the year."""
    c = case("mis-information", "officers_working_group2")
    _prepare(c)
    for i, round_ in enumerate(ROUNDS, 1):
        c.do("provide_information_service", "officers_working_group2", service(i))
        then = "continue" if i < 4 else "year_end"
        c.do("monitor_evaluate_report", "officers_working_group1", evaluation(round_, then))
    assert c.done == PREPARE + ROUND * 4
    assert c.status == "completed"
    assert c.data["evaluation_round"] == "additional"


def test_year_cannot_close_before_the_third_evaluation(case):
    """Closing the year at rounds one and two is overridden: the service and evaluations go on."""
    c = case("mis-information", "officers_working_group1")
    _prepare(c)
    for i, round_ in enumerate(ROUNDS[:2], 1):
        c.do("provide_information_service", "officers_working_group1", service(i))
        c.do("monitor_evaluate_report", "officers_working_group1", evaluation(round_, "year_end"))
        assert c.open() == ["provide_information_service"] and c.status == "running"
    c.do("provide_information_service", "officers_working_group1", service(3))
    c.do("monitor_evaluate_report", "officers_working_group1", evaluation("third", "year_end"))
    assert c.done == PREPARE + ROUND * 3
    assert c.status == "completed"
    assert c.data["service_continues"] == "year_end"


def test_service_users_lane_is_declared_idle(case):
    """Service users receive the information outside Krabuan, declared so (issue 11, section 4); the
    officers' steps are theirs alone."""
    c = case("mis-information", "officers_working_group1")
    assert list(c.model.idle_lanes) == ["service_users"]
    assert {g for step in c.model.steps.values() for g in step.candidate_groups} == {"officers_working_group"}
    c.do("study_data_system", "officers_working_group1", STUDY, outsider="service_users1")
