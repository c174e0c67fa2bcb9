"""Read model of the published (vastgestelde) council reports."""

from __future__ import annotations

from typing import Any

import sqlite_utils


def handle(db: sqlite_utils.Database, event: Any, seq: int) -> None:
    """Apply a ReportPublished event."""
    if type(event).__name__ != "ReportPublished":
        return
    db.conn.execute(
        "INSERT OR IGNORE INTO published_reports (seq, plan_id, number, period, as_of, position, at, by) "
        "VALUES (?,?,?,?,?,?,?,?)",
        (seq, event.plan_id, event.number, event.period, event.as_of.isoformat(), event.position,
         event.at.isoformat(), event.by))


def published_reports(db: sqlite_utils.Database, plan_id: str) -> list[dict[str, Any]]:
    """Return the plan's published reports, newest first."""
    return list(db.query("SELECT * FROM published_reports WHERE plan_id = ? ORDER BY number DESC", [plan_id]))


def published_report(db: sqlite_utils.Database, plan_id: str, number: int) -> dict[str, Any] | None:
    """Return one published report by its number, or None."""
    rows = list(db.query("SELECT * FROM published_reports WHERE plan_id = ? AND number = ?",
                         [plan_id, number]))
    return rows[0] if rows else None


def latest_published(db: sqlite_utils.Database, plan_id: str, period: str) -> dict[str, Any] | None:
    """Return the latest published report of a period, or None."""
    rows = list(db.query("SELECT * FROM published_reports WHERE plan_id = ? AND period = ? "
                         "ORDER BY number DESC LIMIT 1", [plan_id, period]))
    return rows[0] if rows else None
