"""The plan's own milestones ("afspraken op agendaniveau") in valid and recorded time, and their queries.

They are rows like an intervention's milestones (projections/core.py, projections/versions.py):
planned by the plan's facts, from the plan's adoption on (a later version's new line from when it
was loaded); done on the realised day; rescheduled or cancelled on the day it was decided.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

import sqlite_utils

from events import plan as ev
from projections.dispatch import Handler
from projections.versions import BitemporalTable, Fold, moment, valid_clause

TABLE = "plan_milestone_versions"
State = dict[str, Any]
# record(cls, seq, iid, version, state, plan_id, code, label, old_due_text, valid=...)
Recorder = Callable[..., None]


def _day(value: Any) -> str | None:
    return value["_data_"] if value else None


class AgendaMilestoneRows:
    """The handlers that keep the plan-level milestones' rows (a part of the core projection)."""

    def __init__(self, fold: Fold, record: Recorder) -> None:
        self.table = BitemporalTable(TABLE, ("plan_id", "milestone_id"), fold)
        self._record = record
        done = self._change(ev.AgendaMilestoneCompleted, "complete", lambda s: {
            "note": s["note"], "realised": _day(s["realised"])}, valid=lambda s: _day(s["realised"]) or "")
        self.handlers: dict[type, Handler] = {
            ev.AgendaMilestoneCompleted: done,
            ev.AgendaMilestoneRescheduled: self._change(ev.AgendaMilestoneRescheduled, "reschedule", lambda s: {
                "due": _day(s["due"]), "due_precision": s["due_precision"], "due_text": s["due_text"],
                "reason": s["reason"], "at": s["at"]["_data_"], "by": s["by"]}),
            ev.AgendaMilestoneCancelled: self._change(ev.AgendaMilestoneCancelled, "set", lambda s: {
                "status": "cancelled", "reason": s["reason"]}),
            ev.AgendaMilestoneRelabelled: self._change(ev.AgendaMilestoneRelabelled, "set",
                                                       lambda s: {"label": s["label"]},
                                                       valid=lambda s: s["at"]["_data_"]),
        }

    def planned(self, db: sqlite_utils.Database, seq: int, plan_id: str | None, state: State, valid: str) -> None:
        """Add the lines a plan version names for the first time (a known id keeps its history).

        A line the plan marks as done is completed by an event of its own that follows.
        """
        if plan_id is None:
            return
        recorded = state["at"]["_data_"]
        for n, f in enumerate((state.get("facts") or {}).get("milestones", [])):
            key = (plan_id, f.get("id"))
            if not key[1] or self.table.current(db, key) is not None:
                continue
            self.table.record(db, key, valid=valid, recorded=recorded, seq=seq, op="create", payload={
                "plan_id": plan_id, "milestone_id": key[1], "position": n, "label": f["label"],
                "kind": f.get("kind") or "other", "due": f.get("due"), "due_precision": f.get("due_precision") or "",
                "due_text": f.get("due_text") or "", "planned_due": f.get("due"),
                "planned_due_text": f.get("due_text") or "", "status": "open", "realised": None,
                "note": f.get("note") or "", "reason": "", "reschedule_count": 0, "earlier_dues": "[]",
                "starts": f.get("starts"), "starts_precision": f.get("starts_precision") or "",
                "starts_text": f.get("starts_text") or "", "when_text": f.get("when") or "",
                "source": json.dumps(f.get("source") or {}, ensure_ascii=False)})

    def _change(self, cls: type, op: str, payload: Callable[[State], dict[str, Any]],
                valid: Callable[[State], str] | None = None) -> Handler:
        rescheduled = cls is ev.AgendaMilestoneRescheduled

        def handle(db: sqlite_utils.Database, seq: int, oid: str, version: int, state: State) -> None:
            key = (state["plan_id"], state["milestone_id"])
            ms = self.table.current(db, key)
            if ms is None:
                return
            at = state["at"]["_data_"]
            said = valid(state) if valid else (_day(state.get("valid_on")) or at)
            # Nothing happens to a milestone before it is planned.
            happened = max(said, self.table.start(db, key) or at)
            self._record(cls, seq, None, version, state, key[0], None, ms["label"],
                         (ms["due_text"] or ms["starts_text"] or ms["when_text"] or "zonder termijn")
                         if rescheduled else None, valid=happened)
            self.table.record(db, key, valid=happened, recorded=at, seq=seq, op=op, payload=payload(state))
        return handle


# --- queries ------------------------------------------------------------------------------

def plan_milestones_as_of(db: sqlite_utils.Database, plan_id: str, as_of: date,
                          known_on: date | None = None) -> list[dict[str, Any]]:
    """Return a plan's own milestones with their state at the end of a day, in the plan file's order.

    As known now, or as the tracker knew it at the end of ``known_on``.
    """
    from projections.interventions import term_text
    from projections.status import milestone_state

    params = {**moment(as_of, known_on), "plan_id": plan_id}
    rows = list(db.query(f"SELECT * FROM {TABLE} WHERE plan_id = :plan_id AND {valid_clause()}", params))
    facts_row = db.execute("SELECT facts FROM plans WHERE plan_id = ?", [plan_id]).fetchone()
    order = {f.get("id"): n for n, f in enumerate(json.loads(facts_row[0]).get("milestones", []))} \
        if facts_row else {}
    rows.sort(key=lambda r: (order.get(r["milestone_id"], len(order)), r["seq"], r["position"]))
    return [{**r, "state": milestone_state(r, as_of), "term_text": term_text(r),
             "earlier_dues": json.loads(r["earlier_dues"]), "source": json.loads(r["source"] or "{}")}
            for r in rows]


def plan_milestones_before(db: sqlite_utils.Database, plan_id: str, day: date,
                           known_on: date | None = None) -> dict[str, dict[str, Any]]:
    """Return a plan's own milestones by id as they stood at the end of a day (for a report's period)."""
    params = {**moment(day, known_on), "plan_id": plan_id}
    return {r["milestone_id"]: r for r in db.query(
        f"SELECT * FROM {TABLE} WHERE plan_id = :plan_id AND {valid_clause()}", params)}


def plans_with_milestone(db: sqlite_utils.Database, milestone_id: str) -> list[str]:
    """Return the plans that have (or had) a milestone of their own with this id."""
    rows = db.query(f"SELECT DISTINCT plan_id FROM {TABLE} WHERE milestone_id = ? ORDER BY plan_id", [milestone_id])
    return [r["plan_id"] for r in rows]


def recurring_commitments(facts: dict[str, Any], as_of: date) -> list[dict[str, Any]]:
    """Return the plan's recurring commitments, each with its frequency in words and its next occurrence.

    The format gives a frequency, no day: the next occurrence is the period that holds ``as_of``
    (this quarter, this year), due by that period's end.
    """
    from events.periods import FREQUENCY_WORDS, PERIOD_OF_FREQUENCY

    result = []
    for r in facts.get("recurring", []):
        every = r.get("every") or ""
        kind = PERIOD_OF_FREQUENCY.get(every)
        current = kind.of(as_of) if kind else None
        result.append({"id": r.get("id") or "", "label": r["label"], "every": every,
                       "every_text": FREQUENCY_WORDS.get(every, every), "note": r.get("note") or "",
                       "next_text": current.display if current else "",
                       "next_due": current.end.isoformat() if current else None})
    return result


def plan_milestone_json(m: dict[str, Any]) -> dict[str, Any]:
    """Return a plan-level milestone in the stable shape of the CLI's JSON (docs/cli.md)."""
    from projections.interventions import milestone_json

    return milestone_json(m)
