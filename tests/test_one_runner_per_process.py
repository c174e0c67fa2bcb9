"""One projection runner per process, held by the app; a read-model connection per thread."""

from __future__ import annotations

import hashlib
import threading
from datetime import datetime
from pathlib import Path

import pytest

from projections import runner as runner_module
from tests.accounts import sign_in
from tests.helpers import DEFAULT_PLAN_ID as PLAN

PAGES = [f"/plannen/{PLAN}", f"/plannen/{PLAN}?as_of=2026-01-31", f"/plannen/{PLAN}/interventies/2.B2",
         f"/plannen/{PLAN}/wijzigingen", f"/plannen/{PLAN}/kwartaal", f"/plannen/{PLAN}/export.csv"]


@pytest.fixture
def site(default_services, data_dir: Path):
    from web import create_app

    web = create_app({"DATA_DIR": str(data_dir), "TODAY": "2026-04-01", "TESTING": True})
    client = web.test_client()
    sign_in(client, default_services, "lezer")
    return web, client


def read_model_files(data_dir: Path) -> dict[str, tuple[int, int, str]]:
    """Return size, modification time and digest of the read model's file and its WAL."""
    found = {}
    for name in ("readmodel.sqlite", "readmodel.sqlite-wal"):
        path = data_dir / name
        if path.exists():
            stat = path.stat()
            found[name] = (stat.st_size, stat.st_mtime_ns, hashlib.sha256(path.read_bytes()).hexdigest())
    return found


def get_all(client) -> None:
    for url in PAGES:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)


def test_requests_use_the_apps_runner_and_the_threads_own_connection(site, monkeypatch) -> None:
    web, client = site
    get_all(client)  # this thread's connection is open now
    runners, opened = [], []
    real_init, real_open = runner_module.ProjectionRunner.__init__, runner_module.open_read_model
    monkeypatch.setattr(runner_module.ProjectionRunner, "__init__",
                        lambda self, *a, **k: (runners.append(self), real_init(self, *a, **k))[1])
    monkeypatch.setattr(runner_module, "open_read_model", lambda *a, **k: (opened.append(a), real_open(*a, **k))[1])

    get_all(client)
    get_all(client)
    assert runners == [] and opened == [], "no runner and no connection per request"

    runner = web.extensions["tracker"].runner
    mine = runner.connection()
    seen: list[object] = []
    thread = threading.Thread(target=lambda: seen.extend([runner.connection(), runner.connection()]))
    thread.start()
    thread.join()
    assert seen[0] is seen[1] and seen[0] is not mine, "one connection per thread"
    assert len(opened) == 1


def test_page_requests_write_nothing_when_nothing_is_new(site, default_services, data_dir: Path) -> None:
    web, client = site
    get_all(client)
    runner = web.extensions["tracker"].runner
    before = read_model_files(data_dir), runner.db.conn.total_changes, runner.connection().conn.total_changes

    for _ in range(3):
        get_all(client)
    assert (read_model_files(data_dir), runner.db.conn.total_changes,
            runner.connection().conn.total_changes) == before

    # Something new: the next page request writes it, once.
    default_services.app.add_note(PLAN, "2.B2", text="Nieuw", at=datetime(2026, 3, 1, 9), by="Fatima de Vries")
    get_all(client)
    changes = runner.db.conn.total_changes
    assert changes > before[1]
    get_all(client)
    assert runner.db.conn.total_changes == changes
