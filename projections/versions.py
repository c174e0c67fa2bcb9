"""Rows with a validity period, so every read model can be read as of any date.

A change recorded at moment ``at`` closes the current row (``valid_to = at``) and opens a new
one (``valid_from = at``). Reading as of a date picks the row valid at the end of that day.

Writes are collected in memory during a batch of events and written with one statement per
kind at its end: replaying hundreds of thousands of events is dominated by per-row work.
"""

from __future__ import annotations

from datetime import date, timedelta
from operator import itemgetter
from typing import Any

import sqlite_utils

from projections.schema import TABLES


def as_of_bound(as_of: date) -> str:
    """Return the first moment after the end of a day, as compared with valid_from/valid_to."""
    return (as_of + timedelta(days=1)).isoformat()


def valid_clause(alias: str = "") -> str:
    """Return the SQL condition for rows valid at the parameter :bound."""
    p = f"{alias}." if alias else ""
    return f"{p}valid_from < :bound AND ({p}valid_to IS NULL OR {p}valid_to >= :bound)"


class VersionedTable:
    """The current rows of one versioned table, changed in memory and flushed in bulk."""

    MAX_CACHED = 200_000

    def __init__(self, table: str, keys: tuple[str, ...]):
        self.table = table
        self.keys = keys
        self.columns = tuple(TABLES[table]["columns"])
        self._insert = (f"INSERT INTO {table} ({', '.join(self.columns)}) "
                        f"VALUES ({', '.join('?' * len(self.columns))})")
        self._update = (f"UPDATE {table} SET {', '.join(f'{c} = ?' for c in self.columns[1:])} "
                        f"WHERE id = ?")
        self._select = (f"SELECT {', '.join(self.columns)} FROM {table} WHERE "
                        f"{' AND '.join(f'{k} = ?' for k in keys)} AND valid_to IS NULL")
        self._values = itemgetter(*self.columns)
        self._update_values = itemgetter(*self.columns[1:], "id")
        self.reset()

    def reset(self) -> None:
        """Forget every cached row (another writer may have changed the table)."""
        self._current: dict[tuple, dict[str, Any]] = {}
        self._missing: set[tuple] = set()
        self._new: dict[int, dict[str, Any]] = {}
        self._changed: dict[int, dict[str, Any]] = {}
        self._next_id: int | None = None
        # True while the cache holds every current row, so a cache miss needs no query
        # (a rebuild starts from an empty table).
        self._complete = False

    def begin(self, db: sqlite_utils.Database) -> None:
        """Start a batch: learn the next free id (inside the write transaction)."""
        if len(self._current) > self.MAX_CACHED:
            self._current.clear()
            self._complete = False
        self._missing.clear()
        highest = db.conn.execute(f"SELECT max(id) FROM {self.table}").fetchone()[0]
        if highest is None and not self._current:
            self._complete = True
        self._next_id = (highest or 0) + 1

    def current(self, db: sqlite_utils.Database, key: tuple) -> dict[str, Any] | None:
        """Return the current row for a key, or None."""
        row = self._current.get(key)
        if row is not None or self._complete or key in self._missing:
            return row
        found = db.conn.execute(self._select, key).fetchone()
        if found is None:
            self._missing.add(key)
            return None
        row = dict(zip(self.columns, found))
        self._current[key] = row
        return row

    def insert_first(self, db: sqlite_utils.Database, key: tuple, row: dict[str, Any], at: str, seq: int) -> None:
        """Insert the first version of a row, unless it exists."""
        if self.current(db, key) is not None:
            return
        new = {c: None for c in self.columns}
        new.update(row, id=self._take_id(), valid_from=at, valid_to=None, seq=seq)
        self._missing.discard(key)
        self._current[key] = new
        self._new[new["id"]] = new

    def change(self, db: sqlite_utils.Database, key: tuple, changes: dict[str, Any],
               at: str, seq: int) -> dict[str, Any] | None:
        """Record a new version of a row; skip an event that was already applied."""
        row = self.current(db, key)
        if row is None or row["seq"] >= seq:
            return None
        # A change recorded with an earlier moment than the current version cannot rewrite
        # the past: it takes effect when the current version started.
        start = at if at > row["valid_from"] else row["valid_from"]
        if start == row["valid_from"]:
            row.update(changes, seq=seq)
            if row["id"] not in self._new:
                self._changed[row["id"]] = row
            return row
        row["valid_to"] = start
        if row["id"] not in self._new:
            self._changed[row["id"]] = row
        new = {**row, **changes, "id": self._take_id(), "valid_from": start, "valid_to": None, "seq": seq}
        self._current[key] = new
        self._new[new["id"]] = new
        return new

    def _take_id(self) -> int:
        assert self._next_id is not None, "begin() the batch first"
        taken = self._next_id
        self._next_id += 1
        return taken

    def flush(self, db: sqlite_utils.Database) -> None:
        """Write the batch's changes."""
        if self._changed:
            db.conn.executemany(self._update, map(self._update_values, self._changed.values()))
        if self._new:
            db.conn.executemany(self._insert, map(self._values, self._new.values()))
        self._new.clear()
        self._changed.clear()
