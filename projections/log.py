"""Read the event store's notification log as plain records, as the read models' handlers take them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from uuid import UUID

from eventsourcing.persistence import ApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder

# One stored event: notification id, originator id (hex), originator version, topic, state (JSON).
Record = tuple[int, str, int, str, bytes]
Select = Callable[[int, int, "int | None"], Sequence[Record]]


def log_reader(recorder: ApplicationRecorder) -> Select:
    """Return ``select(after, limit, until)``: the next stored events after notification ``after``.

    On eventsourcing's SQLite and PostgreSQL stores a plain SQL query of its table: the library's
    own path builds a ``Notification`` and a ``UUID`` per row, and the handlers need neither (the
    SQLite table keeps originator ids as hex already; PostgreSQL gives its uuids as text). Other
    stores go through ``select_notifications``.
    """
    if _is_postgres(recorder):
        return _postgres(recorder)
    if not isinstance(recorder, SQLiteApplicationRecorder):
        return _notifications(recorder)
    table = recorder.events_table_name
    columns = f"SELECT rowid, originator_id, originator_version, topic, state FROM {table}"
    sql = f"{columns} WHERE rowid > ? ORDER BY rowid LIMIT ?"
    sql_until = f"{columns} WHERE rowid > ? AND rowid <= ? ORDER BY rowid LIMIT ?"

    def select(after: int, limit: int, until: int | None) -> Sequence[Record]:
        with recorder.datastore.transaction(commit=False) as c:
            getattr(c, "sqlite_cursor", c).row_factory = None  # plain tuples, not a sqlite3.Row per row
            if until is None:
                c.execute(sql, (after, limit))
            else:
                c.execute(sql_until, (after, until, limit))
            return c.fetchall()
    return select


def _notifications(recorder: ApplicationRecorder) -> Select:
    def select(after: int, limit: int, until: int | None) -> Sequence[Record]:
        notifications = recorder.select_notifications(start=after, limit=limit, stop=until, inclusive_of_start=False)
        return [(n.id, n.originator_id.hex if isinstance(n.originator_id, UUID) else n.originator_id,
                 n.originator_version, n.topic, n.state) for n in notifications]
    return select


def _is_postgres(recorder: ApplicationRecorder) -> bool:
    try:
        from eventsourcing.postgres import PostgresApplicationRecorder
    except ImportError:  # psycopg is not installed: no PostgreSQL store either
        return False
    return isinstance(recorder, PostgresApplicationRecorder)


def _postgres(recorder: ApplicationRecorder) -> Select:
    from psycopg.rows import tuple_row
    from psycopg.sql import SQL, Identifier

    columns = SQL("SELECT notification_id, replace(originator_id::text, '-', ''), originator_version, topic, state "
                  "FROM {}.{} WHERE notification_id > %s").format(
        Identifier(recorder.datastore.schema), Identifier(recorder.events_table_name))
    sql = columns + SQL(" ORDER BY notification_id LIMIT %s")
    sql_until = columns + SQL(" AND notification_id <= %s ORDER BY notification_id LIMIT %s")

    def select(after: int, limit: int, until: int | None) -> Sequence[Record]:
        with recorder.datastore.get_connection() as conn, conn.cursor(row_factory=tuple_row) as cursor:
            if until is None:
                cursor.execute(sql, (after, limit))
            else:
                cursor.execute(sql_until, (after, until, limit))
            return cursor.fetchall()
    return select
