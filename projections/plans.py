"""Read model of plans: their plan-level facts."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date
from typing import Any

import sqlite_utils

from events.plan import PlanImported, PlanRevised


def _row(seq: int, state: dict[str, Any]) -> tuple:
    facts = state["facts"]
    return (facts["title"], facts["organisation"], facts["period"]["start"], facts["period"]["end"],
            json.dumps(facts, ensure_ascii=False), state["source_name"], state["at"]["_data_"], seq)


def _imported(db: sqlite_utils.Database, seq: int, oid: str, version: int, state: dict[str, Any]) -> None:
    title, organisation, start, end, facts, source_name, at, _ = _row(seq, state)
    db.conn.execute(
        "INSERT OR IGNORE INTO plans (plan_id, aggregate_id, title, organisation, period_start, "
        "period_end, facts, versions, source_name, imported_at, revised_at, seq) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?)",
        (state["plan_id"], oid, title, organisation, start, end, facts, source_name, at, at, seq))


def _revised(db: sqlite_utils.Database, seq: int, oid: str, version: int, state: dict[str, Any]) -> None:
    db.conn.execute(
        "UPDATE plans SET title = ?, organisation = ?, period_start = ?, period_end = ?, "
        "facts = ?, versions = versions + 1, source_name = ?, revised_at = ?, seq = ? "
        "WHERE aggregate_id = ? AND seq < ?", (*_row(seq, state), oid, seq))


HANDLERS = {PlanImported: _imported, PlanRevised: _revised}


def holds_from(db: sqlite_utils.Database, plan_id: str) -> date | None:
    """Return the first day a plan holds in valid time (its adoption, or the day it was loaded if that
    came first), or None for a plan not loaded."""
    row = db.execute("SELECT min(valid) FROM history WHERE plan_id = ? AND event = ?",
                     [plan_id, PlanImported.__name__]).fetchone()
    return date.fromisoformat(row[0][:10]) if row and row[0] else None


def all_plans(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    """Return every plan with its facts."""
    rows = list(db.query("SELECT * FROM plans ORDER BY plan_id"))
    for row in rows:
        row["facts"] = json.loads(row["facts"])
    return rows


def plans_with_facts(db: sqlite_utils.Database, *paths: str) -> list[dict[str, Any]]:
    """Return every plan (id, title) with only these parts of its facts (dotted paths), in the order of the ids.

    SQLite picks them out: a region has hundreds of plans whose facts are tens of KB each, and
    a page that needs one part of each (a beheerder's every page asks for the reminder settings)
    need not decode the rest. The facts hold each part found at its place, nothing else.
    """
    picks = ", ".join(f"facts -> '$.{path}'" for path in paths)
    found = []
    for plan_id, title, *parts in db.execute(f"SELECT plan_id, title, {picks} FROM plans ORDER BY plan_id"):
        facts: dict[str, Any] = {}
        for path, part in zip(paths, parts):
            if part is not None:
                *above, last = path.split(".")
                place = facts
                for key in above:
                    place = place.setdefault(key, {})
                place[last] = json.loads(part)
        found.append({"plan_id": plan_id, "title": title, "facts": facts})
    return found


def plan_titles(db: sqlite_utils.Database) -> dict[str, str]:
    """Return every loaded plan's title by its id (without decoding the plans' facts)."""
    return {r[0]: r[1] for r in db.execute("SELECT plan_id, title FROM plans")}


def plans_by_id(db: sqlite_utils.Database, plan_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Return these plans (those loaded) with their facts, by id."""
    return {plan_id: found for plan_id in sorted(set(plan_ids)) if (found := plan(db, plan_id)) is not None}


def plan(db: sqlite_utils.Database, plan_id: str) -> dict[str, Any] | None:
    """Return one plan with its facts, or None."""
    rows = list(db.query("SELECT * FROM plans WHERE plan_id = ?", [plan_id]))
    if not rows:
        return None
    rows[0]["facts"] = json.loads(rows[0]["facts"])
    return rows[0]
