"""``krabuan acting`` and ``krabuan absence`` on the real project (the `cli` fixture runs `krabuan init`)."""
from __future__ import annotations

from test_cli import cli  # noqa: F401 - the fixture


def test_an_administrator_appoints_and_ends_an_acting_official(cli):  # noqa: F811 - the fixture
    positions = cli.json("acting", "positions")
    assert {"id": "it_group_director", "title": {"th": "ผู้อำนวยการกลุ่มเทคโนโลยีสารสนเทศ",
                                                 "en": "Director of the IT Group"},
            "groups": ["it_group_director"], "holder": "it_group_director1"} in positions
    made = cli.json("acting", "add", "it_group_planning1", "--position", "it_group_director", "--kind", "delegated",
                    "--from", "2026-01-01", "--to", "2099-12-31", "--order", "คำสั่ง 7/2569", "--as", "admin1")
    assert (made["kind_th"], made["position"]["id"], made["status"]) == ("ปฏิบัติราชการแทน", "it_group_director",
                                                                        "in_force")
    overlapping = cli("acting", "add", "clerk1", "--position", "it_group_director", "--kind", "acting",
                      "--from", "2030-01-01", "--to", "2030-01-02", "--order", "x", "--as", "admin1", ok=False)
    assert overlapping.exit_code != 0 and "already covers" in overlapping.stderr
    own = cli("acting", "add", "it_group_director1", "--position", "it_group_director", "--kind", "acting",
              "--from", "2030-01-01", "--to", "2030-01-02", "--order", "x", "--as", "admin1", ok=False)
    assert own.exit_code != 0 and "own position" in own.stderr
    refused = cli("acting", "add", "clerk1", "--position", "head_of_agency", "--kind", "acting",
                  "--from", "2030-01-01", "--to", "2030-01-02", "--order", "x", "--as", "clerk2", ok=False)
    assert refused.exit_code == 4 and "administrator" in refused.stderr
    assert [a["id"] for a in cli.json("acting", "list", "--as", "admin1")] == [made["id"]]
    assert "ended" in cli("acting", "end", str(made["id"]), "--as", "admin1").stdout
    assert cli.json("acting", "list", "--as", "it_group_planning1")[0]["status"] == "ended"


def test_a_user_records_and_cancels_an_absence(cli):  # noqa: F811 - the fixture
    made = cli.json("absence", "add", "--from", "2030-01-01", "--to", "2030-01-05", "--deputy", "clerk2",
                    "--reason", "ลาพักผ่อน", "--as", "clerk1")
    assert (made["deputy"], made["status"]) == ("clerk2", "upcoming")
    wrong = cli("absence", "add", "--from", "2030-02-01", "--to", "2030-02-05", "--deputy", "executive1",
                "--as", "clerk1", ok=False)
    assert wrong.exit_code != 0 and "same group" in wrong.stderr
    assert "handed 0 task(s) over to clerk2" in cli("absence", "hand-over", "--as", "clerk1").stdout
    assert "cancelled" in cli("absence", "cancel", str(made["id"]), "--as", "clerk1").stdout
    assert [a["status"] for a in cli.json("absence", "list", "--as", "clerk1")] == ["cancelled"]
