"""The steering group's board: interventions of a plan as of a date, filtered and sorted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlite_utils

from projections.agenda_milestones import plan_milestones_as_of
from projections.interventions import _code_key, interventions_as_of
from projections.status import COLOURS, is_planned

SORTS = ("code", "stoplicht", "volgende", "actualiteit", "trekker")


@dataclass(frozen=True)
class BoardFilter:
    """What the board shows: a group (any level), domain, trekker, stoplicht, deviations only."""

    group: str = ""
    domain: str = ""
    trekker: str = ""
    stoplicht: str = ""
    deviations_only: bool = False
    sort: str = "code"

    def matches(self, row: dict[str, Any]) -> bool:
        if self.group and self.group not in [g["key"] for g in row["group_path"]]:
            return False
        if self.domain and row["domain"] != self.domain:
            return False
        if self.trekker == "-" and row["trekker_name"]:
            return False
        if self.trekker and self.trekker != "-" and row["trekker_name"] != self.trekker:
            return False
        if self.stoplicht and row["stoplicht_effective"] != self.stoplicht:
            return False
        if self.deviations_only and not row["deviation"]:
            return False
        return True

    def shows_plan_milestone(self, m: dict[str, Any]) -> bool:
        """Tell whether one of the plan's own milestones belongs among what this filter shows.

        They belong to no group, domain or trekker and have no stoplicht: a filter on any of
        those leaves them out; "deviations only" keeps the late ones.
        """
        if self.group or self.domain or self.trekker or self.stoplicht:
            return False
        return not self.deviations_only or m["state"] == "te_laat"


def _enrich(row: dict[str, Any]) -> dict[str, Any]:
    milestones = row["milestones"]
    dated = sorted((m for m in milestones if is_planned(m)), key=lambda m: m["due"] or m["starts"])
    late = [m for m in dated if m["state"] == "te_laat"]
    upcoming = [m for m in dated if m["state"] != "te_laat"]
    row["late_milestones"] = late
    row["next_milestone"] = upcoming[0] if upcoming else None
    row["undated_steps"] = [m for m in milestones if m["status"] == "open" and not is_planned(m)]
    row["deviation"] = bool(late) or row["stoplicht_effective"] != "groen" or row["stale"]
    return row


def _sort_key(sort: str):
    def key(row: dict[str, Any]) -> Any:
        code = _code_key(row["code"])
        if sort == "stoplicht":
            return (-COLOURS.index(row["stoplicht_effective"]), -len(row["late_milestones"]), code)
        if sort == "volgende":
            nxt = row["next_milestone"]
            return ((nxt["due"] or nxt["starts"]) if nxt else "9999", code)
        if sort == "actualiteit":
            days = row["days_since_update"]
            return (-(days if days is not None else 10**6), code)
        if sort == "trekker":
            return ((row["trekker_name"] or "~").lower(), code)
        return 0  # "code": the plan file's order, as the rows come
    return key


def board(db: sqlite_utils.Database, plan_id: str, as_of: date,
          filters: BoardFilter = BoardFilter(), known_on: date | None = None) -> dict[str, Any]:
    """Return the board's rows, their totals and the options for the filters (as known now or on ``known_on``)."""
    rows = [_enrich(r) for r in interventions_as_of(db, as_of, plan_id=plan_id, known_on=known_on)]
    options = {
        "trekkers": sorted({r["trekker_name"] for r in rows if r["trekker_name"]}),
        "domains": sorted({r["domain"] for r in rows}),
    }
    shown = sorted((r for r in rows if filters.matches(r)), key=_sort_key(filters.sort))
    totals = {colour: sum(1 for r in shown if r["stoplicht_effective"] == colour) for colour in COLOURS}
    totals["te_laat"] = sum(len(r["late_milestones"]) for r in shown)
    totals["zonder_trekker"] = sum(1 for r in shown if not r["trekker_name"])
    # The plan's own milestones belong to no group: counted whatever the filter.
    own = plan_milestones_as_of(db, plan_id, as_of, known_on)
    totals["plan_mijlpalen"] = len(own)
    totals["plan_te_laat"] = sum(1 for m in own if m["state"] == "te_laat")
    return {"rows": shown, "total": len(rows), "totals": totals, "options": options,
            "plan_milestones": [m for m in own if filters.shows_plan_milestone(m)]}


def board_row(db: sqlite_utils.Database, plan_id: str, code: str, as_of: date) -> dict[str, Any] | None:
    """Return one intervention as a row of the board, or None."""
    found = interventions_as_of(db, as_of, plan_id=plan_id, code=code)
    return _enrich(found[0]) if found else None


def group_rows(rows: list[dict[str, Any]], goals: dict[str, dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """Group rows by their plan grouping, keeping the order of the rows.

    With ``goals`` (projections.goals.goals_by_key) each group lists the goals of its path that
    no earlier group showed, so every goal stands once, above the first interventions serving it.
    """
    groups: dict[str, dict[str, Any]] = {}
    shown: set[str] = set()
    for row in rows:
        path = row["group_path"]
        key = "/".join(g["key"] for g in path)
        title = " › ".join(g["title"] for g in path) or "Overig"
        if key not in groups:
            new_goals = [{"key": g["key"], "title": g["title"], **(goals or {})[g["key"]]}
                         for g in path if g["key"] in (goals or {}) and g["key"] not in shown]
            shown.update(g["key"] for g in new_goals)
            groups[key] = {"key": key, "title": title, "rows": [], "goals": new_goals}
        groups[key]["rows"].append(row)
    return list(groups.values())


def last_meeting(db: sqlite_utils.Database, plan_id: str) -> date | None:
    """Return the date of the stuurgroep's latest recorded review in a plan, or None."""
    row = db.execute(
        "SELECT max(last_review_date) FROM intervention_versions WHERE plan_id = ? AND valid_to IS NULL "
        "AND recorded_to IS NULL",
        [plan_id]).fetchone()
    return date.fromisoformat(row[0]) if row and row[0] else None
