"""The production server (``krabuan serve --workers 2``: gunicorn, two worker processes, each with
its own engine and scheduler) on one PostgreSQL database: two users of one lane claim the same task
at the same moment through the JSON API, round after round. Each round exactly one wins (200) and
the other is told the task is taken (409), and the task is the winner's, whichever worker served
whom: the database decides, not a process's memory.

Which worker served a request is read from /proc (the worker that holds the server end of the
request's keep-alive connection), so the server needs no test hook."""
from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from helpers import SOP_BENCH, make_settings, reset_pg
from sqlalchemy import func, select

from engine import Krabuan
from engine.store.tables import HistoryEvent

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

ROUNDS = 20
SERVE = [sys.executable, "-c", "from cli import main; main()", "serve", "--workers", "2"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_env(k: Krabuan) -> dict[str, str]:
    s = k.settings
    return dict(os.environ, KRABUAN_DATA_DIR=str(s.data_dir), KRABUAN_DATABASE_URL=s.database_url,
                KRABUAN_FORMS_DIR=str(s.forms_dir), KRABUAN_PROCESSES_DIR=str(s.processes_dir),
                KRABUAN_ORGANISATION_FILE=str(s.organisation_file), KRABUAN_SCHEDULES_FILE=str(s.schedules_file))


def children(pid: int) -> set[int]:
    found = set()
    for task in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{task}/children") as fh:
            found.update(int(p) for p in fh.read().split())
    return found


def wait_until_serving(proc: subprocess.Popen[bytes], port: int, log: Path) -> set[int]:
    """Wait for both workers to answer; their pids."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"krabuan serve exited with {proc.returncode}:\n{log.read_text()}"
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            conn.request("GET", "/api/health")
            ok = conn.getresponse().status == 200
        except OSError:
            ok = False
        finally:
            conn.close()
        workers = children(proc.pid)
        if ok and len(workers) == 2 and log.read_text().count(" ticking every ") == 2:  # both apps built
            return workers
        time.sleep(0.1)
    raise AssertionError(f"krabuan serve did not answer with two workers in 30 s:\n{log.read_text()}")


def serving_worker(workers: set[int], server_port: int, client: http.client.HTTPConnection) -> int | None:
    """The worker holding the server end of ``client``'s (kept-alive) connection."""
    assert client.sock is not None
    client_port = client.sock.getsockname()[1]
    wanted = f"0100007F:{server_port:04X} 0100007F:{client_port:04X}"
    with open("/proc/net/tcp") as fh:
        inodes = [line.split()[9] for line in fh if " ".join(line.split()[1:3]) == wanted]
    if not inodes:
        return None
    target = f"socket:[{inodes[0]}]"
    for pid in workers:
        for fd in os.listdir(f"/proc/{pid}/fd"):
            try:
                if os.readlink(f"/proc/{pid}/fd/{fd}") == target:
                    return pid
            except OSError:
                continue
    return None


@pytest.fixture
def served(tmp_path: Path, pg_server_url: str) -> Any:
    reset_pg(pg_server_url)
    k = Krabuan(make_settings(tmp_path, pg_server_url, schedules_file=tmp_path / "none.yaml"))
    k.init()
    k.repository.deploy([SOP_BENCH])
    port = free_port()
    log = tmp_path / "serve.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(SERVE + ["--port", str(port)], env=server_env(k), stdout=out,
                                stderr=subprocess.STDOUT)
    try:
        workers = wait_until_serving(proc, port, log)
        yield k, port, workers
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)
        k.close()


def call(conn: http.client.HTTPConnection, method: str, path: str, token: str) -> tuple[int, Any]:
    conn.request(method, f"/api/v1{path}", body=b"{}" if method == "POST" else None,
                 headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    response = conn.getresponse()
    return response.status, json.loads(response.read() or b"null")


def test_two_workers_one_database_a_claim_race_has_one_winner_every_time(served):
    k, port, workers = served
    tokens = {user: k.accounts.create_token(user, "race", actor=user).secret for user in ("clerk1", "clerk2")}
    with closing(http.client.HTTPConnection("127.0.0.1", port, timeout=10)) as starter:
        served_by = [race(k, (port, workers), tokens, starter) for _ in range(ROUNDS)]
    seen = {pid for pair in served_by for pid in pair}
    assert seen == workers, (served_by, workers)  # both workers served claims
    assert any(a != b for a, b in served_by), served_by  # and some races were between the two processes


def race(k: Krabuan, server: tuple[int, set[int]], tokens: dict[str, str],
         starter: http.client.HTTPConnection) -> tuple[int | None, int | None]:
    """Start a case; both users claim its first task at once. Returns the workers that served them."""
    port, workers = server
    status, started = call(starter, "POST", "/processes/sop_bench/instances", tokens["clerk1"])
    assert status == 201, started
    (task,) = started["open_tasks"]
    assert task["candidate_groups"] == ["clerk"] and task["assignee"] is None
    barrier = threading.Barrier(2)
    answers: dict[str, tuple[int, Any]] = {}
    pids: dict[str, int | None] = {}

    def claim(user: str) -> None:
        with closing(http.client.HTTPConnection("127.0.0.1", port, timeout=15)) as conn:
            conn.connect()  # both connections are accepted before the race starts
            barrier.wait(timeout=10)
            answers[user] = call(conn, "POST", f"/tasks/{task['id']}/claim", tokens[user])
            pids[user] = serving_worker(workers, port, conn)

    threads = [threading.Thread(target=claim, args=(user,)) for user in tokens]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert set(answers) == set(tokens), answers
    assert sorted(status for status, _ in answers.values()) == [200, 409], answers
    (winner,) = [user for user, (status, _) in answers.items() if status == 200]
    (loser,) = set(tokens) - {winner}
    assert answers[winner][1]["assignee"] == winner
    assert answers[loser][1]["error"]["code"] == "conflict"
    assert k.tasks.get(task["id"]).assignee == winner
    with k.ctx.db.unit_of_work(write=False) as conn:
        claims = conn.scalar(select(func.count()).select_from(HistoryEvent)
                             .where(HistoryEvent.c.instance_id == started["instance_id"],
                                    HistoryEvent.c.event_type == "task_claimed"))
    assert claims == 1
    return pids["clerk1"], pids["clerk2"]
