"""Read model of the stuurgroep's meetings and their decisions, and the agenda of a meeting."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import sqlite_utils

from events.meeting import AttendeesSet, MeetingClosed, MeetingDecided, MeetingOpened


def _opened(db: sqlite_utils.Database, seq: int, oid: str, version: int, state: dict[str, Any]) -> None:
    db.conn.execute(
        "INSERT OR IGNORE INTO meetings (meeting_id, plan_id, key, meeting_date, attendees, closed, opened_at, "
        "opened_by, seq) VALUES (?,?,?,?,?,0,?,?,?)",
        (oid, state["plan_id"], state["key"], state["meeting_date"]["_data_"],
         json.dumps(state["attendees"], ensure_ascii=False), state["at"]["_data_"], state["by"], seq))


def _attendees(db: sqlite_utils.Database, seq: int, oid: str, version: int, state: dict[str, Any]) -> None:
    db.conn.execute("UPDATE meetings SET attendees = ?, seq = ? WHERE meeting_id = ? AND seq < ?",
                    (json.dumps(state["attendees"], ensure_ascii=False), seq, oid, seq))


def _decided(db: sqlite_utils.Database, seq: int, oid: str, version: int, state: dict[str, Any]) -> None:
    plan = db.conn.execute("SELECT plan_id FROM meetings WHERE meeting_id = ?", [oid]).fetchone()
    db.conn.execute(
        "INSERT OR IGNORE INTO meeting_decisions (seq, meeting_id, plan_id, code, decision, action, owner_email, "
        "owner_name, term_text, milestone_id, at, by) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
        (seq, oid, plan[0] if plan else None, state["code"], state["decision"], state["action"],
         state["owner_email"], state["owner_name"], state["term_text"], state["milestone_id"],
         state["at"]["_data_"], state["by"]))


def _closed(db: sqlite_utils.Database, seq: int, oid: str, version: int, state: dict[str, Any]) -> None:
    db.conn.execute("UPDATE meetings SET closed = 1, closed_at = ?, seq = ? WHERE meeting_id = ? AND seq < ?",
                    (state["at"]["_data_"], seq, oid, seq))


HANDLERS = {MeetingOpened: _opened, AttendeesSet: _attendees, MeetingDecided: _decided, MeetingClosed: _closed}


def _row(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "attendees": json.loads(row["attendees"]), "closed": bool(row["closed"])}


def meetings(db: sqlite_utils.Database, plan_id: str) -> list[dict[str, Any]]:
    """Return a plan's meetings, newest first."""
    return [_row(r) for r in db.query("SELECT * FROM meetings WHERE plan_id = ? ORDER BY meeting_date DESC, key DESC",
                                      [plan_id])]


def meeting(db: sqlite_utils.Database, plan_id: str, key: str) -> dict[str, Any] | None:
    """Return one meeting by its id within the plan, or None."""
    rows = list(db.query("SELECT * FROM meetings WHERE plan_id = ? AND key = ?", [plan_id, key]))
    return _row(rows[0]) if rows else None


def decisions(db: sqlite_utils.Database, meeting_id: str) -> list[dict[str, Any]]:
    """Return a meeting's decisions in the order they were taken."""
    return list(db.query("SELECT * FROM meeting_decisions WHERE meeting_id = ? ORDER BY seq", [meeting_id]))


def discussed(db: sqlite_utils.Database, plan_id: str, code: str, on: str | date | None) -> dict[str, Any] | None:
    """Return the meeting that discussed an intervention on a date, with its latest decision there, or None."""
    if not on:
        return None
    rows = list(db.query(
        "SELECT m.key, m.meeting_date, d.decision, d.action, d.owner_name, d.term_text FROM meeting_decisions d "
        "JOIN meetings m ON m.meeting_id = d.meeting_id WHERE d.plan_id = ? AND d.code = ? AND m.meeting_date = ? "
        "ORDER BY d.seq DESC LIMIT 1", [plan_id, code, str(on)[:10]]))
    return rows[0] if rows else None


def meetings_by_date(db: sqlite_utils.Database, plan_id: str) -> dict[str, str]:
    """Return per meeting date the id of its (first) meeting, for linking "besproken op"."""
    found: dict[str, str] = {}
    for row in db.query("SELECT key, meeting_date FROM meetings WHERE plan_id = ? ORDER BY key", [plan_id]):
        found.setdefault(row["meeting_date"], row["key"])
    return found


def previous_meeting_date(db: sqlite_utils.Database, plan_id: str, before: date) -> date | None:
    """Return the date of the plan's last meeting before a date (or the last review before it), or None."""
    row = db.execute("SELECT max(meeting_date) FROM meetings WHERE plan_id = ? AND meeting_date < ?",
                     [plan_id, before.isoformat()]).fetchone()
    return date.fromisoformat(row[0]) if row and row[0] else None


def meeting_titles(db: sqlite_utils.Database, plan_id: str, on: date) -> dict[str, str]:
    """Return the titles of a plan's interventions by code, as of a day (or as known now, when none yet)."""
    from projections.interventions import interventions_as_of

    rows = interventions_as_of(db, on, plan_id=plan_id, include_dropped=True) or \
        interventions_as_of(db, date(9999, 1, 1), plan_id=plan_id, include_dropped=True)
    return {iv["code"]: iv["title"] for iv in rows}
