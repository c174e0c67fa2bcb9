"""The portfolio: every plan at a glance and the goals of one plan that the others serve, as of a day."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlite_utils

from events.periods import HalfYear
from projections import plans as plan_queries
from projections.agenda_milestones import plan_milestones_as_of
from projections.board import _enrich
from projections.contributions import served_goals
from projections.heap import many_objects
from projections.interventions import interventions_as_of
from projections.status import COLOURS


def next_report(db: sqlite_utils.Database, plan_id: str, as_of: date,
                first_year: int | None = None, last_year: int | None = None) -> dict[str, Any]:
    """Return the council report due next: the half year after the latest one published by ``as_of``.

    With none published in the tracker, the last half year that has ended (the one the report
    page proposes), or the current one when none has; never overdue then, for the reports before
    the tracker are not known to it. Never a half year before the plan's period (``first_year``):
    a plan not yet running reports first on its first.
    """
    row = db.execute("SELECT period FROM published_reports WHERE plan_id = ? AND at < ? "
                     "ORDER BY period DESC LIMIT 1",
                     [plan_id, date.fromordinal(as_of.toordinal() + 1).isoformat()]).fetchone()
    latest = HalfYear.parse(row[0]) if row else None
    if latest:
        half = latest.next()
    else:
        current = HalfYear.of(as_of)
        ended = current.previous()
        half = ended if first_year is None or ended.year >= first_year else current
    if first_year is not None and half.year < first_year:
        half = HalfYear(first_year, 1)
    if last_year is not None and half.year > last_year:
        if latest and latest.key >= HalfYear(last_year, 2).key:
            return {"period": None, "label": "geen meer (de looptijd is voorbij en erover gerapporteerd)",
                    "latest": latest.label, "overdue": False}
        half = HalfYear(last_year, 2)  # a plan whose period ended reports last on its last half year
    return {"period": half.key, "label": half.label, "latest": latest.label if latest else None,
            "overdue": bool(latest) and half.end < as_of}


def _year(value: Any) -> int | None:
    try:
        return int(str(value)[:4])
    except (TypeError, ValueError):
        return None


@many_objects()
def portfolio(db: sqlite_utils.Database, as_of: date, known_on: date | None = None) -> dict[str, Any]:
    """Return every plan with its period, stoplichten, geen planning, late milestones and next report, and the served goals."""
    plans = plan_queries.all_plans(db)
    rows = [_enrich(r) for r in interventions_as_of(db, as_of, known_on=known_on)]
    by_plan: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_plan.setdefault(row["plan_id"], []).append(row)
    found = []
    for plan in plans:
        mine = by_plan.get(plan["plan_id"], [])
        counts = {colour: sum(1 for r in mine if r["stoplicht_effective"] == colour) for colour in COLOURS}
        found.append({
            "plan_id": plan["plan_id"], "title": plan["title"], "organisation": plan["organisation"],
            "period_start": plan["period_start"], "period_end": plan["period_end"], "total": len(mine),
            "counts": counts, "geen_planning": counts.get("geen_planning", 0),
            "late": sum(len(r["late_milestones"]) for r in mine),
            "late_interventions": sum(1 for r in mine if r["late_milestones"]),
            # The plan's own milestones (an agenda's actualisation, its evaluation) count apart.
            "plan_late": [m for m in plan_milestones_as_of(db, plan["plan_id"], as_of, known_on)
                          if m["state"] == "te_laat"],
            "next_report": next_report(db, plan["plan_id"], as_of, _year(plan["period_start"]),
                                       _year(plan["period_end"])),
        })
    return {"as_of": as_of, "plans": found, "goals": served_goals(rows, plans)}
