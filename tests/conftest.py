"""Fixtures shared by every test: a data directory, the services on it, the small plan."""

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


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """Return the data directory of this test (created by open_services)."""
    return tmp_path / "data"


@pytest.fixture(autouse=True)
def _tracker_env(monkeypatch: pytest.MonkeyPatch, data_dir: Path) -> None:
    """Point every CLI and app at this test's data directory; nothing from the caller leaks in."""
    monkeypatch.setenv("TRACKER_DATA_DIR", str(data_dir))
    monkeypatch.setenv("TRACKER_USER", "tester")
    for name in ("TRACKER_DEFAULT_PLAN", "TRACKER_TODAY", "PERSISTENCE_MODULE",
                 "TRACKERAPP_PERSISTENCE_MODULE"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def services(data_dir: Path):
    """Return the tracker services (write side and read model) on the data directory."""
    from web.services import open_services

    return open_services(data_dir)


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
