"""Quarterly status: per intervention what fell due in a quarter and how it stood at its end."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlite_utils

from projections.interventions import MS, _code_key, interventions_as_of
from projections.versions import as_of_bound, valid_clause

CATEGORIES = ("op_tijd", "te_laat_gereed", "te_laat", "verschoven", "vervallen", "open")
CATEGORY_LABELS = {
    "op_tijd": "op tijd gereed", "te_laat_gereed": "te laat gereed", "te_laat": "te laat",
    "verschoven": "verschoven", "vervallen": "vervallen", "open": "nog open",
}


@dataclass(frozen=True)
class Quarter:
    year: int
    number: int

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """Read '2026-Q1' or 'Q1 2026'."""
        t = text.strip().upper().replace(" ", "-")
        parts = t.split("-")
        if len(parts) == 2:
            a, b = parts
            if a.startswith("Q"):
                a, b = b, a
            if b.startswith("Q") and b[1:].isdigit() and a.isdigit() and 1 <= int(b[1:]) <= 4:
                return cls(int(a), int(b[1:]))
        raise ValueError(f"'{text}' is geen kwartaal (gebruik bijvoorbeeld 2026-Q1)")

    @classmethod
    def of(cls, day: date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def start(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> date:
        nxt = self.next()
        return nxt.start - timedelta(days=1)

    def next(self) -> Quarter:
        return Quarter(self.year + (self.number == 4), self.number % 4 + 1)

    def previous(self) -> Quarter:
        return Quarter(self.year - (self.number == 1), (self.number - 2) % 4 + 1)

    @property
    def key(self) -> str:
        return f"{self.year}-Q{self.number}"

    @property
    def label(self) -> str:
        return f"Q{self.number} {self.year}"


def _in(quarter: Quarter, iso: str | None) -> bool:
    return bool(iso) and quarter.start.isoformat() <= iso <= quarter.end.isoformat()


def _category(m: dict[str, Any], committed_due: str, quarter: Quarter, today: date) -> str:
    if m["status"] == "done":
        if m["realised"] is None or m["realised"] <= committed_due:
            return "op_tijd"
        return "te_laat_gereed"
    if m["status"] == "cancelled":
        return "vervallen"
    if not _in(quarter, m["due"]):
        return "verschoven"
    return "te_laat" if m["due"] < today.isoformat() else "open"


def quarter_status(db: sqlite_utils.Database, plan_id: str, quarter: Quarter, today: date) -> dict[str, Any]:
    """Return per intervention the milestones due in the quarter and their state at its end.

    A milestone counts for the quarter when it was due in it at the quarter's start or at its
    end (or today, for the running quarter). On time means realised by the due date committed
    at the start of the quarter.
    """
    moment = min(quarter.end, today)
    start_state = {(r["intervention_id"], r["milestone_id"]): r for r in db.query(
        f"SELECT * FROM {MS} WHERE plan_id = :plan_id AND {valid_clause()}",
        {"plan_id": plan_id, "bound": quarter.start.isoformat()})}
    interventions = interventions_as_of(db, moment, plan_id=plan_id)
    rows = []
    totals = dict.fromkeys(CATEGORIES, 0)
    for iv in interventions:
        items = []
        for m in iv["milestones"]:
            before = start_state.get((m["intervention_id"], m["milestone_id"]))
            due_before = before["due"] if before else None
            if before is not None and before["status"] != "open":
                continue  # settled before the quarter began
            if not (_in(quarter, due_before) or _in(quarter, m["due"])):
                continue
            committed = due_before if _in(quarter, due_before) else m["due"]
            category = _category(m, committed, quarter, today)
            totals[category] += 1
            items.append({**m, "category": category, "committed_due": committed})
        if items:
            rows.append({"intervention": iv, "milestones": items})
    rows.sort(key=lambda r: _code_key(r["intervention"]["code"]))
    status_totals = {c: sum(1 for iv in interventions if iv["stoplicht_effective"] == c)
                     for c in ("groen", "oranje", "rood")}
    return {"quarter": quarter, "moment": moment, "running": today < quarter.end, "rows": rows,
            "totals": totals, "due": sum(totals.values()), "stoplicht": status_totals}


def planned_vs_realised(db: sqlite_utils.Database, plan_id: str, as_of: date,
                        first: Quarter, last: Quarter) -> list[dict[str, Any]]:
    """Return per quarter how many milestones the plan first put there and how many were realised."""
    counts: dict[str, dict[str, Any]] = {}
    q = first
    while (q.year, q.number) <= (last.year, last.number):
        counts[q.key] = {"quarter": q, "planned": 0, "realised": 0}
        q = q.next()
    rows = db.query(
        f"SELECT planned_due, realised, status FROM {MS} WHERE plan_id = :plan_id AND {valid_clause()}",
        {"plan_id": plan_id, "bound": as_of_bound(as_of)})
    for r in rows:
        planned = Quarter.of(date.fromisoformat(r["planned_due"])).key
        if planned in counts:
            counts[planned]["planned"] += 1
        if r["status"] == "done" and r["realised"]:
            realised = Quarter.of(date.fromisoformat(r["realised"])).key
            if realised in counts:
                counts[realised]["realised"] += 1
    return list(counts.values())
