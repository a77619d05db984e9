"""Browser-facing security: the session cookie's key, cookie flags and response headers."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask, Response

# No inline scripts anywhere (every script is a file of ours or of node_modules, served by the app);
# inline style attributes are allowed for the diagram viewer's SVG.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
       "frame-ancestors 'none'")
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def secret_key(data_dir: Path) -> str:
    """The key that signs session cookies: made once per data folder, readable by its owner only,
    so that every web worker of one installation shares it and a restart keeps users signed in."""
    path = data_dir / "web-secret-key"
    if not path.exists():
        # Workers start together: each writes its own file and links it into place; the first
        # link wins and everyone reads that one (never a half-written file).
        data_dir.mkdir(parents=True, exist_ok=True)
        mine = data_dir / f".web-secret-key.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(mine, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_hex(32))
            os.link(mine, path)
        except FileExistsError:
            pass
        finally:
            mine.unlink()
    return path.read_text().strip()


def install(app: Flask, data_dir: Path, https: bool) -> None:
    app.config.update(
        SECRET_KEY=secret_key(data_dir),
        SESSION_COOKIE_NAME="krabuan_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=https,
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session
    )

    @app.after_request
    def _headers(response: Response) -> Response:
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if https:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response
