"""The static gates: mypy in strict mode and ruff over the product code (engine, cli, web,
scheduler), with the settings of pyproject.toml. Part of the test command, so CI runs them."""
from __future__ import annotations

import subprocess
import sys

from engine.settings import PROJECT_ROOT


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], capture_output=True, text=True, cwd=PROJECT_ROOT,
                          timeout=600)


def test_mypy_strict_passes():
    result = _run("mypy", "--no-incremental")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_passes():
    result = _run("ruff", "check", "engine", "cli", "web", "scheduler")
    assert result.returncode == 0, result.stdout + result.stderr
