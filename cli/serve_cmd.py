"""``krabuan serve``: the web app (gunicorn) and, by default, the scheduler in the same process."""
from __future__ import annotations

from typing import Any

import click

from . import configure_logging, main

DEMO_HINT = "demo users: see `krabuan demo` (e.g. clerk1, it_group_director1)"


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=int, help="Requests served at once by each worker.")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(min=1),
              help="Worker processes (each with its engine, and its scheduler unless --no-scheduler).")
@click.option("--no-scheduler", is_flag=True, help="Serve only (run `krabuan scheduler` processes separately).")
def serve(host: str, port: int, threads: int, workers: int, no_scheduler: bool) -> None:
    """Serve the web app on HOST:PORT until stopped (Ctrl-C). Several workers share one database
    (PostgreSQL; SQLite works for a few); for several machines: gunicorn 'web.wsgi:app' there, and
    `krabuan scheduler` processes, on one PostgreSQL."""
    from gunicorn.app.base import BaseApplication

    configure_logging()

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("worker_class", "gthread")
            self.cfg.set("threads", threads)
            self.cfg.set("accesslog", None)
            if "control_socket_disable" in self.cfg.settings:  # gunicorn 25+: no ~/.gunicorn/gunicorn.ctl,
                self.cfg.set("control_socket_disable", True)  # which a second server would take over
            self.cfg.set("post_worker_init", _start_scheduler if not no_scheduler else None)

        def load(self) -> Any:
            from web.wsgi import app

            return app

    click.echo(f"Krabuan is at http://{host}:{port}/  ({DEMO_HINT})")
    Server().run()


def _start_scheduler(worker: Any) -> None:
    """In the serving process, after it started: tick the timers in a thread beside the requests."""
    from scheduler import Scheduler
    from web.wsgi import app

    Scheduler(app.extensions["krabuan"]).start_background()
