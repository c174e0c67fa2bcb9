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
from projections import history, interventions, plans
from projections.schema import SCHEMA_VERSION, create_tables, drop_tables

READ_MODEL_FILENAME = "readmodel.sqlite"
TRACKING_NAME = "readmodel"
Handler = Callable[[sqlite_utils.Database, Any, int], None]
# History runs before the interventions read model changes, so it can word what was there before.
HANDLERS: tuple[Handler, ...] = (plans.handle, history.handle, interventions.handle)


def open_read_model(path: Path | str) -> sqlite_utils.Database:
    """Open (and create) the read-model database."""
    db = sqlite_utils.Database(str(path))
    db.conn.execute("PRAGMA journal_mode=WAL")
    db.conn.execute("PRAGMA busy_timeout=10000")
    db.conn.execute("PRAGMA synchronous=NORMAL")
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
        self._prepare()

    def _prepare(self) -> None:
        tracking = self.db["tracking"]
        if tracking.exists():
            rows = list(self.db.query("SELECT schema FROM tracking WHERE name = ?", [TRACKING_NAME]))
            if rows and rows[0]["schema"] == SCHEMA_VERSION:
                return
        with self.db.atomic():
            drop_tables(self.db)
            create_tables(self.db)
            self.db["tracking"].insert({"name": TRACKING_NAME, "position": 0, "schema": SCHEMA_VERSION})

    @property
    def position(self) -> int:
        """Return the id of the last notification applied."""
        return self.db.execute("SELECT position FROM tracking WHERE name = ?", [TRACKING_NAME]).fetchone()[0]

    def catch_up(self, max_batches: int | None = None) -> int:
        """Apply every new event; return how many were applied."""
        applied = batches = 0
        while max_batches is None or batches < max_batches:
            with self._lock:
                count = self._apply_batch()
            if not count:
                break
            applied += count
            batches += 1
        return applied

    def _apply_batch(self) -> int:
        # BEGIN IMMEDIATE takes the write lock before the position is read, so two processes
        # catching up at once never apply the same batch twice.
        conn = self.db.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            position = self.position
            notifications = self.recorder.select_notifications(
                start=position, limit=self.batch_size, inclusive_of_start=False)
            for notification in notifications:
                event = self.mapper.to_domain_event(notification)
                for handle in self.handlers:
                    handle(self.db, event, notification.id)
            if notifications:
                conn.execute("UPDATE tracking SET position = ? WHERE name = ?",
                             [notifications[-1].id, TRACKING_NAME])
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        return len(notifications)

    def rebuild(self) -> int:
        """Drop the read model and apply every event from the start."""
        with self.db.atomic():
            drop_tables(self.db)
        self._prepare()
        return self.catch_up()
