"""Browser assets from npm (no CDN at run time): only the font and the diagram viewer's files."""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Flask, abort, current_app, send_from_directory
from werkzeug.wrappers import Response

SERVED = ("@fontsource/sarabun/", "bpmn-js/dist/")
bp = Blueprint("assets", __name__)


@bp.get("/vendor/<path:name>")
def vendor(name: str) -> Response:
    if not name.startswith(SERVED) or ".." in name.split("/"):
        abort(404)
    return send_from_directory(current_app.config["KRABUAN_ASSETS_DIR"], name, max_age=7 * 24 * 3600)


def install(app: Flask, assets_dir: Path) -> None:
    app.config["KRABUAN_ASSETS_DIR"] = str(assets_dir)
    app.register_blueprint(bp)
