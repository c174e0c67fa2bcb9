"""Read model of calendar feed addresses (only token hashes) and the milestones a feed holds."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlite_utils

from events.calendar import CalendarFeedIssued, CalendarFeedRevoked
from projections.interventions import interventions_as_of, owned_actions


def _issued(db: sqlite_utils.Database, seq: int, feed_id: str, version: int, state: dict[str, Any]) -> None:
    db.conn.execute(
        "INSERT OR IGNORE INTO calendar_feeds (feed_id, token_hash, scope, subject, label, issued_at, "
        "issued_by, seq) VALUES (?,?,?,?,?,?,?,?)",
        (feed_id, state["token_hash"], state["scope"], state["subject"], state["label"],
         state["at"]["_data_"], state["by"], seq))


def _revoked(db: sqlite_utils.Database, seq: int, feed_id: str, version: int, state: dict[str, Any]) -> None:
    db.conn.execute(
        "UPDATE calendar_feeds SET revoked_at = ?, revoked_by = ?, reason = ?, seq = ? "
        "WHERE feed_id = ? AND seq < ?",
        (state["at"]["_data_"], state["by"], state["reason"], seq, feed_id, seq))


HANDLERS = {CalendarFeedIssued: _issued, CalendarFeedRevoked: _revoked}


def active_feed(db: sqlite_utils.Database, token_hash: str) -> dict[str, Any] | None:
    """Return the feed with this token hash unless it was revoked."""
    rows = list(db.query("SELECT * FROM calendar_feeds WHERE token_hash = ? AND revoked_at IS NULL",
                         [token_hash]))
    return rows[0] if rows else None


def all_feeds(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    """Return every feed address ever issued, the newest first."""
    return list(db.query("SELECT * FROM calendar_feeds ORDER BY issued_at DESC, seq DESC"))


def feed_milestones(db: sqlite_utils.Database, feed: dict[str, Any], today: date) -> list[dict[str, Any]]:
    """Return the open milestones a feed holds, each with its intervention."""
    if feed["scope"] == "plan":
        interventions = interventions_as_of(db, today, plan_id=feed["subject"])
    else:
        interventions = interventions_as_of(db, today, trekker=feed["subject"])
    found = []
    for iv in interventions:
        if iv["closed"]:
            continue
        for m in iv["milestones"]:
            if m["status"] == "open":
                found.append({"intervention": iv, "milestone": m})
    if feed["scope"] != "plan":
        # The stuurgroep's actions given to the trekker in interventions of others.
        own = {iv["intervention_id"] for iv in interventions}
        found += [{"intervention": iv, "milestone": m} for iv, m in owned_actions(db, feed["subject"], today)
                  if iv["intervention_id"] not in own]
    return found


def active_feeds_of(db: sqlite_utils.Database, scope: str, subject: str) -> list[dict[str, Any]]:
    """Return the feed addresses of one trekker or plan that are not revoked, the newest first."""
    return list(db.query(
        "SELECT * FROM calendar_feeds WHERE scope = ? AND subject = ? AND revoked_at IS NULL "
        "ORDER BY issued_at DESC, seq DESC", [scope, subject]))
