"""Helpers of the browser journeys (the fixtures are in conftest.py)."""
from __future__ import annotations

from pathlib import Path

from engine.settings import PROJECT_ROOT

PASSWORD = "krabuan-demo-2569"
SHOTS = PROJECT_ROOT / "test-artifacts" / "screenshots"


def shot(page, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def sign_in(page, username: str, password: str = PASSWORD) -> None:
    page.goto(page.base + "/login")
    page.get_by_label("ชื่อผู้ใช้").fill(username)
    page.get_by_label("รหัสผ่าน").fill(password)
    page.get_by_role("button", name="เข้าสู่ระบบ").click()
