"""The holidays package's years served from a file cache: the same values, computed once per
installed package version, and a damaged or stale file is recomputed, never trusted."""
from __future__ import annotations

import json

from engine.store import holiday_cache
from engine.time import calendar as cal


def test_cached_years_are_the_packages_own(tmp_path, monkeypatch):
    computed = []
    real = cal.package_year
    monkeypatch.setattr(holiday_cache, "package_year", lambda year: computed.append(year) or real(year))
    cache = holiday_cache._Cache(tmp_path / "h.json")
    assert cache.year(2026) == real(2026)
    assert computed == [2026]
    again = holiday_cache._Cache(tmp_path / "h.json")  # another process
    assert again.year(2026) == real(2026)
    assert computed == [2026]  # read from the file, not computed again


def test_a_stale_or_damaged_file_is_recomputed(tmp_path, monkeypatch):
    path = tmp_path / "h.json"
    path.write_text(json.dumps({"key": "another version", "years": {"2026": [["2026-01-02", ["ปลอม"]]]}}))
    assert holiday_cache._Cache(path).year(2026) == cal.package_year(2026)
    path.write_text("{not json")
    assert holiday_cache._Cache(path).year(2027) == cal.package_year(2027)
    assert json.loads(path.read_text())["key"] == holiday_cache._package_key()
