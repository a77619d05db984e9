"""``krabuan complete --password-stdin`` on a signature step and ``krabuan signatures verify``: it
exits non-zero naming the case, the step and what changed (SQLite and PostgreSQL, the real project)."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from cli import main
from engine import Completion, Krabuan

PASSWORD = "director-signs-2569"
SIGNED = {"order_approval": "approve", "order_number": "123/2569", "order_signed_on": "2025-09-22"}


@pytest.fixture
def cli(project_settings):
    env = {"KRABUAN_DATA_DIR": str(project_settings.data_dir), "KRABUAN_DATABASE_URL": project_settings.database_url}
    runner = CliRunner()

    def run(*args, ok=True, stdin=None):
        result = runner.invoke(main, list(map(str, args)), env=env, input=stdin, catch_exceptions=False)
        if ok:
            assert result.exit_code == 0, result.output
        return result

    run("init")
    return run


@pytest.fixture
def ek(project_settings, cli):
    k = Krabuan(project_settings)
    stored = k.accounts.hash_password("x", PASSWORD)
    for user in ("authorized_official2", "supplies_officer1"):
        k.accounts.set_password(user, PASSWORD, actor=user, stored_hash=stored)
    yield k
    k.close()


def _to_signing(k: Krabuan) -> tuple[int, int]:
    instance_id = k.cases.start("asset-audit", "supplies_officer1").instance_id
    _, model = k.repository.process_model("asset-audit")
    for element_id, user, data in (
            ("draft_committee_order", "supplies_officer1", {"fiscal_year": 2569, "audit_committee_members": [
                "audit_committee1"]}),
            ("submit_order_for_signature", "supplies_officer2", {"order_submitted_on": "2025-09-16"})):
        task = next(t for t in k.tasks.of_case(instance_id) if t.element_id == element_id)
        k.cases.complete(task.id, user, data, [c.id for c in model.steps[element_id].meta.controls],
                         how=Completion(claim=True))
    task = next(t for t in k.tasks.of_case(instance_id) if t.element_id == "sign_committee_order")
    return instance_id, task.id


def test_complete_signs_with_the_password_and_verify_names_what_changed(cli, ek):
    instance_id, task_id = _to_signing(ek)
    args = ("complete", task_id, "--claim", "--data", json.dumps(SIGNED), "--password-stdin",
            "--as", "authorized_official2")
    missing = cli(*args[:-3], "--as", "authorized_official2", ok=False)
    assert missing.exit_code == 2 and "needs your password" in missing.output
    wrong = cli(*args, stdin="not my password\n", ok=False)
    assert wrong.exit_code == 2 and "password is wrong" in wrong.output
    assert cli("signatures", "verify").stdout.strip() == "0 signature(s), 0 broken"
    cli(*args, stdin=PASSWORD + "\n")
    out = cli("signatures", "verify", "--instance", instance_id).stdout
    assert out.startswith(f"ok      case {instance_id} step sign_committee_order") and "1 signature(s), 0 broken" in out
    with ek.ctx.db.write_engine.connect() as conn, conn.begin():
        conn.execute(text("UPDATE instances SET data_json = replace(data_json, '123/2569', '999/2569') WHERE id = :i"),
                     {"i": instance_id})
    broken = cli("signatures", "verify", ok=False)
    assert broken.exit_code == 1
    assert f"BROKEN  case {instance_id} step sign_committee_order" in broken.stdout
    assert "the field order_number changed after signing" in broken.stdout
    [checked] = json.loads(cli("signatures", "verify", "--instance", instance_id, "--json", ok=False).stdout)
    assert checked["valid"] is False and checked["problems"] == [
        {"kind": "field", "subject": "order_number", "message": "the field order_number changed after signing"}]


def test_passwd_with_the_current_password_keeps_the_signing_key(cli, ek):
    instance_id, task_id = _to_signing(ek)
    ek.cases.complete(task_id, "authorized_official2", SIGNED, how=Completion(claim=True, password=PASSWORD))
    [before] = ek.signatures.keys("authorized_official2")
    cli("users", "passwd", "authorized_official2", "--current-password-stdin", "--password-stdin",
        "--as", "authorized_official2", stdin=f"{PASSWORD}\nmy new password 2570\n")
    [after] = ek.signatures.keys("authorized_official2")
    assert (after.id, after.valid_to) == (before.id, None) and after.wrapped_key != before.wrapped_key
    reset = cli("users", "passwd", "authorized_official2", "--password-stdin", "--as", "admin1",
                stdin="reset by admin 2570\n")
    assert reset.exit_code == 0 and "signing key of authorized_official2 was retired" in reset.stderr
    [retired] = ek.signatures.keys("authorized_official2")
    assert retired.valid_to is not None
    assert cli("signatures", "verify", "--instance", instance_id).exit_code == 0  # the old signature still verifies
