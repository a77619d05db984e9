"""Helpers of the web tests (the fixtures are in conftest.py)."""
from __future__ import annotations

import re

PASSWORD = "krabuan-test-password"


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)
