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


VENDOR = PROJECT_ROOT / "node_modules"
VENDOR_SERVED = ("@fontsource/sarabun/", "bpmn-js/dist/")  # what web/assets.py serves under /vendor/
CONTENT_TYPES = {".css": "text/css", ".js": "application/javascript", ".woff2": "font/woff2", ".woff": "font/woff"}


def serve_vendor(page, origin: str = "http://diagrams.test", html: str = "") -> None:
    """Serve, without a server, `html` at origin/ and the app's npm assets at origin/vendor/<name>
    (from node_modules, as web/assets.py does), so a page can load bpmn-js and Sarabun offline."""
    def handle(route) -> None:
        path = route.request.url[len(origin):].split("?")[0]
        name = path.removeprefix("/vendor/")
        if path == "/":
            route.fulfill(body=html, content_type="text/html; charset=utf-8")
        elif name != path and name.startswith(VENDOR_SERVED) and ".." not in name.split("/"):
            file = VENDOR / name
            kind = CONTENT_TYPES.get(file.suffix, "application/octet-stream")
            route.fulfill(body=file.read_bytes(), content_type=kind)
        else:
            route.fulfill(status=404, body="")

    page.route(origin + "/**", handle)
    page.goto(origin + "/")
