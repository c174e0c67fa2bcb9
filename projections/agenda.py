"""The agenda of a stuurgroep meeting: the exceptions of that day and what changed since the last meeting."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlite_utils

from projections.board import board
from projections.dashboard import exceptions
from projections.history import changes_by_section
from projections.meetings import previous_meeting_date
from projections.quarters import Quarter


def meeting_agenda(db: sqlite_utils.Database, plan_id: str, meeting_date: date) -> dict[str, Any]:
    """Return the agenda of a meeting on a date: every exception then, and every intervention changed since."""
    since = previous_meeting_date(db, plan_id, meeting_date) or Quarter.of(meeting_date).previous().end
    rows = board(db, plan_id, meeting_date)["rows"]
    items = {e["code"]: e for e in exceptions(rows, meeting_date)}
    changed: dict[str, int] = {}
    for section in changes_by_section(db, plan_id, since, meeting_date):
        for change in section["items"]:
            if change.get("code"):
                changed[change["code"]] = changed.get(change["code"], 0) + 1
    by_code = {r["code"]: r for r in rows}
    for code, count in changed.items():
        if code not in by_code:
            continue
        item = items.setdefault(code, {"code": code, "title": by_code[code]["title"],
                                       "stoplicht": by_code[code]["stoplicht_effective"], "reasons": [],
                                       "kinds": [], "rank": (1,)})
        item["reasons"].append(f"{count} {'wijziging' if count == 1 else 'wijzigingen'} sinds {since:%d-%m-%Y}")
        item["kinds"].append("gewijzigd")
    ordered = sorted(items.values(), key=lambda e: (e["rank"], e["code"]))
    return {"date": meeting_date, "since": since, "items": [{k: v for k, v in e.items() if k != "rank"}
                                                             for e in ordered]}
