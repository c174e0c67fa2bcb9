"""The dashboard of a plan at a glance: tiles per chapter and theme, what needs attention, the trend."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlite_utils

from projections.agenda_milestones import plan_milestones_as_of, recurring_commitments
from projections.board import board, group_rows
from projections.quarters import Quarter
from projections.status import COLOURS, days_late
from projections.wording import days_count

TOP_EXCEPTIONS = 8


def _counts(rows: list[dict[str, Any]]) -> dict[str, int]:
    counts = {colour: 0 for colour in COLOURS}
    for row in rows:
        counts[row["stoplicht_effective"]] = counts.get(row["stoplicht_effective"], 0) + 1
    return counts


def _tiles(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return a tile per chapter, each with a tile per theme below it, in the plan's order."""
    chapters: dict[str, dict[str, Any]] = {}
    for row in rows:
        path = row["group_path"] or [{"key": "", "title": "Overig"}]
        chapter = chapters.setdefault(path[0]["key"], {"key": path[0]["key"], "title": path[0]["title"],
                                                       "rows": [], "themes": {}})
        chapter["rows"].append(row)
        if len(path) > 1:
            theme = chapter["themes"].setdefault(path[1]["key"], {"key": path[1]["key"],
                                                                  "title": path[1]["title"], "rows": []})
            theme["rows"].append(row)
    tiles = []
    for chapter in chapters.values():
        themes = [{"key": t["key"], "title": t["title"], "total": len(t["rows"]), "counts": _counts(t["rows"]),
                   "late": sum(len(r["late_milestones"]) for r in t["rows"])} for t in chapter["themes"].values()]
        tiles.append({"key": chapter["key"], "title": chapter["title"], "total": len(chapter["rows"]),
                      "counts": _counts(chapter["rows"]), "themes": themes,
                      "late": sum(len(r["late_milestones"]) for r in chapter["rows"])})
    return tiles


def _due_in_quarter(rows: list[dict[str, Any]], quarter: Quarter, as_of: date) -> dict[str, Any]:
    """Return the milestones due in the quarter: done, late, still to come."""
    items = []
    for row in rows:
        for m in row["milestones"]:
            if m["status"] == "cancelled" or not m["due"] \
                    or not quarter.start.isoformat() <= m["due"] <= quarter.end.isoformat():
                continue
            items.append({"code": row["code"], "title": row["title"], "label": m["label"],
                          "due_text": m["due_text"], "state": m["state"]})
    items.sort(key=lambda i: (i["state"] != "te_laat", i["state"] == "gereed", i["code"]))
    return {"items": items, "done": sum(1 for i in items if i["state"] == "gereed"),
            "late": sum(1 for i in items if i["state"] == "te_laat"),
            "open": sum(1 for i in items if i["state"] not in ("gereed", "te_laat"))}


def exceptions(rows: list[dict[str, Any]], as_of: date) -> list[dict[str, Any]]:
    """Return the interventions that need attention, most serious first, each with its reasons.

    ``kinds`` names them for machines: te_laat, oranje, rood (the trekker's), geen_planning,
    verouderd, geen_trekker.
    """
    found = []
    for row in rows:
        reasons, kinds = [], []
        late = row["late_milestones"]
        if late:
            oldest = max(days_late(m, as_of) for m in late)
            reasons.append(f"{len(late)} {'mijlpaal' if len(late) == 1 else 'mijlpalen'} te laat"
                           f" (de oudste {oldest} {'dag' if oldest == 1 else 'dagen'})")
            kinds.append("te_laat")
        if row["stoplicht"] in ("oranje", "rood"):
            # The manual stoplicht is the trekker's; without a trekker, someone else set it by hand.
            who = "trekker meldt" if row["trekker_name"] else "handmatig op"
            reasons.append(f"{who} {row['stoplicht']}: {(row['oorzaak'] or '').strip().rstrip('.')}")
            kinds.append(row["stoplicht"])
        if row["stoplicht_effective"] == "geen_planning":
            reasons.append("geen planning: geen gedateerde open mijlpaal")
            kinds.append("geen_planning")
        if row["stale"]:
            days = days_count(row["days_since_update"] or 0)
            reasons.append(f"niet bijgewerkt sinds het plan is geladen ({days})" if row["last_progress_at"] is None
                           else f"{days} niet bijgewerkt")
            kinds.append("verouderd")
        if not row["trekker_name"]:
            reasons.append("geen trekker")
            kinds.append("geen_trekker")
        if not reasons or (row["stoplicht_effective"] == "groen" and kinds == ["geen_trekker"]):
            continue
        oldest = max((days_late(m, as_of) for m in late), default=0)
        found.append({"code": row["code"], "title": row["title"], "stoplicht": row["stoplicht_effective"],
                      "reasons": reasons, "kinds": kinds,
                      "rank": (-COLOURS.index(row["stoplicht_effective"]) if row["stoplicht_effective"] in COLOURS
                               else 0, -len(late), -oldest, not row["stale"])})
    found.sort(key=lambda e: (e["rank"], e["code"]))
    return found


def stoplicht_trend(db: sqlite_utils.Database, plan_id: str, first: Quarter, as_of: date) -> list[dict[str, Any]]:
    """Return per quarter from ``first`` the stoplicht counts at its end (the running one: on as_of)."""
    trend, quarter = [], first
    while quarter.start <= as_of:
        moment = min(quarter.end, as_of)
        rows = board(db, plan_id, moment)["rows"]
        trend.append({"quarter": quarter, "moment": moment, "running": moment < quarter.end,
                      "counts": _counts(rows), "total": len(rows)})
        quarter = quarter.next()
    return trend


def dashboard(db: sqlite_utils.Database, plan: dict[str, Any], as_of: date) -> dict[str, Any]:
    """Return what the dashboard shows of a plan as of the end of a day."""
    plan_id = plan["plan_id"]
    data = board(db, plan_id, as_of)
    rows = data["rows"]
    quarter = Quarter.of(as_of)
    first = Quarter.of(date.fromisoformat(plan["imported_at"][:10])) if plan.get("imported_at") else quarter
    found = exceptions(rows, as_of)
    # By due date (the plan file's order where they tie): the plan's own milestones read as a time line.
    own = sorted(plan_milestones_as_of(db, plan_id, as_of), key=lambda m: m["due"] or "9999-12-31")
    return {
        "as_of": as_of,
        "total": len(rows),
        "counts": _counts(rows),
        "tiles": _tiles(rows),
        "quarter": quarter,
        "due": _due_in_quarter(rows, quarter, as_of),
        "late": sum(len(r["late_milestones"]) for r in rows),
        "late_interventions": sum(1 for r in rows if r["late_milestones"]),
        "stale": [r for r in rows if r["stale"]],
        "without_trekker": sum(1 for r in rows if not r["trekker_name"]),
        "exceptions": found[:TOP_EXCEPTIONS],
        "more_exceptions": max(0, len(found) - TOP_EXCEPTIONS),
        "trend": stoplicht_trend(db, plan_id, first, as_of),
        "groups": group_rows(rows),
        # The plan's own milestones and recurring commitments ("Mijlpalen van het plan").
        "plan_milestones": own,
        "plan_late": sum(1 for m in own if m["state"] == "te_laat"),
        "plan_done": sum(1 for m in own if m["state"] == "gereed"),
        "plan_open": sum(1 for m in own if m["status"] == "open" and m["state"] != "te_laat"),
        "recurring": recurring_commitments(plan["facts"], as_of),
    }
