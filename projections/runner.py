"""Pull events from the event store's notification log into the read model.

Rows and the tracked position are written in one transaction per batch, so a crash anywhere
leaves the read model at a consistent position and the next run resumes from there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
import threading
from pathlib import Path
from typing import Any

import sqlite_utils
from eventsourcing.persistence import ApplicationRecorder, InfrastructureFactory, Mapper
from eventsourcing.utils import Environment

from events.store import make_mapper
from projections import calendar_feeds, outbox, plans, users
from projections import finance, indicators, publications
from projections.core import CoreProjection
from projections.schema import SCHEMA_VERSION, create_indexes, create_tables, drop_tables

READ_MODEL_FILENAME = "readmodel.sqlite"
TRACKING_NAME = "readmodel"
Handler = Callable[[sqlite_utils.Database, Any, int], None]
# Per-event handlers of the smaller read models; they run before the core projection
# (interventions, milestones, history), whose rows are written at the end of each batch.
HANDLERS: tuple[Handler, ...] = (plans.handle, outbox.handle, calendar_feeds.handle,
                                  indicators.handle, finance.handle, publications.handle, users.handle)


def open_read_model(path: Path | str) -> sqlite_utils.Database:
    """Open (and create) the read-model database."""
    db = sqlite_utils.Database(str(path))
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

    def __init__(self, recorder: ApplicationRecorder, db: sqlite_utils.Database,
                 mapper: Mapper | None = None, handlers: Iterable[Handler] = HANDLERS,
                 batch_size: int = 500):
        self.recorder = recorder
        self.db = db
        self.mapper = mapper or make_mapper()
        self.handlers = tuple(handlers)
        self.batch_size = batch_size
        self._lock = threading.Lock()
        self.core = CoreProjection()
        self._flushed_at: int | None = None
        self._indexed = False
        self._prepare()

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
        return self.db.execute("SELECT position FROM tracking WHERE name = ?", [TRACKING_NAME]).fetchone()[0]

    def catch_up(self, max_batches: int | None = None, until: int | None = None) -> int:
        """Apply every new event (up to notification ``until``); return how many were applied."""
        if not self._indexed:
            self._ensure_indexes()
            self._indexed = True
        applied = batches = 0
        latest = self.recorder.max_notification_id() or 0
        if until is not None:
            latest = min(latest, until)
        if latest <= self.position:
            return 0  # nothing new: no need for the write lock (every page request asks)
        while max_batches is None or batches < max_batches:
            with self._lock:
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
            position = self.position
            if position != self._flushed_at:
                self.core.reset()  # someone else wrote since: cached rows may be stale
            notifications = self.recorder.select_notifications(
                start=position, limit=self.batch_size, stop=until, inclusive_of_start=False)
            core = self.core
            core.begin(self.db)
            for notification in notifications:
                event = self.mapper.to_domain_event(notification)
                for handle in self.handlers:
                    handle(self.db, event, notification.id)
                core.handle(self.db, event, notification.id, notification.state)
            core.flush(self.db)
            if notifications:
                conn.execute("UPDATE tracking SET position = ? WHERE name = ?",
                             [notifications[-1].id, TRACKING_NAME])
        except BaseException:
            conn.execute("ROLLBACK")
            self.core.reset()
            self._flushed_at = None
            raise
        conn.execute("COMMIT")
        self._flushed_at = notifications[-1].id if notifications else position
        return len(notifications)

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
