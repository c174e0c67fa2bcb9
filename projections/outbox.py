"""Read model of the delivery log: every reminder with its state, recipient and times.

Handlers only write rows (never send mail), so a rebuild reproduces the log and sends nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlite_utils

REMINDER_EVENTS = ("ReminderClaimed", "ReminderReclaimed", "ReminderSent", "ReminderFailed",
                   "ReminderInDoubt", "ReminderResolved")


def handle(db: sqlite_utils.Database, event: Any, seq: int) -> None:
    """Apply a reminder event to the reminders and reminder_events tables."""
    name = type(event).__name__
    if name not in REMINDER_EVENTS:
        return
    rid = event.originator_id.hex
    at = event.at.isoformat()
    conn = db.conn
    if name == "ReminderClaimed":
        conn.execute(
            "INSERT OR IGNORE INTO reminders (reminder_id, key, rule, plan_id, code, milestone_id, due, "
            "occasion, recipient, summary, status, attempts, message_id, claimed_at, updated_at, "
            "updated_by, seq) VALUES (?,?,?,?,?,?,?,?,?,?,'claimed',1,?,?,?,?,?)",
            (rid, event.key, event.rule, event.plan_id, event.code, event.milestone_id, event.due,
             event.occasion, event.recipient, event.summary, event.message_id, at, at, event.by, seq))
        detail = event.message_id
    else:
        sets, detail = _changes(name, event, at)
        sets.update(updated_at=at, updated_by=event.by, seq=seq)
        assignments = ", ".join(f"{column} = ?" for column in sets)
        if name == "ReminderReclaimed":
            assignments += ", attempts = attempts + 1"
        conn.execute(f"UPDATE reminders SET {assignments} WHERE reminder_id = ? AND seq < ?",
                     (*sets.values(), rid, seq))
    conn.execute("INSERT OR IGNORE INTO reminder_events (seq, reminder_id, event, at, by, detail) "
                 "VALUES (?,?,?,?,?,?)", (seq, rid, name, at, event.by, detail))


def _changes(name: str, event: Any, at: str) -> tuple[dict[str, Any], str]:
    if name == "ReminderReclaimed":
        return ({"status": "claimed", "message_id": event.message_id, "claimed_at": at,
                 "summary": event.summary}, event.message_id)
    if name == "ReminderSent":
        return {"status": "sent", "sent_at": at, "last_error": None}, event.message_id
    if name == "ReminderFailed":
        return {"status": "failed", "failed_at": at, "last_error": event.error}, event.error
    if name == "ReminderInDoubt":
        return {"status": "in_doubt", "last_error": event.reason}, event.reason
    outcome = "sent" if event.outcome == "sent" else "released"
    changes: dict[str, Any] = {"status": outcome, "resolved_note": event.note}
    if outcome == "sent":
        changes["sent_at"] = at
    return changes, f"{event.outcome}: {event.note}".rstrip(": ")


# --- queries ------------------------------------------------------------------------------

def delivery_log(db: sqlite_utils.Database) -> dict[str, dict[str, Any]]:
    """Return every reminder ever claimed, by its identity."""
    return {row["key"]: row for row in db.query("SELECT * FROM reminders")}


def reminders_by_status(db: sqlite_utils.Database, status: str, limit: int | None = None) -> list[dict[str, Any]]:
    """Return the reminders in one state, the most recently changed first."""
    sql = "SELECT * FROM reminders WHERE status = ? ORDER BY updated_at DESC, seq DESC"
    params: list[Any] = [status]
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return list(db.query(sql, params))


def stale_claims(db: sqlite_utils.Database, claimed_before: datetime) -> list[dict[str, Any]]:
    """Return claims older than a moment that were never confirmed (their run was interrupted)."""
    return list(db.query("SELECT * FROM reminders WHERE status = 'claimed' AND claimed_at < ? "
                         "ORDER BY claimed_at, key", [claimed_before.isoformat()]))


def reminder_events(db: sqlite_utils.Database, reminder_id: str) -> list[dict[str, Any]]:
    """Return every recorded attempt and outcome of one reminder, oldest first."""
    return list(db.query("SELECT * FROM reminder_events WHERE reminder_id = ? ORDER BY seq", [reminder_id]))


def status_counts(db: sqlite_utils.Database) -> dict[str, int]:
    """Return how many reminders are in each state."""
    return {row["status"]: row["n"] for row in db.query(
        "SELECT status, count(*) AS n FROM reminders GROUP BY status")}
