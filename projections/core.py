"""The core read models: interventions, their description, milestones and history.

One object applies the plan and intervention events (a handler per event class) to versioned
rows held in memory for the batch and writes them at the batch's end, in the runner's
transaction.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import sqlite_utils

from events import intervention as ev
from events import plan
from projections.dispatch import Handler
from projections.versions import VersionedTable

State = dict[str, Any]


def _group_key(group_path: list[dict[str, str]]) -> str:
    return group_path[-1]["key"] if group_path else ""


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


class CoreProjection:
    """Interventions, descriptions, milestones (all as of any date) and the history."""

    def __init__(self) -> None:
        self.interventions = VersionedTable("intervention_versions", ("intervention_id",))
        self.details = VersionedTable("intervention_details", ("intervention_id",))
        self.milestones = VersionedTable("milestone_versions", ("intervention_id", "milestone_id"))
        self.tables = (self.interventions, self.details, self.milestones)
        self._history: list[tuple] = []
        self.handlers: dict[type, Handler] = {
            plan.PlanImported: self._plan_event(plan.PlanImported),
            plan.PlanRevised: self._plan_event(plan.PlanRevised),
            ev.InterventionAdded: self._intervention_added,
            ev.InterventionRevised: self._intervention_revised,
            ev.InterventionDropped: self._changes(ev.InterventionDropped, lambda s, at: {"dropped": 1}),
            ev.InterventionReinstated: self._changes(ev.InterventionReinstated, lambda s, at: {"dropped": 0}),
            ev.InterventionClosed: self._changes(ev.InterventionClosed, lambda s, at: {"closed": 1}),
            ev.TrekkerAssigned: self._changes(ev.TrekkerAssigned, lambda s, at: {
                "trekker_name": s["name"], "trekker_email": s["email"]}),
            ev.StoplichtSet: self._changes(ev.StoplichtSet, lambda s, at: {
                "stoplicht": s["colour"], "oorzaak": s["oorzaak"], "gevolg": s["gevolg"],
                "bijsturing": s["bijsturing"], "stoplicht_at": at}),
            ev.ReviewRecorded: self._changes(ev.ReviewRecorded, lambda s, at: {
                "last_review_date": s["meeting_date"]["_data_"], "last_review_decision": s["decision"]}),
            # A note changes no row: the history holds it (and counts it).
            ev.NoteAdded: self._changes(ev.NoteAdded, None),
            # "Nog actueel" changes no row either: its moment in the history restarts the actualiteit.
            ev.UpToDateConfirmed: self._changes(ev.UpToDateConfirmed, None),
            ev.MilestonePlanned: self._milestone_planned,
            ev.MilestoneRelabelled: self._milestone(ev.MilestoneRelabelled, lambda s, ms, at: {"label": s["label"]}),
            ev.MilestoneCompleted: self._milestone(ev.MilestoneCompleted, lambda s, ms, at: {
                "status": "done", "note": s["note"] or ms["note"],
                "realised": s["realised"]["_data_"] if s["realised"] else None}),
            ev.MilestoneCancelled: self._milestone(ev.MilestoneCancelled, lambda s, ms, at: {
                "status": "cancelled", "reason": s["reason"]}),
            ev.MilestoneRescheduled: self._milestone(ev.MilestoneRescheduled, _rescheduled),
        }

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

    def _record(self, cls: type, seq: int, iid: str | None, version: int, state: State, plan_id: str | None,
                code: str | None, label: str | None = None, old_due_text: str | None = None,
                stored: State | None = None) -> None:
        self._history.append((seq, iid, plan_id, code, version, state["at"]["_data_"], state["by"],
                              cls.__name__, state.get("milestone_id"), label, old_due_text,
                              _dumps(state if stored is None else stored)))

    def _plan_event(self, cls: type) -> Handler:
        def handle(db: sqlite_utils.Database, seq: int, oid: str, version: int, state: State) -> None:
            plan_id = state.get("plan_id")
            if plan_id is None:
                row = db.conn.execute("SELECT plan_id FROM plans WHERE aggregate_id = ?", [oid]).fetchone()
                plan_id = row[0] if row else None
            # The plan's facts are in the plans table; the history keeps what changed.
            summary = {"source_name": state["source_name"], "summary": state.get("summary", [])}
            self._record(cls, seq, None, version, state, plan_id, None, stored=summary)
        return handle

    def _intervention_added(self, db: sqlite_utils.Database, seq: int, iid: str, version: int, state: State) -> None:
        at = state["at"]["_data_"]
        key = (iid,)
        self.interventions.insert_first(db, key, {
            "intervention_id": iid, "plan_id": state["plan_id"], "code": state["code"],
            "title": state["title"], "group_path": _dumps(state["group_path"]),
            "group_key": _group_key(state["group_path"]), "domain": state["domain"],
            "closed": 0, "dropped": 0}, at, seq)
        self.details.insert_first(db, key, {
            "intervention_id": iid, "plan_id": state["plan_id"], "details": _dumps(state["details"])}, at, seq)
        self._record(ev.InterventionAdded, seq, iid, version, state, state["plan_id"], state["code"])

    def _intervention_revised(self, db: sqlite_utils.Database, seq: int, iid: str, version: int, state: State) -> None:
        key = (iid,)
        iv = self.interventions.current(db, key)
        if iv is None:
            return
        at = state["at"]["_data_"]
        self._record(ev.InterventionRevised, seq, iid, version, state, iv["plan_id"], iv["code"])
        details = self.details.current(db, key)
        merged = json.loads(details["details"]) if details else {}
        changes: dict[str, Any] = {}
        for field, value in state["changes"].items():
            if field == "group_path":
                changes.update(group_path=_dumps(value), group_key=_group_key(value))
            elif field in ("title", "domain"):
                changes[field] = value
            else:
                merged[field] = value
        if details is not None and merged != json.loads(details["details"]):
            self.details.change(db, key, {"details": _dumps(merged)}, at, seq)
        if changes:
            self.interventions.change(db, key, changes, at, seq)

    def _changes(self, cls: type, changes: Callable[[State, str], dict[str, Any]] | None) -> Handler:
        """Return the handler of an event that records itself and changes the intervention's row."""
        def handle(db: sqlite_utils.Database, seq: int, iid: str, version: int, state: State) -> None:
            key = (iid,)
            iv = self.interventions.current(db, key)
            if iv is None:
                return
            self._record(cls, seq, iid, version, state, iv["plan_id"], iv["code"])
            if changes is not None:
                at = state["at"]["_data_"]
                self.interventions.change(db, key, changes(state, at), at, seq)
        return handle

    def _milestone_planned(self, db: sqlite_utils.Database, seq: int, iid: str, version: int, state: State) -> None:
        iv = self.interventions.current(db, (iid,))
        if iv is None:
            return
        key = (iid, state["milestone_id"])
        ms = self.milestones.current(db, key)
        self._record(ev.MilestonePlanned, seq, iid, version, state, iv["plan_id"], iv["code"],
                     ms["label"] if ms else state["label"])
        due = _day(state["due"])
        self.milestones.insert_first(db, key, {
            "intervention_id": iid, "milestone_id": key[1], "plan_id": iv["plan_id"],
            "code": iv["code"], "position": seq, "label": state["label"], "kind": state["kind"],
            "due": due, "due_precision": state["due_precision"], "due_text": state["due_text"],
            "planned_due": due, "planned_due_text": state["due_text"], "status": "open",
            "note": state["note"], "reason": "", "reschedule_count": 0, "earlier_dues": "[]",
            # Earlier versions of the event (read raw here, not upcast) have none of these.
            "starts": _day(state.get("starts")), "starts_precision": state.get("starts_precision", ""),
            "starts_text": state.get("starts_text", ""), "when_text": state.get("when", ""),
            "source": _dumps(state.get("source") or {})},
            state["at"]["_data_"], seq)

    def _milestone(self, cls: type, changes: Callable[[State, dict[str, Any], str], dict[str, Any]]) -> Handler:
        """Return the handler of an event that records itself and changes a milestone's row."""
        rescheduled = cls is ev.MilestoneRescheduled

        def handle(db: sqlite_utils.Database, seq: int, iid: str, version: int, state: State) -> None:
            iv = self.interventions.current(db, (iid,))
            if iv is None:
                return
            key = (iid, state["milestone_id"])
            ms = self.milestones.current(db, key)
            self._record(cls, seq, iid, version, state, iv["plan_id"], iv["code"],
                         ms["label"] if ms else state.get("label"),
                         (ms["due_text"] or ms["when_text"] or "zonder termijn") if ms and rescheduled
                         else None)
            if ms is not None:
                at = state["at"]["_data_"]
                self.milestones.change(db, key, changes(state, ms, at), at, seq)
        return handle


def _day(value: Any) -> str | None:
    """Return a stored date (``{"_type_": ..., "_data_": "2026-03-31"}``) as ISO text, or None."""
    return value["_data_"] if value else None


def _rescheduled(state: State, ms: dict[str, Any], at: str) -> dict[str, Any]:
    earlier = json.loads(ms["earlier_dues"])
    earlier.append({"due": ms["due"], "due_text": ms["due_text"] or ms["when_text"] or "zonder termijn",
                    "reason": state["reason"],
                    "at": at, "by": state["by"]})
    return {"due": state["due"]["_data_"], "due_precision": state["due_precision"],
            "due_text": state["due_text"], "reason": state["reason"],
            "reschedule_count": ms["reschedule_count"] + 1, "earlier_dues": _dumps(earlier)}
