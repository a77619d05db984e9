"""Krabuan engine benchmark: one command, results printed as Markdown for docs/benchmarks.md.

    .venv/bin/python bench/run.py                      # the full run (about 9 minutes on 2 cores)
    .venv/bin/python bench/run.py --quick              # smoke check, under a minute
    .venv/bin/python bench/run.py --instances 200 --rounds 5 [--pg URL | --no-pg] [--timers N]
                                  [--no-cli] [--no-http | --http-only] [--code DIR] [--json FILE]

Engine core (see bench/core.py): the SOP-shaped process tests/data/sop_bench.bpmn (6
sequential user tasks in two lanes, an approve/reject gateway, a 3-member multi-instance
committee, a non-interrupting boundary timer; 9 user-task steps per case) run to completion
by raw SpiffWorkflow in memory (a); by raw durable loops storing the whole workflow on
SQLite (b), only the state on SQLite (s) and only the state on PostgreSQL (p); and by
Krabuan on SQLite (c) and on PostgreSQL (d). The variants run interleaved, round after round
(bench/rounds.py); figures are medians with their spread, ratios come from the medians.
The fair ratios are c/s and d/p (same serializer, same database, same durability); c/b and
d/b are kept for continuity with earlier figures.

Then: per-step cost as a user task loops, bytes per completed case, the CLI's start-up
(bench/startup.py), the timer benchmark (bench/timers.py, PostgreSQL) and whole cases through
the JSON API of ``krabuan serve --workers 2`` against the engine API (bench/http_api.py).

``--code DIR`` measures the engine of another checkout of the repository (for example a
``git worktree`` of an older commit) with this harness; bench/compat.py bridges the API.
"""
from __future__ import annotations

import argparse
import atexit
import json
import os
import platform
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import asdict
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
ORDER = "abscepdf"
LABELS = {
    "a": "(a) raw SpiffWorkflow, in memory",
    "b": "(b) raw loop, whole workflow (stock serializer), SQLite WAL/NORMAL",
    "s": "(s) raw loop, state only (StateSerializer), SQLite WAL/NORMAL",
    "c": "(c) Krabuan engine API, SQLite WAL/NORMAL (claim + complete per step)",
    "p": "(p) raw loop, state only (StateSerializer), PostgreSQL, one durable commit per step",
    "d": "(d) Krabuan engine API, PostgreSQL (claim + complete per step)",
    "e": "(e) Krabuan engine API, SQLite WAL/NORMAL (one request per step: complete with claim)",
    "f": "(f) Krabuan engine API, PostgreSQL (one request per step: complete with claim)",
}
# (top, bottom, what it says, target)
RATIOS = [
    ("c", "s", "Krabuan (claim + complete) / raw state-only, SQLite (fair)", 0.4),
    ("d", "p", "Krabuan (claim + complete) / raw state-only, PostgreSQL (same durability; two requests "
               "against one)", 0.5),
    ("e", "s", "Krabuan / raw state-only, SQLite, one request per step each (like for like)", 0.4),
    ("f", "p", "Krabuan / raw state-only, PostgreSQL, one request per step each (like for like)", 0.5),
    ("c", "b", "Krabuan SQLite / raw whole-workflow SQLite (published before; flattering)", None),
    ("d", "b", "Krabuan PostgreSQL / raw whole-workflow SQLite (published before; unfair)", None),
    ("s", "b", "what storing only the state is worth to the raw loop", None),
    ("p", "s", "what PostgreSQL's durable commit costs the raw loop", None),
]


def options(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smoke check: tiny sizes")
    parser.add_argument("--instances", type=int, help="cases per variant per round (default 200; quick 4)")
    parser.add_argument("--rounds", type=int, help="interleaved rounds (default 7; quick 5)")
    parser.add_argument("--loops", help="loop rounds for the per-step cost, comma-separated (default 10,50,200)")
    parser.add_argument("--loop-repeats", type=int, help="interleaved repeats per loop size (default 3)")
    parser.add_argument("--cli-runs", type=int, help="timed runs of the CLI command (default 11; quick 7)")
    parser.add_argument("--no-cli", action="store_true", help="skip the CLI start-up part")
    parser.add_argument("--pg", help="admin URL of a PostgreSQL server (default: 127.0.0.1:5432/test)")
    parser.add_argument("--no-pg", action="store_true", help="skip (p), (d) and the timer part")
    parser.add_argument("--timers", type=int, help="timers due at once (default 10000; 0 skips the timer part)")
    parser.add_argument("--steady", type=int, help="timers due evenly over --steady-seconds (default 2000)")
    parser.add_argument("--steady-seconds", type=float, help="(default 60)")
    parser.add_argument("--no-http", action="store_true", help="skip the HTTP part (bench/http_api.py)")
    parser.add_argument("--http-only", action="store_true", help="run only the HTTP part")
    parser.add_argument("--http-cases", type=int, help="HTTP part: cases per variant per round (default 100; quick 8)")
    parser.add_argument("--http-rounds", type=int, help="HTTP part: interleaved rounds (default 5; quick 3)")
    parser.add_argument("--code", type=Path, default=REPO, help="checkout whose engine to measure")
    parser.add_argument("--json", type=Path, help="also write every measurement to this file")
    args = parser.parse_args(argv)
    quick = args.quick
    for name, full, small in [("instances", 200, 4), ("rounds", 7, 5), ("loops", "10,50,200", "3,10"),
                              ("loop_repeats", 3, 1), ("cli_runs", 11, 7), ("timers", 10_000, 20),
                              ("steady", 2_000, 10), ("steady_seconds", 60.0, 2.0), ("http_cases", 100, 8),
                              ("http_rounds", 5, 3)]:
        if getattr(args, name) is None:
            setattr(args, name, small if quick else full)
    args.loops = [int(x) for x in str(args.loops).split(",")]
    args.timer_lead = 2.0 if quick else None  # seconds from creating the timers to their due time
    args.code = args.code.resolve()
    return args


def describe_tree(root: Path) -> str:
    """The commit of the checkout, with -dirty when its working tree has changes."""
    try:
        return subprocess.run(["git", "-C", str(root), "describe", "--always", "--dirty"], check=True,
                              capture_output=True, text=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def build_variants(stack: ExitStack, folder: Path, admin: Any) -> tuple[list[Any], dict[str, Any]]:
    """The variants in round order (PostgreSQL ones only with a server), closed by ``stack``;
    also the Krabuans of (c) and (d), by key."""
    import core
    import pg

    variants = [core.in_memory_variant(),
                core.durable_variant("b", LABELS["b"], core.sqlite_engine(folder / "raw-whole.sqlite3"),
                                     core.WholeStore),
                core.durable_variant("s", LABELS["s"], core.sqlite_engine(folder / "raw-state.sqlite3"),
                                     core.StateStore)]
    krabuans = {}
    c, krabuans["c"] = core.krabuan_variant("c", LABELS["c"], folder)
    variants.append(c)
    one_request = core.API.claims_on_complete
    if one_request:
        e, krabuans["e"] = core.krabuan_variant("e", LABELS["e"], folder, one_request=True)
        variants.append(e)
    if admin is not None:
        raw_url = stack.enter_context(pg.temp_database(admin, "krabuan_bench_raw"))
        variants.append(core.durable_variant("p", LABELS["p"], core.postgres_engine(raw_url), core.StateStore))
        k_url = stack.enter_context(pg.temp_database(admin, "krabuan_bench"))
        d, krabuans["d"] = core.krabuan_variant("d", LABELS["d"], folder, k_url)
        variants.append(d)
        if one_request:
            f_url = stack.enter_context(pg.temp_database(admin, "krabuan_bench_one"))
            f, krabuans["f"] = core.krabuan_variant("f", LABELS["f"], folder, f_url, one_request=True)
            variants.append(f)
    for v in variants:
        stack.callback(v.close)
    return variants, krabuans


def engine_core(args: argparse.Namespace, folder: Path, admin: Any) -> dict[str, Any]:
    """Run the interleaved rounds; then count Krabuan's statements per step and measure bytes
    per case on the SQLite Krabuan."""
    import core
    import rounds

    with ExitStack() as stack:
        variants, krabuans = build_variants(stack, folder, admin)
        seconds = rounds.run_rounds(variants, args.instances, args.rounds, warmup=max(2, args.instances // 4))
        statements = {key: core.statements_per_step(k, key in "ef") for key, k in krabuans.items()}
        row_kb, file_kb = core.bytes_per_case(krabuans["c"])
    summaries = {key: rounds.summarise(s, args.instances) for key, s in seconds.items()}
    ratios = [rounds.ratio(seconds, top, bottom) for top, bottom, *_ in RATIOS if top in seconds and bottom in seconds]
    return {"seconds": seconds, "summaries": summaries, "ratios": ratios, "statements": statements,
            "row_kb": row_kb, "file_kb": file_kb}


def core_report(res: dict[str, Any], args: argparse.Namespace) -> list[str]:
    import core

    n = args.instances
    lines = ["| | cases/s, median | min–max | IQR | ms per user-task step (median) |", "|---|---|---|---|---|"]
    for key in ORDER:
        if key in res["summaries"]:
            s = res["summaries"][key]
            step_ms = 1000 / (s.median * core.STEPS_PER_CASE)
            lines.append(f"| {LABELS[key]} | **{s.median:.1f}** | {s.low:.1f}–{s.high:.1f} | "
                         f"{s.q1:.1f}–{s.q3:.1f} | {step_ms:.3f} |")
    lines += [f"\n{args.rounds} interleaved rounds of {n} cases per variant (order {', '.join(res['seconds'])}) "
              f"after a warm-up round of {max(2, n // 4)} cases.\n",
              "| ratio of throughputs | from the medians | per-round range | target |", "|---|---|---|---|"]
    what = {(top, bottom): (text, target) for top, bottom, text, target in RATIOS}
    for r in res["ratios"]:
        text, target = what[(r.top, r.bottom)]
        verdict = "" if target is None else f"≥ {target} — {'**met**' if r.value >= target else '**not met**'}"
        lines.append(f"| {r.top}/{r.bottom}: {text} | **{r.value:.2f}** | {r.low:.2f}–{r.high:.2f} | {verdict} |")
    counts = ", ".join(f"({key}) {n:.1f}" for key, n in res["statements"].items())
    lines.append(f"\nSQL statements per user-task step (BEGIN, COMMIT and pool pings not counted): {counts}; "
                 "the raw loops send 2 (a SELECT and an UPDATE).")
    lines.append(f"\nStored per completed SOP case: {res['row_kb']:.1f} KB of row data (instance state and case "
                 f"data, task rows, candidate rows, history events); {res['file_kb']:.1f} KB of SQLite file per "
                 "case including indexes (after a WAL checkpoint).")
    return lines


def loop_report(rows: list[dict[str, float]], repeats: int) -> list[str]:
    lines = [f"Per-step cost as a user task loops (tests/data/review_loop.bpmn, SQLite; median ms of one step "
             f"at that round, median of {repeats} interleaved repeats):\n",
             "| loop round | Krabuan: claim + complete | raw whole-workflow request (b) | raw state-only request (s) "
             "| Krabuan / (b) | Krabuan / (s) |", "|---|---|---|---|---|---|"]
    for row in rows:
        lines.append(f"| {row['rounds']} | {row['krabuan']:.2f} | {row['whole']:.2f} | {row['state']:.2f} | "
                     f"{row['krabuan'] / row['whole']:.2f} | {row['krabuan'] / row['state']:.2f} |")
    return lines


def header(args: argparse.Namespace, api_generation: str, pg_settings: dict[str, str] | None) -> list[str]:
    import sqlite3
    from importlib.metadata import version

    command = "bench/run.py " + shlex.join(sys.argv[1:])
    pg_text = (", ".join(f"{k} {v}" for k, v in pg_settings.items()) if pg_settings else "not used")
    return [f"## Benchmark run ({time.strftime('%Y-%m-%d %H:%M')})\n",
            f"- command: `{command}`",
            f"- code: {args.code} at {describe_tree(args.code)} ({api_generation})",
            f"- machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
            f"SpiffWorkflow {version('SpiffWorkflow')}, SQLAlchemy {version('SQLAlchemy')}, "
            f"SQLite {sqlite3.sqlite_version}",
            f"- PostgreSQL: {pg_text}",
            f"- load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}\n"]


def cli_part(args: argparse.Namespace, api: Any) -> tuple[str, dict[str, Any]]:
    import startup

    result = startup.measure(api.cli_argv(), args.code, REPO, args.cli_runs)
    return startup.report(result, "krabuan " + " ".join(startup.COMMAND)), asdict(result)


def main() -> None:
    began = time.perf_counter()
    args = options()
    sys.path.insert(0, str(args.code))  # the engine under test comes from --code
    import pg
    from compat import EngineApi

    api = EngineApi()
    if api.root != args.code:
        raise SystemExit(f"engine imported from {api.root}, not from {args.code}")
    admin = None if args.no_pg else pg.admin_engine(args.pg)
    pg_settings = pg.server_settings(admin) if admin is not None else None
    out = header(args, api.generation, pg_settings)
    folder = Path(tempfile.mkdtemp(prefix="krabuan-bench-"))  # removed at exit
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    record: dict[str, Any] = {"args": {k: str(v) for k, v in vars(args).items()}, "pg": pg_settings}

    if not args.http_only:
        print("engine core ...", file=sys.stderr, flush=True)
        res = engine_core(args, folder, admin)
        out += ["### Engine core\n", *core_report(res, args)]
        record["core"] = {**res, "summaries": {k: asdict(v) for k, v in res["summaries"].items()},
                          "ratios": [asdict(r) for r in res["ratios"]]}

        print("loop growth ...", file=sys.stderr, flush=True)
        import core
        record["loops"] = core.loop_growth(folder, args.loops, args.loop_repeats)
        out += ["", *loop_report(record["loops"], args.loop_repeats)]

    if not args.no_cli and not args.http_only:
        print("CLI start-up ...", file=sys.stderr, flush=True)
        text, record["cli"] = cli_part(args, api)
        out += ["\n### CLI start-up\n", text]

    if admin is not None and args.timers > 0 and not api.flat and not args.http_only:
        print("timers ...", file=sys.stderr, flush=True)
        import timers as timer_bench
        out += ["", timer_bench.run(args.pg, args.timers, args.steady, args.steady_seconds, args.timer_lead) or ""]

    if not args.no_http and args.code == REPO:  # the web app of this checkout only
        import http_api
        text, record["http"] = http_api.run(args.pg, args.http_cases, args.http_rounds, not args.no_pg)
        out += ["\n### HTTP (issue 9)\n", text]

    if admin is not None:
        admin.dispose()
    elapsed = time.perf_counter() - began
    out.append(f"\nLoad average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; "
               f"the whole run took {elapsed / 60:.1f} min ({elapsed:.0f} s).")
    print("\n".join(out))
    if args.json:
        record["elapsed_seconds"] = elapsed
        args.json.write_text(json.dumps(record, indent=2, default=str))


if __name__ == "__main__":
    main()
