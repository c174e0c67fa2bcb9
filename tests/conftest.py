"""Fixtures shared by every test: a data directory, the services on it, the small plan.

Modules marked ``both_stores`` run each test twice: on the SQLite event store in the data
directory and on PostgreSQL (a server of the test run's own, a fresh schema per test). When
PostgreSQL cannot be started those tests fail; they are never skipped.
"""

from __future__ import annotations

import sys
from pathlib import Path

# `from tests.helpers import ...` works however pytest is started (python -m pytest or pytest).
_ROOT = str(Path(__file__).resolve().parent.parent)
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

import os  # noqa: E402

# Argon2's cheapest profile: real hashes cost ~120 ms each on two cores.
os.environ["TRACKER_PASSWORD_PROFILE"] = "test"

import pytest  # noqa: E402
from click.testing import CliRunner, Result  # noqa: E402

from tests.helpers import (  # noqa: E402,F401  (re-exported for `from tests.conftest import at`)
    DEFAULT_PLAN,
    DEFAULT_PLAN_ID,
    IMPORTED_AT,
    SMALL_PLAN,
    SMALL_PLAN_ID,
    at,
    import_text,
)


# The key every node of a test shares when the events live in PostgreSQL.
SHARED_SECRET_KEY = "test-secret-key-shared-by-every-node"


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run the tests of modules marked ``both_stores`` on each event store."""
    if metafunc.definition.get_closest_marker("both_stores") and "store" in metafunc.fixturenames:
        metafunc.parametrize("store", ["sqlite", "postgres"], scope="module")


@pytest.fixture(scope="session")
def store() -> str:
    """Return the event store of this test: 'sqlite' unless the module runs on both."""
    return "sqlite"


@pytest.fixture(scope="session")
def pg_server():
    """Start a PostgreSQL server of this test run's own (once), stop it at the end."""
    from tests.pg_server import PostgresServer, PostgresUnavailable

    server = PostgresServer()
    try:
        server.start()
    except PostgresUnavailable as exc:
        server.stop()
        pytest.fail(f"PostgreSQL could not be started: {exc}", pytrace=False)
    yield server
    server.stop()


def _url_for(store: str, request: pytest.FixtureRequest) -> str | None:
    if store != "postgres":
        return None
    return request.getfixturevalue("pg_server").create_schema()


@pytest.fixture
def database_url(store: str, request: pytest.FixtureRequest) -> str | None:
    """Return this test's TRACKER_DATABASE_URL (a fresh schema), or None on SQLite."""
    return _url_for(store, request)


@pytest.fixture(scope="module")
def module_database_url(store: str, request: pytest.FixtureRequest) -> str | None:
    """Return a TRACKER_DATABASE_URL for a module's shared fixtures, or None on SQLite."""
    return _url_for(store, request)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """Return the data directory of this test (created by open_services)."""
    return tmp_path / "data"


@pytest.fixture(autouse=True)
def _tracker_env(monkeypatch: pytest.MonkeyPatch, data_dir: Path, database_url: str | None) -> None:
    """Point every CLI and app at this test's data directory (and store); nothing from the caller leaks in."""
    monkeypatch.setenv("TRACKER_DATA_DIR", str(data_dir))
    monkeypatch.setenv("TRACKER_USER", "tester")
    for name in ("TRACKER_DEFAULT_PLAN", "TRACKER_TODAY", "PERSISTENCE_MODULE",
                 "TRACKERAPP_PERSISTENCE_MODULE", "TRACKER_DATABASE_URL", "TRACKER_SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    if database_url:
        monkeypatch.setenv("TRACKER_DATABASE_URL", database_url)
        monkeypatch.setenv("TRACKER_SECRET_KEY", SHARED_SECRET_KEY)


@pytest.fixture
def services(data_dir: Path):
    """Return the tracker services (write side and read model) on the data directory."""
    from web.services import open_services

    opened = open_services(data_dir)
    yield opened
    opened.db.close()
    opened.app.close()


@pytest.fixture
def small_plan_file(tmp_path: Path) -> Path:
    """Write the small valid plan to a file and return its path."""
    path = tmp_path / "testagenda.yaml"
    path.write_text(SMALL_PLAN, encoding="utf-8")
    return path


@pytest.fixture
def small_services(services, small_plan_file: Path):
    """Return services with the small plan imported on 1 October 2025 and caught up."""
    from tracker.planfile import read_plan_file

    services.app.import_plan(read_plan_file(small_plan_file), at=IMPORTED_AT, by="beheer")
    services.catch_up()
    return services


@pytest.fixture
def default_services(services):
    """Return services with the default (Nijmegen) plan imported on 1 October 2025."""
    from tracker.planfile import read_plan_file

    services.app.import_plan(read_plan_file(DEFAULT_PLAN), at=IMPORTED_AT, by="beheer")
    services.catch_up()
    return services


@pytest.fixture
def cli():
    """Return a function that runs the `tracker` CLI in-process and returns click's Result."""
    from cli.main import main

    runner = CliRunner()

    def run(*args: str) -> Result:
        return runner.invoke(main, [str(a) for a in args], catch_exceptions=True)

    return run


@pytest.fixture
def late_adopter(services):
    """The default plan (adopted September 2025) loaded on 1 December 2026, as a gemeente starting mid-plan."""
    from datetime import datetime

    from tests.helpers import DEFAULT_PLAN
    from tracker.planfile import read_plan_file

    services.app.import_plan(read_plan_file(DEFAULT_PLAN), at=datetime(2026, 12, 1, 12), by="beheerder")
    services.catch_up()
    return services
