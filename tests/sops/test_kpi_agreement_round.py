"""kpi-agreement-round: every path, as the users of the right lanes.

The evaluation round (units report in DOC 4.0 ... appeals) is the sub-process
kpi-round-evaluation, called twice (round_1: catalog steps 32-44, round_2: catalog steps 49-61);
its tasks appear as open tasks of the case. Each round's lessons-learned meeting (45, 62) is the
main process's: round 2's waits for the next fiscal year.
"""
from __future__ import annotations

from datetime import datetime

from engine import BANGKOK

import pytest

from engine.errors import Forbidden, InvalidInput

PID = "kpi-agreement-round"

PREP = ["r1_review_meeting", "r1_study_framework", "r1_gap_analysis", "r1_improvement_proposal",
        "r1_draft_indicators"]
TEMPLATE1 = ["r1_define_kpi_template", "r1_brief_owners_template1", "r1_brief_all_units",
             "r1_owners_submit_template1", "r1_review_template1_meeting", "r1_circulate_template1"]
DETAILS = ["r1_brief_group1_details", "r1_owners_submit_template2_group1", "r1_brief_group2_3_details",
           "r1_owners_submit_template2_group2_3"]
MANUAL = ["r1_draft_manual", "r1_brief_scoring_and_doc40", "r1_revise_manual_notify", "r1_publish_manual",
          "r1_consult_doc40_development", "r1_notify_units_to_report", "r1_notify_owners_to_score"]
R2_PREP = ["r2_brief_owners_social", "r2_notify_units_to_report", "r2_notify_owners_to_score"]
ROUND_START = ["owners_score", "monitor_scoring", "process_scores", "scores_to_personnel",
               "dg_signs_score_notice"]
APPEAL = ["collect_appeals", "negotiation_space", "owner_appeal_decision", "reprocess_scores",
          "post_appeal_scores_to_personnel", "dg_notifies_appellants"]
HEADS = ["unit_heads1", "unit_heads2"]
UNITS = ["doh_nutrition", "doh_health_center"]  # the DOH units that report; each acts for itself
UNIT_USER = {"doh_nutrition": "doh_nutrition1", "doh_health_center": "doh_health_center2"}
OBJECTION_DEADLINE = {1: "2027-03-15", 2: "2027-09-15"}  # after each round's clock (Oct 2026, Apr 2027)


def expected(heads=HEADS, appeals=(False, False), returns=()) -> list[str]:
    """The steps done, in order; `returns` lists the approvals that return once before approving."""
    def rnd(appeal: bool) -> list[str]:
        return (["units_report_doc40"] * len(UNITS) + ROUND_START + ["units_review_and_appeal"] * len(UNITS)
                + (APPEAL if appeal else []))
    seq = _prep_expected(returns)
    seq += TEMPLATE1 + ["r1_units_select_indicators"]
    if "r1_dg_approves_indicator_list" in returns:
        seq += ["r1_dg_approves_indicator_list", "r1_units_select_indicators"]
    seq += ["r1_dg_approves_indicator_list", "r1_prepare_signing_documents"]
    seq += ["r1_signing_ceremony"] * len(heads) + ["r1_deputy_dg_receives_agreements", "r1_dg_witnesses_agreements"]
    seq += DETAILS + ["r1_check_kpi_details"]
    if "r1_deputy_dg_endorses_details" in returns:
        seq += ["r1_deputy_dg_endorses_details", "r1_check_kpi_details"]
    seq += ["r1_deputy_dg_endorses_details"]
    if "r1_dg_approves_details" in returns:
        seq += ["r1_dg_approves_details", "r1_check_kpi_details", "r1_deputy_dg_endorses_details"]
    seq += ["r1_dg_approves_details"] + MANUAL + rnd(appeals[0]) + ["r1_lessons_learned"] + R2_PREP
    return seq + rnd(appeals[1]) + ["r2_lessons_learned"]


def _prep_expected(returns) -> list[str]:
    """Steps 6-7 with their loops back to step 5 (draft indicators)."""
    out = list(PREP)
    if "r1_present_to_executives" in returns:
        out += ["r1_present_to_executives", "r1_draft_indicators"]
    out += ["r1_present_to_executives"]
    if "r1_dg_sets_signing_date" in returns:
        out += ["r1_dg_sets_signing_date", "r1_draft_indicators", "r1_present_to_executives"]
    return out + ["r1_dg_sets_signing_date"]


def _decision(field: str, approve: bool) -> dict[str, str]:
    return {field: "approve" if approve else "return"}


def _prepare(c, returns) -> None:
    """Catalog steps 1-7 with the inferred returns to the draft indicators (step 5)."""
    c.do("r1_review_meeting", "psdg1", {"review_meeting_date": "2019-09-02", "review_minutes_ref": "กพร. 9/2562",
                                         "review_findings": "ตัวชี้วัดบางตัวซ้ำซ้อน"}, outsider="opdc1")
    c.do("r1_study_framework", "psdg2", {"opdc_framework_ref": "สำนักงาน ก.พ.ร. ว 5/2562",
                                          "framework_inputs": ["section_44", "moph_pa", "dg_policy"]})
    c.do("r1_gap_analysis", "psdg1", {"gap_analysis_ref": "gap-2562.pdf", "system_gaps": "รอบ 2 รายงานล่าช้า"})
    c.do("r1_improvement_proposal", "psdg1", {"improvement_proposal": "ลดจำนวนตัวชี้วัด ปรับระบบรายงาน"})
    draft = {"fiscal_year": 2570, "draft_indicator_count": 12, "draft_guidelines_ref": "แนวทาง-2563-v1"}
    c.do("r1_draft_indicators", "psdg1", draft)
    present = {"presented_on": "2019-09-16"}
    if "r1_present_to_executives" in returns:
        c.do("r1_present_to_executives", "top_executives1", {**present, **_decision("executives_decision", False),
                                                              "executives_comments": "เพิ่มตัวชี้วัดด้านดิจิทัล"},
             outsider="psdg1")
        assert c.open() == ["r1_draft_indicators"]
        c.do("r1_draft_indicators", "psdg1", {**draft, "draft_indicator_count": 13})
    # The top executives decide on the draft themselves; กพร. (who drafted it) cannot record it.
    c.do("r1_present_to_executives", "top_executives2", {**present, **_decision("executives_decision", True)},
         outsider="psdg2")
    if "r1_dg_sets_signing_date" in returns:
        c.do("r1_dg_sets_signing_date", "director_general1",
             {**_decision("signing_date_decision", False), "dg_order_note": "ทบทวนเป้าหมาย"},
             outsider="psdg1")
        assert c.open() == ["r1_draft_indicators"]
        c.do("r1_draft_indicators", "psdg1", draft)
        c.do("r1_present_to_executives", "top_executives2", {**present, **_decision("executives_decision", True)})
    c.do("r1_dg_sets_signing_date", "director_general1",
         {**_decision("signing_date_decision", True), "signing_date": "2019-10-25"}, outsider="deputy_dg1")


def _templates(c, returns) -> None:
    """Catalog steps 8-15: KPI Template 1 and the units' choice of indicators."""
    c.do("r1_define_kpi_template", "psdg1", {"kpi_template_ref": "KPI-Template-2563"})
    c.do("r1_brief_owners_template1", "psdg1", {"owners_briefing_date": "2019-10-01",
                                                 "owners_briefing_letter_no": "สธ 0901.02/ว 101",
                                                 "template1_due_date": "2019-10-08"})
    c.do("r1_brief_all_units", "psdg2", {"units_briefing_date": "2019-10-02", "units_briefing_room": "ห้องประชุมกรม 1",
                                          "web_conference_link": "https://webconf.anamai.example/2563"})
    c.do("r1_owners_submit_template1", "kpi_owner_units1",
         {"template1_submitted_on": "2019-10-08", "template1_count": 12, "template1_file": "template1.xlsx"},
         outsider="psdg1")
    c.do("r1_review_template1_meeting", "psdg1", {"template1_meeting_date": "2019-10-10",
                                                   "template1_minutes_ref": "กพร. 11/2562"})
    c.do("r1_circulate_template1", "psdg1", {"circulation_letter_no": "สธ 0901.02/ว 120",
                                              "comments_due_date": "2019-10-15"})
    select = {"selected_indicator_count": 8, "selection_letter_no": "สธ 0905/88"}
    c.do("r1_units_select_indicators", "audited_units1", select, outsider="doh_units1")
    if "r1_dg_approves_indicator_list" in returns:
        c.do("r1_dg_approves_indicator_list", "director_general1",
             {**_decision("indicator_list_decision", False), "indicator_list_comments": "ตัวชี้วัดไม่ครอบคลุม"},
             outsider="psdg2")
        assert c.open() == ["r1_units_select_indicators"]
        # the returned step goes back to who did it (issue 11, section 5)
        c.do("r1_units_select_indicators", "audited_units1", {**select, "selected_indicator_count": 9},
             outsider="kpi_owner_units1")
    c.do("r1_dg_approves_indicator_list", "director_general1", _decision("indicator_list_decision", True))


def _signing(c, heads) -> None:
    """Catalog steps 16-17: every chosen unit head signs, then the Deputy DG and the DG (inferred)."""
    c.do("r1_prepare_signing_documents", "psdg1", {"signing_form_ref": "แบบลงนาม-2563", "ceremony_date": "2019-10-25",
                                                    "signing_unit_heads": heads})
    assert sorted(t.reserved_for for t in c.k.tasks.of_case(c.id)) == sorted(heads)
    first = next(t for t in c.k.tasks.of_case(c.id) if t.reserved_for == heads[0])
    for outsider in ("psdg1", next(u for u in HEADS if u != heads[0])):  # personal tasks: nobody else signs
        with pytest.raises(Forbidden):
            c.k.cases.complete(first.id, outsider, {"agreement_signed_on": "2019-10-25"})
    for i, head in enumerate(heads):
        c.do("r1_signing_ceremony", head, {"agreement_signed_on": "2019-10-25"})
        if i < len(heads) - 1:
            assert c.open() == ["r1_signing_ceremony"] * (len(heads) - i - 1)
    c.do("r1_deputy_dg_receives_agreements", "deputy_dg1", {"recipient_signed_on": "2019-10-25"},
         outsider="unit_heads1")
    c.do("r1_dg_witnesses_agreements", "director_general1", {"witness_signed_on": "2019-10-25"}, outsider="deputy_dg2")


def _details(c, returns) -> None:
    """Catalog steps 18-24: KPI Template 2, check, Deputy DG and DG approval (inferred returns to step 22)."""
    c.do("r1_brief_group1_details", "psdg1",
         {"group1_meeting_date": "2019-11-04", "group1_minutes_ref": "กพร. 12/2562"})
    c.do("r1_owners_submit_template2_group1", "kpi_owner_units1",
         {"group1_template2_submitted_on": "2019-11-11", "group1_template2_file": "t2-g1.xlsx"})
    c.do("r1_brief_group2_3_details", "psdg2", {"group2_3_meeting_date": "2019-11-12",
                                                 "group2_3_minutes_ref": "กพร. 13/2562"})
    c.do("r1_owners_submit_template2_group2_3", "kpi_owner_units2",
         {"group2_3_template2_submitted_on": "2019-11-19", "group2_3_template2_file": "t2-g23.xlsx"})
    check = {"kpi_details_checked_on": "2019-11-26"}
    c.do("r1_check_kpi_details", "psdg1", check)
    if "r1_deputy_dg_endorses_details" in returns:
        c.do("r1_deputy_dg_endorses_details", "deputy_dg1",
             {**_decision("deputy_endorsement", False), "deputy_comments": "เกณฑ์ข้อ 3 ไม่ชัด"}, outsider="psdg1")
        assert c.open() == ["r1_check_kpi_details"]
        c.do("r1_check_kpi_details", "psdg1", {**check, "kpi_details_corrections": "แก้เกณฑ์ข้อ 3"})
    c.do("r1_deputy_dg_endorses_details", "deputy_dg2", _decision("deputy_endorsement", True),
         outsider="director_general1")
    if "r1_dg_approves_details" in returns:
        c.do("r1_dg_approves_details", "director_general1",
             {**_decision("details_decision", False), "details_comments": "เพิ่มค่าเป้าหมาย"}, outsider="deputy_dg1")
        assert c.open() == ["r1_check_kpi_details"]
        c.do("r1_check_kpi_details", "psdg1", {**check, "kpi_details_corrections": "เพิ่มค่าเป้าหมาย"})
        c.do("r1_deputy_dg_endorses_details", "deputy_dg1", _decision("deputy_endorsement", True))
    c.do("r1_dg_approves_details", "director_general1", _decision("details_decision", True))


def _manual(c) -> None:
    """Catalog steps 25-31: manual, briefing, DOC 4.0, letters to report and to score."""
    c.do("r1_draft_manual", "psdg1", {"manual_draft_file": "manual-2563-draft.pdf"})
    c.do("r1_brief_scoring_and_doc40", "psdg1", {"scoring_briefing_date": "2019-12-03",
                                                  "scoring_briefing_minutes_ref": "กพร. 14/2562"})
    c.do("r1_revise_manual_notify", "psdg2", {"manual_changes_letter_no": "สธ 0901.02/ว 150",
                                               "manual_changes": "หน้า 12-14 เกณฑ์ตัวชี้วัด 2.3"})
    c.do("r1_publish_manual", "psdg1", {"manual_letter_no": "สธ 0901.02/ว 151",
                                         "manual_url": "https://psdg.anamai.example/manual-2563"})
    c.do("r1_consult_doc40_development", "psdg1", {"doc40_consultation_date": "2019-12-10",
                                                    "doc40_changes_agreed": "เพิ่มหน้าประเมินตนเอง"})
    c.do("r1_notify_units_to_report", "psdg1", {"units_report_letter_no": "สธ 0901.02/ว 170", "reporting_units": UNITS,
                                                 "reporting_deadline": "2020-04-10"})
    c.do("r1_notify_owners_to_score", "psdg2", {"owners_score_letter_no": "สธ 0901.02/ว 171",
                                                 "scoring_deadline": "2020-04-24"}, outsider="kpi_owner_units1")


def _round_two_prep(c) -> None:
    """Catalog steps 46-48."""
    c.do("r2_brief_owners_social", "psdg1",
         {"r2_guidelines_ref": "แนวทาง-รอบ2-2563", "r2_owners_posted_on": "2020-04-01",
          "r2_social_channel": "LINE เครือข่าย กพร."}, outsider="psdg_network1")
    c.do("r2_notify_units_to_report", "psdg2",
         {"r2_units_posted_on": "2020-04-01", "reporting_deadline": "2020-10-09", "reporting_units": UNITS})
    c.do("r2_notify_owners_to_score", "psdg1",
         {"r2_owners_notified_on": "2020-04-02", "scoring_deadline": "2020-10-23"})


def _round(c, n: int, appeal: bool) -> None:
    """One call of the sub-process kpi-round-evaluation (round 1: catalog 32-45, round 2: 49-62)."""
    for unit in UNITS:  # each unit reports in its own task
        c.do("units_report_doc40", UNIT_USER[unit], {"doc40_report_ref": f"DOC4-2563-R{n}-{unit}",
                                                     "evidence_files_count": 212}, outsider="audited_units1")
    assert c.data["unit_report_refs"] == [f"DOC4-2563-R{n}-{unit}" for unit in UNITS]
    c.do("owners_score", "kpi_owner_units1", {"scoring_completed_on": f"2020-0{3 + n}-20", "indicators_scored": 8},
         outsider="evaluation_committee1")
    c.do("monitor_scoring", "psdg1", {"owners_not_scored": 0}, outsider="doh_units1")
    c.do("process_scores", "psdg2", {"score_ranking_file": f"ranking-r{n}.xlsx", "units_ranked": 53})
    c.do("scores_to_personnel", "psdg1", {"personnel_letter_no": f"สธ 0901.02/{200 + n}"})
    c.do("dg_signs_score_notice", "director_general1", {"score_notice_no": f"สธ 0901.02/ว {300 + n}",
                                                         "objection_deadline": OBJECTION_DEADLINE[n]},
         outsider="psdg1")
    # units object or appeal by the last day the DG set (issue 11, section 1), not by a duration
    reviews = [t for t in c.k.tasks.of_case(c.id) if t.element_id == "units_review_and_appeal"]
    assert sorted(t.candidate_groups for t in reviews) == sorted((unit,) for unit in UNITS)  # one per unit
    assert {t.due_at.astimezone(BANGKOK).strftime("%Y-%m-%d %H:%M") for t in reviews} == {
        f"{OBJECTION_DEADLINE[n]} 16:30"}
    c.do("units_review_and_appeal", UNIT_USER["doh_health_center"], {"appeal_lodged": "no"}, outsider="psdg2")
    if not appeal:
        c.do("units_review_and_appeal", UNIT_USER["doh_nutrition"], {"appeal_lodged": "no"})
    else:
        c.do("units_review_and_appeal", UNIT_USER["doh_nutrition"], {"appeal_lodged": "yes",
                                                                     "appeal_letter_no": "สธ 0915/12"},
             outsider="kpi_owner_units1")
        c.do("collect_appeals", "psdg1", {"appeals_received": 2, "appeal_summary_letter_no": f"สธ 0901.02/{400 + n}"},
             outsider="doh_units1")
        c.do("negotiation_space", "psdg2", {"negotiation_date": f"2020-0{4 + n}-22",
                                             "negotiation_minutes_ref": f"เจรจา-R{n}"})
        c.do("owner_appeal_decision", "kpi_owner_units2", {"appeal_outcome": "partly_adjusted",
                                                            "owner_decision_letter_no": f"สธ 0920/{n}"},
             outsider="psdg1")
        c.do("reprocess_scores", "psdg1", {"post_appeal_ranking_file": f"ranking-r{n}-post-appeal.xlsx"})
        c.do("post_appeal_scores_to_personnel", "psdg1", {"post_appeal_personnel_letter_no": f"สธ 0901.02/{500 + n}"})
        c.do("dg_notifies_appellants", "director_general1", {"appellant_notice_no": f"สธ 0901.02/{600 + n}"},
             outsider="doh_units2")


def _lessons(c, n: int) -> None:
    c.do(f"r{n}_lessons_learned", "psdg1", {"lessons_meeting_date": f"2020-0{5 + n}-05",
                                            "lessons_summary": f"รอบ {n}: ควรแนบหลักฐานให้ครบ"},
         outsider="kpi_owner_units2")


def run(case, heads=HEADS, appeals=(False, False), returns=()):
    c = case(PID, "psdg1")
    c.k.ctx.fixed_now = datetime(2026, 10, 5, 9, 0, tzinfo=BANGKOK)  # the case of fiscal year 2570
    _prepare(c, returns)
    _templates(c, returns)
    _signing(c, heads)
    _details(c, returns)
    _manual(c)
    assert c.open() == ["units_report_doc40"] * len(UNITS)
    _round(c, 1, appeals[0])
    assert c.open() == ["r1_lessons_learned"]
    _lessons(c, 1)
    assert c.open() == []  # round 2 waits for 1 April (issue 11, section 2)
    c.wait_until(datetime(2027, 4, 1, 8, 31, tzinfo=BANGKOK))
    assert c.open() == ["r2_brief_owners_social"]
    _round_two_prep(c)
    assert c.open() == ["units_report_doc40"] * len(UNITS)
    _round(c, 2, appeals[1])
    assert c.open() == []  # round 2's lessons are learned in the next fiscal year (catalog step 62)
    c.wait_until(datetime(2027, 10, 1, 8, 31, tzinfo=BANGKOK))  # FY 2571's first working day
    [lessons] = [t for t in c.k.tasks.of_case(c.id) if t.element_id == "r2_lessons_learned"]
    # 20 working days from Fri 1 Oct 2027, without 13 Oct (King Bhumibol memorial) and 25 Oct (Chulalongkorn
    # Day, a Saturday, in lieu)
    assert lessons.due_at.astimezone(BANGKOK).strftime("%Y-%m-%d %H:%M") == "2027-11-02 16:30"
    _lessons(c, 2)
    assert c.done == expected(heads, appeals, returns)
    assert c.status == "completed"
    return c


def test_happy_path_no_appeal(case):
    """Everything approved first time; two unit heads sign; no appeal in either round."""
    c = run(case)
    assert c.done.count("units_review_and_appeal") == 2 * len(UNITS) and "collect_appeals" not in c.done
    assert c.data["unit_appeals"] == ["no", "no"] and c.data["signing_date"] == "2019-10-25"
    assert c.data["agreement_signatures"] == ["2019-10-25", "2019-10-25"]
    assert c.data["lessons_summary"] == "รอบ 2: ควรแนบหลักฐานให้ครบ"


def test_appeal_in_round_one_only(case):
    """Units appeal their round-1 scores (negotiation, owner decision, re-processing); no appeal in round 2."""
    c = run(case, appeals=(True, False))
    assert c.done.count("collect_appeals") == 1 and {"r1_lessons_learned", "r2_lessons_learned"} <= set(c.done)
    assert c.data["unit_appeals"] == ["no", "no"] and c.data["appellant_notice_no"] == "สธ 0901.02/601"


def test_appeal_in_round_two_only(case):
    """No appeal in round 1; units appeal their round-2 scores."""
    c = run(case, appeals=(False, True))
    assert c.done.count("dg_notifies_appellants") == 1
    assert c.data["unit_appeals"] == ["no", "yes"] and c.data["appeal_outcome"] == "partly_adjusted"
    assert c.data["post_appeal_ranking_file"] == "ranking-r2-post-appeal.xlsx"


def test_appeal_in_both_rounds(case):
    """Units appeal in round 1 and again in round 2: the appeal path of the one sub-process runs twice."""
    c = run(case, appeals=(True, True))
    assert c.done.count("owner_appeal_decision") == 2
    assert c.data["appellant_notice_no"] == "สธ 0901.02/602"


def test_executives_return_the_draft_indicators(case):
    """Top executives return the draft indicators once (inferred loop to step 5); then all approved; no appeal."""
    c = run(case, returns=("r1_present_to_executives",))
    assert c.done.count("r1_draft_indicators") == 2 and c.data["draft_indicator_count"] == 13
    assert c.data["executives_decision"] == "approve"


def test_dg_returns_before_setting_the_signing_date(case):
    """The DG returns the draft indicators once instead of setting the signing date (inferred loop to step 5)."""
    c = run(case, returns=("r1_dg_sets_signing_date",))
    assert c.done.count("r1_present_to_executives") == 2 and c.done.count("r1_dg_sets_signing_date") == 2
    assert c.data["signing_date_decision"] == "approve" and c.data["dg_order_note"] == "ทบทวนเป้าหมาย"


def test_dg_returns_the_indicator_list(case):
    """The DG returns the units' indicator selection once (inferred loop to step 14); the units re-select."""
    c = run(case, returns=("r1_dg_approves_indicator_list",))
    assert c.done.count("r1_units_select_indicators") == 2 and c.data["selected_indicator_count"] == 9


def test_deputy_dg_and_dg_return_the_kpi_details(case):
    """The Deputy DG, then the DG, each return the KPI details once (inferred loops to step 22)."""
    c = run(case, returns=("r1_deputy_dg_endorses_details", "r1_dg_approves_details"))
    assert c.done.count("r1_check_kpi_details") == 3 and c.done.count("r1_deputy_dg_endorses_details") == 3
    assert c.data["details_decision"] == "approve" and c.data["kpi_details_corrections"] == "เพิ่มค่าเป้าหมาย"


def test_every_return_loop_at_once(case):
    """Every approval of the main process returns once before approving; appeals in both rounds."""
    c = run(case, appeals=(True, True), returns=("r1_present_to_executives", "r1_dg_sets_signing_date",
                                                  "r1_dg_approves_indicator_list", "r1_deputy_dg_endorses_details",
                                                  "r1_dg_approves_details"))
    assert c.done.count("r1_draft_indicators") == 3 and c.data["indicator_list_decision"] == "approve"


def test_signing_ceremony_with_one_unit_head(case):
    """A single unit head signs the agreement; no appeal."""
    c = run(case, heads=["unit_heads2"])
    assert c.done.count("r1_signing_ceremony") == 1 and c.data["agreement_signatures"] == ["2019-10-25"]
    assert c.data["signing_unit_heads"] == ["unit_heads2"]


def test_signers_must_be_unit_heads(case):
    """Bad input: only members of unit_heads can be chosen to sign the agreement."""
    c = case(PID, "psdg1")
    _prepare(c, ())
    _templates(c, ())
    with pytest.raises(InvalidInput, match="not member.* of group unit_heads: doh_units1"):
        c.do("r1_prepare_signing_documents", "psdg1", {"signing_form_ref": "แบบลงนาม-2563",
                                                        "ceremony_date": "2019-10-25",
                                                        "signing_unit_heads": ["unit_heads1", "doh_units1"]})
    assert c.open() == ["r1_prepare_signing_documents"] and c.status == "running"


def test_each_unit_reports_and_may_appeal_until_the_window_closes(case):
    """Issue 11, section 4: each DOH unit reports and answers for its own appeal in its own task (another
    unit's member cannot take it); the objection window closing on the DG's deadline cancels the
    answers not given and the round goes on with the appeals lodged in time."""
    from engine.errors import NotFound

    c = case(PID, "psdg1")
    c.k.ctx.fixed_now = datetime(2026, 10, 5, 9, 0, tzinfo=BANGKOK)
    _prepare(c, ())
    _templates(c, ())
    _signing(c, HEADS)
    _details(c, ())
    _manual(c)
    reports = {t.candidate_groups: t for t in c.k.tasks.of_case(c.id) if t.element_id == "units_report_doc40"}
    assert set(reports) == {("doh_nutrition",), ("doh_health_center",)}
    for not_theirs in ("doh_health_center1", "doh_units1", "psdg1"):
        with pytest.raises((Forbidden, NotFound)):
            c.k.tasks.claim(reports[("doh_nutrition",)].id, not_theirs)
    for unit in UNITS:
        c.do("units_report_doc40", UNIT_USER[unit], {"doc40_report_ref": f"R1-{unit}", "evidence_files_count": 3})
    c.do("owners_score", "kpi_owner_units1", {"scoring_completed_on": "2026-12-20", "indicators_scored": 8})
    c.do("monitor_scoring", "psdg1", {"owners_not_scored": 0})
    c.do("process_scores", "psdg2", {"score_ranking_file": "ranking.xlsx", "units_ranked": 2})
    c.do("scores_to_personnel", "psdg1", {"personnel_letter_no": "สธ 0901.02/201"})
    c.do("dg_signs_score_notice", "director_general1", {"score_notice_no": "สธ 0901.02/ว 301",
                                                         "objection_deadline": "2027-03-15"})
    assert [t.element_id for t in c.k.jobs.timers(c.id) if t.element_id.endswith("_window")] == [
        "units_review_and_appeal_window"]
    c.do("units_review_and_appeal", "doh_nutrition2", {"appeal_lodged": "yes", "appeal_letter_no": "สธ 0915/12"})
    (silent,) = [t for t in c.k.tasks.of_case(c.id) if t.element_id == "units_review_and_appeal"]
    assert silent.candidate_groups == ("doh_health_center",)
    c.wait_until(datetime(2027, 3, 15, 16, 29, tzinfo=BANGKOK))
    assert c.open() == ["units_review_and_appeal"]  # the window is still open
    c.wait_until(datetime(2027, 3, 15, 16, 31, tzinfo=BANGKOK))
    assert c.k.tasks.get(silent.id).state == "cancelled"
    assert c.open() == ["collect_appeals"] and c.data["unit_appeals"] == ["yes"]
