"""Pull events from the event store's notification log into the read model.

Rows and the tracked position are written in one transaction per batch, so a crash anywhere
leaves the read model at a consistent position and the next run resumes from there. A process
has one runner: it writes through its own connection, one batch at a time, and every thread
reads through a connection of its own.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from uuid import UUID

import sqlite_utils
from eventsourcing.persistence import ApplicationRecorder, InfrastructureFactory, Mapper
from eventsourcing.sqlite import SQLiteApplicationRecorder
from eventsourcing.utils import Environment

from events.store import make_mapper
from projections import (calendar_feeds, finance, indicators, meetings, normering, outbox, plans, public_site,
                         publications, users)
from projections.core import CoreProjection
from projections.dispatch import HandlerTable, Routes, upcast
from projections.schema import SCHEMA_VERSION, create_indexes, create_tables, drop_tables

READ_MODEL_FILENAME = "readmodel.sqlite"
TRACKING_NAME = "readmodel"
# The smaller read models write per event; they run before the core projection
# (interventions, milestones, history), whose rows are written at the end of each batch.
READ_MODELS = (plans, outbox, calendar_feeds, indicators, finance, publications, users, public_site, meetings,
               normering)
# One stored event as the handlers see it: notification id, originator id (hex), version,
# topic, stored state (JSON).
Record = tuple[int, str, int, str, bytes]


def open_read_model(path: Path | str, shared: bool = False) -> sqlite_utils.Database:
    """Open (and create) the read-model database; ``shared``: usable from any thread."""
    db = sqlite_utils.Database(sqlite3.connect(str(path), check_same_thread=not shared))
    db.conn.execute("PRAGMA journal_mode=WAL")
    db.conn.execute("PRAGMA busy_timeout=10000")
    db.conn.execute("PRAGMA synchronous=NORMAL")
    db.conn.execute("PRAGMA cache_size=-65536")  # 64 MiB
    return db


def recorder_from_env(env: dict[str, str], name: str = "TrackerApp") -> ApplicationRecorder:
    """Return the event store's recorder for settings, without the write-side application."""
    return InfrastructureFactory.construct(Environment(name, env)).application_recorder()


class ProjectionRunner:
    """Bring the read model up to date with the event store."""

    def __init__(self, recorder: ApplicationRecorder, db: sqlite_utils.Database | None = None, *,
                 path: Path | str | None = None, mapper: Mapper | None = None,
                 extra: Iterable[HandlerTable] = (), batch_size: int = 500):
        """Write through ``db``, or through a connection of the runner's own to the file at ``path``."""
        if db is None and path is None:
            raise TypeError("ProjectionRunner needs the read model's connection or its path")
        self.recorder = recorder
        self.path = Path(path) if path is not None else None
        self.mapper = mapper or make_mapper()  # for those who need event objects (exports)
        self.batch_size = batch_size
        self._lock = threading.Lock()
        self._local = threading.local()
        self.core = CoreProjection()
        self.routes = Routes([*(model.HANDLERS for model in READ_MODELS), self.core.handlers, *extra])
        self._select = _direct_select(recorder)
        self.db = db if db is not None else self._open_own()
        self._flushed_at: int | None = None
        self._indexed = False
        self._prepare()

    def _open_own(self) -> sqlite_utils.Database:
        assert self.path is not None
        self._opened = (os.getpid(), _identity(self.path))
        return open_read_model(self.path, shared=True)

    def _follow_file(self) -> None:
        """Reopen the runner's connection when the file was replaced (a rebuild elsewhere) or in a new process."""
        if self.path is None or self._opened == (os.getpid(), _identity(self.path)):
            return
        if self._opened[0] == os.getpid():
            self.db.close()
        self.db = self._open_own()
        self.core.reset()
        self._flushed_at = None
        self._indexed = False
        self._prepare()

    def connection(self) -> sqlite_utils.Database:
        """Return this thread's connection to the read model (the runner's own when it was given one)."""
        if self.path is None:
            return self.db
        local, opened = self._local, (os.getpid(), _identity(self.path))
        if getattr(local, "opened", None) != opened:
            if getattr(local, "opened", (None,))[0] == opened[0]:
                local.db.close()
            local.db, local.opened = open_read_model(self.path), opened
        return local.db

    def close(self) -> None:
        """Close the runner's connection and this thread's."""
        if self.path is not None and getattr(self._local, "opened", (None,))[0] == os.getpid():
            self._local.db.close()
            del self._local.opened
        self.db.close()

    def _prepare(self, indexes: bool = True) -> None:
        tracking = self.db["tracking"]
        if tracking.exists():
            rows = list(self.db.query("SELECT schema FROM tracking WHERE name = ?", [TRACKING_NAME]))
            if rows and rows[0]["schema"] == SCHEMA_VERSION:
                return
        with self.db.atomic():
            drop_tables(self.db)
            create_tables(self.db, indexes=indexes)
            self.db["tracking"].insert({"name": TRACKING_NAME, "position": 0, "schema": SCHEMA_VERSION})

    def _ensure_indexes(self) -> None:
        # A rebuild adds the indexes after loading; one that was interrupted left none.
        if self.db.execute("SELECT count(*) FROM sqlite_master WHERE type = 'index' "
                           "AND name LIKE 'idx_%'").fetchone()[0] == 0:
            with self.db.atomic():
                create_indexes(self.db)

    @property
    def position(self) -> int:
        """Return the id of the last notification applied."""
        return _tracked(self.connection())

    def catch_up(self, max_batches: int | None = None, until: int | None = None) -> int:
        """Apply every new event (up to notification ``until``); return how many were applied."""
        applied = batches = 0
        latest = self.recorder.max_notification_id() or 0
        if until is not None:
            latest = min(latest, until)
        if latest <= self.position:
            return 0  # nothing new: no write lock, nothing written (every page request asks)
        while max_batches is None or batches < max_batches:
            with self._lock:
                self._follow_file()
                if not self._indexed:
                    self._ensure_indexes()
                    self._indexed = True
                count = self._apply_batch(until)
            if not count:
                break
            applied += count
            batches += 1
        return applied

    def _apply_batch(self, until: int | None = None) -> int:
        # BEGIN IMMEDIATE takes the write lock before the position is read, so two processes
        # catching up at once never apply the same batch twice.
        conn = self.db.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            position = _tracked(self.db)
            if position != self._flushed_at:
                self.core.reset()  # someone else wrote since: cached rows may be stale
            records = self._records(position, until)
            db, core, routes, loads = self.db, self.core, self.routes, json.loads
            core.begin(db)
            for seq, oid, version, topic, state in records:
                handlers, versioned = routes(topic)
                if handlers:
                    stored = loads(state) if versioned is None else upcast(versioned, loads(state))
                    for handle in handlers:
                        handle(db, seq, oid, version, stored)
            core.flush(db)
            if records:
                conn.execute("UPDATE tracking SET position = ? WHERE name = ?", [records[-1][0], TRACKING_NAME])
        except BaseException:
            conn.execute("ROLLBACK")
            self.core.reset()
            self._flushed_at = None
            raise
        conn.execute("COMMIT")
        self._flushed_at = records[-1][0] if records else position
        return len(records)

    def _records(self, position: int, until: int | None) -> Sequence[Record]:
        """Return the next batch of stored events after ``position`` (up to ``until``)."""
        if self._select is not None:
            return self._select(position, self.batch_size, until)
        notifications = self.recorder.select_notifications(
            start=position, limit=self.batch_size, stop=until, inclusive_of_start=False)
        return [(n.id, n.originator_id.hex if isinstance(n.originator_id, UUID) else n.originator_id,
                 n.originator_version, n.topic, n.state) for n in notifications]

    def rebuild(self, batch_size: int = 5000) -> int:
        """Drop the read model and apply every event from the start, in large batches."""
        with self.db.atomic():
            drop_tables(self.db)
        self.core.reset()
        self._flushed_at = None
        self._prepare(indexes=False)
        self._indexed = True  # added below, after loading
        batch_size, self.batch_size = self.batch_size, batch_size
        # The read model is disposable: while it is loaded from zero, skip the fsyncs.
        self.db.conn.execute("PRAGMA synchronous=OFF")
        try:
            count = self.catch_up()
        finally:
            self.batch_size = batch_size
            self.db.conn.execute("PRAGMA synchronous=NORMAL")
        with self.db.atomic():
            create_indexes(self.db)
        return count


def _tracked(db: sqlite_utils.Database) -> int:
    return db.execute("SELECT position FROM tracking WHERE name = ?", [TRACKING_NAME]).fetchone()[0]


def _identity(path: Path) -> tuple[int, int] | None:
    """Tell files apart: a rebuild puts a new file in the read model's place."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return stat.st_dev, stat.st_ino


def _direct_select(recorder: ApplicationRecorder):
    """Return a reader of eventsourcing's SQLite table by plain SQL, or None for other stores.

    The library's own path builds a ``Notification`` and a ``UUID`` per row; the handlers
    need neither (the table keeps originator ids as hex already).
    """
    if not isinstance(recorder, SQLiteApplicationRecorder):
        return None
    table = recorder.events_table_name
    sql = (f"SELECT rowid, originator_id, originator_version, topic, state FROM {table} "
           "WHERE rowid > ? ORDER BY rowid LIMIT ?")
    sql_until = (f"SELECT rowid, originator_id, originator_version, topic, state FROM {table} "
                 "WHERE rowid > ? AND rowid <= ? ORDER BY rowid LIMIT ?")

    def select(position: int, limit: int, until: int | None) -> Sequence[Record]:
        with recorder.datastore.transaction(commit=False) as c:
            if until is None:
                c.execute(sql, (position, limit))
            else:
                c.execute(sql_until, (position, until, limit))
            return c.fetchall()
    return select
