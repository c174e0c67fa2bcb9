"""Read model of interventions and their milestones, versioned so it reads as of any date."""

from __future__ import annotations

import json
from typing import Any

import sqlite_utils

from projections.versions import change, current, insert_first

IV = "intervention_versions"
MS = "milestone_versions"


def _group_key(group_path: list[dict[str, str]]) -> str:
    return group_path[-1]["key"] if group_path else ""


def handle(db: sqlite_utils.Database, event: Any, seq: int) -> None:
    """Apply an intervention event to the intervention and milestone rows."""
    name = type(event).__name__
    if name.startswith("Plan"):
        return
    at = event.at.isoformat()
    iid = event.originator_id.hex
    touch = {"version": event.originator_version, "last_update_at": at, "last_update_by": event.by}
    if name == "InterventionAdded":
        if current(db, IV, {"intervention_id": iid}) is None:
            insert_first(db, IV, {
                "intervention_id": iid, "plan_id": event.plan_id, "code": event.code,
                "title": event.title, "group_path": json.dumps(event.group_path, ensure_ascii=False),
                "group_key": _group_key(event.group_path), "domain": event.domain,
                "details": json.dumps(event.details, ensure_ascii=False), "closed": 0, "dropped": 0,
                "notes_count": 0, **touch}, at, seq)
        return
    changes: dict[str, Any] = dict(touch)
    if name == "InterventionRevised":
        row = current(db, IV, {"intervention_id": iid})
        if row is None:
            return
        details = json.loads(row["details"])
        for key, value in event.changes.items():
            if key == "group_path":
                changes.update(group_path=json.dumps(value, ensure_ascii=False), group_key=_group_key(value))
            elif key in ("title", "domain"):
                changes[key] = value
            else:
                details[key] = value
        changes["details"] = json.dumps(details, ensure_ascii=False)
    elif name == "InterventionDropped":
        changes["dropped"] = 1
    elif name == "InterventionReinstated":
        changes["dropped"] = 0
    elif name == "InterventionClosed":
        changes["closed"] = 1
    elif name == "TrekkerAssigned":
        changes.update(trekker_name=event.name, trekker_email=event.email)
    elif name == "NoteAdded":
        row = current(db, IV, {"intervention_id": iid})
        changes.update(notes_count=(row["notes_count"] or 0) + 1 if row else 1, last_note=event.text)
    elif name == "StoplichtSet":
        changes.update(stoplicht=event.colour, oorzaak=event.oorzaak, gevolg=event.gevolg,
                       bijsturing=event.bijsturing, stoplicht_at=at)
    iv = change(db, IV, {"intervention_id": iid}, changes, at, seq)
    if iv is None or not name.startswith("Milestone"):
        return
    _milestone(db, event, name, iv, at, seq)


def _milestone(db: sqlite_utils.Database, event: Any, name: str, iv: dict[str, Any], at: str, seq: int) -> None:
    keys = {"intervention_id": iv["intervention_id"], "milestone_id": event.milestone_id}
    if name == "MilestonePlanned":
        if current(db, MS, keys) is None:
            due = event.due.isoformat()
            insert_first(db, MS, {
                **keys, "plan_id": iv["plan_id"], "code": iv["code"], "position": seq,
                "label": event.label, "kind": event.kind, "due": due,
                "due_precision": event.due_precision, "due_text": event.due_text,
                "planned_due": due, "planned_due_text": event.due_text, "status": "open",
                "note": event.note, "reason": "", "reschedule_count": 0, "earlier_dues": "[]"},
                at, seq)
        return
    changes: dict[str, Any]
    if name == "MilestoneRelabelled":
        changes = {"label": event.label}
    elif name == "MilestoneCompleted":
        changes = {"status": "done", "note": event.note,
                   "realised": event.realised.isoformat() if event.realised else None}
    elif name == "MilestoneCancelled":
        changes = {"status": "cancelled", "reason": event.reason}
    elif name == "MilestoneRescheduled":
        row = current(db, MS, keys)
        if row is None:
            return
        earlier = json.loads(row["earlier_dues"])
        earlier.append({"due": row["due"], "due_text": row["due_text"], "reason": event.reason,
                        "at": at, "by": event.by})
        changes = {"due": event.due.isoformat(), "due_precision": event.due_precision,
                   "due_text": event.due_text, "reason": event.reason,
                   "reschedule_count": row["reschedule_count"] + 1,
                   "earlier_dues": json.dumps(earlier, ensure_ascii=False)}
    else:
        return
    change(db, MS, keys, changes, at, seq)


# --- queries ------------------------------------------------------------------------------

def _code_key(code: str) -> list[Any]:
    import re

    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", code)]


def _milestones_by_intervention(db: sqlite_utils.Database, where: str, params: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = {}
    for row in db.query(f"SELECT * FROM {MS} WHERE {where} ORDER BY position", params):
        grouped.setdefault(row["intervention_id"], []).append(row)
    return grouped


def interventions_as_of(db: sqlite_utils.Database, as_of: date, plan_id: str | None = None,
                        code: str | None = None, include_dropped: bool = False) -> list[dict[str, Any]]:
    """Return interventions (with milestones and derived states) as they were at the end of a day."""
    from projections.status import actualiteit, auto_stoplicht, milestone_state, worst
    from projections.versions import as_of_bound, valid_clause

    params: dict[str, Any] = {"bound": as_of_bound(as_of)}
    where = valid_clause()
    if plan_id is not None:
        where += " AND plan_id = :plan_id"
        params["plan_id"] = plan_id
    if code is not None:
        where += " AND code = :code"
        params["code"] = code
    rows = list(db.query(f"SELECT * FROM {IV} WHERE {where}", params))
    if not include_dropped:
        rows = [r for r in rows if not r["dropped"]]
    milestones = _milestones_by_intervention(db, where, params)
    result = []
    for row in rows:
        ms = []
        for m in milestones.get(row["intervention_id"], []):
            ms.append({**m, "state": milestone_state(m, as_of),
                       "earlier_dues": json.loads(m["earlier_dues"])})
        auto = "groen" if row["closed"] else auto_stoplicht(ms, as_of)
        days, stale = actualiteit(row["last_update_at"], as_of)
        result.append({
            **row,
            "group_path": json.loads(row["group_path"]),
            "details": json.loads(row["details"]),
            "milestones": ms,
            "stoplicht_auto": auto,
            "stoplicht_effective": worst(auto, row["stoplicht"]),
            "days_since_update": days,
            "stale": stale and not row["closed"],
        })
    result.sort(key=lambda r: (r["plan_id"], _code_key(r["code"])))
    return result


def milestone_json(m: dict[str, Any]) -> dict[str, Any]:
    """Return a milestone in the stable shape of the CLI's JSON (docs/cli.md)."""
    return {
        "id": m["milestone_id"], "label": m["label"], "kind": m["kind"], "due": m["due"],
        "due_text": m["due_text"], "due_precision": m["due_precision"], "state": m["state"],
        "realised": m["realised"], "planned_due": m["planned_due"],
        "planned_due_text": m["planned_due_text"], "earlier_dues": m["earlier_dues"],
        "reason": m["reason"] or None, "note": m["note"] or None,
    }


def intervention_json(iv: dict[str, Any]) -> dict[str, Any]:
    """Return an intervention in the stable shape of the CLI's JSON (docs/cli.md)."""
    trekker = {"name": iv["trekker_name"], "email": iv["trekker_email"]} if iv["trekker_name"] else None
    explanation = None
    if iv["stoplicht"] in ("oranje", "rood"):
        explanation = {"oorzaak": iv["oorzaak"], "gevolg": iv["gevolg"], "bijsturing": iv["bijsturing"]}
    return {
        "plan": iv["plan_id"], "code": iv["code"], "title": iv["title"],
        "grouping": iv["group_path"], "domain": iv["domain"], "trekker": trekker,
        "stoplicht": iv["stoplicht_effective"], "stoplicht_auto": iv["stoplicht_auto"],
        "stoplicht_manual": iv["stoplicht"], "stoplicht_explanation": explanation,
        "closed": bool(iv["closed"]), "dropped": bool(iv["dropped"]), "version": iv["version"],
        "last_update": iv["last_update_at"], "days_since_update": iv["days_since_update"],
        "milestones": [milestone_json(m) for m in iv["milestones"]],
    }
