"""`tracker migrate-store --to URL`: the SQLite store copied into PostgreSQL, verified, refused when unfit."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from tests.helpers import SMALL_PLAN_ID as PLAN
from tests.helpers import at, event_count
from tests.test_persistence import record_a_season, snapshot
from tracker.migrate_store import MigrationError, copy_store, log_summary
from web.services import open_services


def tracker(*args: str, **env: str):
    """Run the `tracker` CLI in-process with the given environment; return click's Result."""
    from cli.main import main

    return CliRunner().invoke(main, list(args), env=env or None, catch_exceptions=False)


def exported(data_dir, url: str | None = None) -> list[dict]:
    result = tracker("export-events", TRACKER_DATA_DIR=str(data_dir), **({"TRACKER_DATABASE_URL": url} if url else {}))
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.output.splitlines()]


@pytest.fixture
def target(pg_server) -> str:
    return pg_server.create_schema()


def test_the_copy_keeps_order_ids_and_topics_and_the_node_goes_on_from_there(small_services, data_dir, target):
    record_a_season(small_services)
    before = snapshot(small_services.db)
    count = event_count(small_services)
    sqlite_events = exported(data_dir)

    result = tracker("migrate-store", "--to", target, TRACKER_DATA_DIR=str(data_dir))
    assert result.exit_code == 0, result.output
    assert f"Gekopieerd: {count} gebeurtenissen (laatste positie {count})" in result.output
    assert log_summary(small_services.app.recorder).digest in result.output
    assert target.split(":")[2].split("@")[0] not in result.output          # the password is not printed

    assert exported(data_dir, target) == sqlite_events   # same positions, aggregates, versions, topics, data
    node = open_services(data_dir, database_url=target)  # the same data directory, now on PostgreSQL
    assert node.catch_up() == 0 and snapshot(node.db) == before   # its read model stays valid
    node.app.add_note(PLAN, "1.A1", text="Na de verhuizing", at=at(2026, 3, 1), by="anna")
    assert node.app.recorder.max_notification_id() == count + 1   # new events continue after the copy
    node.catch_up()
    assert snapshot(node.db) != before


def test_a_target_with_events_is_refused_and_left_as_it_was(small_services, data_dir, target):
    elsewhere = open_services(data_dir.parent / "ander", database_url=target)
    elsewhere.app.add_user(email="x@nijmegen.nl", name="X", role="lezer", password="geheim-wachtwoord-1",
                           at=at(2025, 9, 1), by="test")
    result = tracker("migrate-store", "--to", target, TRACKER_DATA_DIR=str(data_dir))
    assert result.exit_code == 1
    assert "Het doel bevat al gebeurtenissen" in result.stderr and "Er is niets gewijzigd" in result.stderr
    assert elsewhere.app.recorder.max_notification_id() == 1


def test_without_an_sqlite_store_nothing_is_done(tmp_path, target):
    result = tracker("migrate-store", "--to", target, TRACKER_DATA_DIR=str(tmp_path / "leeg"))
    assert result.exit_code == 1 and "geen SQLite-opslag" in result.stderr


def test_a_bad_url_is_refused_before_anything_is_read(small_services, data_dir):
    result = tracker("migrate-store", "--to", "postgresql://tracker@127.0.0.1/db", TRACKER_DATA_DIR=str(data_dir))
    assert result.exit_code == 1 and "wachtwoord ontbreekt" in result.stderr


def test_an_unreachable_server_is_reported_in_dutch(small_services, data_dir):
    from tests.pg_server import free_port

    url = f"postgresql://tracker:pw@127.0.0.1:{free_port()}/voortgang"
    # The library's own setting, prefixed with the application's name, overrides the tracker's 10 s.
    result = tracker("migrate-store", "--to", url, TRACKER_DATA_DIR=str(data_dir),
                     TRACKERAPP_POSTGRES_CONNECT_TIMEOUT="1")
    assert result.exit_code == 1 and "niet bereikbaar" in result.stderr and ":pw@" not in result.stderr


def test_a_copy_that_does_not_verify_is_rolled_back(small_services, target, monkeypatch):
    import tracker.migrate_store as migrate

    record_a_season(small_services)
    node = open_services(small_services.data_dir.parent / "b", database_url=target)
    real = migrate._read_back

    def one_row_lost(*args, **kwargs):
        rows = list(real(*args, **kwargs))
        return iter(rows[:-1])

    monkeypatch.setattr(migrate, "_read_back", one_row_lost)
    with pytest.raises(MigrationError, match="De kopie klopt niet met de bron"):
        copy_store(small_services.app.recorder, node.app.recorder)
    assert node.app.recorder.max_notification_id() is None       # nothing was committed


def test_a_source_that_moves_on_while_it_is_copied_is_refused(small_services, target):
    node = open_services(small_services.data_dir.parent / "b", database_url=target)
    source = small_services.app.recorder

    class Growing:
        """The source as read, while a writer adds an event behind the copy's back."""

        def select_notifications(self, *args, **kwargs):
            return source.select_notifications(*args, **kwargs)

        def max_notification_id(self):
            return (source.max_notification_id() or 0) + 1

    with pytest.raises(MigrationError, match="stop eerst de webapplicatie"):
        copy_store(Growing(), node.app.recorder)
    assert node.app.recorder.max_notification_id() is None
