"""Quarterly status: per intervention what fell due in a quarter and how it stood at its end."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import sqlite_utils

from events.periods import Quarter
from events.vocabulary import Stoplicht
from projections.interventions import MS, _code_key, interventions_as_of
from projections.versions import moment, valid_clause

# "gereed_zonder_datum": done, but when is not recorded (a beginstand or a plan file that says
# so): neither on time nor late, for nobody knows.
CATEGORIES = ("op_tijd", "te_laat_gereed", "gereed_zonder_datum", "te_laat", "verschoven", "vervallen", "open")
CATEGORY_LABELS = {
    "op_tijd": "op tijd gereed", "te_laat_gereed": "te laat gereed",
    "gereed_zonder_datum": "gereed, datum niet vastgelegd", "te_laat": "te laat",
    "verschoven": "verschoven", "vervallen": "vervallen", "open": "nog open",
}


def _in(quarter: Quarter, iso: str | None) -> bool:
    return bool(iso) and quarter.start.isoformat() <= iso <= quarter.end.isoformat()


def _category(m: dict[str, Any], committed_due: str, quarter: Quarter, at: date) -> str:
    """Return how a milestone due in the quarter stood, judged on day ``at`` (after its end, or today)."""
    if m["status"] == "done":
        if m["realised"] is None:
            return "gereed_zonder_datum"
        if m["realised"] <= committed_due:
            return "op_tijd"
        return "te_laat_gereed"
    if m["status"] == "cancelled":
        return "vervallen"
    if not _in(quarter, m["due"]):
        return "verschoven"
    return "te_laat" if m["due"] < at.isoformat() else "open"


def quarter_status(db: sqlite_utils.Database, plan_id: str, quarter: Quarter, today: date,
                   known_on: date | None = None, first: Quarter | None = None,
                   last: Quarter | None = None) -> dict[str, Any]:
    """Return per intervention the milestones due in the quarter and their state at its end.

    A milestone counts for the quarter when it was due in it at the quarter's start (or, planned
    within the quarter, as first planned) or at its end (or today, for the running quarter), also
    when it was done or cancelled before the
    quarter began. On time means realised by the due date committed at the start of the quarter. Totals, stoplichten and the chart of planned and realised
    milestones per quarter (``first`` to ``last``) all come from the same interventions, as
    they were at that moment, as known now or at the end of ``known_on``.
    """
    moment_ = min(quarter.end, today)
    # Late: past its term and not done. Once the quarter is over, every term in it has passed: what
    # was not done by its end was not done in the quarter (the running quarter: judged today).
    judged = moment_ if today <= quarter.end else quarter.end + timedelta(days=1)
    start_state = {(r["intervention_id"], r["milestone_id"]): r for r in db.query(
        f"SELECT * FROM {MS} WHERE plan_id = :plan_id AND {valid_clause()}",
        {**moment(quarter.start - timedelta(days=1), known_on), "plan_id": plan_id})}
    interventions = interventions_as_of(db, moment_, plan_id=plan_id, known_on=known_on)
    rows = []
    totals = dict.fromkeys(CATEGORIES, 0)
    for iv in interventions:
        items = []
        for m in iv["milestones"]:
            before = start_state.get((m["intervention_id"], m["milestone_id"]))
            # Planned within the quarter (the plan itself, when it came into force in it): as first planned.
            due_before = before["due"] if before else m.get("planned_due")
            # One done or cancelled before the quarter began counts in the quarter it was due in: done
            # early is done on time, not left out of every quarter.
            if not (_in(quarter, due_before) or _in(quarter, m["due"])):
                continue
            committed = due_before if _in(quarter, due_before) else m["due"]
            category = _category(m, committed, quarter, judged)
            totals[category] += 1
            items.append({**m, "category": category, "committed_due": committed})
        if items:
            rows.append({"intervention": iv, "milestones": items})
    rows.sort(key=lambda r: _code_key(r["intervention"]["code"]))
    status_totals = {c: sum(1 for iv in interventions if iv["stoplicht_effective"] == c)
                     for c in Stoplicht.values()}
    chart = planned_vs_realised(interventions, first or quarter, last or quarter)
    return {"quarter": quarter, "moment": moment_, "known_on": known_on, "running": today < quarter.end,
            "rows": rows, "totals": totals, "due": sum(totals.values()), "stoplicht": status_totals,
            "interventions": len(interventions), "chart": chart,
            "chart_left_out": left_out_text(chart_left_out(interventions, first or quarter, last or quarter))}


def planned_vs_realised(interventions: list[dict[str, Any]], first: Quarter, last: Quarter) -> list[dict[str, Any]]:
    """Return per quarter how many of these milestones the plan first put there and how many were realised there."""
    counts: dict[str, dict[str, Any]] = {}
    q = first
    while (q.year, q.number) <= (last.year, last.number):
        counts[q.key] = {"quarter": q, "planned": 0, "realised": 0}
        q = q.next()
    for m in (m for iv in interventions for m in iv["milestones"]):
        planned = Quarter.of(date.fromisoformat(m["planned_due"])).key if m["planned_due"] else None
        if planned in counts:
            counts[planned]["planned"] += 1
        if m["status"] == "done" and m["realised"]:
            realised = Quarter.of(date.fromisoformat(m["realised"])).key
            if realised in counts:
                counts[realised]["realised"] += 1
    return list(counts.values())


def chart_left_out(interventions: list[dict[str, Any]], first: Quarter, last: Quarter) -> dict[str, int]:
    """Return what ``planned_vs_realised`` cannot place: milestones done without a date (``undated``),
    and done ones realised outside its quarters (``outside``), so a caption can say so."""
    undated = outside = 0
    for m in (m for iv in interventions for m in iv["milestones"]):
        if m["status"] != "done":
            continue
        if not m["realised"]:
            undated += 1
        elif not first.start <= date.fromisoformat(m["realised"]) <= last.end:
            outside += 1
    return {"undated": undated, "outside": outside}


def left_out_text(left_out: dict[str, int]) -> str:
    """Return the sentence under a chart of milestones per quarter about what it leaves out ('' for nothing)."""
    parts = []
    if left_out.get("undated"):
        n = left_out["undated"]
        parts.append(f"{n} gereed gemelde {'mijlpaal' if n == 1 else 'mijlpalen'} zonder datum van realisatie "
                     "(over de hele looptijd)")
    if left_out.get("outside"):
        n = left_out["outside"]
        parts.append(f"{n} {'mijlpaal' if n == 1 else 'mijlpalen'} gerealiseerd buiten de looptijd van het plan")
    if not parts:
        return ""
    verb = "staat" if sum(left_out.values()) == 1 else "staan"
    return f"Niet in de grafiek {verb}: " + " en ".join(parts) + "."
