"""The beginstand: the milestones that fell due before a day and are open as far as the tracker knows."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlite_utils

from projections.interventions import interventions_as_of


def baseline_milestones(db: sqlite_utils.Database, plan_id: str, today: date) -> list[dict[str, Any]]:
    """Return every open milestone due before ``today``, in the order of the plan."""
    rows = []
    for iv in interventions_as_of(db, today, plan_id=plan_id):
        for m in iv["milestones"]:
            if m["status"] == "open" and m["due"] and m["due"] < today.isoformat():
                rows.append({"code": iv["code"], "title": iv["title"], "trekker": iv["trekker_name"] or "",
                             "milestone_id": m["milestone_id"], "label": m["label"], "due": m["due"],
                             "due_text": m["due_text"]})
    return rows
