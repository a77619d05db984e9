"""``krabuan demo``: demo passwords for every demo user, a letter taken through send-letter step by
step as the right users, and a few cases left in flight for the web app."""
from __future__ import annotations

from datetime import date

import click

from engine import Krabuan

from . import engine_command, main

DEMO_PASSWORD = "krabuan-demo-2569"  # for the demo organisation only; printed by this command
STEPS = [
    ("clerk1", "receive_outgoing_letter", {"originating_unit": "งานพัฒนาระบบสารสนเทศ",
                                           "letter_subject": "ขอความอนุเคราะห์ข้อมูลสถิติ",
                                           "receipt_register_number": "รับ 101"}),
    ("clerk1", "check_letter", {"check_result": "needs_revision", "check_note": "ชื่อผู้รับไม่ถูกต้อง"}),
    ("internal_units1", "revise_letter", {"revision_note": "แก้ไขชื่อผู้รับแล้ว"}),
    ("clerk2", "check_letter", {"check_result": "correct"}),
    ("clerk2", "issue_number", {"outgoing_number": "สธ 0710.05/101", "letter_date": date.today().isoformat()}),
    ("clerk1", "dispatch_letter", {"dispatch_method": "post", "dispatch_register_number": "ส 55",
                                   }),
]


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
    click.echo(f"instance {instance_id} is {view.status}; letter number {view.data.get('outgoing_number')}")
    report = next(iter(k.audit.verify(instance_id)))
    click.echo(f"history: {report.events} events, hash chain {'verifies' if report.ok else 'BROKEN'}")
    in_flight = [k.cases.start("receive-letter", "clerk1").instance_id,
                 k.cases.start("send-letter", "clerk2").instance_id]
    click.echo(f"in flight for the web app: receive-letter case {in_flight[0]}, send-letter case {in_flight[1]} "
               "(both waiting for the clerk group)")
    users = [u.username for u in k.people.users() if u.active]
    stored = k.accounts.hash_password("demo", DEMO_PASSWORD)  # one hash for the shared demo password
    for username in users:
        k.accounts.set_password(username, DEMO_PASSWORD, stored_hash=stored)
    click.echo(f"{len(users)} demo users can sign in with the password {DEMO_PASSWORD!r} "
               "(e.g. clerk1, clerk2, internal_units1); change it with `krabuan users passwd USER`")
