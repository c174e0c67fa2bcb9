"""Read model of the council reports: the published (vastgestelde) ones and what the beheerder wrote for them."""

from __future__ import annotations

import json
from typing import Any

import sqlite_utils

from events.plan import ReportPublished, ReportSignatureSet, ReportTextWritten

def _published(db: sqlite_utils.Database, seq: int, oid: str, version: int, state: dict[str, Any]) -> None:
    db.conn.execute(
        "INSERT OR IGNORE INTO published_reports (seq, plan_id, number, period, as_of, known_on, position, "
        "replaces, reason, at, by) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        (seq, state["plan_id"], state["number"], state["period"], state["as_of"]["_data_"],
         state["known_on"]["_data_"] if state["known_on"] else None, state["position"],
         state["replaces"], state["reason"], state["at"]["_data_"], state["by"]))


def _text_written(db: sqlite_utils.Database, seq: int, oid: str, version: int, state: dict[str, Any]) -> None:
    db.conn.execute(
        "INSERT OR IGNORE INTO report_texts (seq, plan_id, period, section, text, at, by) "
        "VALUES (?,?,?,?,?,?,?)",
        (seq, state["plan_id"], state["period"], state["section"], state["text"], state["at"]["_data_"],
         state["by"]))


def _signature_set(db: sqlite_utils.Database, seq: int, oid: str, version: int, state: dict[str, Any]) -> None:
    db.conn.execute(
        "INSERT OR IGNORE INTO report_signatures (seq, plan_id, college, signatories, at, by) "
        "VALUES (?,?,?,?,?,?)",
        (seq, state["plan_id"], state["college"], json.dumps(state["signatories"], ensure_ascii=False),
         state["at"]["_data_"], state["by"]))


HANDLERS = {ReportPublished: _published, ReportTextWritten: _text_written, ReportSignatureSet: _signature_set}


def report_texts(db: sqlite_utils.Database, plan_id: str, period: str) -> dict[str, dict[str, Any]]:
    """Return per section the latest text written for a half year's report (with who and when)."""
    rows = db.query("SELECT * FROM report_texts WHERE plan_id = ? AND period = ? ORDER BY seq",
                    [plan_id, period])
    latest = {r["section"]: r for r in rows}
    return {section: r for section, r in latest.items() if r["text"]}


def report_signature(db: sqlite_utils.Database, plan_id: str) -> dict[str, Any] | None:
    """Return who signs the plan's reports (the latest setting), or None."""
    rows = list(db.query("SELECT * FROM report_signatures WHERE plan_id = ? ORDER BY seq DESC LIMIT 1",
                         [plan_id]))
    if not rows:
        return None
    return {**rows[0], "signatories": json.loads(rows[0]["signatories"])}


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


def same_period_and_as_of(db: sqlite_utils.Database, plan_id: str, period: str, as_of: str) -> dict[str, Any] | None:
    """Return the latest published report of a period with the same peildatum, or None."""
    rows = list(db.query("SELECT * FROM published_reports WHERE plan_id = ? AND period = ? AND as_of = ? "
                         "ORDER BY number DESC LIMIT 1", [plan_id, period, as_of]))
    return rows[0] if rows else None
