"""Rows with a validity period, so every read model can be read as of any date.

A change recorded at moment ``at`` closes the current row (``valid_to = at``) and opens a new
one (``valid_from = at``). Reading as of a date picks the row valid at the end of that day.
Writes use plain SQL on the connection: they run once per event during a rebuild.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache
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


@lru_cache(maxsize=None)
def _columns(table: str) -> tuple[str, ...]:
    return tuple(TABLES[table]["columns"])


@lru_cache(maxsize=None)
def _insert_sql(table: str) -> str:
    cols = _columns(table)
    return f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"


def _select_current_sql(table: str, keys: tuple[str, ...]) -> str:
    where = " AND ".join(f"{k} = ?" for k in keys)
    return f"SELECT rowid, {', '.join(_columns(table))} FROM {table} WHERE {where} AND valid_to IS NULL"


def current(db: sqlite_utils.Database, table: str, keys: dict[str, Any]) -> dict[str, Any] | None:
    """Return the open (current) row for the keys, or None."""
    cursor = db.conn.execute(_select_current_sql(table, tuple(keys)), tuple(keys.values()))
    row = cursor.fetchone()
    if row is None:
        return None
    return dict(zip(("rowid",) + _columns(table), row))


def insert_first(db: sqlite_utils.Database, table: str, row: dict[str, Any], at: str, seq: int) -> None:
    """Insert the first version of a row."""
    values = {**row, "valid_from": at, "valid_to": None, "seq": seq}
    db.conn.execute(_insert_sql(table), tuple(values.get(c) for c in _columns(table)))


def change(db: sqlite_utils.Database, table: str, keys: dict[str, Any], changes: dict[str, Any],
           at: str, seq: int) -> dict[str, Any] | None:
    """Record a new version of a row; skip an event that was already applied."""
    row = current(db, table, keys)
    if row is None or row["seq"] >= seq:
        return None
    rowid = row.pop("rowid")
    # A change recorded with an earlier moment than the current version cannot rewrite the
    # past: it takes effect when the current version started.
    start = max(at, row["valid_from"])
    new = {**row, **changes, "seq": seq}
    if start == row["valid_from"]:
        sets = ", ".join(f"{c} = ?" for c in new)
        db.conn.execute(f"UPDATE {table} SET {sets} WHERE rowid = ?", (*new.values(), rowid))
    else:
        db.conn.execute(f"UPDATE {table} SET valid_to = ? WHERE rowid = ?", (start, rowid))
        new.update(valid_from=start, valid_to=None)
        db.conn.execute(_insert_sql(table), tuple(new.get(c) for c in _columns(table)))
    return new
