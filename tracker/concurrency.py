"""Writers in several processes and on several nodes sharing one event store.

Commands that commute are run again when a concurrent save won the race (`commutes`). Runs that
must not overlap (a reminder run) hold a lock of the whole store (`exclusive`): on PostgreSQL an
advisory lock of the database (session level, on a connection kept for the run: a node that dies
loses its connection and so its lock); on SQLite, whose processes are all on one machine, a lock
on a file beside the events file. The lock only keeps runs apart; what they do stays guarded by
the events themselves (a reminder's claim, an aggregate's version).
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any, TypeVar

from tracker.errors import ConcurrentWriteError

# How long a command that lost a race keeps being run again on the fresh state before it gives
# up, and the longest pause between two tries. Bounded by time, not by a count: on a busy machine
# many writers of one aggregate each lose several times in a row, and all of them must get through.
RACE_SECONDS = 20.0
RACE_MAX_PAUSE = 0.05
Command = TypeVar("Command", bound=Callable[..., Any])


def commutes(command: Command) -> Command:
    """Run a command again on the fresh state when a concurrent save won the race.

    Such a command checks everything again on what is stored now, so the outcome is the one of
    running it after the other. A command given the version its user saw (``expected_version``)
    checks again too, and is refused when the winner changed what it touches: the user decided
    on what is no longer there (``TrackerApp._changing``).
    """
    @wraps(command)
    def run(self: Any, *args: Any, **kwargs: Any) -> Any:
        deadline = time.monotonic() + RACE_SECONDS
        attempt = 0
        while True:
            try:
                return command(self, *args, **kwargs)
            except ConcurrentWriteError:
                if time.monotonic() >= deadline:
                    raise
                # Spread the retries out (exponential backoff with full jitter), so the writers
                # that lost do not collide again at once.
                attempt += 1
                time.sleep(random.uniform(0, min(RACE_MAX_PAUSE, 0.001 * 2 ** attempt)))
    return run  # type: ignore[return-value]


def lock_key(scope: str, name: str) -> int:
    """Return the advisory lock key of a name: a signed 64-bit number, the same in every process."""
    digest = hashlib.blake2b(f"{scope}:{name}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


@contextmanager
def exclusive(recorder: Any, name: str, wait: bool = False) -> Iterator[bool]:
    """Hold the store-wide lock ``name`` for the block; yield False (and hold nothing) when taken.

    With ``wait`` it waits for the lock instead and always yields True.
    """
    from eventsourcing.postgres import PostgresDatastore
    from eventsourcing.sqlite import SQLiteDatastore

    datastore = getattr(recorder, "datastore", None)
    if isinstance(datastore, PostgresDatastore):
        with _advisory_lock(datastore, f"{datastore.schema}.{recorder.events_table_name}", name, wait) as held:
            yield held
    elif isinstance(datastore, SQLiteDatastore) and not datastore.pool.is_sqlite_memory_mode:
        with _file_lock(f"{datastore.pool.db_name}.{name}.lock", wait) as held:
            yield held
    else:
        yield True  # an in-memory store lives in one process: nothing to share


@contextmanager
def _advisory_lock(datastore: Any, scope: str, name: str, wait: bool) -> Iterator[bool]:
    key = lock_key(scope, name)
    with datastore.get_connection() as conn:
        if wait:
            conn.execute("SELECT pg_advisory_lock(%s)", [key])
            held = True
        else:
            held = bool(conn.execute("SELECT pg_try_advisory_lock(%s) AS held", [key]).fetchone()["held"])
        try:
            yield held
        finally:
            if held:
                conn.execute("SELECT pg_advisory_unlock(%s)", [key])


@contextmanager
def _file_lock(path: str, wait: bool) -> Iterator[bool]:
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
