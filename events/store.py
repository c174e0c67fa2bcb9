"""Event-store settings and transcodings shared by the write and the read side."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from eventsourcing.persistence import (
    DatetimeAsISO,
    DecimalAsStr,
    JSONTranscoder,
    Mapper,
    Transcoding,
    UUIDAsHex,
)

EVENTS_FILENAME = "events.sqlite"
# Where a shared event store is configured: postgresql://user:password@host:port/db.
DATABASE_URL_ENV = "TRACKER_DATABASE_URL"


def private_dir(path: Path | str) -> Path:
    """Create a directory only its owner may enter (0700), or tighten one that others may."""
    path = Path(path)
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        if path.stat().st_mode & 0o077 and path.stat().st_uid == os.getuid():
            path.chmod(0o700)
    except OSError:
        pass  # a read-only file system: the store's own open reports what is wrong
    return path


def private_file(path: Path | str) -> Path:
    """Create a file only its owner may read (0600), or tighten one that others may.

    SQLite gives its -wal and -shm files the mode of the database file: create a store with
    this before SQLite opens it and its journals are private too.
    """
    path = Path(path)
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        for existing in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            try:
                if existing.stat().st_mode & 0o077 and existing.stat().st_uid == os.getuid():
                    existing.chmod(0o600)
            except OSError:
                pass  # gone meanwhile, or a read-only file system
    except OSError:
        pass  # a read-only directory: the store's own open reports what is wrong
    return path


class StoreSettingsError(ValueError):
    """Event-store settings that cannot be used (a malformed database URL)."""


class DataDirectoryError(StoreSettingsError):
    """A data directory the stores cannot be kept in (it cannot be made, or written)."""


class DateAsISO(Transcoding):
    """Store a date as its ISO string."""

    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


def register_transcodings(transcoder: JSONTranscoder) -> None:
    """Register every transcoding the tracker's events need."""
    transcoder.register(UUIDAsHex())
    transcoder.register(DecimalAsStr())
    transcoder.register(DatetimeAsISO())
    transcoder.register(DateAsISO())


def make_mapper() -> Mapper:
    """Return a mapper that turns stored events back into event objects."""
    transcoder = JSONTranscoder()
    register_transcodings(transcoder)
    return Mapper(transcoder=transcoder)


def sqlite_env(data_dir: Path | str) -> dict[str, str]:
    """Return the eventsourcing settings for the SQLite store in a data directory."""
    return {
        "PERSISTENCE_MODULE": "eventsourcing.sqlite",
        "SQLITE_DBNAME": str(Path(data_dir) / EVENTS_FILENAME),
        "SQLITE_LOCK_TIMEOUT": "10",
    }


def postgres_env(url: str) -> dict[str, str]:
    """Return the eventsourcing settings for a PostgreSQL store given as a database URL.

    An optional ``?schema=NAME`` keeps the tables in an existing schema of their own.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("postgresql", "postgres"):
        raise StoreSettingsError(f"{DATABASE_URL_ENV}: schema '{parts.scheme}' wordt niet ondersteund, "
                                 "verwacht postgresql://gebruiker:wachtwoord@host:poort/database")
    try:
        port = parts.port or 5432
    except ValueError:
        raise StoreSettingsError(f"{DATABASE_URL_ENV}: ongeldige poort in '{display_url(url)}'") from None
    missing = [name for name, value in (("gebruiker", parts.username), ("wachtwoord", parts.password),
                                        ("host", parts.hostname), ("database", parts.path.strip("/")))
               if not value]
    if missing:
        raise StoreSettingsError(f"{DATABASE_URL_ENV}: {', '.join(missing)} ontbreekt in "
                                 f"'{display_url(url)}'")
    query = parse_qs(parts.query)
    unknown = sorted(set(query) - {"schema"})
    if unknown:
        raise StoreSettingsError(f"{DATABASE_URL_ENV}: onbekende instelling(en) {', '.join(unknown)} in "
                                 f"'{display_url(url)}' (alleen schema= kan)")
    schema = {"POSTGRES_SCHEMA": query["schema"][-1]} if query.get("schema") else {}
    return {
        **schema,
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": unquote(parts.path.strip("/")),
        "POSTGRES_HOST": parts.hostname or "",
        "POSTGRES_PORT": str(port),
        "POSTGRES_USER": unquote(parts.username or ""),
        "POSTGRES_PASSWORD": unquote(parts.password or ""),
        # One connection kept per process, more on demand: a node runs several worker processes
        # and PostgreSQL's connections are counted. TRACKERAPP_POSTGRES_* settings take precedence.
        "POSTGRES_POOL_SIZE": "1",
        "POSTGRES_MAX_OVERFLOW": "9",
        "POSTGRES_CONNECT_TIMEOUT": "10",
        "POSTGRES_PRE_PING": "y",
        # Processes starting at once race on creating the tables ("tuple concurrently updated"):
        # the tracker creates them itself, one process at a time (web/services.py).
        "CREATE_TABLE": "no",
    }


def event_store_env(data_dir: Path | str, database_url: str | None) -> dict[str, str]:
    """Return the settings of the event store: PostgreSQL at a URL, or SQLite in the data directory."""
    return postgres_env(database_url) if database_url else sqlite_env(data_dir)


def display_url(url: str) -> str:
    """Return a database URL fit to print: its password replaced by ***."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    return parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@")).geturl()
