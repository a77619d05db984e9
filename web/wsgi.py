"""The WSGI entry point for a production server: ``gunicorn 'web.wsgi:app'`` (settings from
KRABUAN_* variables). Each worker process builds its own engine."""
from __future__ import annotations

from . import create_app

app = create_app()
