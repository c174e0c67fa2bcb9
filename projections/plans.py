"""Read model of plans: their plan-level facts."""

from __future__ import annotations

import json
from typing import Any

import sqlite_utils


def handle(db: sqlite_utils.Database, event: Any, seq: int) -> None:
    """Apply a plan event."""
    name = type(event).__name__
    if name not in ("PlanImported", "PlanRevised"):
        return
    facts = event.facts
    row = {
        "plan_id": getattr(event, "plan_id", None),"title": facts["title"],
        "organisation": facts["organisation"], "period_start": facts["period"]["start"],
        "period_end": facts["period"]["end"], "facts": json.dumps(facts, ensure_ascii=False),
        "source_name": event.source_name, "revised_at": event.at.isoformat(), "seq": seq,
    }
    if name == "PlanImported":
        db.conn.execute(
            "INSERT OR IGNORE INTO plans (plan_id, aggregate_id, title, organisation, period_start, "
            "period_end, facts, versions, source_name, imported_at, revised_at, seq) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?)",
            (row["plan_id"], event.originator_id.hex, row["title"], row["organisation"],
             row["period_start"], row["period_end"], row["facts"], row["source_name"],
             row["revised_at"], row["revised_at"], seq))
    else:
        db.conn.execute(
            "UPDATE plans SET title = ?, organisation = ?, period_start = ?, period_end = ?, "
            "facts = ?, versions = versions + 1, source_name = ?, revised_at = ?, seq = ? "
            "WHERE aggregate_id = ? AND seq < ?",
            (row["title"], row["organisation"], row["period_start"], row["period_end"],
             row["facts"], row["source_name"], row["revised_at"], seq,
             event.originator_id.hex, seq))


def all_plans(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    """Return every plan with its facts."""
    rows = list(db.query("SELECT * FROM plans ORDER BY plan_id"))
    for row in rows:
        row["facts"] = json.loads(row["facts"])
    return rows


def plan(db: sqlite_utils.Database, plan_id: str) -> dict[str, Any] | None:
    """Return one plan with its facts, or None."""
    rows = list(db.query("SELECT * FROM plans WHERE plan_id = ?", [plan_id]))
    if not rows:
        return None
    rows[0]["facts"] = json.loads(rows[0]["facts"])
    return rows[0]
