"""The beginstand: the milestones that fell due before a day and are open as far as the tracker knows.

The plan's own milestones follow the interventions', under the code ``plan`` (events.vocabulary.PLAN_CODE).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlite_utils

from events.vocabulary import PLAN_CODE
from projections.agenda_milestones import plan_milestones_as_of
from projections.interventions import interventions_as_of



def _due_before(m: dict[str, Any], today: date) -> bool:
    return m["status"] == "open" and bool(m["due"]) and m["due"] < today.isoformat()


def baseline_milestones(db: sqlite_utils.Database, plan_id: str, today: date) -> list[dict[str, Any]]:
    """Return every open milestone due before ``today``, in the order of the plan, the plan's own last."""
    rows = []
    for iv in interventions_as_of(db, today, plan_id=plan_id):
        for m in iv["milestones"]:
            if _due_before(m, today):
                rows.append({"code": iv["code"], "title": iv["title"], "trekker": iv["trekker_name"] or "",
                             "milestone_id": m["milestone_id"], "label": m["label"], "due": m["due"],
                             "due_text": m["due_text"], "of_plan": False})
    for m in plan_milestones_as_of(db, plan_id, today):
        if _due_before(m, today):
            rows.append({"code": PLAN_CODE, "title": "Mijlpalen van het plan", "trekker": "",
                         "milestone_id": m["milestone_id"], "label": m["label"], "due": m["due"],
                         "due_text": m["due_text"], "of_plan": True})
    return rows
