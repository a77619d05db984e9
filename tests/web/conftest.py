"""The web app on a test engine: demo passwords set (hashed once), a client that signs in."""
from __future__ import annotations

import pytest
from web_helpers import PASSWORD, csrf_of

from web import create_app

_HASH: dict[str, str] = {}


@pytest.fixture
def app(k):
    stored = _HASH.get("hash") or _HASH.setdefault("hash", k.accounts.hash_password("x", PASSWORD))
    for user in ("clerk1", "clerk2", "director1", "outsider", "auditor1", "registrar1", "admin1"):
        k.accounts.set_password(user, PASSWORD, actor=user, stored_hash=stored)
    app = create_app(engine=k)
    app.config["TESTING"] = True
    return app


class Browser:
    """A test client that keeps cookies and finds the CSRF token on the last page, as a browser would."""

    def __init__(self, app):
        self.client = app.test_client()
        self.last = ""

    def get(self, path, **kw):
        response = self.client.get(path, **kw)
        self.last = response.get_data(as_text=True)
        return response

    def post(self, path, data=None, csrf=True, **kw):
        data = dict(data or {})
        if csrf:
            data.setdefault("csrf_token", csrf_of(self.last or self.get("/login").get_data(as_text=True)))
        response = self.client.post(path, data=data, **kw)
        self.last = response.get_data(as_text=True)
        return response

    def login(self, username, password=PASSWORD):
        self.get("/login")
        return self.post("/login", {"username": username, "password": password})


@pytest.fixture
def browser(app):
    return Browser(app)


@pytest.fixture
def signed_in(app):
    def make(username):
        b = Browser(app)
        response = b.login(username)
        assert response.status_code == 302, response.get_data(as_text=True)
        return b
    return make
