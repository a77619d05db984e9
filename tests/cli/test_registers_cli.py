"""``krabuan registers``: list, void and export, as the register's readers and keepers (SQLite and
PostgreSQL, the real project; the `cli` fixture runs `krabuan init` first)."""
from __future__ import annotations

import io

from register_helpers import issue_sent_number
from test_cli import cli  # noqa: F401 - the fixture


def _engine(project_settings):
    from engine import Krabuan

    return Krabuan(project_settings)


def test_list_void_and_export(cli, project_settings, tmp_path):  # noqa: F811 - the fixture
    k = _engine(project_settings)
    try:
        issue_sent_number(k, "ขอเชิญประชุมคณะทำงาน")
    finally:
        k.close()
    registers = cli.json("registers", "list", "--as", "clerk1")
    assert {r["id"] for r in registers} >= {"received", "sent", "circular", "order", "announcement", "memo"}
    page = cli.json("registers", "list", "--register", "sent", "--as", "clerk1")
    assert [(e["number"], e["reference"], e["subject"]) for e in page["entries"]] == [
        (1, "สธ 0701/1", "ขอเชิญประชุมคณะทำงาน")]
    text = cli("registers", "list", "--register", "sent", "--q", "ประชุม", "--as", "clerk1").stdout
    assert "สธ 0701/1" in text
    assert cli.json("registers", "list", "--register", "sent", "--q", "ไม่มีคำนี้", "--as", "clerk1")["entries"] == []

    refused = cli("registers", "void", "sent", "1", "--reason", "x", "--as", "internal_units1", ok=False)
    assert refused.exit_code == 4 and "keepers" in refused.stderr
    hidden = cli("registers", "list", "--register", "sent", "--as", "recipients1", ok=False)
    assert hidden.exit_code == 3 and "does not exist" in hidden.stderr
    out = cli("registers", "void", "sent", "1", "--reason", "ส่งซ้ำ", "--as", "clerk1").stdout
    assert "สธ 0701/1" in out and "cancelled" in out
    (entry,) = cli.json("registers", "list", "--register", "sent", "--as", "clerk2")["entries"]
    assert (entry["status"], entry["cancel_reason"]) == ("cancelled", "ส่งซ้ำ")

    from pypdf import PdfReader

    pdf = tmp_path / "sent.pdf"
    cli("registers", "export", "sent", "--format", "pdf", "--out", pdf, "--as", "clerk1")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.read_bytes())).pages)
    assert "สธ 0701/1" in text and "ยกเลิก" in text
    xlsx = tmp_path / "sent.xlsx"
    cli("registers", "export", "sent", "--format", "xlsx", "--out", xlsx, "--thai-digits", "--as", "clerk1")
    assert xlsx.read_bytes()[:2] == b"PK"


def test_a_keeper_issues_a_circular_number(cli):  # noqa: F811 - the fixture
    out = cli("registers", "issue", "circular", "--data", '{"subject": "แจ้งเวียนแนวปฏิบัติ", "to": "ทุกกลุ่มงาน"}',
              "--as", "clerk1").stdout
    assert "issued สธ 0701/ว 1" in out
    second = cli.json("registers", "issue", "circular", "--data", '{"subject": "แจ้งเวียนฉบับที่สอง"}', "--as", "clerk2")
    assert (second["number"], second["reference"], second["issued_by"]) == (2, "สธ 0701/ว 2", "clerk2")
    refused = cli("registers", "issue", "circular", "--data", '{"colour": "red"}', "--as", "clerk1", ok=False)
    assert refused.exit_code == 2 and "unknown column" in refused.stderr


def test_the_views_of_a_secret_entry_are_logged_and_listed(cli, project_settings):  # noqa: F811 - the fixture
    """R-COR-08 through the CLI: a listing and an export that show a ลับ entry are logged as `cli`."""
    k = _engine(project_settings)
    try:
        issue_sent_number(k, "เรื่องลับ", secrecy="secret")
    finally:
        k.close()
    cli("registers", "list", "--register", "sent", "--as", "clerk2")
    cli("registers", "list", "--register", "sent", "--as", "internal_units1")  # not cleared: nothing shown
    seen = cli.json("registers", "views", "sent", "--as", "auditor1")
    assert [(v["viewer"], v["surface"], v["reference"], v["secrecy"]) for v in seen] == [
        ("clerk2", "cli", "สธ 0701/1", "secret")]
    assert "clerk2\tcli\tสธ 0701/1" in cli("registers", "views", "sent", "--as", "clerk1").stdout
    refused = cli("registers", "views", "sent", "--as", "internal_units1", ok=False)
    assert refused.exit_code == 4
