"""The auditor's pages (web/audit.py): the search, its export and a case's replay answer auditors
only (everyone else: 404, as for a case they may not see; nobody signed in: the sign-in page);
nothing an auditor opens changes a case; every view is logged and shown as "viewed by"."""
from __future__ import annotations

import csv
import io
import re

import pytest

from helpers import drive_sop

AUDITOR_PAGES = ("/audit", "/audit?q=x", "/audit/export.csv", "/audit/export.xlsx", "/audit/cases/{id}")


@pytest.fixture
def finished(k):
    case_id, _ = drive_sop(k, rejections=1, roundtrip=False)
    return case_id


@pytest.mark.parametrize("who", ["clerk1", "clerk2", "director1", "admin1", "outsider", "registrar1"])
def test_only_auditors_open_the_auditor_pages(app, signed_in, finished, who):
    browser = signed_in(who)
    for path in AUDITOR_PAGES:
        assert browser.get(path.format(id=finished)).status_code == 404, (who, path)
    assert 'href="/audit"' not in browser.get("/").get_data(as_text=True)  # no menu entry either


def test_nobody_signed_in_is_sent_to_sign_in(app, finished):
    client = app.test_client()
    for path in AUDITOR_PAGES:
        response = client.get(path.format(id=finished))
        assert response.status_code == 302 and "/login" in response.headers["Location"], path


def test_an_auditor_searches_replays_and_exports_and_changes_nothing(app, k, signed_in, finished):
    history = [e.hash for e in k.cases.show(finished).history]
    browser = signed_in("auditor1")
    assert 'href="/audit"' in browser.get("/").get_data(as_text=True)
    page = browser.get("/audit").get_data(as_text=True)
    assert 'name="from"' in page and 'name="register"' in page and 'name="overdue"' in page
    found = browser.get("/audit?q=%E0%B8%AA%E0%B8%A1%E0%B8%8A%E0%B8%B2%E0%B8%A2&status=completed")  # สมชาย
    html = found.get_data(as_text=True)
    assert found.status_code == 200 and f'data-case="{finished}"' in html
    assert f'href="/audit/cases/{finished}"' in html and "/audit/export.csv?" in html
    assert 'data-case="' not in browser.get("/audit?status=running").get_data(as_text=True)

    bad = browser.get("/audit?from=31/02/2569")
    assert bad.status_code == 422 and 'id="audit-error"' in bad.get_data(as_text=True)
    assert 'value="31/02/2569"' in bad.get_data(as_text=True)  # what was typed is kept
    assert f'data-case="{finished}"' in browser.get("/audit?from=1/1/2569&to=31/12/2570").get_data(as_text=True)

    exported = browser.get("/audit/export.csv?status=completed")
    assert exported.status_code == 200 and "attachment" in exported.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(exported.get_data().decode("utf-8-sig"))))
    assert [r[0] for r in rows[1:]] == [str(finished)]

    replay = browser.get(f"/audit/cases/{finished}")
    html = replay.get_data(as_text=True)
    steps = len(history)
    assert replay.status_code == 200
    assert f'type="range" min="1" max="{steps}" value="{steps}"' in html
    assert html.count('class="replay-panel card"') == steps and html.count(" hidden ") >= steps - 1
    assert "audit_replay.js" in html and "bpmn-navigated-viewer" in html and "<script>" not in html
    assert "&#34;prepare_draft&#34;: 2" in html  # the loop, taken twice, in the last state's counts
    third = browser.get(f"/audit/cases/{finished}?step=3").get_data(as_text=True)
    opening = {n: re.search(rf'<section [^>]*id="panel-{n}"[^>]*>', third).group(0) for n in (3, 4, steps)}
    assert " hidden " not in opening[3] and " hidden " in opening[4] and " hidden " in opening[steps]
    assert 'value="3"' in third  # the slider stands at the step asked for
    assert 'id="viewed-by"' in html and "auditor1" in html

    case_page = browser.get(f"/cases/{finished}")
    assert case_page.status_code == 200
    auditor = k.accounts.account("auditor1")
    seen = [(v.what, v.surface) for v in k.case_search.views_of(finished, auditor)]
    assert ("case", "web") in seen and ("replay", "web") in seen and ("search", "web") in seen
    assert [e.hash for e in k.cases.show(finished).history] == history  # nothing written to the case


def test_a_participant_opening_the_case_page_is_not_logged(app, k, signed_in, finished):
    assert signed_in("clerk1").get(f"/cases/{finished}").status_code == 200
    assert k.case_search.views_of(finished, k.accounts.account("clerk1")) == ()


def test_the_case_page_lists_the_auditors_who_viewed_it(app, k, signed_in, finished):
    clerk = signed_in("clerk1")
    assert "ยังไม่มีผู้ตรวจสอบเปิดดูเรื่องนี้" in clerk.get(f"/cases/{finished}").get_data(as_text=True)
    auditor = signed_in("auditor1")
    assert auditor.get(f"/audit/cases/{finished}").status_code == 200
    assert auditor.client.get(f"/cases/{finished}/audit.pdf").status_code == 200
    html = signed_in("clerk1").get(f"/cases/{finished}").get_data(as_text=True)
    listed = re.search(r'<ul class="viewed-by" id="viewed-by"[^>]*>(.*?)</ul>', html, re.S).group(1)
    assert listed.count("<li>") == 2 and listed.count("auditor1") == 2
    assert "พิมพ์ประวัติการดำเนินงาน (PDF)" in listed and "ย้อนดูเรื่องทีละขั้น" in listed
    assert listed.index("พิมพ์") < listed.index("ย้อนดู")  # newest first
