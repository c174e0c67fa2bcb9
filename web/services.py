"""The composition root: the write-side application and the read model for one data directory."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

from events.store import DATABASE_URL_ENV, EVENTS_FILENAME, DataDirectoryError, event_store_env, private_dir
from events.store import private_file
from plans import DEFAULT_PLAN  # noqa: F401  (the command line's default plan)
from projections.runner import READ_MODEL_FILENAME, ProjectionRunner
from tracker.application import TrackerApp
from tracker.concurrency import exclusive



def data_dir_from_env(environ: os._Environ[str] | dict[str, str] | None = None) -> Path:
    """Return the data directory: TRACKER_DATA_DIR, or ./data."""
    environ = os.environ if environ is None else environ
    return Path(environ.get("TRACKER_DATA_DIR") or Path.cwd() / "data")


def database_url_from_env(environ: os._Environ[str] | dict[str, str] | None = None) -> str | None:
    """Return the shared event store's URL (TRACKER_DATABASE_URL), or None for SQLite."""
    environ = os.environ if environ is None else environ
    return environ.get(DATABASE_URL_ENV) or None


def store_env(data_dir: Path, environ: os._Environ[str] | dict[str, str] | None = None,
              database_url: str | None = None) -> dict[str, str]:
    """Return the event-store settings: PostgreSQL at TRACKER_DATABASE_URL, else SQLite in the data directory."""
    environ = os.environ if environ is None else environ
    url = database_url or database_url_from_env(environ)
    if url:
        return event_store_env(data_dir, url)
    configured = environ.get("TRACKERAPP_PERSISTENCE_MODULE") or environ.get("PERSISTENCE_MODULE")
    if configured and configured != "eventsourcing.sqlite":
        return {}
    return event_store_env(data_dir, None)


@dataclass
class Services:
    """The tracker for one data directory: commands go to ``app``, questions to ``db``.

    One per process: its runner is the only writer of the read model in it.
    """

    data_dir: Path
    app: TrackerApp
    runner: ProjectionRunner
    database_url: str | None = None  # the shared event store (PostgreSQL); None: SQLite in data_dir

    @property
    def shared_store(self) -> bool:
        """Tell whether the events live in a store other nodes share (PostgreSQL)."""
        return self.database_url is not None

    @property
    def db(self) -> sqlite_utils.Database:
        """Return the runner's own connection (for the command line and tests, on one thread)."""
        return self.runner.db

    def catch_up(self) -> int:
        """Bring the read model up to date (read your writes)."""
        return self.runner.catch_up()

    def read_model(self) -> sqlite_utils.Database:
        """Return this thread's connection to the read model (opened once per thread)."""
        return self.runner.connection()

    def close(self) -> None:
        """Close the read model's connections and the event store."""
        self.runner.close()
        self.app.close()


def open_services(data_dir: Path | str | None = None, env: dict[str, str] | None = None,
                  database_url: str | None = None) -> Services:
    """Open (and create) the stores: the read model in a data directory, the events there or at a URL."""
    data_dir = Path(data_dir) if data_dir is not None else data_dir_from_env()
    url = database_url or (database_url_from_env() if env is None else env.get(DATABASE_URL_ENV))
    stores = ([] if url else [data_dir / EVENTS_FILENAME]) + [data_dir / READ_MODEL_FILENAME]
    try:
        # The stores hold names, e-mail addresses and password hashes: for the owner only.
        private_dir(data_dir)
        for store in stores:
            private_file(store)
    except OSError as exc:
        raise DataDirectoryError(f"de gegevensmap {data_dir} kan niet worden aangemaakt of beschreven "
                                 f"({exc.strerror})") from None
    # SQLite needs to write its journals beside the stores, also to only read them.
    if not os.access(data_dir, os.W_OK) or not all(os.access(s, os.W_OK) for s in stores):
        raise DataDirectoryError(f"de gegevensmap {data_dir} is alleen-lezen: geef het programma schrijfrechten "
                                 "of kies met TRACKER_DATA_DIR een andere map")
    settings = {**store_env(data_dir, environ=env, database_url=url), **(env or {})}
    app = open_event_store(settings)
    runner = ProjectionRunner(app.recorder, path=data_dir / READ_MODEL_FILENAME, settings=settings)
    return Services(data_dir, app, runner, database_url=url)


def open_event_store(settings: dict[str, str]) -> TrackerApp:
    """Open the write side on an event store; on PostgreSQL create its tables, one process at a time."""
    app = TrackerApp(env=settings)
    if settings.get("PERSISTENCE_MODULE") == "eventsourcing.postgres":
        with exclusive(app.recorder, "create-tables", wait=True):
            app.recorder.create_table()
    return app
