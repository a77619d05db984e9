"""``krabuan demo``: demo passwords for every demo user, a letter taken through send-letter step by
step as the right users, and a few cases left in flight for the web app."""
from __future__ import annotations

from datetime import date, timedelta

import click

from engine import CaseHeader, Completion, Krabuan

from . import engine_command, main

DEMO_PASSWORD = "krabuan-demo-2569"  # for the demo organisation only; printed by this command
DEMO_ADMIN = "admin1"  # the demo organisation's administrator, who sets the demo passwords
STEPS = [
    ("clerk1", "receive_outgoing_letter", {"originating_unit": "งานพัฒนาระบบสารสนเทศ",
                                           "letter_subject": "ขอความอนุเคราะห์ข้อมูลสถิติ",
                                           "receipt_register_number": "รับ 101"}),
    ("clerk1", "check_letter", {"check_result": "needs_revision", "check_note": "ชื่อผู้รับไม่ถูกต้อง"}),
    ("internal_units1", "revise_letter", {"revision_note": "แก้ไขชื่อผู้รับแล้ว"}),
    ("clerk2", "check_letter", {"check_result": "correct"}),
    ("clerk2", "issue_number", {"letter_date": date.today().isoformat(), "addressee": "ผู้อำนวยการศูนย์อนามัยที่ 1"}),
    ("clerk1", "dispatch_letter", {"dispatch_method": "post", "dispatch_register_number": "ส 55",
                                   }),
]


# A one-page PDF, the evidence the demo attaches where a step asks for a file.
DEMO_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj "
            b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def _advance(k: Krabuan, title: str, activity_in_days: int, urgency: str) -> int:
    """An advance-loan case taken to the director's approval: assignment, then the request drafted."""
    instance_id = k.cases.start("advance-loan", "clerk2", header=CaseHeader(title, urgency)).instance_id
    activity = date.today() + timedelta(days=activity_in_days)
    _do(k, instance_id, ("clerk1", "receive_assignment"), {
        "advance_purpose": "meeting_training", "activity_title": title, "activity_date": activity.isoformat(),
        "borrower_name": "นางสาวสมหญิง ใจดี", "estimated_amount": "20000"})
    pdf = k.files.upload("clerk1", "หนังสือขออนุมัติ.pdf", DEMO_PDF).sha256
    _do(k, instance_id, ("clerk1", "draft_meeting_training_request"),
        {"meeting_request_file": [pdf], "project_file": [pdf]})
    return instance_id


def _do(k: Krabuan, instance_id: int, who: tuple[str, str], data: dict[str, object], comment: str = "") -> None:
    user, element_id = who
    task = next(t for t in k.tasks.of_case(instance_id) if t.element_id == element_id)
    _, model = k.repository.process_model(k.cases.show(instance_id).process_id)
    step = model.steps[element_id]
    confirms = [c.id for c in step.meta.controls]
    password = DEMO_PASSWORD if step.meta.kind == "signature" else None  # a signature step signs with it
    k.cases.complete(task.id, user, data, confirms, how=Completion(claim=True, comment=comment, password=password))


def _in_flight(k: Krabuan) -> None:
    """Cases for the web app: one overdue, one waiting for a director, one returned for revision,
    and letters waiting for the clerks."""
    letter = k.cases.start("receive-letter", "clerk1", header=CaseHeader("หนังสือเชิญประชุมคณะทำงานดิจิทัล",
                                                                        "urgent")).instance_id
    waiting = _advance(k, "ยืมเงินทดรองจัดอบรมการใช้งานระบบสารสนเทศ", 30, "very_urgent")
    returned = _advance(k, "ยืมเงินทดรองจัดประชุมสัมมนาเครือข่าย", 40, "normal")
    _do(k, returned, ("executive1", "approve_activity"),
        {"activity_decision": "return", "activity_comment": "กรุณาแนบโครงการฉบับที่ผู้อำนวยการลงนามแล้ว"})
    overdue = _advance(k, "ยืมเงินทดรองจัดอบรมเจ้าหน้าที่ใหม่", -45, "most_urgent")
    _do(k, overdue, ("executive1", "approve_activity"), {"activity_decision": "approve"})
    _do(k, overdue, ("clerk1", "prepare_loan_documents"), {
        "loan_contract_number": "ยม 25/2570", "advance_amount": "20000.00",
        "cost_estimate_file": [k.files.upload("clerk1", "ประมาณการค่าใช้จ่าย.pdf", DEMO_PDF).sha256],
        "loan_memo_number": "สธ 0710/ย 25"})
    _do(k, overdue, ("borrower_staff1", "borrower_signs_loan_contract"),
        {"contract_signed_on": (date.today() - timedelta(days=50)).isoformat()})
    _do(k, overdue, ("executive2", "sign_loan_documents"), {"loan_decision": "approve"})
    paid = date.today() - timedelta(days=40)  # the settlement was due 30 days after the money came
    _do(k, overdue, ("budget_keeper1", "budget_keeper_records_advance"),
        {"smart_advance_reference": "SM-ADV-0099", "smart_advance_recorded_on": (paid - timedelta(days=4)).isoformat()})
    _do(k, overdue, ("clerk1", "record_smart_and_send_to_finance"),
        {"advance_sent_to_finance_on": (paid - timedelta(days=3)).isoformat()})
    _do(k, overdue, ("finance_group1", "pay_out_advance"),
        {"advance_money_received": paid.isoformat(), "amount_paid": "20000.00", "payment_reference": "PAY-0099"})
    _do(k, overdue, ("borrower_staff1", "borrower_submits_evidence"), {
        "borrower_spent_amount": "20000.00",
        "borrower_evidence_file": [k.files.upload("borrower_staff1", "ใบเสร็จ.pdf", DEMO_PDF).sha256]})
    _do(k, overdue, ("clerk1", "collect_settlement_evidence"), {
        "amount_spent": "20000.00", "leftover_cash": "no",
        "settlement_evidence_file": [k.files.upload("clerk1", "ใบสำคัญคู่จ่าย.pdf", DEMO_PDF).sha256]})
    _do(k, overdue, ("executive1", "sign_settlement"), {"settlement_decision": "approve"})
    _do(k, overdue, ("budget_keeper1", "budget_keeper_records_settlement"),
        {"smart_settlement_reference": "SM-SET-0100", "smart_settlement_recorded_on": date.today().isoformat()})
    from scheduler import Scheduler  # the overdue notices, as the running scheduler would send them
    Scheduler(k, "demo").tick()
    click.echo(f"in flight for the web app: case {overdue} overdue (the advance's settlement, with the clerks), case "
               f"{waiting} waiting for a director (executive1, executive2), case {returned} returned for revision "
               f"to clerk1, who drafted it, letter {letter} waiting for the clerks")


@main.command()
@engine_command
def demo(k: Krabuan) -> None:
    """Run one send-letter case end to end and show its verified history."""
    instance_id = k.cases.start("send-letter", "clerk1").instance_id
    click.echo(f"clerk1 started send-letter: instance {instance_id}")
    for user, element_id, data in STEPS:
        task = next(t for t in k.tasks.worklist(user) if t.instance_id == instance_id and t.element_id == element_id)
        k.tasks.claim(task.id, user)
        _, model = k.repository.process_model("send-letter")
        confirms = [c.id for c in model.steps[element_id].meta.controls]
        k.cases.complete(task.id, user, data, confirms)
        click.echo(f"  {user:<16} claimed and completed task {task.id}: {task.name} ({element_id})"
                   + (f", confirmed {', '.join(confirms)}" if confirms else ""))
    view = k.cases.show(instance_id)
    click.echo(f"instance {instance_id} is {view.status}; letter number {view.data.get('letter_number')}")
    report = next(iter(k.audit.verify(instance_id)))
    click.echo(f"history: {report.events} events, hash chain {'verifies' if report.ok else 'BROKEN'}")
    users = [u.username for u in k.people.users() if u.active]
    stored = k.accounts.hash_password("demo", DEMO_PASSWORD)  # one hash for the shared demo password
    for username in users:
        k.accounts.set_password(username, DEMO_PASSWORD, actor=DEMO_ADMIN, stored_hash=stored)
    _in_flight(k)  # its signature steps sign with the demo password
    click.echo(f"{len(users)} demo users can sign in with the password {DEMO_PASSWORD!r} "
               f"(e.g. clerk1, clerk2, internal_units1); change it with `krabuan users passwd USER --as {DEMO_ADMIN}`")
