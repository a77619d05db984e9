"""CLI start-up: the wall time of ``krabuan tasks --as clerk1`` from process start to exit, on an
initialised SQLite data folder (``krabuan init``, then three send-letter cases so that the
worklist is not empty), and where its import time goes (``python -X importtime``).

Runnable alone: ``python bench/startup.py [--runs N]`` (the code tree of this file).
"""
from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

USER = "clerk1"
COMMAND = ["tasks", "--as", USER]
_IMPORT_LINE = re.compile(r"^import time:\s+(\d+) \|\s+(\d+) \| ( *)(\S+)")


@dataclass
class Startup:
    runs: int
    wall: list[float]          # seconds, one per run
    floor: list[float]         # seconds of ``python -c pass``, one per run
    import_total: float        # seconds, top-level imports' cumulative time (median of the profiles)
    packages: list[tuple[str, float]]   # (top-level package, self seconds), heaviest first
    modules: list[tuple[str, float, float]]  # (module, self seconds, cumulative seconds), by self time


def _env(code_root: Path, data_dir: Path, default_root: Path) -> dict[str, str]:
    """The environment without KRABUAN_* settings of the caller; the data folder given; the code
    tree on PYTHONPATH unless it is the installed one."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KRABUAN_") and k != "PYTHONPATH"}
    env["KRABUAN_DATA_DIR"] = str(data_dir)
    if code_root.resolve() != default_root.resolve():
        env["PYTHONPATH"] = str(code_root)
    return env


def prepare(cli: list[str], env: dict[str, str], cwd: Path) -> None:
    """``krabuan init`` and three cases with a task for the user."""
    subprocess.run([sys.executable, *cli, "init"], env=env, cwd=cwd, check=True, capture_output=True)
    for _ in range(3):
        subprocess.run([sys.executable, *cli, "start", "send-letter", "--as", USER], env=env, cwd=cwd,
                       check=True, capture_output=True)


def wall_time(argv: list[str], env: dict[str, str], cwd: Path) -> float:
    """Seconds from spawning ``argv`` to its exit."""
    start = time.perf_counter()
    subprocess.run(argv, env=env, cwd=cwd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def parse_importtime(stderr: str) -> list[tuple[str, int, int, int]]:
    """(module, self µs, cumulative µs, depth) for every line of ``-X importtime`` output."""
    rows = []
    for line in stderr.splitlines():
        match = _IMPORT_LINE.match(line)
        if match:
            rows.append((match[4], int(match[1]), int(match[2]), len(match[3]) // 2))
    return rows


def import_profile(cli: list[str], env: dict[str, str], cwd: Path, runs: int = 5
                   ) -> tuple[float, list[tuple[str, float]], list[tuple[str, float, float]]]:
    """Median over ``runs`` profiles: the total import time, self time per top-level package,
    and self and cumulative time per module (seconds)."""
    totals, package_self, module_self, module_cum = [], defaultdict(list), defaultdict(list), defaultdict(list)
    for _ in range(runs):
        proc = subprocess.run([sys.executable, "-X", "importtime", *cli, *COMMAND], env=env, cwd=cwd,
                              check=True, capture_output=True, text=True)
        rows = parse_importtime(proc.stderr)
        top = min(depth for *_, depth in rows)
        totals.append(sum(cum for _, _, cum, depth in rows if depth == top))
        per_package: dict[str, int] = defaultdict(int)
        for name, self_us, cum_us, _depth in rows:
            per_package[name.split(".")[0]] += self_us
            module_self[name].append(self_us)
            module_cum[name].append(cum_us)
        for name, us in per_package.items():
            package_self[name].append(us)

    def med(values: list[int]) -> float:
        return statistics.median(values + [0] * (runs - len(values))) / 1e6

    packages = sorted(((name, med(v)) for name, v in package_self.items()), key=lambda x: -x[1])
    modules = sorted(((name, med(v), med(module_cum[name])) for name, v in module_self.items()),
                     key=lambda x: -x[1])
    return statistics.median(totals) / 1e6, packages, modules


def measure(cli: list[str], code_root: Path, default_root: Path, runs: int) -> Startup:
    """Prepare a data folder in a temporary directory and time the command there."""
    with tempfile.TemporaryDirectory(prefix="krabuan-startup-") as tmp:
        return _measure_in(Path(tmp), cli, code_root, default_root, runs)


def _measure_in(folder: Path, cli: list[str], code_root: Path, default_root: Path, runs: int) -> Startup:
    env = _env(code_root, folder / "data", default_root)
    prepare(cli, env, folder)
    argv, floor_argv = [sys.executable, *cli, *COMMAND], [sys.executable, "-c", "pass"]
    wall_time(argv, env, folder)  # untimed: fills the page cache
    wall_time(floor_argv, env, folder)
    wall, floor = [], []
    for _ in range(runs):  # interleaved, so that load hits both alike
        wall.append(wall_time(argv, env, folder))
        floor.append(wall_time(floor_argv, env, folder))
    total, packages, modules = import_profile(cli, env, folder)
    return Startup(runs, wall, floor, total, packages, modules)


def report(s: Startup, command: str, top: int = 10) -> str:
    """Markdown: wall time, interpreter floor, import time, and the heaviest imports."""
    wall, floor = statistics.median(s.wall), statistics.median(s.floor)
    lines = [
        f"`{command}` from process start to exit, on an initialised SQLite data folder "
        f"(median of {s.runs} runs after one untimed run):\n",
        "| | median | min | max |",
        "|---|---|---|---|",
        f"| wall time of the command | **{wall:.3f} s** | {min(s.wall):.3f} s | {max(s.wall):.3f} s |",
        f"| `python -c pass` (the interpreter's own start and exit) | {floor:.3f} s | {min(s.floor):.3f} s | "
        f"{max(s.floor):.3f} s |",
        f"\nImports take {s.import_total:.3f} s of it as `-X importtime` counts them (median of 5 profiles; "
        "the profiler adds its own overhead); the rest is the interpreter, building the engine, the query "
        "and exit. Target ≤ 0.4 s: " + ("**met**." if wall <= 0.4 else "**not met**."),
        "\n| top-level package | self import time (ms) |",
        "|---|---|",
        *[f"| {name} | {sec * 1000:.0f} |" for name, sec in s.packages[:top]],
        "\n| module | self (ms) | cumulative (ms) |",
        "|---|---|---|",
        *[f"| {name} | {self_s * 1000:.1f} | {cum * 1000:.0f} |" for name, self_s, cum in s.modules[:top]],
    ]
    return "\n".join(lines)


def main() -> None:
    import argparse
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    root = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(root))
    from compat import EngineApi
    cli = EngineApi().cli_argv()
    print(report(measure(cli, root, root, args.runs), "krabuan " + " ".join(COMMAND)))


if __name__ == "__main__":
    main()
