"""The agenda of a stuurgroep meeting: the exceptions of that day and what changed since the last meeting.

The plan's own late milestones are one item of their own, first: code ``plan``
(events.vocabulary.PLAN_CODE), ``of_plan`` true, one reason per late milestone and the milestones
themselves. Decisions stay per intervention: that item takes none.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlite_utils

from events.intervention import InterventionAdded
from events.plan import PlanImported
from events.vocabulary import PLAN_CODE
from projections.agenda_milestones import plan_milestones_as_of
from projections.board import board
from projections.dashboard import exceptions
from projections.history import changes_by_section
from projections.meetings import previous_meeting_date
from projections.quarters import Quarter
from projections.status import days_late

PLAN_ITEM_TITLE = "Mijlpalen van het plan"


def _days(n: int) -> str:
    return f"{n} {'dag' if n == 1 else 'dagen'}"


def plan_item(db: sqlite_utils.Database, plan_id: str, on: date) -> dict[str, Any] | None:
    """Return the agenda item of the plan's own milestones that are late on a day, or None when none is."""
    late = [m for m in plan_milestones_as_of(db, plan_id, on) if m["state"] == "te_laat"]
    if not late:
        return None
    return {"code": PLAN_CODE, "title": PLAN_ITEM_TITLE, "stoplicht": "",
            "reasons": [f"mijlpaal van het plan te laat: {m['label']} ({m['due_text']}, {_days(days_late(m, on))})"
                        for m in late],
            "kinds": ["te_laat"], "of_plan": True,
            "milestones": [{"id": m["milestone_id"], "label": m["label"], "due": m["due"], "due_text": m["due_text"],
                            "days_late": days_late(m, on)} for m in late]}


def meeting_agenda(db: sqlite_utils.Database, plan_id: str, meeting_date: date) -> dict[str, Any]:
    """Return the agenda of a meeting on a date: every exception then, and every intervention changed since."""
    since = previous_meeting_date(db, plan_id, meeting_date) or Quarter.of(meeting_date).previous().end
    rows = board(db, plan_id, meeting_date)["rows"]
    items = {e["code"]: {**e, "of_plan": False} for e in exceptions(rows, meeting_date)}
    changed: dict[str, int] = {}
    # The plan's first load adds every intervention: no change of one to put on the agenda.
    loaded = db.execute("SELECT min(at) FROM history WHERE plan_id = ? AND event = ?",
                        [plan_id, PlanImported.__name__]).fetchone()[0]
    for section in changes_by_section(db, plan_id, since, meeting_date):
        for change in section["items"]:
            if change["event"] == InterventionAdded.__name__ and change["at"] == loaded:
                continue
            if change.get("code"):
                changed[change["code"]] = changed.get(change["code"], 0) + 1
    by_code = {r["code"]: r for r in rows}
    for code, count in changed.items():
        if code not in by_code:
            continue
        item = items.setdefault(code, {"code": code, "title": by_code[code]["title"],
                                       "stoplicht": by_code[code]["stoplicht_effective"], "reasons": [],
                                       "kinds": [], "of_plan": False, "rank": (1,)})
        item["reasons"].append(f"{count} {'wijziging' if count == 1 else 'wijzigingen'} sinds {since:%d-%m-%Y}")
        item["kinds"].append("gewijzigd")
    ordered = sorted(items.values(), key=lambda e: (e["rank"], e["code"]))
    own = plan_item(db, plan_id, meeting_date)
    if own is not None:  # the plan as a whole before any intervention
        ordered.insert(0, {**own, "rank": ()})
    return {"date": meeting_date, "since": since, "items": [{k: v for k, v in e.items() if k != "rank"}
                                                             for e in ordered]}
