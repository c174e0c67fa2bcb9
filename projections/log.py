"""Read the event store's notification log as plain records, as the read models' handlers take them.

Also: a part's share of the log (a rebuild in parts), and stored events read back by notification
id for the history's readers (the read model keeps no copy of them).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import sqlite_utils
from eventsourcing.persistence import ApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder

# One stored event: notification id, originator id (hex), originator version, topic, state (JSON).
Record = tuple[int, str, int, str, bytes]
Select = Callable[[int, int, "int | None"], Sequence[Record]]
# Stored events by notification id: {id: (topic, state)}.
Fetch = Callable[[Sequence[int]], "dict[int, tuple[str, bytes | str]]"]
_CHUNK = 500  # ids per query
HEX = "0123456789abcdef"


def part_of(oid: str, parts: int) -> int:
    """Return the part an aggregate's events go to in a rebuild in parts: its id's last hex digit, modulo ``parts``.

    The same in every process, and what ``Share.sql`` has the event store select.
    """
    return HEX.index(oid[-1]) % parts


@dataclass(frozen=True)
class Share:
    """A part's share of the log in a rebuild in parts (projections/parallel.py), as the store can select it.

    The events of the aggregates in part ``part`` (an aggregate's part: the last hex digit of its
    id, modulo ``parts``) whose topic is one of ``own``; in part 0 also every event whose topic is
    not one of ``theirs``. What it leaves out, no handler of the part wants: reading less of the
    log is all it is for (the part's routes still decide what is applied).
    """

    part: int
    parts: int
    own: tuple[str, ...]  # topics the parts split between them
    theirs: tuple[str, ...]  # of those, the topics part 0 wants only of its own aggregates

    def sql(self, originator: str, placeholder: str) -> tuple[str, list[Any]]:
        """Return the condition (for the id column ``originator``) and its parameters.

        ``placeholder`` ``?``: SQLite, whose ids are hex text; ``%s``: PostgreSQL, whose ids are
        uuids (the last hex digit is the low half of the last of its 16 bytes).
        """
        digit = f"(get_byte(uuid_send({originator}), 15) & 15)" if placeholder == "%s" \
            else f"(instr('{HEX}', substr({originator}, -1)) - 1)"
        modulo = "%%" if placeholder == "%s" else "%"  # psycopg reads a lone % as a placeholder
        mine = f"{digit} {modulo} {self.parts} = {self.part}"
        if self.part == 0:
            if not self.theirs:
                return "", []
            return f" AND ({mine} OR topic NOT IN ({', '.join([placeholder] * len(self.theirs))}))", \
                list(self.theirs)
        if not self.own:
            return " AND 0 = 1", []
        return f" AND {mine} AND topic IN ({', '.join([placeholder] * len(self.own))})", list(self.own)

    def wants(self, oid: str, topic: str) -> bool:
        """Tell whether the share holds an event (what ``sql`` selects, for stores read without SQL)."""
        mine = part_of(oid, self.parts) == self.part
        if self.part == 0:
            return mine or topic not in self.theirs
        return mine and topic in self.own


def log_reader(recorder: ApplicationRecorder, share: Share | None = None) -> Select:
    """Return ``select(after, limit, until)``: the next stored events after notification ``after``.

    On eventsourcing's SQLite and PostgreSQL stores a plain SQL query of its table: the library's
    own path builds a ``Notification`` and a ``UUID`` per row, and the handlers need neither (the
    SQLite table keeps originator ids as hex already; PostgreSQL gives its uuids as text). Other
    stores go through ``select_notifications``. With ``share``, only that share of the log.
    """
    if _is_postgres(recorder):
        return _postgres(recorder, share)
    if not isinstance(recorder, SQLiteApplicationRecorder):
        return _notifications(recorder, share)
    table = recorder.events_table_name
    condition, params = share.sql("originator_id", "?") if share else ("", [])
    columns = f"SELECT rowid, originator_id, originator_version, topic, state FROM {table}"
    sql = f"{columns} WHERE rowid > ?{condition} ORDER BY rowid LIMIT ?"
    sql_until = f"{columns} WHERE rowid > ? AND rowid <= ?{condition} ORDER BY rowid LIMIT ?"

    def select(after: int, limit: int, until: int | None) -> Sequence[Record]:
        with recorder.datastore.transaction(commit=False) as c:
            getattr(c, "sqlite_cursor", c).row_factory = None  # plain tuples, not a sqlite3.Row per row
            if until is None:
                c.execute(sql, (after, *params, limit))
            else:
                c.execute(sql_until, (after, until, *params, limit))
            return c.fetchall()
    return select


def selects_in_store(recorder: ApplicationRecorder) -> bool:
    """Tell whether ``log_reader`` has the store itself select a share (SQL), not this process."""
    return _is_postgres(recorder) or isinstance(recorder, SQLiteApplicationRecorder)


def _notifications(recorder: ApplicationRecorder, share: Share | None = None) -> Select:
    def select(after: int, limit: int, until: int | None) -> Sequence[Record]:
        while True:
            notifications = recorder.select_notifications(start=after, limit=limit, stop=until,
                                                          inclusive_of_start=False)
            records = [(n.id, n.originator_id.hex if isinstance(n.originator_id, UUID) else n.originator_id,
                        n.originator_version, n.topic, n.state) for n in notifications]
            if share is None or not records:
                return records
            wanted = [r for r in records if share.wants(r[1], r[3])]
            if wanted:
                return wanted
            after = records[-1][0]
    return select


def log_topics(recorder: ApplicationRecorder, until: int) -> list[str]:
    """Return the topics of the stored events up to notification ``until``."""
    if _is_postgres(recorder):
        from psycopg.rows import tuple_row
        from psycopg.sql import SQL, Identifier

        sql = SQL("SELECT DISTINCT topic FROM {}.{} WHERE notification_id <= %s").format(
            Identifier(recorder.datastore.schema), Identifier(recorder.events_table_name))
        with recorder.datastore.get_connection() as conn, conn.cursor(row_factory=tuple_row) as cursor:
            cursor.execute(sql, (until,))
            return sorted(row[0] for row in cursor.fetchall())
    if isinstance(recorder, SQLiteApplicationRecorder):
        with recorder.datastore.transaction(commit=False) as c:
            c.execute(f"SELECT DISTINCT topic FROM {recorder.events_table_name} WHERE rowid <= ?", (until,))
            return sorted(row[0] for row in c.fetchall())
    topics: set[str] = set()
    select, position = _notifications(recorder), 0
    while records := select(position, 1000, until):
        topics.update(r[3] for r in records)
        position = records[-1][0]
    return sorted(topics)


def _is_postgres(recorder: ApplicationRecorder) -> bool:
    try:
        from eventsourcing.postgres import PostgresApplicationRecorder
    except ImportError:  # psycopg is not installed: no PostgreSQL store either
        return False
    return isinstance(recorder, PostgresApplicationRecorder)


def _postgres(recorder: ApplicationRecorder, share: Share | None = None) -> Select:
    from psycopg.rows import tuple_row
    from psycopg.sql import SQL, Identifier

    condition, params = share.sql("originator_id", "%s") if share else ("", [])
    columns = SQL("SELECT notification_id, replace(originator_id::text, '-', ''), originator_version, topic, state "
                  "FROM {}.{} WHERE notification_id > %s").format(
        Identifier(recorder.datastore.schema), Identifier(recorder.events_table_name))
    sql = columns + SQL(condition) + SQL(" ORDER BY notification_id LIMIT %s")  # noqa: S608 (no input in it)
    sql_until = columns + SQL(" AND notification_id <= %s") + SQL(condition) + SQL(
        " ORDER BY notification_id LIMIT %s")

    def select(after: int, limit: int, until: int | None) -> Sequence[Record]:
        # Results in binary: the states come as the bytes they are, not as hex text to decode
        # (measured on a part's 260k events: a third of the client's and the server's time).
        with recorder.datastore.get_connection() as conn, conn.cursor(row_factory=tuple_row) as cursor:
            if until is None:
                cursor.execute(sql, (after, *params, limit), binary=True)
            else:
                cursor.execute(sql_until, (after, until, *params, limit), binary=True)
            return cursor.fetchall()
    return select


def state_reader(recorder: ApplicationRecorder) -> Fetch:
    """Return ``fetch(ids)``: the topic and stored state of the events with these notification ids.

    The read model keeps no copy of an event's JSON (its history rows say which event they are);
    what a page words is read from the event store, which holds it anyway.
    """
    if _is_postgres(recorder):
        return _postgres_states(recorder)
    if not isinstance(recorder, SQLiteApplicationRecorder):
        return _notification_states(recorder)
    table = recorder.events_table_name

    def fetch(ids: Sequence[int]) -> dict[int, tuple[str, bytes | str]]:
        found: dict[int, tuple[str, bytes | str]] = {}
        with recorder.datastore.transaction(commit=False) as c:
            getattr(c, "sqlite_cursor", c).row_factory = None
            for chunk in _chunks(ids):
                c.execute(f"SELECT rowid, topic, state FROM {table} WHERE rowid IN ({', '.join('?' * len(chunk))})",
                          chunk)
                found.update((seq, (topic, state)) for seq, topic, state in c.fetchall())
        return found
    return fetch


def _chunks(ids: Sequence[int]) -> Iterable[list[int]]:
    unique = sorted(set(ids))
    for start in range(0, len(unique), _CHUNK):
        yield unique[start:start + _CHUNK]


def _postgres_states(recorder: ApplicationRecorder) -> Fetch:
    from psycopg.rows import tuple_row
    from psycopg.sql import SQL, Identifier

    sql = SQL("SELECT notification_id, topic, state FROM {}.{} WHERE notification_id = ANY(%s)").format(
        Identifier(recorder.datastore.schema), Identifier(recorder.events_table_name))

    def fetch(ids: Sequence[int]) -> dict[int, tuple[str, bytes | str]]:
        found: dict[int, tuple[str, bytes | str]] = {}
        if not ids:
            return found
        with recorder.datastore.get_connection() as conn, conn.cursor(row_factory=tuple_row) as cursor:
            for chunk in _chunks(ids):
                cursor.execute(sql, (chunk,), binary=True)
                found.update((seq, (topic, bytes(state))) for seq, topic, state in cursor.fetchall())
        return found
    return fetch


def _notification_states(recorder: ApplicationRecorder) -> Fetch:
    def fetch(ids: Sequence[int]) -> dict[int, tuple[str, bytes | str]]:
        found: dict[int, tuple[str, bytes | str]] = {}
        for seq in sorted(set(ids)):
            for n in recorder.select_notifications(start=seq, limit=1):
                if n.id == seq:
                    found[seq] = (n.topic, n.state)
        return found
    return fetch


# Each read-model connection knows the event store its rows were made from.
_EVENTS: weakref.WeakKeyDictionary[sqlite_utils.Database, Fetch] = weakref.WeakKeyDictionary()


def bind_events(db: sqlite_utils.Database, recorder: ApplicationRecorder) -> None:
    """Tell a read-model connection which event store its history rows point into."""
    _EVENTS[db] = state_reader(recorder)


def stored_states(db: sqlite_utils.Database, ids: Sequence[int]) -> dict[int, tuple[str, bytes | str]]:
    """Return the topic and stored state of the events with these notification ids, from ``db``'s event store."""
    fetch = _EVENTS.get(db)
    if fetch is None:
        raise LookupError("this read-model connection was opened without its event store (bind_events)")
    found = fetch(ids)
    missing = set(ids) - found.keys()
    if missing:
        raise LookupError(f"the event store holds no events {sorted(missing)[:5]} the read model names")
    return found
