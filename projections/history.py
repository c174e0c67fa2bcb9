"""Read model of what happened: one row per event, who, when, what and why.

A row says which event it is (its notification id), of what and when; the event's own JSON is
read from the event store when the row is worded, brought up to its class's current version.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

import orjson
import sqlite_utils
from eventsourcing.utils import resolve_topic

from events import intervention as ev
from events import plan
from events.store import make_mapper
from projections.dispatch import upcast
from projections.log import stored_states
from projections.wording import describe

_BASE_FIELDS = {"originator_topic", "timestamp", "at", "by", "by_id", "class_version"}
_decoder = make_mapper().transcoder


def _plain(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _group_titles(groups: list[dict[str, Any]]) -> dict[str, str]:
    titles: dict[str, str] = {}
    for group in groups:
        titles[group["key"]] = group["title"]
        titles.update(_group_titles(group.get("groups") or []))
    return titles


def link_target_names(db: sqlite_utils.Database, plan_ids: Iterable[str]) -> dict[str, tuple[str, dict[str, str]]]:
    """Return these loaded plans' titles and the titles of their groups by key (to name a link's target)."""
    from projections import plans as plan_queries

    return {plan_id: (target["title"], _group_titles(target["facts"].get("groups") or []))
            for plan_id, target in plan_queries.plans_by_id(db, plan_ids).items()}


_PLAN_EVENTS = {plan.PlanImported.__name__, plan.PlanRevised.__name__}
_classes: dict[str, type] = {}


def event_state(topic: str, raw: bytes | str) -> dict[str, Any]:
    """Return a stored event's state as its class stores it now, with dates and times as objects."""
    cls = _classes.get(topic)
    if cls is None:
        cls = _classes[topic] = resolve_topic(topic)
    return _decoder.decode(orjson.dumps(upcast(cls, orjson.loads(raw))))


def _worded_rows(db: sqlite_utils.Database, rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Word history rows, reading each one's event from the event store (a link's target by its titles)."""
    rows = list(rows)
    stored = stored_states(db, [row["seq"] for row in rows])
    states = [event_state(*stored[row["seq"]]) for row in rows]
    names = link_target_names(db, (s["target_plan"] for s in states if s.get("target_plan")))
    return [_worded(row, state, names) for row, state in zip(rows, states)]


def _worded(row: dict[str, Any], state: dict[str, Any],
            names: dict[str, tuple[str, dict[str, str]]] | None = None) -> dict[str, Any]:
    """Word a history row by its event's state (a link's target by its titles when ``names`` has them)."""
    row["by_id"] = state.get("by_id")  # the account it was done by; None: the operator, the system, or older
    if row["event"] in _PLAN_EVENTS:  # the plan's facts are in the plans table; the history says what changed
        state = {"source_name": state["source_name"], "summary": state.get("summary", [])}
    data = {k: _plain(v) for k, v in state.items() if k not in _BASE_FIELDS}
    data.pop("details", None)
    if names and data.get("target_plan") in names:
        plan_title, groups = names[data["target_plan"]]
        data["target_plan_title"] = plan_title
        if data.get("target_group") in groups:
            data["target_group_title"] = groups[data["target_group"]]
    if row["old_due_text"]:
        data["old_due_text"] = row["old_due_text"]
    row["data"] = data
    row["description"] = describe(row["event"], data, row["milestone_label"] or "")
    return row


def intervention_history(db: sqlite_utils.Database, plan_id: str, code: str) -> list[dict[str, Any]]:
    """Return the history of one intervention, oldest first."""
    rows = db.query("SELECT * FROM history WHERE plan_id = ? AND code = ? ORDER BY seq", [plan_id, code])
    return _worded_rows(db, rows)


def changes_between(db: sqlite_utils.Database, plan_id: str, start: date, end: date, *,
                    valid_time: bool = False, known_on: date | None = None) -> list[dict[str, Any]]:
    """Return what was recorded for a plan after the day ``start`` up to and including ``end``.

    With ``valid_time``: what happened then instead, as known now or at the end of ``known_on``.
    """
    from projections.versions import as_of_bound

    column = "valid" if valid_time else "at"
    sql = f"SELECT * FROM history WHERE plan_id = ? AND {column} >= ? AND {column} < ?"
    params: list[Any] = [plan_id, as_of_bound(start), as_of_bound(end)]
    if known_on is not None:
        sql += " AND at < ?"
        params.append(as_of_bound(known_on))
    rows = db.query(sql + f" ORDER BY {column}, seq", params)
    return _worded_rows(db, rows)


CHANGE_SECTIONS = (
    ("gereed", "Mijlpalen gereed gemeld", (ev.MilestoneCompleted, plan.AgendaMilestoneCompleted)),
    ("verschoven", "Mijlpalen verschoven", (ev.MilestoneRescheduled, plan.AgendaMilestoneRescheduled)),
    ("vervallen", "Mijlpalen vervallen", (ev.MilestoneCancelled, plan.AgendaMilestoneCancelled)),
    ("toegevoegd", "Mijlpalen toegevoegd", (ev.MilestonePlanned,)),
    ("stoplicht", "Stoplicht gewijzigd", (ev.StoplichtSet,)),
    ("notities", "Nieuwe voortgangsnotities", (ev.NoteAdded,)),
    ("trekkers", "Trekkers", (ev.TrekkerAssigned,)),
    ("besproken", "Besproken in de stuurgroep", (ev.ReviewRecorded,)),
    ("agenda", "Wijzigingen in de agenda", (ev.InterventionAdded, ev.InterventionRevised, ev.InterventionDropped,
                                            ev.InterventionReinstated, ev.InterventionClosed, ev.MilestoneRelabelled,
                                            plan.AgendaMilestoneRelabelled, plan.PlanImported, plan.PlanRevised)),
)
_ADDED = ev.InterventionAdded.__name__


def changes_by_section(db: sqlite_utils.Database, plan_id: str, start: date, end: date, *,
                       valid_time: bool = False, known_on: date | None = None) -> list[dict[str, Any]]:
    """Return what changed after ``start`` up to ``end``, by kind of change (see changes_between).

    The Tijdpad that comes with a newly added intervention (its milestones, lines the plan
    marks as done) is part of that agenda change, not a change of its own.
    """
    rows = changes_between(db, plan_id, start, end, valid_time=valid_time, known_on=known_on)
    added_with_plan = {(r["intervention_id"], r["at"]) for r in rows if r["event"] == _ADDED}
    rows = [r for r in rows if r["event"] == _ADDED
            or (r["intervention_id"], r["at"]) not in added_with_plan]
    sections = []
    for key, title, classes in CHANGE_SECTIONS:
        names = {cls.__name__ for cls in classes}
        items = [r for r in rows if r["event"] in names]
        sections.append({"key": key, "title": title, "items": items})
    return sections
