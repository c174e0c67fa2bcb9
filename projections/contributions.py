"""Links between plans on the read side: what serves a goal, from every plan, as of a day.

An intervention's description carries its links (``details.contributes_to``, in valid and
recorded time, see projections/core.py). A goal's page lists the target plan's own
interventions under the goal and every intervention of any plan linked to the goal, to a group
below it or to one of the plan's interventions under it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlite_utils

from projections import plans as plan_queries
from projections.board import _enrich
from projections.goals import goal_of, level_name
from projections.interventions import groups_of, interventions_as_of


def find_group(groups: list[dict[str, Any]], key: str,
               path: list[dict[str, Any]] | None = None) -> tuple[dict[str, Any], list[dict[str, Any]]] | None:
    """Return a group of a plan's tree and the path of groups above it, or None."""
    for group in groups:
        here = (path or []) + [group]
        if group["key"] == key:
            return group, here[:-1]
        found = find_group(group.get("groups") or [], key, here)
        if found:
            return found
    return None


def subtree_keys(group: dict[str, Any]) -> list[str]:
    """Return a group's key and the keys of every group below it, in the plan's order."""
    keys = [group["key"]]
    for child in group.get("groups") or []:
        keys += subtree_keys(child)
    return keys


def target_title(plans: dict[str, dict[str, Any]], link: dict[str, Any]) -> str:
    """Return the words of a link's target ('Inclusiever onderwijs'), or "" when its plan is not loaded."""
    target = plans.get(link["plan"])
    if target is None:
        return ""
    if link.get("group"):
        found = find_group(target["facts"].get("groups") or [], link["group"])
        return found[0]["title"] if found else ""
    return link.get("code") or ""


def links_shown(db: sqlite_utils.Database, iv: dict[str, Any], as_of: date,
                known_on: date | None = None) -> list[dict[str, Any]]:
    """Return an intervention's links with their target in words and whether that plan is loaded.

    A link to an intervention is named by its code and its title as of the day asked about ("" when the
    target plan has no such intervention then).
    """
    linked = iv["details"].get("contributes_to") or []
    plans = plan_queries.plans_by_id(db, (link["plan"] for link in linked))
    shown = []
    for link in linked:
        target = plans.get(link["plan"])
        words = target_title(plans, link)
        if target is not None and not link.get("group"):
            found = interventions_as_of(db, as_of, plan_id=link["plan"], code=link.get("code"), known_on=known_on)
            words = f"{link['code']} {found[0]['title']}" if found else ""
        shown.append({**link, "loaded": target is not None, "plan_title": target["title"] if target else "",
                      "target_title": words})
    return shown


def links_into(db: sqlite_utils.Database, plan_id: str, as_of: date,
               known_on: date | None = None, *, include_own: bool = False) -> list[dict[str, Any]]:
    """Return every link of another plan's intervention to a plan (a group of it or one of its interventions), as of a day.

    Each: the linking intervention's row (with its state), its plan's title, the ``link`` as recorded,
    its ``reason``, whether it is the beheerder's ``judgement`` and whether the linking intervention
    is of the plan itself (``own``: only with ``include_own``; a beheerder may link an intervention
    to another goal of its own plan); in the order of the rows.
    """
    plans = plan_queries.plan_titles(db)
    found = []
    for row in map(_enrich, interventions_as_of(db, as_of, known_on=known_on, links_to=plan_id)):
        own = row["plan_id"] == plan_id
        if own and not include_own:
            continue
        for link in row["details"].get("contributes_to") or []:
            if link["plan"] == plan_id:
                found.append({"row": row, "plan_title": plans.get(row["plan_id"], row["plan_id"]), "link": link,
                              "reason": link["reason"], "judgement": bool(link.get("judgement")), "own": own})
    return found


def links_by_group(db: sqlite_utils.Database, plan_id: str, as_of: date, group_of: dict[str, str],
                   known_on: date | None = None) -> dict[str, list[dict[str, Any]]]:
    """Return ``links_into`` a plan per group key: a link to one of its interventions under that intervention's group.

    ``group_of``: the plan's interventions' groups by code, as of the day. A link to an intervention
    the plan does not have then is left out.
    """
    found: dict[str, list[dict[str, Any]]] = {}
    for c in links_into(db, plan_id, as_of, known_on):
        key = c["link"].get("group") or group_of.get(c["link"].get("code") or "")
        if key:
            found.setdefault(key, []).append(c)
    return found


def contributing_to_intervention(db: sqlite_utils.Database, plan_id: str, code: str, as_of: date,
                                 known_on: date | None = None) -> list[dict[str, Any]]:
    """Return the interventions linked to one intervention, with their state as of a day: those of other
    plans, and those of its own plan (``own``) after them."""
    found = [c for c in links_into(db, plan_id, as_of, known_on, include_own=True) if c["link"].get("code") == code]
    return sorted(found, key=lambda c: c["own"])


def goal_page(db: sqlite_utils.Database, plan_id: str, key: str, as_of: date,
              known_on: date | None = None) -> dict[str, Any] | None:
    """Return what a goal's page shows as of the end of a day (as known now or on ``known_on``), or None."""
    plan = plan_queries.plan(db, plan_id)
    if plan is None:
        return None
    found = find_group(plan["facts"].get("groups") or [], key)
    if found is None:
        return None
    group, above = found
    keys = subtree_keys(group)
    titles = {k: (find_group([group], k) or ({"title": k}, []))[0]["title"] for k in keys}
    own = [_enrich(r) for r in interventions_as_of(db, as_of, plan_id=plan_id, known_on=known_on)
           if set(groups_of(r)) & set(keys)]
    own_codes = {r["code"]: r for r in own}
    contributing, linked_own = [], []
    for incoming in links_into(db, plan_id, as_of, known_on, include_own=True):
        link = incoming["link"]
        if link.get("group") in keys:
            via = "" if link["group"] == key else titles[link["group"]]
            via_key = link["group"]
        elif link.get("code") in own_codes:
            via, via_key = f"{link['code']} {own_codes[link['code']]['title']}", link["code"]
        else:
            continue
        if incoming["own"]:
            # Linked by the beheerder from another goal of the plan: listed with the plan's own.
            if incoming["row"]["code"] not in own_codes and incoming["row"] not in linked_own:
                linked_own.append(incoming["row"])
            continue
        contributing.append({**incoming, "via": via, "via_key": via_key, "since": link.get("at")})
    own += [{**row, "linked": True} for row in linked_own]
    return {"plan": plan, "group": group, "above": above, "level": level_name(plan["facts"], len(above)),
            "goal": goal_of(group, plan["facts"].get("indicators") or []),
            "own": own, "contributing": contributing, "counts": _counts([c["row"] for c in contributing])}


def _counts(rows: list[dict[str, Any]]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["stoplicht_effective"]] = counts.get(row["stoplicht_effective"], 0) + 1
    return counts


def _paths(groups: list[dict[str, Any]], above: tuple[str, ...] = ()) -> dict[str, tuple[str, ...]]:
    """Return per group key the keys from the top of the tree down to it."""
    found: dict[str, tuple[str, ...]] = {}
    for group in groups:
        here = above + (group["key"],)
        found[group["key"]] = here
        found.update(_paths(group.get("groups") or [], here))
    return found


def goal_depth(plan: dict[str, Any]) -> int:
    """Return the level of a plan's tree its goals stand on: the level named 'doel', else the top."""
    levels = [str(level).lower() for level in plan["facts"].get("grouping_levels") or []]
    return levels.index("doel") if "doel" in levels else 0


def served_goals(rows: list[dict[str, Any]], plans: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return per goal of a plan the interventions of other plans that serve it, in the goal plan's order.

    A link to a group below the goal, or to one of the plan's own interventions under it, serves the goal.
    """
    served: dict[tuple[str, str], dict[tuple[str, str], dict[str, Any]]] = {}
    by_code = {(r["plan_id"], r["code"]): r for r in rows}
    # Each link under the plan it points to, in the order of the rows (one pass: a region has thousands).
    links_to: dict[str, list[tuple[dict[str, Any], dict[str, Any]]]] = {}
    for row in rows:
        for link in row["details"].get("contributes_to") or []:
            if link["plan"] != row["plan_id"]:
                links_to.setdefault(link["plan"], []).append((row, link))
    goals = []
    for plan in plans:
        paths = _paths(plan["facts"].get("groups") or [])
        depth = goal_depth(plan)
        for row, link in links_to.get(plan["plan_id"], ()):
            if link.get("group"):
                keys = [link["group"]]
            else:
                target = by_code.get((plan["plan_id"], link.get("code")))
                keys = groups_of(target) if target else []
            for key in keys:
                path = paths.get(key, ())
                if len(path) > depth:
                    served.setdefault((plan["plan_id"], path[depth]), {})[(row["plan_id"], row["code"])] = row
        for key, path in paths.items():
            found = served.get((plan["plan_id"], key))
            if not found or len(path) != depth + 1:
                continue
            unique = list(found.values())
            group = find_group(plan["facts"]["groups"], key)[0]  # type: ignore[index]
            goals.append({"plan_id": plan["plan_id"], "plan_title": plan["title"], "key": key,
                          "title": group["title"], "rows": unique, "counts": _counts(unique),
                          "late": sum(1 for r in unique if r["late_milestones"])})
    return goals




def link_targets(db: sqlite_utils.Database, plan_id: str) -> list[dict[str, Any]]:
    """Return per other plan its groups (goals, opgaven, actielijnen) to link to, indented by depth."""
    found = []
    for p in plan_queries.plans_with_facts(db, "groups"):
        if p["plan_id"] == plan_id:
            continue
        options: list[tuple[str, str]] = []

        def walk(groups: list[dict[str, Any]], depth: int) -> None:
            for g in groups:
                options.append((g["key"], "\u2003" * depth + g["title"]))
                walk(g.get("groups") or [], depth + 1)

        walk(p["facts"].get("groups") or [], 0)
        if options:
            found.append({"plan_id": p["plan_id"], "title": p["title"], "options": options})
    return found
