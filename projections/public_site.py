"""Read model of the public sites: which plans are public, and the plan as the public may see it.

What a public page or open-data file shows is built here field by field from a whitelist: the
plan as adopted (its text, goals and targets), each intervention's stoplicht and Tijdpad, and
nothing the tracker's users wrote (notes, explanations, reasons, reviews, names and addresses)
unless the beheerder marked that field public.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import sqlite_utils

from events.plan import PublicSiteSet
from events.vocabulary import PublicField, Stoplicht
from projections.agenda_milestones import plan_milestones_as_of, recurring_commitments
from projections.contributions import links_by_group, links_shown
from projections.interventions import in_date_order, interventions_as_of
from projections.public_report import ACTION_WITHHELD
from projections.publications import published_reports
from projections.goals import goal_of, result_lines, target_text
from projections.history import event_state
from projections.log import stored_states
from projections.versions import as_of_bound


def _set(db: sqlite_utils.Database, seq: int, oid: str, version: int, state: dict[str, Any]) -> None:
    db.conn.execute(
        "INSERT INTO public_sites (plan_id, public, fields, reason, at, by, seq) VALUES (?,?,?,?,?,?,?) "
        "ON CONFLICT (plan_id) DO UPDATE SET public = excluded.public, fields = excluded.fields, "
        "reason = excluded.reason, at = excluded.at, by = excluded.by, seq = excluded.seq "
        "WHERE excluded.seq > public_sites.seq",
        (state["plan_id"], int(state["public"]), json.dumps(state["fields"]), state["reason"],
         state["at"]["_data_"], state["by"], seq))


HANDLERS = {PublicSiteSet: _set}


def public_site(db: sqlite_utils.Database, plan_id: str) -> dict[str, Any]:
    """Return a plan's public-site setting: public or not, the extra fields, who set it when and why."""
    rows = list(db.query("SELECT * FROM public_sites WHERE plan_id = ?", [plan_id]))
    if not rows:
        return {"plan_id": plan_id, "public": False, "fields": [], "reason": "", "at": None, "by": None}
    row = rows[0]
    return {**row, "public": bool(row["public"]), "fields": json.loads(row["fields"])}


def public_plan_ids(db: sqlite_utils.Database) -> list[str]:
    """Return the plans whose public site is on."""
    return [r[0] for r in db.execute("SELECT plan_id FROM public_sites WHERE public = 1 ORDER BY plan_id")]


def _groups(groups: list[dict[str, Any]], indicators: list[dict[str, Any]],
            incoming: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    # A group's goal (its results, targets, baselines, principles) is the adopted plan's text.
    return [{"key": g.get("key", ""), "title": g.get("title", ""), "goal": goal_of(g, indicators),
             "contributions": incoming.get(g.get("key", ""), []),
             "groups": _groups(g.get("groups", []), indicators, incoming)} for g in groups]


def _incoming(db: sqlite_utils.Database, plan: dict[str, Any], as_of: date, public: set[str],
              group_of: dict[str, str]) -> dict[str, list[dict[str, Any]]]:
    """Return per group what the interventions of other public plans contribute to it (a plan not public stays unnamed)."""
    return {key: [{"plan": c["row"]["plan_id"], "plan_title": c["plan_title"], "code": c["row"]["code"],
                   "title": c["row"]["title"], "stoplicht": c["row"]["stoplicht_effective"],
                   "via": c["link"].get("code")} for c in found if c["row"]["plan_id"] in public]
            for key, found in links_by_group(db, plan["plan_id"], as_of, group_of).items()}


def _links(db: sqlite_utils.Database, iv: dict[str, Any], as_of: date, public: set[str],
           fields: set[str]) -> list[dict[str, Any]]:
    """Return what an intervention contributes to in public plans (the reason only when explanations are public)."""
    found = []
    for link in links_shown(db, iv, as_of):
        if link["plan"] not in public or not link["target_title"]:
            continue
        item = {"plan": link["plan"], "plan_title": link["plan_title"], "group": link.get("group") or None,
                "code": link.get("code") or None, "target": link["target_title"]}
        if PublicField.EXPLANATION in fields:
            item["reason"] = link["reason"]
        found.append(item)
    return found


def _plan_facts(plan: dict[str, Any], incoming: dict[str, list[dict[str, Any]]] | None = None) -> dict[str, Any]:
    facts = plan["facts"]
    finance = facts.get("finance") or {}
    return {
        "id": plan["plan_id"], "title": plan["title"], "organisation": plan["organisation"],
        "period": {"start": plan["period_start"], "end": plan["period_end"]},
        "adopted": facts.get("adopted"), "source": facts.get("source") or "",
        "groups": _groups(facts.get("groups", []), facts.get("indicators", []), incoming or {}),
        "targets": [{"domain": t.get("domain"), "amount": t.get("amount"), "from": t.get("from")}
                    for t in finance.get("targets", [])],
        "indicators": [{"id": i["id"], "name": i.get("name", ""), "unit": i.get("unit") or "",
                        "target": target_text(i.get("target"), i.get("unit") or "")}
                       for i in facts.get("indicators", [])],
    }


def _notes(db: sqlite_utils.Database, plan_id: str, as_of: date) -> dict[str, list[dict[str, str]]]:
    found: dict[str, list[dict[str, str]]] = {}
    rows = db.execute("SELECT seq, code, at FROM history WHERE plan_id = ? AND event = 'NoteAdded' AND at < ? "
                      "ORDER BY seq", [plan_id, as_of_bound(as_of)]).fetchall()
    stored = stored_states(db, [seq for seq, _, _ in rows])  # the notes' texts are in the event store
    for seq, code, at in rows:
        found.setdefault(code, []).append({"at": at[:10], "text": event_state(*stored[seq]).get("text", "")})
    return found


def _milestone(m: dict[str, Any], fields: set[str]) -> dict[str, Any]:
    # A stuurgroep's action (a milestone with an owner) is part of its review: what it says, who owns it
    # and why it moved are not public unless the reviews are; that there is one, and its term, are.
    action = bool(m.get("owner_email"))
    hidden = action and PublicField.REVIEW not in fields
    item = {"id": m["milestone_id"], "label": ACTION_WITHHELD if hidden else m["label"], "kind": m["kind"],
            "due": m["due"], "due_text": m["due_text"], "planned_due_text": m["planned_due_text"], "state": m["state"],
            "realised": m["realised"] if m["state"] == "gereed" else None}
    if PublicField.EXPLANATION in fields:
        item["reason"] = None if hidden else m["reason"] or None
    if PublicField.NOTES in fields:
        item["note"] = None if action else m["note"] or None  # an action's note names its owner
    return item


def _intervention(iv: dict[str, Any], fields: set[str], notes: dict[str, list[dict[str, str]]],
                  links: list[dict[str, Any]]) -> dict[str, Any]:
    details = iv["details"]
    item: dict[str, Any] = {
        "code": iv["code"], "title": iv["title"],
        "grouping": [{"key": g["key"], "title": g["title"]} for g in iv["group_path"]],
        "domain": iv["domain"], "summary": details.get("summary") or "",
        "results": result_lines([r for r in details.get("results", []) if isinstance(r, dict)]),
        "stoplicht": iv["stoplicht_effective"], "stoplicht_auto": iv["stoplicht_auto"],
        "closed": bool(iv["closed"]),
        "milestones": [_milestone(m, fields) for m in in_date_order(iv["milestones"])],
        "contributes_to": links,
    }
    if PublicField.TREKKER_NAME in fields:
        item["trekker"] = iv["trekker_name"] or None
    if PublicField.TREKKER_EMAIL in fields:
        item["trekker_email"] = iv["trekker_email"] or None
    if PublicField.EXPLANATION in fields:
        item["explanation"] = ({"oorzaak": iv["oorzaak"], "gevolg": iv["gevolg"], "bijsturing": iv["bijsturing"]}
                               if Stoplicht.explained(iv["stoplicht"]) else None)
    if PublicField.REVIEW in fields:
        item["review"] = ({"date": iv["last_review_date"], "decision": iv["last_review_decision"]}
                          if iv["last_review_date"] else None)
    if PublicField.NOTES in fields:
        item["notes"] = notes.get(iv["code"], [])
    return item


def public_plan(db: sqlite_utils.Database, plan: dict[str, Any], as_of: date) -> dict[str, Any]:
    """Return what a plan's public site shows as of the end of a day (only public fields)."""
    setting = public_site(db, plan["plan_id"])
    fields = set(setting["fields"])
    notes = _notes(db, plan["plan_id"], as_of) if PublicField.NOTES in fields else {}
    public = set(public_plan_ids(db))
    rows = interventions_as_of(db, as_of, plan_id=plan["plan_id"])
    interventions = [_intervention(iv, fields, notes, _links(db, iv, as_of, public, fields)) for iv in rows]
    group_of = {iv["code"]: (iv["group_path"][-1]["key"] if iv["group_path"] else "") for iv in rows}
    counts = {colour: sum(1 for iv in interventions if iv["stoplicht"] == colour)
              for colour in Stoplicht.values()}
    for iv in interventions:  # a colour the vocabulary does not know yet is still counted
        counts.setdefault(iv["stoplicht"], sum(1 for other in interventions if other["stoplicht"] == iv["stoplicht"]))
    reports = [{"number": r["number"], "period": r["period"], "as_of": r["as_of"], "published_on": r["at"][:10]}
               for r in published_reports(db, plan["plan_id"])]
    own = [_milestone(m, fields) for m in in_date_order(plan_milestones_as_of(db, plan["plan_id"], as_of))]
    incoming = _incoming(db, plan, as_of, public, group_of)
    return {"plan": _plan_facts(plan, incoming), "as_of": as_of.isoformat(), "fields": sorted(fields),
            "counts": counts, "interventions": interventions, "reports": reports, "plan_milestones": own,
            "recurring": recurring_commitments(plan["facts"], as_of)}
