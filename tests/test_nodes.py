"""Several nodes on one PostgreSQL event store: each keeps its own read model, all see one truth."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.accounts import sign_in
from tests.conftest import SHARED_SECRET_KEY
from tests.helpers import DEFAULT_PLAN_ID as PLAN
from tests.helpers import REPO, SMALL_PLAN, SMALL_PLAN_ID, import_text, note_texts, write_notes_at_once
from tests.mail_helpers import ANNA, BERT, STUURGROEP, smtp_server, trekker_scenario  # noqa: F401
from web.auth import SecretKeyMissing
from web.services import open_services


@pytest.fixture
def shared_url(pg_server) -> str:
    """Return the URL of a fresh, empty PostgreSQL store that the nodes of a test share."""
    return pg_server.create_schema()


def node(tmp_path: Path, name: str, url: str):
    """Return a function that runs the `tracker` CLI on one node (its own data directory)."""
    from cli.main import main

    env = {"TRACKER_DATA_DIR": str(tmp_path / name), "TRACKER_DATABASE_URL": url,
           "TRACKER_SECRET_KEY": SHARED_SECRET_KEY, "TRACKER_ADMIN_PASSWORD": "beheer-wachtwoord-1"}

    def run(*args: str):
        result = CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.output

    return run


def test_a_note_on_node_a_is_shown_by_node_b_and_a_keeps_no_event_store(tmp_path, shared_url):
    a, b = node(tmp_path, "a", shared_url), node(tmp_path, "b", shared_url)
    a("init", "--today", "2025-10-01")
    assert not list((tmp_path / "a").glob("events.sqlite*"))   # the events live in PostgreSQL
    assert (tmp_path / "a" / "readmodel.sqlite").is_file()      # the read model is the node's own

    listed = json.loads(b("interventions", "--plan", "nijmegen-uitvoeringsagenda-2025", "--json",
                          "--as-of", "2025-10-02"))
    assert len(listed) == 24
    a("note", "2.B2", "Gesprek met de aanbieders gevoerd", "--today", "2025-10-03")
    history = json.loads(b("history", "2.B2", "--json"))
    assert history[-1]["description"] == "Voortgangsnotitie: Gesprek met de aanbieders gevoerd"
    assert not list((tmp_path / "b").glob("events.sqlite*"))


def test_a_session_signed_on_one_node_is_valid_on_another(tmp_path, shared_url):
    from web import create_app

    config = {"DATABASE_URL": shared_url, "SECRET_KEY": SHARED_SECRET_KEY, "TODAY": "2025-10-02"}
    app_a = create_app({**config, "DATA_DIR": str(tmp_path / "a")})
    app_b = create_app({**config, "DATA_DIR": str(tmp_path / "b")})
    services_a = app_a.extensions["tracker"]
    from tracker.planfile import read_plan_file
    from tests.helpers import DEFAULT_PLAN, IMPORTED_AT

    services_a.app.import_plan(read_plan_file(DEFAULT_PLAN), at=IMPORTED_AT, by="beheer")
    client_a = app_a.test_client()
    sign_in(client_a, services_a, "lezer")
    cookie = client_a.get_cookie("session")
    assert cookie is not None

    client_b = app_b.test_client()
    assert client_b.get(f"/plannen/{PLAN}").status_code == 302        # not signed in on B yet
    client_b.set_cookie("session", cookie.value)
    page = client_b.get(f"/plannen/{PLAN}")
    assert page.status_code == 200 and "2.B2" in page.data.decode()


def test_a_shared_store_without_a_shared_session_key_is_refused(tmp_path, shared_url):
    from web import create_app

    with pytest.raises(SecretKeyMissing, match="TRACKER_SECRET_KEY"):
        create_app({"DATA_DIR": str(tmp_path / "a"), "DATABASE_URL": shared_url})
    assert not (tmp_path / "a" / "secret_key").exists()


def test_open_services_reads_the_url_from_the_environment(tmp_path, shared_url, monkeypatch):
    monkeypatch.setenv("TRACKER_DATABASE_URL", shared_url)
    services = open_services(tmp_path / "a")
    assert services.shared_store and services.database_url == shared_url
    assert services.app.recorder.max_notification_id() is None   # empty, and reachable
    services.app.close()


def test_notes_written_at_once_on_two_nodes_are_all_stored_once_and_both_export_the_same(tmp_path, shared_url):
    a = open_services(tmp_path / "a", database_url=shared_url)
    b = open_services(tmp_path / "b", database_url=shared_url)
    import_text(a, SMALL_PLAN, "testagenda.yaml", datetime(2025, 10, 1, 9))
    before = b.app.get_intervention(SMALL_PLAN_ID, "1.A1").version

    acknowledged, errors = write_notes_at_once([a, b], SMALL_PLAN_ID, "1.A1", per_node=40)
    assert errors == [] and len(acknowledged) == 80
    stored = note_texts(b, SMALL_PLAN_ID, "1.A1")
    assert sorted(stored) == sorted(acknowledged)                  # none lost, none doubled
    assert a.app.get_intervention(SMALL_PLAN_ID, "1.A1").version == before + 80

    export_a = node(tmp_path, "a", shared_url)("export-events")
    export_b = node(tmp_path, "b", shared_url)("export-events")
    assert export_a == export_b and export_a.count('"type": "NoteAdded"') == 80
    for services in (a, b):   # each node's own read model shows all of them
        services.catch_up()
        notes = services.db.execute("SELECT count(*) FROM history WHERE event = 'NoteAdded'").fetchone()[0]
        assert notes == 80


def start_scheduler(tmp_path: Path, name: str, url: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "TRACKER_DATA_DIR": str(tmp_path / name),
           "TRACKER_DATABASE_URL": url}
    return subprocess.Popen([sys.executable, "-m", "cli", "scheduler", "--today", "2026-03-02", "--interval", "60"],
                            env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def test_two_schedulers_on_two_nodes_send_each_due_reminder_once(tmp_path, shared_url, smtp_server):
    from tests.test_scheduler import Output

    trekker_scenario(open_services(tmp_path / "a", database_url=shared_url))
    procs = [start_scheduler(tmp_path, name, shared_url) for name in ("a", "b")]
    try:
        outputs = [Output(proc, proc.stdout) for proc in procs]
        for out in outputs:   # each scheduler's first run, at its start, has finished
            out.until("herinneringen 2026-03-02:")
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(timeout=60) == 0
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
    assert sorted(smtp_server.recorder.to()) == [ANNA, BERT, STUURGROEP]
    texts = [out.rest() for out in outputs]
    assert sum("3 verstuurd" in text for text in texts) == 1, texts


def test_a_node_without_a_shared_store_makes_its_own_key_once(tmp_path):
    from web import create_app

    first = create_app({"DATA_DIR": str(tmp_path / "a")})
    again = create_app({"DATA_DIR": str(tmp_path / "a")})   # a second worker of the same node
    assert first.config["SECRET_KEY"] == again.config["SECRET_KEY"]
    assert (tmp_path / "a" / "secret_key").read_text().strip() == first.config["SECRET_KEY"]
    assert [p.name for p in (tmp_path / "a").glob(".secret_key.*")] == []
