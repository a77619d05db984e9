"""HTTP benchmark (issue 9): whole cases through the JSON API of the production server.

The server is ``krabuan serve --workers 2`` (gunicorn gthread, 8 threads per worker, the scheduler
ticking in each worker, as in production) on 127.0.0.1, on SQLite and on PostgreSQL. One case of
``bench/two_steps.bpmn`` (a clerk registers, a director signs) is 5 requests: start, claim,
complete, claim, complete, each with a bearer token (one token per user and client, as scripts
would have), over a kept-alive connection (``http.client``). Measured with 1 client (sequential)
and with 4 concurrent clients (4 processes, so that the clients share no GIL), against the same 5
operations through the engine API (``k.cases.start``, ``k.tasks.claim``, ``k.cases.complete``) by
1 and by 4 processes on the same database while the same server idles beside it: the ratio
HTTP / engine is what the HTTP layer (gunicorn, Flask, authentication, JSON, validation) costs.
The four variants of a database run interleaved, round after round (bench/rounds.py).

Run by bench/run.py, or alone:

    .venv/bin/python bench/http_api.py [--cases 100] [--rounds 5] [--pg URL | --no-pg] [--quick]
"""
from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
for _path in (str(BENCH), str(ROOT)):
    if _path not in sys.path:
        sys.path.append(_path)

DATA = ROOT / "tests" / "data"
PROCESS = BENCH / "two_steps.bpmn"
REQUESTS_PER_CASE = 5
CLIENTS = 4
WORKERS = 2
TARGET = 74.0  # cases/s: ten times the peer (spiff-arena, 7.4/s on this kind of machine)
USERS = ("clerk1", "director1")
REGISTER = {"applicant": "นายสมชาย ใจดี", "subject": "ขอใช้ห้องประชุมใหญ่ ชั้น 5", "amount": "1500.50"}
SIGN = {"signed": True}


# ----------------------------------------------------------------------------- one case, two ways

class Client:
    """One HTTP client: a kept-alive connection to the server and a token per user."""

    def __init__(self, port: int, tokens: dict[str, str]) -> None:
        self.port = port
        self.headers = {user: {"Authorization": f"Bearer {secret}", "Content-Type": "application/json"}
                        for user, secret in tokens.items()}
        self.conn: http.client.HTTPConnection | None = None

    def fresh(self) -> None:
        """A new connection (the server drops idle ones after 2 s: this is called before each run)."""
        self.close()
        self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def post(self, path: str, user: str, body: dict[str, Any] | None = None) -> Any:
        assert self.conn is not None
        self.conn.request("POST", "/api/v1" + path, body=json.dumps(body or {}).encode(), headers=self.headers[user])
        response = self.conn.getresponse()
        data = response.read()
        if response.status not in (200, 201):
            raise RuntimeError(f"POST {path} as {user}: {response.status} {data[:300]!r}")
        return json.loads(data)

    def case(self) -> None:
        started = self.post("/processes/two_steps/instances", "clerk1", {"data": {}})
        first = started["open_tasks"][0]["id"]
        self.post(f"/tasks/{first}/claim", "clerk1")
        done = self.post(f"/tasks/{first}/complete", "clerk1", {"data": REGISTER})
        second = done["open_tasks"][0]["id"]
        self.post(f"/tasks/{second}/claim", "director1")
        done = self.post(f"/tasks/{second}/complete", "director1", {"data": SIGN})
        if done["instance_status"] != "completed":
            raise RuntimeError(f"case {started['instance_id']} is {done['instance_status']}")


def engine_case(k: Any) -> None:
    """The same 5 operations through the engine API."""
    started = k.cases.start("two_steps", "clerk1", {})
    first = started.open_tasks[0].id
    k.tasks.claim(first, "clerk1")
    done = k.cases.complete(first, "clerk1", REGISTER)
    second = done.open_tasks[0].id
    k.tasks.claim(second, "director1")
    done = k.cases.complete(second, "director1", SIGN)
    if done.status != "completed":
        raise RuntimeError(f"case {started.instance_id} is {done.status}")


# ----------------------------------------------------------------------------- the server

def settings_values(folder: Path, database_url: str) -> dict[str, Any]:
    return {"data_dir": folder / "data", "database_url": database_url, "forms_dir": DATA / "forms",
            "processes_dir": folder / "processes", "organisation_file": DATA / "organisation.yaml",
            "schedules_file": folder / "none.yaml"}


def make_engine(values: dict[str, Any]) -> Any:
    from engine import Krabuan, Settings

    return Krabuan(Settings().with_overrides(**values))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve_command() -> list[str]:
    script = Path(sys.executable).parent / "krabuan"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "import sys; from cli import main; sys.exit(main())"]


@contextmanager
def server(values: dict[str, Any], log: Path) -> Iterator[int]:
    """``krabuan serve --workers 2`` on a free port of 127.0.0.1 with these settings; its port."""
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith("KRABUAN_")}
    env.update({f"KRABUAN_{name.upper()}": str(value) for name, value in values.items()})
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    port = free_port()
    with open(log, "wb") as out:
        proc = subprocess.Popen(serve_command() + ["serve", "--workers", str(WORKERS), "--port", str(port)],
                                env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while log.read_text(errors="replace").count(" ticking every ") < WORKERS:  # both workers have their app
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"krabuan serve did not start:\n{log.read_text(errors='replace')}")
            time.sleep(0.1)
        yield port
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# ----------------------------------------------------------------------------- client processes

_STATE: dict[str, Any] = {}


def _client_main(pipe: Any) -> None:
    """A client process: run what the parent sends, answer the seconds it took (or the error)."""
    while True:
        job = pipe.recv()
        if job is None:
            break
        kind, key, setup, n = job
        try:
            pipe.send(("ok", _run_job(kind, key, setup, n)))
        except Exception as exc:  # noqa: BLE001 - reported to the parent, which stops the run
            pipe.send(("error", f"{type(exc).__name__}: {exc}"))
    for value in _STATE.values():
        value.close()


def _run_job(kind: str, key: str, setup: Any, n: int) -> float:
    if key not in _STATE:
        _STATE[key] = Client(*setup) if kind == "http" else make_engine(setup)
    runner = _STATE[key]
    if kind == "http":
        runner.fresh()
        began = time.perf_counter()
        for _ in range(n):
            runner.case()
    else:
        began = time.perf_counter()
        for _ in range(n):
            engine_case(runner)
    return time.perf_counter() - began


class ClientPool:
    """``CLIENTS`` processes (spawned: nothing of the parent's engines or sockets is inherited),
    kept for the whole run so that no round pays for starting them."""

    def __init__(self, size: int) -> None:
        context = multiprocessing.get_context("spawn")
        self.pipes = []
        self.procs = []
        for _ in range(size):
            parent, child = context.Pipe()
            proc = context.Process(target=_client_main, args=(child,), daemon=True)
            proc.start()
            self.pipes.append(parent)
            self.procs.append(proc)

    def run(self, kind: str, key: str, setups: list[Any], n: int) -> float:
        """Wall seconds for the clients to run ``n`` cases between them (client i with setups[i])."""
        shares = [n // len(self.pipes) + (i < n % len(self.pipes)) for i in range(len(self.pipes))]
        began = time.perf_counter()
        for pipe, setup, share in zip(self.pipes, setups, shares, strict=True):
            pipe.send((kind, key, setup, share))
        answers = [pipe.recv() for pipe in self.pipes]
        elapsed = time.perf_counter() - began
        errors = [text for state, text in answers if state != "ok"]
        if errors:
            raise RuntimeError("; ".join(errors))
        return elapsed

    def close(self) -> None:
        for pipe in self.pipes:
            pipe.send(None)
        for proc in self.procs:
            proc.join(timeout=30)


# ----------------------------------------------------------------------------- the variants

@dataclass(frozen=True)
class Backend:
    name: str  # SQLite | PostgreSQL
    key: str  # s | p
    values: dict[str, Any]


def variants(backend: Backend, port: int, pool: ClientPool, k: Any) -> list[Any]:
    """h1, e1, h4, e4 of one backend (core.Variant: key, label, run(n) -> seconds, close)."""
    from core import Variant

    def tokens(client: int) -> dict[str, str]:
        return {user: k.accounts.create_token(user, f"bench-{client}", actor=user).secret for user in USERS}

    one = Client(port, tokens(0))
    setups = [(port, tokens(i + 1)) for i in range(CLIENTS)]
    key = backend.key

    def http_one(n: int) -> float:
        one.fresh()
        began = time.perf_counter()
        for _ in range(n):
            one.case()
        return time.perf_counter() - began

    def engine_one(n: int) -> float:
        began = time.perf_counter()
        for _ in range(n):
            engine_case(k)
        return time.perf_counter() - began

    def concurrent(kind: str) -> Callable[[int], float]:
        client_setups = setups if kind == "http" else [backend.values] * CLIENTS
        return lambda n: pool.run(kind, f"{kind}-{key}", client_setups, n)

    return [Variant(f"h1{key}", f"HTTP, 1 client, {backend.name}", http_one, one.close),
            Variant(f"e1{key}", f"engine API, 1 client, {backend.name}", engine_one),
            Variant(f"h4{key}", f"HTTP, {CLIENTS} clients, {backend.name}", concurrent("http")),
            Variant(f"e4{key}", f"engine API, {CLIENTS} processes, {backend.name}", concurrent("engine"))]


def warmup(cases: int) -> int:
    """Cases of the warm-up round: at least two per client process (its first case loads the spec)."""
    return max(2 * CLIENTS, cases // 4)


def measure_backend(backend: Backend, pool: ClientPool, cases: int, rounds: int) -> dict[str, list[float]]:
    import rounds as rounds_module

    backend.values["data_dir"].mkdir(parents=True)
    k = make_engine(backend.values)
    try:
        k.init()
        k.repository.deploy([PROCESS])
        with server(backend.values, backend.values["data_dir"].parent / "serve.log") as port:
            vs = variants(backend, port, pool, k)
            try:
                return rounds_module.run_rounds(vs, cases, rounds, warmup=warmup(cases))
            finally:
                for v in vs:
                    v.close()
    finally:
        k.close()


def run(admin_url: str | None, cases: int, rounds: int, use_pg: bool = True) -> tuple[str, dict[str, Any]]:
    """Both databases (PostgreSQL when a server answers); the Markdown report and the figures."""
    import pg

    folder = Path(tempfile.mkdtemp(prefix="krabuan-http-"))
    backends = [Backend("SQLite", "s", settings_values(folder / "sqlite", ""))]
    seconds: dict[str, list[float]] = {}
    with ExitStack() as stack:
        stack.callback(shutil.rmtree, folder, ignore_errors=True)
        admin = pg.admin_engine(admin_url) if use_pg else None
        if admin is not None:
            stack.callback(admin.dispose)
            url = stack.enter_context(pg.temp_database(admin, "krabuan_http"))
            backends.append(Backend("PostgreSQL", "p", settings_values(folder / "pg", url)))
        pool = ClientPool(CLIENTS)
        stack.callback(pool.close)
        for backend in backends:
            print(f"HTTP, {backend.name} ...", file=sys.stderr, flush=True)
            seconds.update(measure_backend(backend, pool, cases, rounds))
    return report(seconds, cases, rounds, [b.key for b in backends]), {"seconds": seconds, "cases": cases,
                                                                      "rounds": rounds}


# ----------------------------------------------------------------------------- the report

def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as fh:
            return next(line.split(":", 1)[1].strip() for line in fh if line.startswith("model name"))
    except (OSError, StopIteration):
        return "unknown CPU"


def report(seconds: dict[str, list[float]], cases: int, rounds: int, keys: list[str]) -> str:
    import rounds as rounds_module

    names = {"s": "SQLite", "p": "PostgreSQL"}
    lines = [f"HTTP: `krabuan serve --workers {WORKERS}` (gunicorn gthread, 8 threads per worker, scheduler on) on "
             f"127.0.0.1; {os.cpu_count()} cores ({cpu_model()}), clients and server on the same machine. A case is "
             f"{REQUESTS_PER_CASE} requests (start, claim, complete, claim, complete; bench/two_steps.bpmn) with "
             "bearer tokens over kept-alive connections (http.client); the engine API does the same 5 operations "
             f"in the benchmark's own processes. {rounds} interleaved rounds of {cases} cases per variant after a "
             f"warm-up of {warmup(cases)}; medians (min–max).\n",
             "| database | clients | HTTP cases/s | engine API cases/s | HTTP / engine (per-round range) | "
             f"HTTP requests/s | ms per request | target ≥ {TARGET:g} cases/s |",
             "|---|---|---|---|---|---|---|---|"]
    for key in keys:
        for clients in (1, CLIENTS):
            h, e = f"h{clients}{key}", f"e{clients}{key}"
            hs, es = rounds_module.summarise(seconds[h], cases), rounds_module.summarise(seconds[e], cases)
            r = rounds_module.ratio(seconds, h, e)
            per_request = 1000 * clients / (hs.median * REQUESTS_PER_CASE)
            verdict = "**met**" if hs.median >= TARGET else "**not met**"
            lines.append(f"| {names[key]} | {clients} | **{hs.median:.1f}** ({hs.low:.1f}–{hs.high:.1f}) | "
                         f"{es.median:.1f} ({es.low:.1f}–{es.high:.1f}) | "
                         f"**{r.value:.2f}** ({r.low:.2f}–{r.high:.2f}) | "
                         f"{hs.median * REQUESTS_PER_CASE:.0f} | {per_request:.1f} | {verdict} |")
    lines.append(f"\nms per request: the time one client waits for an answer (with {CLIENTS} clients, "
                 f"{CLIENTS} requests are in flight at once).")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, help="cases per variant per round (default 100; quick 8)")
    parser.add_argument("--rounds", type=int, help="interleaved rounds (default 5; quick 3)")
    parser.add_argument("--pg", help="admin URL of a PostgreSQL server (default: 127.0.0.1:5432/test)")
    parser.add_argument("--no-pg", action="store_true", help="SQLite only")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--json", type=Path, help="also write the seconds of every round to this file")
    args = parser.parse_args()
    cases = args.cases or (8 if args.quick else 100)
    rounds = args.rounds or (3 if args.quick else 5)
    text, record = run(args.pg, cases, rounds, not args.no_pg)
    print(text)
    if args.json:
        args.json.write_text(json.dumps(record, indent=2))


if __name__ == "__main__":
    main()
