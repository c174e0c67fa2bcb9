"""Read model of the delivery log: every reminder with its state, recipient and times.

Handlers only write rows (never send mail), so a rebuild reproduces the log and sends nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import sqlite_utils

from events.reminders import (ReminderClaimed, ReminderFailed, ReminderInDoubt, ReminderReclaimed,
                              ReminderResolved, ReminderSent)

def _claimed(db: sqlite_utils.Database, seq: int, rid: str, version: int, state: dict[str, Any]) -> None:
    at = state["at"]["_data_"]
    db.conn.execute(
        "INSERT OR IGNORE INTO reminders (reminder_id, key, rule, plan_id, code, milestone_id, due, "
        "occasion, recipient, summary, status, attempts, message_id, claimed_at, updated_at, "
        "updated_by, seq) VALUES (?,?,?,?,?,?,?,?,?,?,'claimed',1,?,?,?,?,?)",
        (rid, state["key"], state["rule"], state["plan_id"], state["code"], state["milestone_id"],
         state["due"], state["occasion"], state["recipient"], state["summary"], state["message_id"],
         at, at, state["by"], seq))
    _logged(db, seq, rid, ReminderClaimed, state, state["message_id"])


def _changed(cls: type, changes: Callable[[dict[str, Any], str], tuple[dict[str, Any], str]]):
    """Return the handler of a later event of a reminder: its changes to the row, and the log line."""
    def handle(db: sqlite_utils.Database, seq: int, rid: str, version: int, state: dict[str, Any]) -> None:
        at = state["at"]["_data_"]
        sets, detail = changes(state, at)
        sets.update(updated_at=at, updated_by=state["by"], seq=seq)
        assignments = ", ".join(f"{column} = ?" for column in sets)
        if cls is ReminderReclaimed:
            assignments += ", attempts = attempts + 1"
        db.conn.execute(f"UPDATE reminders SET {assignments} WHERE reminder_id = ? AND seq < ?",
                        (*sets.values(), rid, seq))
        _logged(db, seq, rid, cls, state, detail)
    return handle


def _logged(db: sqlite_utils.Database, seq: int, rid: str, cls: type, state: dict[str, Any], detail: str) -> None:
    db.conn.execute("INSERT OR IGNORE INTO reminder_events (seq, reminder_id, event, at, by, detail) "
                    "VALUES (?,?,?,?,?,?)", (seq, rid, cls.__name__, state["at"]["_data_"], state["by"], detail))


def _resolved(state: dict[str, Any], at: str) -> tuple[dict[str, Any], str]:
    outcome = "sent" if state["outcome"] == "sent" else "released"
    changes: dict[str, Any] = {"status": outcome, "resolved_note": state["note"]}
    if outcome == "sent":
        changes["sent_at"] = at
    return changes, f"{state['outcome']}: {state['note']}".rstrip(": ")


HANDLERS = {
    ReminderClaimed: _claimed,
    ReminderReclaimed: _changed(ReminderReclaimed, lambda s, at: (
        {"status": "claimed", "message_id": s["message_id"], "claimed_at": at, "summary": s["summary"]},
        s["message_id"])),
    ReminderSent: _changed(ReminderSent, lambda s, at: (
        {"status": "sent", "sent_at": at, "last_error": None}, s["message_id"])),
    ReminderFailed: _changed(ReminderFailed, lambda s, at: (
        {"status": "failed", "failed_at": at, "last_error": s["error"]}, s["error"])),
    ReminderInDoubt: _changed(ReminderInDoubt, lambda s, at: (
        {"status": "in_doubt", "last_error": s["reason"]}, s["reason"])),
    ReminderResolved: _changed(ReminderResolved, _resolved),
}


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
