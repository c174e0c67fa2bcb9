"""The core read models: interventions, their description, milestones and history.

One object applies the plan and intervention events (a handler per event class) to rows in
valid and recorded time (projections/versions.py) held in memory for the batch and writes them
at the batch's end, in the runner's transaction. Each change holds from when it happened: a
milestone from the plan's adoption, a completion from its realised date, a reschedule or
stoplicht from its own day; everything else from when it was recorded.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import orjson
import sqlite_utils
from eventsourcing.utils import resolve_topic

from events import contributions as links
from events import intervention as ev
from events import plan
from projections.agenda_milestones import AgendaMilestoneRows
from projections.dispatch import Handler, Routes, stored_state
from projections.log import stored_states
from projections.versions import BitemporalTable, write_log

State = dict[str, Any]


def _day(value: Any) -> str | None:
    """Return a stored date (``{"_type_": ..., "_data_": "2026-03-31"}``) as ISO text, or None."""
    return value["_data_"] if value else None


def _valid(state: State) -> str:
    """Return the moment a change holds from: the day it happened, or else when it was recorded."""
    return _day(state.get("valid_on")) or state["at"]["_data_"]


def _merge(state: dict[str, Any] | None, op: str, payload: dict[str, Any]) -> dict[str, Any]:
    """Fold one change into an intervention's row or its description."""
    if op == "create":
        return dict(payload)
    if op == "describe":
        details = {**json.loads(state["details"]), **payload}
        return {**state, "details": _dumps(details)}
    if op in ("link", "unlink"):
        details = json.loads(state["details"])
        key = payload["key"]
        kept = [link for link in details.get("contributes_to", [])
                if links.link_key(link["plan"], link.get("group", ""), link.get("code", "")) != key]
        if op == "link":
            kept.append(payload["link"])
        return {**state, "details": _dumps({**details, "contributes_to": kept})}
    return {**state, **payload}


def _milestone_fold(state: dict[str, Any] | None, op: str, payload: dict[str, Any]) -> dict[str, Any]:
    """Fold one change into a milestone's row; a reschedule keeps the due it replaced."""
    if op == "create":
        return dict(payload)
    if op == "complete":
        return {**state, "status": "done", "note": payload["note"] or state["note"], "realised": payload["realised"]}
    if op == "reschedule":
        earlier = json.loads(state["earlier_dues"])
        earlier.append({"due": state["due"], "due_text": state["due_text"] or state.get("when_text") or "zonder termijn",
                        "reason": payload["reason"], "at": payload["at"], "by": payload["by"]})
        return {**state, "due": payload["due"], "due_precision": payload["due_precision"],
                "due_text": payload["due_text"], "reason": payload["reason"],
                "reschedule_count": state["reschedule_count"] + 1, "earlier_dues": _dumps(earlier)}
    return {**state, **payload}


def _group_key(group_path: list[dict[str, str]]) -> str:
    return group_path[-1]["key"] if group_path else ""


def _dumps(value: Any) -> str:
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode("utf-8")


def _owner(state: State) -> dict[str, str]:
    """Return the owner columns of a planned milestone (before version 4: read from its note, as the upcast does)."""
    if "owner_email" in state:
        return {"owner_email": state["owner_email"], "owner_name": state["owner_name"]}
    email, name = ev.owner_in_note(state)
    return {"owner_email": email, "owner_name": name}


class CoreProjection:
    """Interventions, descriptions, milestones (all as of any date) and the history."""

    def __init__(self) -> None:
        # An intervention's changes are not logged: its events hold them, and a thing not cached is
        # made again from them (_recall). The plan's own milestones keep theirs in the change log.
        self.interventions = BitemporalTable("intervention_versions", ("intervention_id",), _merge, logged=False)
        self.details = BitemporalTable("intervention_details", ("intervention_id",), _merge, logged=False)
        self.milestones = BitemporalTable("milestone_versions", ("intervention_id", "milestone_id"), _milestone_fold,
                                          logged=False)
        self.own = (self.interventions, self.details, self.milestones)
        for table in self.own:
            table.recall = self._recall
        self._recalled: set[str] = set()  # interventions whose things are all cached
        # The plan's own milestones: their rows are planned by the plan's facts (_plan_event).
        self.agenda = AgendaMilestoneRows(_milestone_fold, self._record)
        self.tables = (self.interventions, self.details, self.milestones, self.agenda.table)
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
                "bijsturing": s["bijsturing"], "stoplicht_at": _valid(s)}),
            ev.ReviewRecorded: self._changes(ev.ReviewRecorded, lambda s, at: {
                "last_review_date": s["meeting_date"]["_data_"], "last_review_decision": s["decision"]},
                valid=lambda s: s["meeting_date"]["_data_"]),
            # A note changes no row: the history holds it (and counts it).
            ev.NoteAdded: self._changes(ev.NoteAdded, None),
            # "Nog actueel" changes no row either: its moment in the history restarts the actualiteit.
            ev.UpToDateConfirmed: self._changes(ev.UpToDateConfirmed, None),
            links.ContributionLinked: self._link("link"),
            links.ContributionUnlinked: self._link("unlink"),
            ev.MilestonePlanned: self._milestone_planned,
            ev.MilestoneRelabelled: self._milestone(ev.MilestoneRelabelled, "set", lambda s: {"label": s["label"]},
                                                    valid=lambda s: s["at"]["_data_"]),
            # Done on its realised day; a line the plan marks as done (no date) since the milestone began.
            ev.MilestoneCompleted: self._milestone(ev.MilestoneCompleted, "complete", lambda s: {
                "note": s["note"], "realised": _day(s["realised"])}, valid=lambda s: _day(s["realised"]) or ""),
            ev.MilestoneCancelled: self._milestone(ev.MilestoneCancelled, "set", lambda s: {
                "status": "cancelled", "reason": s["reason"]}),
            ev.MilestoneRescheduled: self._milestone(ev.MilestoneRescheduled, "reschedule", lambda s: {
                "due": _day(s["due"]), "due_precision": s["due_precision"], "due_text": s["due_text"],
                "reason": s["reason"], "at": s["at"]["_data_"], "by": s["by"]}),
            **self.agenda.handlers,
        }

    def of_intervention(self, topic: str) -> bool:
        """Tell whether a stored topic is an intervention's event this projection handles (by its class)."""
        cls = resolve_topic(topic)
        return any(issubclass(cls, handled) and handled.__module__ in (ev.__name__, links.__name__)
                   for handled in self.handlers)

    def reset(self) -> None:
        for table in self.tables:
            table.reset()
        self._recalled.clear()
        self._history.clear()

    def begin(self, db: sqlite_utils.Database) -> None:
        # An intervention's things are cached together (_recall): forgotten together too.
        if any(len(table._rows) > table.MAX_CACHED for table in self.own):
            for table in self.own:
                table.forget()
            self._recalled.clear()
        for table in self.tables:
            table.begin(db)
        self._history.clear()

    def _recall(self, db: sqlite_utils.Database, key: tuple) -> None:
        """Cache every thing of the intervention ``key[0]`` (its rows as stored, its changes made again).

        The changes are made again from the intervention's events, read back from the event store by
        its history rows: every event written before this batch (one of this batch that touched the
        intervention cached it already). What is cached already is kept.
        """
        iid = key[0]
        if iid in self._recalled:
            return
        self._recalled.add(iid)
        found = db.conn.execute("SELECT plan_id, code FROM intervention_versions WHERE intervention_id = ? LIMIT 1",
                                [iid]).fetchone()
        if found is None:
            return  # not added yet: nothing of it exists
        seqs = [(seq, version) for seq, version in db.conn.execute(
            "SELECT seq, version FROM history WHERE plan_id = ? AND code = ? AND intervention_id = ? ORDER BY seq",
            [found[0], found[1], iid])]
        stored = stored_states(db, [seq for seq, _ in seqs])
        again = CoreProjection()
        for table in again.own:
            table._complete = True  # it starts from nothing and asks the database for nothing
        routes = Routes([again.handlers])
        for seq, version in seqs:
            topic, state = stored[seq]
            handlers, versioned = routes(topic)
            if not handlers:
                continue
            data = stored_state(state, versioned, orjson.loads)
            for handle in handlers:
                handle(db, seq, iid, version, data)
        for live, made in zip(self.own, again.own):
            for thing, (log, tail) in made.cached().items():
                live.remember(db, thing, log, tail)

    def flush(self, db: sqlite_utils.Database) -> None:
        for table in self.tables:
            table.flush(db)
        write_log(db, *(table.take_log() for table in self.tables))
        if self._history:
            db.conn.executemany(
                "INSERT OR IGNORE INTO history (seq, intervention_id, plan_id, code, version, at, valid, by, "
                "event, milestone_id, milestone_label, old_due_text) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", self._history)
            self._history.clear()

    def _record(self, cls: type, seq: int, iid: str | None, version: int, state: State, plan_id: str | None,
                code: str | None, label: str | None = None, old_due_text: str | None = None,
                valid: str | None = None) -> None:
        """Keep the event's history row: which event it is, of what, when (its JSON stays in the event store)."""
        at = state["at"]["_data_"]
        self._history.append((seq, iid, plan_id, code, version, at, valid or at, state["by"],
                              cls.__name__, state.get("milestone_id"), label, old_due_text))

    def _plan_event(self, cls: type) -> Handler:
        def handle(db: sqlite_utils.Database, seq: int, oid: str, version: int, state: State) -> None:
            plan_id = state.get("plan_id")
            if plan_id is None:
                row = db.conn.execute("SELECT plan_id FROM plans WHERE aggregate_id = ?", [oid]).fetchone()
                plan_id = row[0] if row else None
            # The plan's facts are in the plans table; the history says what changed. A plan
            # loaded after its adoption holds from its adoption.
            adopted = plan.adoption_start(state.get("facts") or {}) if cls is plan.PlanImported else None
            at = state["at"]["_data_"]
            valid = min(adopted.isoformat(), at) if adopted else at
            self._record(cls, seq, None, version, state, plan_id, None, valid=valid)
            self.agenda.planned(db, seq, plan_id, state, valid)
        return handle

    def _intervention_added(self, db: sqlite_utils.Database, seq: int, iid: str, version: int, state: State) -> None:
        at, valid = state["at"]["_data_"], _valid(state)
        key = (iid,)
        self.interventions.record(db, key, valid=valid, recorded=at, seq=seq, op="create", payload={
            "intervention_id": iid, "plan_id": state["plan_id"], "code": state["code"],
            "title": state["title"], "group_path": _dumps(state["group_path"]),
            "group_key": _group_key(state["group_path"]), "domain": state["domain"],
            "closed": 0, "dropped": 0})
        self.details.record(db, key, valid=valid, recorded=at, seq=seq, op="create", payload={
            "intervention_id": iid, "plan_id": state["plan_id"], "details": _dumps(state["details"])})
        self._record(ev.InterventionAdded, seq, iid, version, state, state["plan_id"], state["code"], valid=valid)

    def _intervention_revised(self, db: sqlite_utils.Database, seq: int, iid: str, version: int, state: State) -> None:
        key = (iid,)
        iv = self.interventions.current(db, key)
        if iv is None:
            return
        at = state["at"]["_data_"]
        self._record(ev.InterventionRevised, seq, iid, version, state, iv["plan_id"], iv["code"])
        changes: dict[str, Any] = {}
        described: dict[str, Any] = {}
        for field, value in state["changes"].items():
            if field == "group_path":
                changes.update(group_path=_dumps(value), group_key=_group_key(value))
            elif field in ("title", "domain"):
                changes[field] = value
            else:
                described[field] = value
        if described:
            self.details.record(db, key, valid=at, recorded=at, seq=seq, op="describe", payload=described)
        if changes:
            self.interventions.record(db, key, valid=at, recorded=at, seq=seq, op="set", payload=changes)

    def _changes(self, cls: type, changes: Callable[[State, str], dict[str, Any]] | None,
                 valid: Callable[[State], str] = _valid) -> Handler:
        """Return the handler of an event that records itself and changes the intervention's row."""
        def handle(db: sqlite_utils.Database, seq: int, iid: str, version: int, state: State) -> None:
            key = (iid,)
            iv = self.interventions.current(db, key)
            if iv is None:
                return
            happened = valid(state)
            self._record(cls, seq, iid, version, state, iv["plan_id"], iv["code"], valid=happened)
            if changes is not None:
                at = state["at"]["_data_"]
                self.interventions.record(db, key, valid=happened, recorded=at, seq=seq, op="set",
                                          payload=changes(state, at))
        return handle

    def _link(self, op: str) -> Handler:
        """Return the handler of a link's change: the intervention's description carries its links."""
        cls = links.ContributionLinked if op == "link" else links.ContributionUnlinked

        def handle(db: sqlite_utils.Database, seq: int, iid: str, version: int, state: State) -> None:
            key = (iid,)
            iv = self.interventions.current(db, key)
            if iv is None:
                return
            happened = max(_valid(state), self.details.start(db, key) or "")
            self._record(cls, seq, iid, version, state, iv["plan_id"], iv["code"], valid=happened)
            payload: dict[str, Any] = {"key": links.link_key(state["target_plan"], state["target_group"],
                                                             state["target_code"])}
            if op == "link":
                payload["link"] = {**links.link_facts(state), "at": state["at"]["_data_"][:10], "by": state["by"]}
            self.details.record(db, key, valid=happened, recorded=state["at"]["_data_"], seq=seq, op=op,
                                payload=payload)
        return handle

    def _milestone_planned(self, db: sqlite_utils.Database, seq: int, iid: str, version: int, state: State) -> None:
        iv = self.interventions.current(db, (iid,))
        if iv is None:
            return
        key = (iid, state["milestone_id"])
        ms = self.milestones.current(db, key)
        valid = _valid(state)
        self._record(ev.MilestonePlanned, seq, iid, version, state, iv["plan_id"], iv["code"],
                     ms["label"] if ms else state["label"], valid=valid)
        if ms is not None:
            return  # an id planned before keeps its first planning
        due = _day(state["due"])
        self.milestones.record(db, key, valid=valid, recorded=state["at"]["_data_"], seq=seq, op="create", payload={
            "intervention_id": iid, "milestone_id": key[1], "plan_id": iv["plan_id"],
            "code": iv["code"], "position": seq, "label": state["label"], "kind": state["kind"],
            "due": due, "due_precision": state["due_precision"], "due_text": state["due_text"],
            "planned_due": due, "planned_due_text": state["due_text"], "status": "open", "realised": None,
            "note": state["note"], "reason": "", "reschedule_count": 0, "earlier_dues": "[]",
            # Earlier versions of the event (read raw here, not upcast) have none of these.
            "starts": _day(state.get("starts")), "starts_precision": state.get("starts_precision", ""),
            "starts_text": state.get("starts_text", ""), "when_text": state.get("when", ""),
            "source": _dumps(state.get("source") or {}),
            **_owner(state)})

    def _milestone(self, cls: type, op: str, payload: Callable[[State], dict[str, Any]],
                   valid: Callable[[State], str] = _valid) -> Handler:
        """Return the handler of an event that records itself and changes a milestone's row."""
        rescheduled = cls is ev.MilestoneRescheduled

        def handle(db: sqlite_utils.Database, seq: int, iid: str, version: int, state: State) -> None:
            iv = self.interventions.current(db, (iid,))
            if iv is None:
                return
            key = (iid, state["milestone_id"])
            ms = self.milestones.current(db, key)
            # Nothing happens to a milestone before it is in the Tijdpad.
            begun = self.milestones.start(db, key) or state["at"]["_data_"]
            happened = max(valid(state), begun)
            self._record(cls, seq, iid, version, state, iv["plan_id"], iv["code"],
                         ms["label"] if ms else state.get("label"),
                         (ms["due_text"] or ms["when_text"] or "zonder termijn") if ms and rescheduled
                         else None, valid=happened)
            if ms is not None:
                self.milestones.record(db, key, valid=happened, recorded=state["at"]["_data_"], seq=seq, op=op,
                                       payload=payload(state))
        return handle
