"""Read model of what happened: one row per event, who, when, what and why."""

from __future__ import annotations

import dataclasses
import json
from datetime import date, datetime
from typing import Any

import sqlite_utils

from projections.versions import current
from projections.wording import describe

_BASE_FIELDS = {"originator_id", "originator_version", "timestamp", "originator_topic", "at", "by"}


def _data(event: Any) -> dict[str, Any]:
    data = {}
    for f in dataclasses.fields(event):
        if f.name in _BASE_FIELDS:
            continue
        value = getattr(event, f.name)
        data[f.name] = value.isoformat() if isinstance(value, (date, datetime)) else value
    return data


def handle(db: sqlite_utils.Database, event: Any, seq: int) -> None:
    """Record an event in the history (runs before the other read models change)."""
    name = type(event).__name__
    data = _data(event)
    iid = event.originator_id.hex
    plan_id = code = label = None
    if name.startswith("Plan"):
        plan_id = data.get("plan_id")
        if plan_id is None:
            row = db.conn.execute("SELECT plan_id FROM plans WHERE aggregate_id = ?", [iid]).fetchone()
            plan_id = row[0] if row else None
        iid = None
        if name == "PlanImported":
            data.pop("facts", None)
        else:
            data["facts"] = None
    elif name == "InterventionAdded":
        plan_id, code = event.plan_id, event.code
        data.pop("details", None)
    else:
        iv = current(db, "intervention_versions", {"intervention_id": iid})
        if iv is not None:
            plan_id, code = iv["plan_id"], iv["code"]
        if name.startswith("Milestone"):
            ms = current(db, "milestone_versions", {"intervention_id": iid, "milestone_id": event.milestone_id})
            if ms is not None:
                label = ms["label"]
                if name == "MilestoneRescheduled":
                    data["old_due"], data["old_due_text"] = ms["due"], ms["due_text"]
            elif name == "MilestonePlanned":
                label = event.label
    db.conn.execute(
        "INSERT OR IGNORE INTO history (seq, intervention_id, plan_id, code, at, by, event, "
        "milestone_id, milestone_label, data, description) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        (seq, iid, plan_id, code, event.at.isoformat(), event.by, name,
         getattr(event, "milestone_id", None), label, json.dumps(data, ensure_ascii=False),
         describe(name, data, label or "")))


def intervention_history(db: sqlite_utils.Database, plan_id: str, code: str) -> list[dict[str, Any]]:
    """Return the history of one intervention, oldest first."""
    rows = list(db.query(
        "SELECT * FROM history WHERE plan_id = ? AND code = ? ORDER BY seq", [plan_id, code]))
    for row in rows:
        row["data"] = json.loads(row["data"])
    return rows


def changes_between(db: sqlite_utils.Database, plan_id: str, start: date, end: date) -> list[dict[str, Any]]:
    """Return what was recorded for a plan after the day ``start`` up to and including ``end``."""
    from projections.versions import as_of_bound

    rows = list(db.query(
        "SELECT * FROM history WHERE plan_id = ? AND at >= ? AND at < ? ORDER BY at, seq",
        [plan_id, as_of_bound(start), as_of_bound(end)]))
    for row in rows:
        row["data"] = json.loads(row["data"])
    return rows


CHANGE_SECTIONS = (
    ("gereed", "Mijlpalen gereed gemeld", ("MilestoneCompleted",)),
    ("verschoven", "Mijlpalen verschoven", ("MilestoneRescheduled",)),
    ("vervallen", "Mijlpalen vervallen", ("MilestoneCancelled",)),
    ("toegevoegd", "Mijlpalen toegevoegd", ("MilestonePlanned",)),
    ("stoplicht", "Stoplicht gewijzigd", ("StoplichtSet",)),
    ("notities", "Nieuwe voortgangsnotities", ("NoteAdded",)),
    ("trekkers", "Trekkers", ("TrekkerAssigned",)),
    ("agenda", "Wijzigingen in de agenda", ("InterventionAdded", "InterventionRevised",
                                            "InterventionDropped", "InterventionReinstated",
                                            "InterventionClosed", "MilestoneRelabelled",
                                            "PlanImported", "PlanRevised")),
)


def changes_by_section(db: sqlite_utils.Database, plan_id: str, start: date, end: date) -> list[dict[str, Any]]:
    """Return what changed after ``start`` up to ``end``, by kind of change.

    The Tijdpad that comes with a newly added intervention (its milestones, lines the plan
    marks as done) is part of that agenda change, not a change of its own.
    """
    rows = changes_between(db, plan_id, start, end)
    added_with_plan = {(r["intervention_id"], r["at"]) for r in rows if r["event"] == "InterventionAdded"}
    rows = [r for r in rows if r["event"] == "InterventionAdded"
            or (r["intervention_id"], r["at"]) not in added_with_plan]
    sections = []
    for key, title, events in CHANGE_SECTIONS:
        items = [r for r in rows if r["event"] in events]
        sections.append({"key": key, "title": title, "items": items})
    return sections
