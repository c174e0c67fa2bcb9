"""The council report's "Wijzigingen in de agenda": plan versions, interventions and milestones changed."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import sqlite_utils

from events import intervention as ev
from events import plan
from events.plan_changes import INTERVENTION_FIELDS, field_change, label_change, term_change, value_text
from projections.history import changes_by_section


# Where a change of one of the plan's own milestones stands in the code column.
PLAN_LEVEL = "plan"


def _code_key(code: str) -> list[Any]:
    return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", code)]


def agenda_changes(db: sqlite_utils.Database, plan_id: str, start: date, as_of: date,
                   known_on: date | None = None) -> dict[str, Any]:
    """Return what changed in the agenda from ``start`` up to and including ``as_of``, with reasons.

    Changes count when they happened, as known now or at the end of ``known_on``.
    """
    sections = {s["key"]: s["items"] for s in changes_by_section(
        db, plan_id, start - timedelta(days=1), as_of, valid_time=True, known_on=known_on)}
    # The interventions that came with the plan's first import are the plan, not additions to it.
    imported_at = {r[0] for r in db.execute(
        "SELECT at FROM history WHERE plan_id = ? AND event = ?", [plan_id, plan.PlanImported.__name__])}
    interventions, milestones, versions, loaded = [], [], [], []
    for r in sections["agenda"]:
        d, name = r["data"], r["event"]
        if name == ev.InterventionAdded.__name__:
            if r["at"] not in imported_at:
                interventions.append(("toegevoegd", r, d.get("title", ""), ""))
        elif name == ev.InterventionDropped.__name__:
            interventions.append(("vervallen", r, "", d.get("reason", "")))
        elif name == ev.InterventionReinstated.__name__:
            interventions.append(("weer opgenomen", r, "", d.get("reason", "")))
        elif name == ev.InterventionRevised.__name__:
            before = d.get("before") or {}
            for field, value in d.get("changes", {}).items():
                what = (field_change(field, before[field], value) if field in before else
                        f"{INTERVENTION_FIELDS.get(field, field)}: nu {value_text(field, value)}")
                interventions.append((what, r, "", d.get("reason", "")))
        elif name == ev.InterventionClosed.__name__:
            interventions.append(("afgesloten", r, "", d.get("note", "")))
        elif name in (ev.MilestoneRelabelled.__name__, plan.AgendaMilestoneRelabelled.__name__):
            milestones.append({"code": r["code"] or PLAN_LEVEL, "label": r["milestone_label"] or "", "kind": "omschrijving",
                               "what": label_change(r["milestone_label"] or "", d.get("label", "")),
                               "reason": d.get("reason", ""), **dated(r)})
        elif name == plan.PlanRevised.__name__:
            versions.append({"at": r["at"][:10], "number": _version_number(db, plan_id, r["seq"]),
                             "summary": list(d.get("summary") or [])})
        elif name == plan.PlanImported.__name__:
            # Loading the plan into the tracker is no new version of it.
            loaded.append({"at": r["at"][:10], "valid": r["valid"][:10], "what": "plan geladen"})
    for r in sections["toegevoegd"]:
        milestones.append({"code": r["code"] or PLAN_LEVEL, "label": r["data"].get("label", ""),
                           "kind": "toegevoegd", "what": f"toegevoegd ({r['data'].get('due_text', '')})",
                           "reason": r["data"].get("note", ""), **dated(r)})
    for r in sections["verschoven"]:
        milestones.append({"code": r["code"] or PLAN_LEVEL, "label": r["milestone_label"] or "",
                           "kind": "verschoven",
                           "what": term_change(r["data"].get("old_due_text", "?"), r["data"].get("due_text", "")),
                           "reason": r["data"].get("reason", ""), **dated(r)})
    for r in sections["vervallen"]:
        milestones.append({"code": r["code"] or PLAN_LEVEL, "label": r["milestone_label"] or "", "kind": "vervallen",
                           "what": "vervallen",
                           "reason": r["data"].get("reason", ""), **dated(r)})
    milestones.sort(key=lambda m: (_code_key(m["code"] or ""), m["at"]))
    return {
        "interventions": [{"code": r["code"], "what": what, "detail": detail, "reason": reason,
                           **dated(r)} for what, r, detail, reason in interventions],
        "milestones": milestones, "plan_versions": versions, "plan_loaded": loaded,
        "recorded_late": _recorded_late(db, plan_id, start, as_of, known_on),
    }


def _recorded_late(db: sqlite_utils.Database, plan_id: str, start: date, as_of: date,
                   known_on: date | None) -> list[dict[str, Any]]:
    """Return the reschedules and cancellations recorded from ``start`` to ``as_of`` that were decided
    before ``start``: they belong to an earlier half year, whose report may have gone out without them."""
    recorded = {s["key"]: s["items"] for s in changes_by_section(
        db, plan_id, start - timedelta(days=1), as_of, valid_time=False, known_on=known_on)}
    found = []
    for kind in ("verschoven", "vervallen"):
        for r in recorded[kind]:
            if (r.get("valid") or r["at"])[:10] >= start.isoformat():
                continue
            what = (term_change(r["data"].get("old_due_text", "?"), r["data"].get("due_text", ""))
                    if kind == "verschoven" else "vervallen")
            found.append({"code": r["code"] or PLAN_LEVEL, "label": r["milestone_label"] or "", "kind": kind,
                          "what": what, "reason": r["data"].get("reason", ""), **dated(r)})
    found.sort(key=lambda m: (_code_key(m["code"]), m["at"]))
    return found


def dated(row: dict[str, Any]) -> dict[str, str]:
    """Return a history row's day: when it happened (``at``), and when it was recorded where that was later.

    The report counts changes by when they happened (valid time), so it dates them so too.
    """
    happened, recorded = (row.get("valid") or row["at"])[:10], row["at"][:10]
    return {"at": happened, "recorded": recorded if recorded > happened else ""}


def _version_number(db: sqlite_utils.Database, plan_id: str, seq: int) -> int:
    """Return which version of the plan a PlanRevised event made (the first import is version 1)."""
    return db.execute("SELECT count(*) FROM history WHERE plan_id = ? AND seq <= ? AND event IN "
                      "('PlanImported', 'PlanRevised')", [plan_id, seq]).fetchone()[0]
