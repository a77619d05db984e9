"""A file cache of the holidays package's years, in the data folder.

Computing a year's Thai holidays imports the ``holidays`` package and its lunar calendars (about
85 ms), which a short command such as ``krabuan tasks`` would otherwise pay on every start. The
values depend only on the package, so they are cached per installed version of it (its
``__init__.py``'s size and modification time name the version without importing it); a newer
package makes a new cache. Writes replace the file atomically; two processes racing only compute
a year twice. Any problem with the file falls back to computing.
"""
from __future__ import annotations

import json
import os
import tempfile
from datetime import date
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from ..time.calendar import PackageYear, install_package_source, package_year


def install(folder: Path) -> None:
    """Serve package holidays through a cache file in ``folder``."""
    install_package_source(_Cache(folder / "holidays-th.json").year)


class _Cache:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.key = _package_key()
        self.years: dict[str, list[list[Any]]] | None = None

    def year(self, year: int) -> PackageYear:
        if self.years is None:
            self.years = self._read()
        cached = self.years.get(str(year))
        if cached is not None:
            return {date.fromisoformat(day): tuple(names) for day, names in cached}
        computed = package_year(year)
        self.years[str(year)] = [[day.isoformat(), list(names)] for day, names in sorted(computed.items())]
        self._write()
        return computed

    def _read(self) -> dict[str, list[list[Any]]]:
        try:
            content = json.loads(self.path.read_text(encoding="utf-8"))
            if content.get("key") == self.key and isinstance(content.get("years"), dict):
                return dict(content["years"])
        except (OSError, ValueError, AttributeError):
            pass
        return {}

    def _write(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=self.path.parent, delete=False,
                                             suffix=".tmp") as fh:
                json.dump({"key": self.key, "years": self.years}, fh, ensure_ascii=False)
            os.replace(fh.name, self.path)
        except OSError:
            pass  # a read-only data folder: the cache is an optimisation only


def _package_key() -> str:
    spec = find_spec("holidays")
    origin = spec.origin if spec is not None else None
    if origin is None:
        return "unknown"
    stat = os.stat(origin)
    return f"{origin}:{stat.st_size}:{stat.st_mtime_ns}"
