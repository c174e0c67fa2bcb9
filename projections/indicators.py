"""Read model of indicator values: every recorded value kept, the latest per period counts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import sqlite_utils

from events.plan import IndicatorValueRecorded
from projections.versions import as_of_bound


def _recorded(db: sqlite_utils.Database, seq: int, oid: str, version: int, state: dict[str, Any]) -> None:
    db.conn.execute(
        "INSERT OR IGNORE INTO indicator_values (seq, plan_id, indicator_id, period, period_end, "
        "value, source, at, by) VALUES (?,?,?,?,?,?,?,?,?)",
        (seq, state["plan_id"], state["indicator_id"], state["period"], state["period_end"]["_data_"],
         state["value"], state["source"], state["at"]["_data_"], state["by"]))


HANDLERS = {IndicatorValueRecorded: _recorded}


def _rows(db: sqlite_utils.Database, plan_id: str, known_on: date | None) -> list[dict[str, Any]]:
    sql = "SELECT * FROM indicator_values WHERE plan_id = ?"
    params: list[Any] = [plan_id]
    if known_on is not None:
        sql += " AND at < ?"
        params.append(as_of_bound(known_on))
    rows = list(db.query(sql + " ORDER BY seq", params))
    for row in rows:
        row["value"] = Decimal(row["value"])
    return rows


def indicator_values(db: sqlite_utils.Database, plan_id: str, known_on: date | None = None) -> dict[str, list[dict[str, Any]]]:
    """Return per indicator its values per period as known at the end of ``known_on`` (default: now).

    Each value is the latest recorded for its period; the ones it corrected are in ``earlier``.
    Periods are in order of their end.
    """
    latest: dict[tuple[str, str], dict[str, Any]] = {}
    for row in _rows(db, plan_id, known_on):
        key = (row["indicator_id"], row["period"])
        earlier = latest[key]["earlier"] + [_plain(latest[key])] if key in latest else []
        latest[key] = {**row, "earlier": earlier}
    result: dict[str, list[dict[str, Any]]] = {}
    for row in sorted(latest.values(), key=lambda r: (r["period_end"], r["period"])):
        result.setdefault(row["indicator_id"], []).append(row)
    return result


def _plain(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k != "earlier"}


def recorded_values(db: sqlite_utils.Database, plan_id: str) -> list[dict[str, Any]]:
    """Return every recorded value, newest first (who recorded what, when)."""
    return list(reversed(_rows(db, plan_id, None)))
