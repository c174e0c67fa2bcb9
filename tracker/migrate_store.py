"""Copy an event store into an empty PostgreSQL store, verified, in one transaction.

Every stored event keeps its notification id, aggregate id, version, topic and stored state
(copied as bytes, never decoded and encoded again), so the read models of the nodes stay valid:
their tracked positions mean the same events. The copy is read back inside the transaction and
compared with the source (count, last id and a SHA-256 digest over every field of every event);
on any difference nothing is committed.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from tracker.errors import TrackerError

BATCH = 5000


class MigrationError(TrackerError):
    """The copy was refused or did not verify; the target was left as it was."""


@dataclass
class LogSummary:
    """What a notification log holds: how many events, the last id, a digest of all of it."""

    events: int
    last_id: int
    digest: str


@dataclass
class CopyReport:
    """What a copy did."""

    source: LogSummary
    target: LogSummary
    seconds: float


def _rows(recorder: Any, batch: int) -> Iterator[tuple[int, Any, int, str, bytes]]:
    position = 0
    while True:
        notifications = recorder.select_notifications(start=position, limit=batch, inclusive_of_start=False)
        if not notifications:
            return
        for n in notifications:
            yield n.id, n.originator_id, n.originator_version, n.topic, bytes(n.state)
        position = notifications[-1].id


class _Digest:
    def __init__(self) -> None:
        self.hash = hashlib.sha256()
        self.events = 0
        self.last_id = 0

    def add(self, row: tuple[int, Any, int, str, bytes]) -> None:
        nid, originator_id, version, topic, state = row
        self.hash.update(f"{nid}|{originator_id}|{version}|{topic}|{len(state)}|".encode())
        self.hash.update(state)
        self.events += 1
        self.last_id = nid

    def summary(self) -> LogSummary:
        return LogSummary(self.events, self.last_id, self.hash.hexdigest())


def summarise(rows: Iterable[tuple[int, Any, int, str, bytes]]) -> LogSummary:
    """Return the count, last id and digest of a log's rows, read in notification order."""
    digest = _Digest()
    for row in rows:
        digest.add(row)
    return digest.summary()


def log_summary(recorder: Any, batch: int = BATCH) -> LogSummary:
    """Return the count, last id and digest of a recorder's whole notification log."""
    return summarise(_rows(recorder, batch))


def copy_store(source: Any, target: Any, batch: int = BATCH,
               progress: Callable[[int], None] | None = None) -> CopyReport:
    """Copy every event of ``source`` into the empty PostgreSQL recorder ``target``, verified."""
    from eventsourcing.postgres import PostgresApplicationRecorder
    from psycopg.sql import SQL, Identifier

    if not isinstance(target, PostgresApplicationRecorder):
        raise MigrationError("Het doel is geen PostgreSQL-opslag.")
    if target.max_notification_id() is not None:
        raise MigrationError("Het doel bevat al gebeurtenissen: kopiëren kan alleen naar een lege opslag. "
                             "Er is niets gewijzigd.")
    table = SQL("{}.{}").format(Identifier(target.datastore.schema), Identifier(target.events_table_name))
    started = time.perf_counter()
    copied = _Digest()
    with target.datastore.transaction(commit=True) as curs:
        # No other writer may slip an event in between (inserts take the same lock).
        curs.execute(SQL("LOCK TABLE {} IN EXCLUSIVE MODE").format(table))
        if curs.execute(SQL("SELECT count(*) AS n FROM {}").format(table)).fetchone()["n"]:
            raise MigrationError("Het doel bevat al gebeurtenissen. Er is niets gewijzigd.")
        with curs.copy(SQL("COPY {} (notification_id, originator_id, originator_version, topic, state) "
                           "FROM STDIN").format(table)) as copy:
            for row in _rows(source, batch):
                copy.write_row(row)
                copied.add(row)
                if progress and copied.events % (batch * 20) == 0:
                    progress(copied.events)
        if copied.events:
            # New events continue after the copied ids.
            curs.execute(SQL("SELECT setval(pg_get_serial_sequence(%s, 'notification_id'), %s)"),
                         [f'"{target.datastore.schema}"."{target.events_table_name}"', copied.last_id])
        source_summary = copied.summary()
        # The source must not have moved on while it was read (stop every writer first).
        after = source.max_notification_id() or 0
        if after != source_summary.last_id:
            raise MigrationError(f"De bron kreeg tijdens het kopiëren nieuwe gebeurtenissen (tot {after}, "
                                 f"gekopieerd tot {source_summary.last_id}): stop eerst de webapplicatie en "
                                 "de planner. Er is niets gewijzigd.")
        target_summary = summarise(_read_back(curs, table, batch))
        if target_summary != source_summary:
            raise MigrationError(f"De kopie klopt niet met de bron (bron {source_summary}, kopie "
                                 f"{target_summary}). Er is niets gewijzigd.")
    return CopyReport(source_summary, target_summary, time.perf_counter() - started)


def _read_back(curs: Any, table: Any, batch: int) -> Iterator[tuple[int, Any, int, str, bytes]]:
    from psycopg.sql import SQL

    with curs.connection.cursor(name="tracker_verify_copy") as named:
        named.itersize = batch
        named.execute(SQL("SELECT notification_id, originator_id, originator_version, topic, state "
                          "FROM {} ORDER BY notification_id").format(table))
        for row in named:
            yield (row["notification_id"], row["originator_id"], row["originator_version"], row["topic"],
                   bytes(row["state"]))
