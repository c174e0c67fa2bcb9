"""Queries on the interventions and milestones read models (written by projections.core)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date
from typing import Any

import orjson
import sqlite_utils

from events import intervention as ev
from events import plan as plan_events
from events.vocabulary import Stoplicht
from projections.heap import many_objects

IV = "intervention_versions"
MS = "milestone_versions"


# --- queries ------------------------------------------------------------------------------

def _code_key(code: str) -> list[Any]:
    import re

    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", code)]


def _milestones_by_intervention(db: sqlite_utils.Database, where: str, params: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = {}
    for row in db.query(f"SELECT * FROM {MS} WHERE {where} ORDER BY position", params):
        grouped.setdefault(row["intervention_id"], []).append(row)
    return grouped


# What the people working on an intervention record: its progress. A plan file loaded or revised
# records such events too (a milestone done before the tracker came), at the moment of the load.
PROGRESS_EVENTS = tuple(e.__name__ for e in (
    ev.MilestonePlanned, ev.MilestoneRelabelled, ev.MilestoneCompleted, ev.MilestoneRescheduled,
    ev.MilestoneCancelled, ev.NoteAdded, ev.StoplichtSet, ev.UpToDateConfirmed, ev.InterventionClosed))
PLAN_LOADS = (plan_events.PlanImported.__name__, plan_events.PlanRevised.__name__)  # plain names: quoted as SQL


def in_date_order(milestones: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return a Tijdpad in the order of its dates (due, else start), the plan file's order among equals.

    A milestone added later, or moved, stands where its date puts it; an undated step stays after
    the milestone it follows in the file. For the pages that show a Tijdpad; the data (JSON,
    exports) keeps the plan file's order, the order of the events.
    """
    keyed, last = [], ""
    for m in milestones:
        last = m.get("due") or m.get("starts") or last
        keyed.append((last, m))
    if all(keyed[i][0] <= keyed[i + 1][0] for i in range(len(keyed) - 1)):
        return milestones
    return [m for _, m in sorted(keyed, key=lambda pair: pair[0])]


def _activity(db: sqlite_utils.Database, where: str, params: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Return per intervention its last recorded change and version, recorded by the day asked about,
    its first (``added_at``) and its last progress recorded by hand (``last_progress_at``: None when
    only plan files wrote it)."""
    progress = ", ".join(f"'{name}'" for name in PROGRESS_EVENTS)
    # The moments plan files were loaded, and by whom (a handful per plan; by the history's plan
    # index): what the load wrote carries both. A change by hand in the same second (a day given as
    # "today" records noon) is someone else's, or no load's.
    one_plan = "plan_id = :plan_id" if ":plan_id" in where else "plan_id IN (SELECT plan_id FROM plans)"
    loads = [f"{plan_id} {at} {by}" for plan_id, at, by in db.execute(
        f"SELECT plan_id, at, coalesce(by, '') FROM history WHERE {one_plan} AND code IS NULL AND event IN "
        f"({', '.join(repr(name) for name in PLAN_LOADS)})", params)]
    rows = db.query(
        "SELECT intervention_id, max(at) AS last_update_at, min(at) AS added_at, max(version) AS version, "
        f"max(CASE WHEN event IN ({progress}) AND plan_id || ' ' || at || ' ' || coalesce(by, '') NOT IN "
        "(SELECT value FROM json_each(:plan_loads)) THEN at END) AS last_progress_at "
        f"FROM history WHERE intervention_id IS NOT NULL AND at < min(:bound, :known){where} "
        "GROUP BY intervention_id", {**params, "plan_loads": json.dumps(loads)})
    return {r["intervention_id"]: r for r in rows}


@many_objects()
def interventions_as_of(db: sqlite_utils.Database, as_of: date, plan_id: str | None = None,
                        code: str | None = None, include_dropped: bool = False,
                        known_on: date | None = None, *, trekker: str | None = None,
                        links_to: str | None = None) -> list[dict[str, Any]]:
    """Return interventions (with milestones and derived states) as they were at the end of a day.

    As known now, or as the tracker knew it at the end of ``known_on``. ``trekker``: only those
    whose trekker then had this address (in any case); ``links_to``: only those that then
    contributed to that plan (a link to it, to one of its groups or interventions). Both are
    selected in SQL: a region's read model holds thousands of interventions.
    """
    from projections.versions import moment, valid_clause

    params: dict[str, Any] = moment(as_of, known_on)
    extra = ""
    if plan_id is not None:
        extra += " AND plan_id = :plan_id"
        params["plan_id"] = plan_id
    if code is not None:
        extra += " AND code = :code"
        params["code"] = code
    narrow = ""
    if trekker is not None:
        # SQLite lowers ASCII only: an address with other letters is compared exactly below.
        narrow += " AND (lower(v.trekker_email) = :trekker OR v.trekker_email GLOB '*[^ -~]*')"
        params["trekker"] = trekker = trekker.strip().lower()
    if links_to is not None:
        narrow += (" AND EXISTS (SELECT 1 FROM json_each(d.details, '$.contributes_to') AS l "
                   "WHERE json_extract(l.value, '$.plan') = :links_to)")
        params["links_to"] = links_to
    rows = list(db.query(
        f"SELECT v.*, d.details FROM {IV} v JOIN intervention_details d "
        f"ON d.intervention_id = v.intervention_id AND {valid_clause('d')} "
        f"WHERE {valid_clause('v')}{extra.replace(' AND ', ' AND v.')}{narrow}", params))
    if trekker is not None:
        rows = [r for r in rows if (r["trekker_email"] or "").lower() == trekker]
    if not include_dropped:
        rows = [r for r in rows if not r["dropped"]]
    if narrow:
        if not rows:
            return []
        # The milestones and the activity of just these (the history by the plans' index).
        ids, plans = sorted({r["intervention_id"] for r in rows}), sorted({r["plan_id"] for r in rows})
        params.update({f"i{n}": i for n, i in enumerate(ids)}, **{f"p{n}": p for n, p in enumerate(plans)})
        among = f" AND intervention_id IN ({', '.join(f':i{n}' for n in range(len(ids)))})"
        in_plans = f" AND plan_id IN ({', '.join(f':p{n}' for n in range(len(plans)))})"
        return _completed(db, rows, as_of, _milestones_by_intervention(db, valid_clause() + extra + among, params),
                          _activity(db, in_plans + among, params))
    return _completed(db, rows, as_of, _milestones_by_intervention(db, valid_clause() + extra, params),
                      _activity(db, extra.replace(" AND code = :code", ""), params))


def _completed(db: sqlite_utils.Database, rows: list[dict[str, Any]], as_of: date,
               milestones: dict[str, list[dict[str, Any]]], activity: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Return the rows with their milestones, activity and derived states, in file order."""
    from projections.status import actualiteit, auto_stoplicht, milestone_state, worst

    result, loads = [], orjson.loads  # the read model's JSON, as its writers encode it
    for row in rows:
        ms = milestones.get(row["intervention_id"], [])
        for m in ms:  # rows of this query's own: completed in place
            m.update(state=milestone_state(m, as_of), term_text=term_text(m),
                     earlier_dues=[] if m["earlier_dues"] == "[]" else loads(m["earlier_dues"]),
                     source=loads(m["source"]) if m.get("source") and m["source"] != "{}" else {})
        auto = "groen" if row["closed"] else auto_stoplicht(ms, as_of)
        act = activity.get(row["intervention_id"], {})
        # How current its progress is: since the last update by hand, or since the plan brought it.
        days, stale = actualiteit(act.get("last_progress_at") or act.get("added_at"), as_of)
        result.append({
            **row,
            "group_path": loads(row["group_path"]),
            "details": loads(row["details"]),
            "milestones": ms,
            "version": act.get("version"),
            "last_update_at": act.get("last_update_at"),
            "last_progress_at": act.get("last_progress_at"),
            "stoplicht_auto": auto,
            "stoplicht_effective": worst(auto, row["stoplicht"]),
            "days_since_update": days,
            "stale": stale and not row["closed"],
        })
    order = file_order(db, {r["plan_id"] for r in result})
    result.sort(key=lambda r: (r["plan_id"], order.get((r["plan_id"], r["code"]), len(order)),
                               _code_key(r["code"])))
    return result


def file_order(db: sqlite_utils.Database, plan_ids: Iterable[str]) -> dict[tuple[str, str], int]:
    """Return each intervention's place in its plan file (the latest version): file order is the order.

    Only of the plans asked for: a plan's facts are decoded to find it (a region loads hundreds).
    """
    order: dict[tuple[str, str], int] = {}
    wanted = sorted(plan_ids)
    if not wanted:
        return order
    for row in db.query(f"SELECT plan_id, facts FROM plans WHERE plan_id IN ({', '.join('?' * len(wanted))})",
                        wanted):
        for n, code in enumerate(json.loads(row["facts"]).get("interventions", [])):
            order[(row["plan_id"], code)] = n
    return order


def term_text(m: dict[str, Any]) -> str:
    """Return a milestone's term as the plan words it: its due, its start, or an undated step's words."""
    return m.get("due_text") or m.get("starts_text") or m.get("when_text") or "zonder termijn"


def groups_of(iv: dict[str, Any]) -> list[str]:
    """Return the keys of the groups an intervention belongs to, the one it is shown in first."""
    keys = iv["details"].get("groups")
    if keys:
        return list(keys)
    return [iv["group_path"][-1]["key"]] if iv["group_path"] else []


def plans_with_code(db: sqlite_utils.Database, code: str) -> list[str]:
    """Return the plans that have (or had) an intervention with this code."""
    rows = db.query(f"SELECT DISTINCT plan_id FROM {IV} WHERE code = ? ORDER BY plan_id", [code])
    return [r["plan_id"] for r in rows]


def milestone_json(m: dict[str, Any]) -> dict[str, Any]:
    """Return a milestone in the stable shape of the CLI's JSON (docs/cli.md)."""
    return {
        "id": m["milestone_id"], "label": m["label"], "kind": m["kind"], "due": m["due"],
        "due_text": m["due_text"] or None, "due_precision": m["due_precision"] or None,
        "state": m["state"], "realised": m["realised"], "planned_due": m["planned_due"],
        "planned_due_text": m["planned_due_text"] or None, "earlier_dues": m["earlier_dues"],
        "reason": m["reason"] or None, "note": m["note"] or None,
        "starts": m.get("starts"), "starts_text": m.get("starts_text") or None,
        "when": m.get("when_text") or None, "term_text": m["term_text"],
        "source": m.get("source") or None,
        "owner": ({"email": m["owner_email"], "name": m.get("owner_name") or None}
                  if m.get("owner_email") else None),
    }


def intervention_json(iv: dict[str, Any]) -> dict[str, Any]:
    """Return an intervention in the stable shape of the CLI's JSON (docs/cli.md)."""
    trekker = {"name": iv["trekker_name"], "email": iv["trekker_email"]} if iv["trekker_name"] else None
    explanation = None
    if Stoplicht.explained(iv["stoplicht"]):
        explanation = {"oorzaak": iv["oorzaak"], "gevolg": iv["gevolg"], "bijsturing": iv["bijsturing"]}
    return {
        "plan": iv["plan_id"], "code": iv["code"], "title": iv["title"],
        "grouping": iv["group_path"], "groups": groups_of(iv), "domain": iv["domain"], "trekker": trekker,
        "stoplicht": iv["stoplicht_effective"], "stoplicht_auto": iv["stoplicht_auto"],
        "stoplicht_manual": iv["stoplicht"], "stoplicht_explanation": explanation,
        "closed": bool(iv["closed"]), "dropped": bool(iv["dropped"]), "version": iv["version"],
        "last_update": iv["last_update_at"], "last_progress": iv["last_progress_at"],
        "days_since_update": iv["days_since_update"],
        "last_review": ({"date": iv["last_review_date"], "decision": iv["last_review_decision"]}
                        if iv.get("last_review_date") else None),
        "milestones": [milestone_json(m) for m in iv["milestones"]],
        "contributes_to": contributions_json(iv),
    }


def contributions_json(iv: dict[str, Any]) -> list[dict[str, Any]]:
    """Return what an intervention contributes to in other plans, in the CLI's JSON shape (docs/cli.md)."""
    return [{"plan": link["plan"], "group": link.get("group"), "code": link.get("code"),
             "reason": link["reason"], "judgement": bool(link.get("judgement")),
             "from_plan_file": link.get("origin") == "planbestand"}
            for link in iv["details"].get("contributes_to") or []]


def interventions_of_trekker(db: sqlite_utils.Database, email: str, as_of: date) -> list[dict[str, Any]]:
    """Return the open interventions whose trekker is this address (to reassign), by plan and code."""
    email = (email or "").strip().lower()
    return [{"plan_id": iv["plan_id"], "code": iv["code"], "title": iv["title"]}
            for iv in interventions_as_of(db, as_of, trekker=email) if not iv.get("closed")]


def owned_actions(db: sqlite_utils.Database, email: str, as_of: date) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """Return (intervention, milestone) of every open milestone whose owner is ``email`` (in any case) at ``as_of``.

    Those are the stuurgroep's actions given to someone, who may not be the trekker.
    """
    from projections.versions import moment, valid_clause

    email = email.strip().lower()
    # Compared in Python: SQLite lowers ASCII only. The partial index holds just the rows with an owner
    # (projections/schema.py); told by name, as the planner does not know how few they are.
    pairs = {(r["plan_id"], r["code"]) for r in db.query(
        f"SELECT DISTINCT plan_id, code, owner_email FROM {MS} INDEXED BY idx_{MS}_owner_email_partial "
        f"WHERE owner_email != '' AND {valid_clause()}", moment(as_of)) if r["owner_email"].lower() == email}
    found = []
    for plan_id, code in sorted(pairs):
        for iv in interventions_as_of(db, as_of, plan_id=plan_id, code=code):
            if iv["closed"] or iv["dropped"]:
                continue  # nothing to do there any more
            found += [(iv, m) for m in iv["milestones"]
                      if m["status"] == "open" and (m.get("owner_email") or "").lower() == email]
    return found
