"""Pull events from the event store's notification log into the read model.

Rows and the tracked position are written in one transaction per batch, so a crash anywhere
leaves the read model at a consistent position and the next run resumes from there. A process
has one runner: it writes through its own connection, one batch at a time, and every thread
reads through a connection of its own. A runner that owns the read model's file rebuilds it
beside the old one and swaps it in (projections/readmodel_file.py), and heals a damaged one so.
Catching up, rebuilding and healing share the runner's lock and connections: one class, one module.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

import orjson
import sqlite_utils
from eventsourcing.persistence import ApplicationRecorder, InfrastructureFactory, Mapper
from eventsourcing.utils import Environment

from events.store import make_mapper, private_file
from projections import (calendar_feeds, finance, indicators, meetings, normering, outbox, plans, public_site,
                         publications, users)
from projections.core import CoreProjection
from projections.dispatch import HandlerTable, Routes, stored_state
from projections.log import Share, bind_events, log_reader, part_of, selects_in_store
from projections.heap import many_objects
from projections.parallel import open_build_file, rebuild_in_parts, remove_parts
from projections.readmodel_file import ReadModelRebuilding, build_path, damage, identity, needs_rebuild, publish
from projections.readmodel_file import rebuilding
from projections.schema import SCHEMA_VERSION, TRACKING_NAME, create_indexes, create_tables, drop_tables

READ_MODEL_FILENAME = "readmodel.sqlite"
# The smaller read models write per event; they run before the core projection
# (interventions, milestones, history), whose rows are written at the end of each batch.
READ_MODELS = (plans, outbox, calendar_feeds, indicators, finance, publications, users, public_site, meetings,
               normering)
# Every commit into the file a rebuild loads journals the pages it changes again: few, large batches
# (measured on 513k events: 100,000 a batch rebuilds 1.5x as fast as 20,000; 250,000 no faster).
REBUILD_BATCH = 100_000
# A log this long is rebuilt in parts, one process per core (up to four: projections/parallel.py).
PARALLEL_FROM = 50_000
MAX_PARTS = 4
log = logging.getLogger("tracker.readmodel")


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
                 extra: Iterable[HandlerTable] = (), batch_size: int = 500, indexes: bool = True,
                 settings: Mapping[str, str] | None = None, part: Share | None = None):
        """Write through ``db``, or own the read model's file at ``path`` (opened on first use).

        ``indexes``: make the secondary indexes with new tables (a rebuild adds them after loading).
        ``settings``: the event store's, for the processes of a rebuild in parts (without: one process).
        ``part``: apply only that part's share of the events (projections/parallel.py).
        """
        if db is None and path is None:
            raise TypeError("ProjectionRunner needs the read model's connection or its path")
        self.recorder = recorder
        self.path = Path(path) if path is not None else None
        self.mapper = mapper or make_mapper()  # for those who need event objects (exports)
        self.batch_size = batch_size
        self._extra = tuple(extra)
        self._lock = threading.RLock()
        self._local = threading.local()
        self.core = CoreProjection()
        self.routes = Routes([*(model.HANDLERS for model in READ_MODELS), self.core.handlers, *self._extra])
        self.settings = dict(settings) if settings is not None else None
        self.parallel_from = PARALLEL_FROM
        self.parts: int | None = None  # processes of a rebuild in parts; None: one per core
        self.last_parts = 0  # how many the last rebuild used
        self._select = log_reader(recorder, part)
        # A share the store selects holds just the events the part applies, all of them with every
        # handler (no other read model wants intervention events): no routing per event is needed.
        exact = part is not None and bool(part.theirs) and selects_in_store(recorder)
        self._split = self._part_routes(part.part, part.parts) if part is not None and not exact else None
        self._db, self._opened = db, None
        self._flushed_at: int | None = None
        self._seen = 0  # the highest position this runner knows the read model has reached
        self._indexed = False
        # How a damaged read model is healed: now (the command line), or in a thread of its own
        # while the caller is told to wait (the web app answers 503 meanwhile).
        self.heal_in_background = False
        self.on_heal: Callable[[str], None] = lambda problem: log.warning(
            "het leesmodel wordt opnieuw opgebouwd uit de gebeurtenissen: %s", problem)
        self._healer: threading.Thread | None = None
        if db is not None:
            bind_events(db, recorder)
            self._prepare(indexes)
            self._indexed = not indexes

    # --- connections ---------------------------------------------------------------------

    @property
    def db(self) -> sqlite_utils.Database:
        """Return the runner's own connection (reopened after a rebuild, healed when damaged)."""
        if self.path is None:
            return self._db
        with self._lock:
            if self._db is None or self._opened != (os.getpid(), identity(self.path)):
                self._open_own()
            return self._db

    def _open_own(self) -> None:
        self._close_own()
        problem = self.problem()
        if problem:
            self.heal(problem)  # rebuilt now (and opened), or ReadModelRebuilding is raised
        elif self._db is None:
            self._connect_own()

    def _connect_own(self) -> None:
        assert self.path is not None
        private_file(self.path)
        self._opened = (os.getpid(), identity(self.path))
        self._db = open_read_model(self.path, shared=True)
        bind_events(self._db, self.recorder)
        self.core.reset()
        self._flushed_at, self._indexed, self._seen = None, False, 0
        self._prepare()

    def _close_own(self) -> None:
        # A connection inherited from the parent process is left alone (it is the parent's).
        if self._db is not None and self._opened and self._opened[0] == os.getpid():
            self._db.close()
        self._db = None

    def connection(self) -> sqlite_utils.Database:
        """Return this thread's connection to the read model (the runner's own when it was given one)."""
        if self.path is None:
            return self._db
        if self.rebuilding:
            raise ReadModelRebuilding()
        local, opened = self._local, (os.getpid(), identity(self.path))
        if getattr(local, "opened", None) != opened:
            if getattr(local, "opened", (None,))[0] == opened[0]:
                local.db.close()
            self.db  # noqa: B018  (opens, and heals a damaged file, before a thread reads it)
            local.db, local.opened = open_read_model(self.path), (os.getpid(), identity(self.path))
            bind_events(local.db, self.recorder)
        return local.db

    def close(self) -> None:
        """Close the runner's connection and this thread's."""
        if self.path is None:
            self._db.close()
            return
        if getattr(self._local, "opened", (None,))[0] == os.getpid():
            self._local.db.close()
            del self._local.opened
        with self._lock:
            self._close_own()

    def _prepare(self, indexes: bool = True) -> None:
        db = self._db
        if db["tracking"].exists():
            rows = list(db.query("SELECT schema FROM tracking WHERE name = ?", [TRACKING_NAME]))
            if rows and rows[0]["schema"] == SCHEMA_VERSION:
                return
        with db.atomic():
            drop_tables(db)
            create_tables(db, indexes=indexes)
            db["tracking"].insert({"name": TRACKING_NAME, "position": 0, "schema": SCHEMA_VERSION})

    # --- damage and healing ----------------------------------------------------------------

    @property
    def rebuilding(self) -> bool:
        """Tell whether a rebuild in the background is under way (readers wait for it)."""
        return self._healer is not None and self._healer.is_alive()

    def problem(self) -> str | None:
        """Return why the read model's file needs a rebuild (damage, an older schema), in Dutch; or None."""
        assert self.path is not None
        return needs_rebuild(self.path)

    def heal(self, problem: str, *, found_in_use: bool = False) -> None:
        """Rebuild a damaged read model from the events: now, or in the background (then raise).

        ``found_in_use``: a query met the damage, so rebuild even where the quick checks see none.
        """
        if not self.heal_in_background:
            self.on_heal(problem)
            self._rebuild_if_needed(found_in_use)
            if self._db is None:
                self._connect_own()
            return
        with self._lock:
            if not self.rebuilding:
                self.on_heal(problem)
                self._healer = threading.Thread(target=self._heal_quietly, args=(found_in_use,),
                                                name="leesmodel-herstel", daemon=True)
                self._healer.start()
        raise ReadModelRebuilding()

    def _heal_quietly(self, found_in_use: bool) -> None:
        try:
            self._rebuild_if_needed(found_in_use)
        except Exception:  # the next request that finds it damaged tries again
            log.exception("het leesmodel kon niet opnieuw worden opgebouwd")

    def _rebuild_if_needed(self, found_in_use: bool = False) -> None:
        assert self.path is not None
        seen = identity(self.path)
        with rebuilding(self.path):
            # Another process may have rebuilt it while this one waited for the lock.
            if self.problem() or (found_in_use and identity(self.path) == seen):
                self._rebuild_locked(REBUILD_BATCH)

    def wait_for_rebuild(self, timeout: float | None = None) -> None:
        """Wait until a rebuild in the background has finished."""
        healer = self._healer
        if healer is not None:
            healer.join(timeout)

    # --- catching up -----------------------------------------------------------------------

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
        # Nothing new: no write lock, nothing written (every page request asks). A position once
        # seen is never undone, so most requests need no look at the read model for this.
        if (latest <= self._seen and self._same_file()) or latest <= self._see(self.position):
            return 0
        while max_batches is None or batches < max_batches:
            with self._lock:
                db = self.db
                if not self._indexed:
                    _ensure_indexes(db)
                    self._indexed = True
                count = self._apply_batch(db, until)
            if not count:
                break
            applied += count
            batches += 1
        self._see(self._flushed_at or 0)
        return applied

    def _same_file(self) -> bool:
        # Another file in the read model's place (rebuilt, or lost and made anew) starts over.
        return self.path is None or self._opened == (os.getpid(), identity(self.path))

    def _see(self, position: int) -> int:
        self._seen = max(self._seen, position)
        return position

    def _apply_batch(self, db: sqlite_utils.Database, until: int | None = None) -> int:
        # BEGIN IMMEDIATE takes the write lock before the position is read, so two processes
        # catching up at once never apply the same batch twice.
        conn = db.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            position = _tracked(db)
            if position != self._flushed_at:
                self.core.reset()  # someone else wrote since: cached rows may be stale
            records = self._select(position, self.batch_size, until)
            core, routes, split, loads, decode = self.core, self.routes, self._split, orjson.loads, stored_state
            core.begin(db)
            for seq, oid, version, topic, state in records:
                handlers, versioned = routes(topic) if split is None else split(topic, oid)
                if handlers:
                    stored = decode(state, versioned, loads)  # the event store's UTF-8 JSON, as bytes or text
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

    def _part_routes(self, part: int, parts: int) -> Callable[[str, str], tuple[tuple, type | None]]:
        """Return the routes of part ``part``: its interventions' events, and in part 0 all others."""
        others = Routes([*(model.HANDLERS for model in READ_MODELS), *self._extra])
        core = Routes([self.core.handlers])
        per_intervention: dict[str, bool] = {}
        nothing: tuple[tuple, type | None] = ((), None)

        def route(topic: str, oid: str) -> tuple[tuple, type | None]:
            of_intervention = per_intervention.get(topic)
            if of_intervention is None:
                of_intervention = per_intervention[topic] = self.core.of_intervention(topic)
            if not of_intervention:
                return self.routes(topic) if part == 0 else nothing
            if part_of(oid, parts) == part:
                return self.routes(topic) if part == 0 else core(topic)
            return others(topic) if part == 0 else nothing
        return route

    # --- rebuilding ------------------------------------------------------------------------

    def rebuild(self, batch_size: int = REBUILD_BATCH) -> int:
        """Apply every event from the start into a new file and put it in place; return how many.

        A rebuild that was killed is resumed from its file. A runner given a connection instead of
        a file rebuilds in place.
        """
        if self.path is None:
            return self._rebuild_in_place(batch_size)
        with rebuilding(self.path):
            return self._rebuild_locked(batch_size)

    def _rebuild_locked(self, batch_size: int) -> int:
        assert self.path is not None
        built = build_path(self.path)
        if damage(built):
            for suffix in ("", "-journal"):
                built.with_name(built.name + suffix).unlink(missing_ok=True)
        parts = self.last_parts = self._parts(built)
        if parts > 1:
            count = rebuild_in_parts(self.recorder, self.settings or {}, built, parts, batch_size, self._extra)
        else:
            count = self._build_one(built, batch_size)
        with self._lock:
            publish(self.path, built)
            self._close_own()
            self._connect_own()
        return count

    def _parts(self, built: Path) -> int:
        """Return in how many processes to rebuild: one for a short log, or to resume a killed rebuild."""
        remove_parts(built)
        cores = self.parts or min(os.cpu_count() or 1, MAX_PARTS)
        if self.settings is None or cores < 2 or (self.recorder.max_notification_id() or 0) < self.parallel_from:
            return 1
        if built.exists() and _resumable(built):
            return 1
        built.unlink(missing_ok=True)
        return cores

    def _build_one(self, built: Path, batch_size: int) -> int:
        # The rollback journal keeps the file whole when the rebuild is killed, so the next one
        # resumes from its last batch.
        db = open_build_file(built, "DELETE")
        builder = ProjectionRunner(self.recorder, db, mapper=self.mapper, extra=self._extra, batch_size=batch_size,
                                   indexes=False)  # resumes a file a killed rebuild left
        try:
            with many_objects():
                count = builder.catch_up()
            with db.atomic():
                create_indexes(db)
            db.conn.execute("PRAGMA journal_mode=WAL")
        finally:
            db.close()
        return count

    def _rebuild_in_place(self, batch_size: int) -> int:
        db = self._db
        with db.atomic():
            drop_tables(db)
        self.core.reset()
        self._flushed_at, self._seen = None, 0
        self._prepare(indexes=False)
        self._indexed = True  # added below, after loading
        batch_size, self.batch_size = self.batch_size, batch_size
        try:
            count = self.catch_up()
        finally:
            self.batch_size = batch_size
        with db.atomic():
            create_indexes(db)
        return count


def _tracked(db: sqlite_utils.Database) -> int:
    return db.execute("SELECT position FROM tracking WHERE name = ?", [TRACKING_NAME]).fetchone()[0]


def _resumable(built: Path) -> bool:
    """Tell whether a killed rebuild left a file with events in it (resumed in one process)."""
    conn = sqlite3.connect(str(built))
    try:
        row = conn.execute("SELECT position FROM tracking WHERE name = ?", [TRACKING_NAME]).fetchone()
    except sqlite3.DatabaseError:
        return False
    finally:
        conn.close()
    return bool(row and row[0])


def _ensure_indexes(db: sqlite_utils.Database) -> None:
    # A rebuild adds the indexes after loading; one that was interrupted left none.
    if db.execute("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name LIKE 'idx_%'").fetchone()[0] == 0:
        with db.atomic():
            create_indexes(db)
