"""Shared fixtures. Every engine test runs on SQLite and on PostgreSQL.

PostgreSQL: a fresh database is created for the test session on the server at
TEST_POSTGRES_URL (default 127.0.0.1:5432, user postgres or root, trust auth) and dropped at
the end, so runs never see each other's data. With CI=true the PostgreSQL tests are
mandatory and fail loudly when the server is missing; elsewhere they skip with one line.
"""
from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Iterator

import pytest
from sqlalchemy import create_engine, text

from engine import Krabuan
from engine.settings import PROJECT_ROOT, Settings

from helpers import DATA, SOP_BENCH, check_roundtrips, make_settings, reset_pg  # noqa: F401

IN_CI = os.environ.get("CI", "").lower() == "true"


def _admin_urls() -> list[str]:
    explicit = os.environ.get("TEST_POSTGRES_URL")
    if explicit:
        return [explicit]
    return [f"postgresql+psycopg://{user}@127.0.0.1:5432/test" for user in ("postgres", "root")]


@pytest.fixture(scope="session")
def pg_server_url() -> Iterator[str]:
    """URL of a fresh, empty PostgreSQL database for this test session."""
    errors = []
    for admin_url in _admin_urls():
        try:
            admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text("select 1"))
        except Exception as exc:  # noqa: BLE001 - any failure means "not this one"
            errors.append(f"{admin_url}: {str(exc).splitlines()[0]}")
            continue
        name = f"krabuan_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield admin_url.rsplit("/", 1)[0] + "/" + name
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
        return
    message = "PostgreSQL is not reachable: " + "; ".join(errors)
    if IN_CI:
        pytest.fail(message + " (CI=true: the PostgreSQL tests are mandatory)", pytrace=False)
    pytest.skip(message)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def database_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if backend == "sqlite":
        return ""
    url = request.getfixturevalue("pg_server_url")
    reset_pg(url)
    return url


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return make_settings(tmp_path, database_url)


@pytest.fixture
def k(settings: Settings) -> Iterator[Krabuan]:
    """An engine with the schema, the small test organisation and the SOP-shaped process;
    every instance is round-tripped through its stored state after every step."""
    engine = check_roundtrips(Krabuan(settings))
    engine.init()
    engine.repository.deploy([SOP_BENCH])
    yield engine
    engine.close()


@pytest.fixture
def project_settings(tmp_path: Path, database_url: str) -> Settings:
    """Settings of the real project: processes/, forms/ and the demo organisation."""
    return Settings().with_overrides(data_dir=tmp_path / "data", database_url=database_url,
                                     processes_dir=PROJECT_ROOT / "processes", forms_dir=PROJECT_ROOT / "forms",
                                     organisation_file=PROJECT_ROOT / "processes" / "organisation.yaml")
