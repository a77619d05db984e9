"""Browser tests: the web app served on 127.0.0.1 from a thread, driven by Playwright in Debian's
Chromium (/usr/bin/chromium, or CHROMIUM; never a downloaded browser). With CI=true a missing
browser fails the run; elsewhere the tests skip with one line. Screenshots of each journey's key
pages go to test-artifacts/screenshots/."""
from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from engine import Krabuan
from engine.settings import PROJECT_ROOT, Settings
from web import create_app

from browser_helpers import PASSWORD

USERS = ("clerk1", "clerk2", "it_group_director1", "recipients1", "executive1", "executive2", "executive3")
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if shutil.which(CHROMIUM) or Path(CHROMIUM).exists():
        return CHROMIUM
    message = f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message + " (CI=true: the browser tests are mandatory)", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Krabuan]:
    """The real project (every SOP, the demo organisation) on a SQLite file."""
    data = tmp_path_factory.mktemp("browser") / "data"
    k = Krabuan(Settings().with_overrides(data_dir=data, processes_dir=PROJECT_ROOT / "processes",
                                          forms_dir=PROJECT_ROOT / "forms",
                                          organisation_file=PROJECT_ROOT / "processes" / "organisation.yaml"))
    k.init()
    stored = k.accounts.hash_password("x", PASSWORD)
    for user in USERS:
        k.accounts.set_password(user, PASSWORD, actor=user, stored_hash=stored)
    yield k
    k.close()


@pytest.fixture(scope="module")
def server(engine: Krabuan) -> Iterator[str]:
    app = create_app(engine=engine)
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser(chromium_path: str) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, server):
    """A fresh browser profile (no cookies) with a phone-or-desk sized window; every request must
    stay on 127.0.0.1 (no CDN)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="th-TH")
    outside: list[str] = []
    context.on("request", lambda r: outside.append(r.url) if not r.url.startswith(server) else None)
    p = context.new_page()
    p.set_default_timeout(15_000)
    p.base = server
    yield p
    context.close()
    assert outside == [], f"requests left 127.0.0.1: {outside}"
