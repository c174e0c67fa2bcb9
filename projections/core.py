"""The core read models: interventions, their description, milestones and history.

One object applies every intervention event to versioned rows held in memory for the batch
and writes them at the batch's end, in the runner's transaction.
"""

from __future__ import annotations

import json
from typing import Any

import sqlite_utils

from projections.versions import VersionedTable

_MILESTONE_EVENTS = {"MilestonePlanned", "MilestoneRelabelled", "MilestoneCompleted",
                     "MilestoneRescheduled", "MilestoneCancelled"}


def _group_key(group_path: list[dict[str, str]]) -> str:
    return group_path[-1]["key"] if group_path else ""


class CoreProjection:
    """Interventions, descriptions, milestones (all as of any date) and the history."""

    def __init__(self) -> None:
        self.interventions = VersionedTable("intervention_versions", ("intervention_id",))
        self.details = VersionedTable("intervention_details", ("intervention_id",))
        self.milestones = VersionedTable("milestone_versions", ("intervention_id", "milestone_id"))
        self.tables = (self.interventions, self.details, self.milestones)
        self._history: list[tuple] = []

    def reset(self) -> None:
        for table in self.tables:
            table.reset()
        self._history.clear()

    def begin(self, db: sqlite_utils.Database) -> None:
        for table in self.tables:
            table.begin(db)
        self._history.clear()

    def flush(self, db: sqlite_utils.Database) -> None:
        for table in self.tables:
            table.flush(db)
        if self._history:
            db.conn.executemany(
                "INSERT OR IGNORE INTO history (seq, intervention_id, plan_id, code, version, at, by, "
                "event, milestone_id, milestone_label, old_due_text, state) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", self._history)
            self._history.clear()

    def handle(self, db: sqlite_utils.Database, event: Any, seq: int, state: bytes | str = b"") -> None:
        """Apply one event; ``state`` is its stored JSON, kept in the history as it is."""
        name = type(event).__name__
        if name.startswith("Plan"):
            self._plan_history(db, event, name, seq, state)
            return
        if name.startswith("User") or not hasattr(event, "at"):
            return
        iid = event.originator_id.hex
        at = event.at.isoformat()
        key = (iid,)
        if name == "InterventionAdded":
            self.interventions.insert_first(db, key, {
                "intervention_id": iid, "plan_id": event.plan_id, "code": event.code,
                "title": event.title, "group_path": json.dumps(event.group_path, ensure_ascii=False),
                "group_key": _group_key(event.group_path), "domain": event.domain,
                "closed": 0, "dropped": 0}, at, seq)
            self.details.insert_first(db, key, {
                "intervention_id": iid, "plan_id": event.plan_id,
                "details": json.dumps(event.details, ensure_ascii=False)}, at, seq)
            self._record(event, name, seq, state, event.plan_id, event.code)
            return
        iv = self.interventions.current(db, key)
        if iv is None:
            return
        label = old_due_text = None
        if name in _MILESTONE_EVENTS:
            ms_key = (iid, event.milestone_id)
            ms = self.milestones.current(db, ms_key)
            label = ms["label"] if ms else getattr(event, "label", None)
            old_due_text = ms["due_text"] if ms and name == "MilestoneRescheduled" else None
            self._record(event, name, seq, state, iv["plan_id"], iv["code"], label, old_due_text)
            self._milestone(db, event, name, iv, ms_key, ms, at, seq)
            return
        self._record(event, name, seq, state, iv["plan_id"], iv["code"])
        changes: dict[str, Any] = {}
        if name == "InterventionRevised":
            details = self.details.current(db, key)
            merged = json.loads(details["details"]) if details else {}
            for field, value in event.changes.items():
                if field == "group_path":
                    changes.update(group_path=json.dumps(value, ensure_ascii=False), group_key=_group_key(value))
                elif field in ("title", "domain"):
                    changes[field] = value
                else:
                    merged[field] = value
            if details is not None and merged != json.loads(details["details"]):
                self.details.change(db, key, {"details": json.dumps(merged, ensure_ascii=False)}, at, seq)
            if not changes:
                return
        elif name == "InterventionDropped":
            changes["dropped"] = 1
        elif name == "InterventionReinstated":
            changes["dropped"] = 0
        elif name == "InterventionClosed":
            changes["closed"] = 1
        elif name == "TrekkerAssigned":
            changes.update(trekker_name=event.name, trekker_email=event.email)
        elif name == "StoplichtSet":
            changes.update(stoplicht=event.colour, oorzaak=event.oorzaak, gevolg=event.gevolg,
                           bijsturing=event.bijsturing, stoplicht_at=at)
        elif name == "ReviewRecorded":
            changes.update(last_review_date=event.meeting_date.isoformat(),
                           last_review_decision=event.decision)
        else:
            return
        self.interventions.change(db, key, changes, at, seq)

    def _record(self, event: Any, name: str, seq: int, state: bytes | str, plan_id: str | None,
                code: str | None, label: str | None = None, old_due_text: str | None = None) -> None:
        if isinstance(state, bytes):
            state = state.decode("utf-8")
        iid = None if name.startswith("Plan") else event.originator_id.hex
        self._history.append((seq, iid, plan_id, code, event.originator_version, event.at.isoformat(),
                              event.by, name, getattr(event, "milestone_id", None), label,
                              old_due_text, state))

    def _plan_history(self, db: sqlite_utils.Database, event: Any, name: str, seq: int, state: bytes | str) -> None:
        plan_id = getattr(event, "plan_id", None)
        if plan_id is None:
            row = db.conn.execute("SELECT plan_id FROM plans WHERE aggregate_id = ?",
                                  [event.originator_id.hex]).fetchone()
            plan_id = row[0] if row else None
        # The plan's facts are in the plans table; the history keeps what changed.
        summary = {"source_name": event.source_name, "summary": getattr(event, "summary", [])}
        self._record(event, name, seq, json.dumps(summary, ensure_ascii=False), plan_id, None)

    def _milestone(self, db: sqlite_utils.Database, event: Any, name: str, iv: dict[str, Any],
                   key: tuple, ms: dict[str, Any] | None, at: str, seq: int) -> None:
        if name == "MilestonePlanned":
            due = event.due.isoformat()
            self.milestones.insert_first(db, key, {
                "intervention_id": key[0], "milestone_id": key[1], "plan_id": iv["plan_id"],
                "code": iv["code"], "position": seq, "label": event.label, "kind": event.kind,
                "due": due, "due_precision": event.due_precision, "due_text": event.due_text,
                "planned_due": due, "planned_due_text": event.due_text, "status": "open",
                "note": event.note, "reason": "", "reschedule_count": 0, "earlier_dues": "[]"}, at, seq)
            return
        if ms is None:
            return
        if name == "MilestoneRelabelled":
            changes: dict[str, Any] = {"label": event.label}
        elif name == "MilestoneCompleted":
            changes = {"status": "done", "note": event.note or ms["note"],
                       "realised": event.realised.isoformat() if event.realised else None}
        elif name == "MilestoneCancelled":
            changes = {"status": "cancelled", "reason": event.reason}
        else:  # MilestoneRescheduled
            earlier = json.loads(ms["earlier_dues"])
            earlier.append({"due": ms["due"], "due_text": ms["due_text"], "reason": event.reason,
                            "at": at, "by": event.by})
            changes = {"due": event.due.isoformat(), "due_precision": event.due_precision,
                       "due_text": event.due_text, "reason": event.reason,
                       "reschedule_count": ms["reschedule_count"] + 1,
                       "earlier_dues": json.dumps(earlier, ensure_ascii=False)}
        self.milestones.change(db, key, changes, at, seq)
