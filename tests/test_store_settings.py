"""TRACKER_DATABASE_URL: a PostgreSQL URL becomes the event store's settings; a bad one is refused clearly."""

from __future__ import annotations

import pytest

from events.store import StoreSettingsError, event_store_env, postgres_env
from web.services import store_env


def test_a_url_gives_every_setting_the_library_wants():
    env = postgres_env("postgresql://tracker:ge%40heim@db.example.nl:5433/voortgang")
    assert env["PERSISTENCE_MODULE"] == "eventsourcing.postgres"
    assert (env["POSTGRES_USER"], env["POSTGRES_PASSWORD"]) == ("tracker", "ge@heim")
    assert (env["POSTGRES_HOST"], env["POSTGRES_PORT"], env["POSTGRES_DBNAME"]) == ("db.example.nl", "5433", "voortgang")
    assert "POSTGRES_SCHEMA" not in env


def test_the_port_defaults_to_5432_and_a_schema_may_be_named():
    env = postgres_env("postgres://tracker:pw@127.0.0.1/voortgang?schema=gemeente_a")
    assert env["POSTGRES_PORT"] == "5432" and env["POSTGRES_SCHEMA"] == "gemeente_a"


@pytest.mark.parametrize("url, message", [
    ("mysql://tracker:pw@host/db", "schema 'mysql' wordt niet ondersteund"),
    ("postgresql://tracker@host/db", "wachtwoord ontbreekt"),
    ("postgresql://tracker:pw@host:poort/db", "ongeldige poort"),
    ("postgresql://tracker:pw@host:5432/", "database ontbreekt"),
    ("postgresql://tracker:pw@host/db?sslmode=require", "onbekende instelling(en) sslmode"),
])
def test_a_bad_url_is_refused_with_a_clear_message_without_its_password(url, message):
    with pytest.raises(StoreSettingsError) as caught:
        postgres_env(url)
    assert message in str(caught.value) and "TRACKER_DATABASE_URL" in str(caught.value)
    assert ":pw@" not in str(caught.value)


def test_without_a_url_the_store_is_sqlite_in_the_data_directory(tmp_path):
    assert store_env(tmp_path, environ={}) == event_store_env(tmp_path, None)
    assert store_env(tmp_path, environ={})["SQLITE_DBNAME"] == str(tmp_path / "events.sqlite")
    url = "postgresql://tracker:pw@127.0.0.1:5432/voortgang"
    assert store_env(tmp_path, environ={"TRACKER_DATABASE_URL": url})["POSTGRES_DBNAME"] == "voortgang"


def test_a_command_on_an_unreachable_store_says_so_in_dutch(tmp_path):
    from click.testing import CliRunner

    from cli.main import main
    from tests.pg_server import free_port

    url = f"postgresql://tracker:geheim@127.0.0.1:{free_port()}/voortgang"
    result = CliRunner().invoke(main, ["plans"], env={"TRACKER_DATA_DIR": str(tmp_path), "TRACKER_DATABASE_URL": url,
                                                      "TRACKERAPP_POSTGRES_CONNECT_TIMEOUT": "1"})
    assert result.exit_code == 1
    assert result.stderr.startswith("fout: de gebeurtenissenopslag is niet bereikbaar")
    assert "geheim" not in result.stderr and "Traceback" not in result.output


def test_a_command_with_a_malformed_url_says_what_is_wrong(tmp_path):
    from click.testing import CliRunner

    from cli.main import main

    result = CliRunner().invoke(main, ["plans"], env={"TRACKER_DATA_DIR": str(tmp_path),
                                                      "TRACKER_DATABASE_URL": "postgresql://tracker@db/voortgang"})
    assert result.exit_code == 1 and "fout: TRACKER_DATABASE_URL: wachtwoord ontbreekt" in result.stderr
