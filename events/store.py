"""Event-store settings and transcodings shared by the write and the read side."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from eventsourcing.persistence import (
    DatetimeAsISO,
    DecimalAsStr,
    JSONTranscoder,
    Mapper,
    Transcoding,
    UUIDAsHex,
)

EVENTS_FILENAME = "events.sqlite"


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
