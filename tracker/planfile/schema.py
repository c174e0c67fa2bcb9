"""The sections of a plan file: what each may hold and how it is read (see docs/plan-format.md).

One schema per section of a plan file, side by side so that what may stand where is read in one
place (the checks that apply them are in checks.py); hence past 300 lines.
"""

from __future__ import annotations

import re
from typing import Any

from events.periods import PRECISION_OF_FREQUENCY
from events.normering import DEFAULT_SIGNAL_AT
from events.reminder_settings import check_reminder_settings
from events.vocabulary import Domain, MilestoneKind
from tracker.planfile import goals
from tracker.planfile.codes import CODE_PATTERN, group_keys
from tracker.planfile.checks import Checker
from tracker.planfile.loader import plain
from tracker.planfile.money import amount
from tracker.planfile.spec import InterventionSpec, LinkSpec, MilestoneSpec
from tracker.slugs import slugify

FORMAT_VERSION = 2          # the newest; format 1 files keep importing
FORMAT_VERSIONS = (1, 2)
DOMAINS = Domain.values()
KINDS = MilestoneKind.values()
FREQUENCIES = tuple(PRECISION_OF_FREQUENCY)
ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
CODE = re.compile(CODE_PATTERN)
KEY = CODE  # a format-2 group key: it also makes codes and links from other plans

TEXT_LIST_FIELDS = ("stakeholders", "principles", "risks", "preconditions")


MILESTONE_KEYS = {"id", "label", "kind", "due", "done", "realised", "note", "starts", "when", "source"}
MILESTONE_KEYS_2 = {"starts", "when", "source"}


def milestones(c: Checker, owner: dict, what: str) -> list[MilestoneSpec]:
    """Read the milestones of a plan or an intervention (format 2: also starts and undated steps)."""
    result: list[MilestoneSpec] = []
    seen: dict[str, int] = {}
    for raw, line in c.items(owner, "milestones", what):
        m = c.mapping(raw, line, f"{what}, mijlpaal")
        if m is None:
            continue
        c.unknown_keys(m, MILESTONE_KEYS, f"{what}, mijlpaal", "zet het in 'note' van deze mijlpaal",
                       format2=MILESTONE_KEYS_2)
        label = c.text(m, "label", f"{what}, mijlpaal")
        where = f"{what}, mijlpaal '{label or '?'}'"
        mid = m.get("id")
        if mid is None:
            mid = slugify(label) if label else ""
        elif not isinstance(mid, str) or not ID.match(mid):
            c.error(c.line_of(m, "id"), f"{where}: id '{mid}' mag alleen a-z, 0-9 en - bevatten")
            mid = ""
        if mid in seen:
            c.error(line, f"{where}: id '{mid}' komt al voor op regel {seen[mid]}")
        elif mid:
            seen[mid] = line
        kind = c.choice(m, "kind", KINDS, where, default="other")
        dated = "due" in m or (c.format >= 2 and "starts" in m)
        # Format 1 requires a due; format 2 reads what is given, and no date at all is an undated step.
        due = c.due(m, "due", where) if "due" in m or c.format < 2 else None
        starts = c.start(m, "starts", where) if "starts" in m and c.format >= 2 else None
        when = c.text(m, "when", where, required=False) if c.format >= 2 else ""
        if when and dated:
            c.error(c.line_of(m, "when"), f"{where}: 'when' hoort bij een stap zonder termijn; "
                    "zet de woorden bij 'due' of 'starts' in 'note'")
        realised = c.iso_date(m, "realised", where)
        done = m.get("done", False)
        if not isinstance(done, bool):
            c.error(c.line_of(m, "done"), f"{where}: 'done' moet true of false zijn")
            done = False
        note = c.text(m, "note", where, required=False)
        source = m.get("source")
        if source is not None and not isinstance(source, dict):
            c.error(c.line_of(m, "source"), f"{where}: 'source' moet een mapping zijn")
            source = None
        readable = (not dated) or due is not None or starts is not None
        if label and mid and readable:
            result.append(MilestoneSpec(mid, label, kind, due, done or realised is not None, realised,
                                        note, starts, when, plain(source or {})))
    return result


def recurring(c: Checker, owner: dict, what: str) -> list[dict[str, str]]:
    """Read the recurring agreements (no date, a frequency)."""
    result = []
    for raw, line in c.items(owner, "recurring", what):
        r = c.mapping(raw, line, f"{what}, terugkerende afspraak")
        if r is None:
            continue
        c.unknown_keys(r, {"id", "label", "every", "note"}, f"{what}, terugkerende afspraak",
                       "zet het in 'note' van deze afspraak", format2={"id"})
        label = c.text(r, "label", f"{what}, terugkerende afspraak")
        every = c.choice(r, "every", FREQUENCIES, f"{what}, terugkerende afspraak '{label}'")
        entry = {"label": label, "every": every, "note": c.text(r, "note", what, required=False)}
        if "id" in r and c.format >= 2:
            if not isinstance(r["id"], str) or not ID.match(r["id"]):
                c.error(c.line_of(r, "id"), f"{what}, terugkerende afspraak: id '{r['id']}' mag alleen "
                        "a-z, 0-9 en - bevatten")
            entry["id"] = str(r["id"])
        result.append(entry)
    return result


GROUP_KEYS = {"key", "title", "summary", "groups"}


def groups(c: Checker, plan: dict, indicators_found: list[tuple[dict[str, Any], int]]
           ) -> tuple[list[dict[str, Any]], dict[str, list[dict[str, str]]]]:
    """Read the tree of groups and the path of each group key; a group's indicators join the plan's."""
    paths: dict[str, list[dict[str, str]]] = {}
    place = ("zet eigen velden onder 'extra' van deze groep" if c.format >= 2 else
             "zet het in 'summary' van de groep, of schrijf 'format: 2' bovenaan: dan kan 'extra'")

    def walk(owner: dict, parent: list[dict[str, str]], what: str) -> list[dict[str, Any]]:
        tree = []
        for raw, line in c.items(owner, "groups", what):
            g = c.mapping(raw, line, "groep")
            if g is None:
                continue
            key = c.text(g, "key", "groep")
            c.unknown_keys(g, GROUP_KEYS | goals.GROUP_GOAL_KEYS, f"groep '{key or '?'}'", place,
                           format2=goals.GROUP_GOAL_KEYS)
            if key and c.format >= 2 and not KEY.match(key):
                c.error(c.line_of(g, "key"), f"groep: key '{key}' mag alleen letters, cijfers, '.', '_' en "
                        "'-' bevatten")
            title = c.text(g, "title", f"groep '{key}'")
            if key in paths:
                c.error(line, f"groep '{key}' komt twee keer voor")
            path = parent + [{"key": key, "title": title}]
            paths[key] = path
            entry: dict[str, Any] = {"key": key, "title": title,
                                     "summary": c.text(g, "summary", "groep", required=False)}
            if c.format >= 2:
                entry.update(goals.group_goal(c, g, f"groep '{key}'"))
                indicators_found.extend(indicators(c, g, f"groep '{key}'", {"group": key}))
            entry["groups"] = walk(g, path, f"groep '{key}'")
            tree.append(entry)
        return tree

    return walk(plan, [], "plan"), paths


INDICATOR_KEYS = {"id", "name", "unit", "domain", "frequency", "target", "description", "source"}


def indicators(c: Checker, owner: dict, what: str = "plan",
               where: dict[str, str] | None = None) -> list[tuple[dict[str, Any], int]]:
    """Read indicators (of the plan, a group or an intervention); ``unique_indicators`` checks ids."""
    result = []
    for raw, line in c.items(owner, "indicators", what):
        ind = c.mapping(raw, line, "indicator")
        if ind is None:
            continue
        c.unknown_keys(ind, INDICATOR_KEYS, "indicator", "zet het in 'description' van deze indicator")
        iid = c.text(ind, "id", "indicator")
        if iid and not ID.match(iid):
            c.error(c.line_of(ind, "id"), f"indicator: id '{iid}' mag alleen a-z, 0-9 en - bevatten")
        c.text(ind, "name", f"indicator '{iid}'")
        if "domain" in ind:
            c.choice(ind, "domain", DOMAINS, f"indicator '{iid}'")
        if "frequency" in ind:
            c.choice(ind, "frequency", FREQUENCIES, f"indicator '{iid}'")
        entry = plain(ind)
        if "target" in ind:
            entry["target"] = goals.target(c, ind, f"indicator '{iid}'")
        entry.update(where or {})
        result.append((entry, line))
    return result


def unique_indicators(c: Checker, found: list[tuple[dict[str, Any], int]]) -> list[dict[str, Any]]:
    """Return the indicators of the whole plan, refusing an id given twice anywhere in it."""
    seen: dict[str, int] = {}
    for ind, line in found:
        iid = ind.get("id")
        if not isinstance(iid, str):
            continue  # refused where it was read
        if iid in seen:
            c.error(line, f"indicator '{iid}' komt twee keer voor (ook op regel {seen[iid]})")
        elif iid:
            seen[iid] = line
    return [ind for ind, _ in found]


INTERVENTION_KEYS = {
    "code", "title", "group", "groups", "domain", "summary", "results", "milestones", "recurring",
    "indicators", "stakeholders", "principles", "risks", "preconditions", "costs", "source", "extra",
    "contributes_to",
}
INTERVENTION_KEYS_2 = {"groups", "indicators"}


LINK_KEYS = {"plan", "group", "code", "reason", "judgement"}


def contributions(c: Checker, iv: dict, what: str) -> tuple[LinkSpec, ...]:
    """Read what an intervention contributes to in a plan (``contributes_to``); targets are checked on import."""
    found: list[LinkSpec] = []
    seen: dict[tuple[str, str, str], int] = {}
    for raw, line in c.items(iv, "contributes_to", what):
        link = c.mapping(raw, line, f"{what}, contributes_to")
        if link is None:
            continue
        where = f"{what}, contributes_to"
        c.unknown_keys(link, LINK_KEYS, where, "zet een toelichting in 'reason'")
        plan_id = c.text(link, "plan", where)
        if plan_id and not ID.match(plan_id):
            c.error(c.line_of(link, "plan"), f"{where}: plan '{plan_id}' is geen plan-id (a-z, 0-9 en -)")
            plan_id = ""
        group = str(link["group"]).strip() if link.get("group") is not None else ""
        code = str(link["code"]).strip() if link.get("code") is not None else ""
        if isinstance(link.get("code"), float) or isinstance(link.get("group"), float):
            c.error(line, f"{where}: een code of groep als 1.2 leest als getal: zet haar tussen aanhalingstekens")
        if bool(group) == bool(code):
            c.error(line, f"{where}: geef 'group' (een doel, opgave of actielijn) of 'code' (een interventie) "
                    "van dat plan, precies één van beide")
        reason = c.text(link, "reason", where)
        judgement = link.get("judgement", False)
        if not isinstance(judgement, bool):
            c.error(c.line_of(link, "judgement"), f"{where}: 'judgement' moet true of false zijn")
            judgement = False
        key = (plan_id, group, code)
        if key in seen:
            c.error(line, f"{where}: dezelfde koppeling staat al op regel {seen[key]}")
        seen.setdefault(key, line)
        if plan_id and bool(group) != bool(code) and reason:
            found.append(LinkSpec(plan_id, group, code, reason, judgement, line))
    return tuple(found)


def intervention(c: Checker, raw: Any, line: int, code: str, paths: dict, default_domain: str | None,
                 indicators_found: list[tuple[dict[str, Any], int]]) -> InterventionSpec | None:
    """Read one intervention, or None when it cannot be used; its indicators join the plan's."""
    iv = c.mapping(raw, line, "interventie")
    if iv is None:
        return None
    title = c.text(iv, "title", "interventie")
    what = f"interventie {code}"
    c.unknown_keys(iv, INTERVENTION_KEYS, what, "zet eigen velden onder 'extra' van deze interventie",
                   format2=INTERVENTION_KEYS_2)
    keys = group_keys(c, iv, what, paths)
    group_path = paths[keys[0]] if keys else []
    domain = c.choice(iv, "domain", DOMAINS, what, default=default_domain)
    costs = []
    for raw_c, cline in c.items(iv, "costs", what):
        row = c.mapping(raw_c, cline, f"{what}, kosten")
        if row is None:
            continue
        c.unknown_keys(row, {"year", "amount", "domain", "note"}, f"{what}, kosten",
                       "zet het in 'note' van deze regel")
        c.year(row, "year", f"{what}, kosten")
        entry = plain(row)
        value = amount(c, row, "amount", f"{what}, kosten")
        if value is not None:
            entry["amount"] = value
        if "domain" in row:
            c.choice(row, "domain", DOMAINS, f"{what}, kosten")
        costs.append(entry)
    source = iv.get("source")
    if source is not None and not isinstance(source, dict):
        c.error(c.line_of(iv, "source"), f"{what}: 'source' moet een mapping zijn")
    details = {
        "summary": c.text(iv, "summary", what, required=False),
        "results": goals.results(c, iv, what),
        "recurring": recurring(c, iv, what),
        **{key: c.text_list(iv, key, what) for key in TEXT_LIST_FIELDS},
        "costs": costs,
        "source": plain(source or {}),
        "extra": c.extra(iv, what),
    }
    if c.format >= 2:
        own = indicators(c, iv, what, {"intervention": code})
        indicators_found.extend(own)
        details.update(groups=keys, also_in=[paths[k] for k in keys[1:]],
                       indicators=[ind["id"] for ind, _ in own])
    spec_milestones = milestones(c, iv, what)
    links = contributions(c, iv, what)
    if not title:
        return None
    return InterventionSpec(code, title, group_path, domain, details, spec_milestones, line, links)


PLAN_KEYS = {
    "id", "title", "organisation", "period", "adopted", "source", "grouping_levels", "groups",
    "milestones", "recurring", "finance", "indicators", "reminders", "extra", "year_context", "domain",
    "normering",
}
PLAN_KEYS_2 = {"year_context", "domain"}

def normering(c: Checker, plan: dict) -> dict[str, Any] | None:
    """Read the plan's normering settings (docs/normering.md): the signal threshold; None when absent."""
    if plan.get("normering") is None:
        return None
    n = c.mapping(plan["normering"], c.line_of(plan, "normering"), "plan.normering")
    if n is None:
        return None
    c.unknown_keys(n, {"signal_at", "note"}, "plan.normering", "zet een toelichting in 'note'")
    value = n.get("signal_at", DEFAULT_SIGNAL_AT)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 1 <= value <= 100:
        c.error(c.line_of(n, "signal_at"), f"plan.normering: 'signal_at' moet een percentage van 1 tot en met 100 "
                f"zijn (het aandeel van de norm waarop een signaal volgt), niet '{value}'")
        return None
    found: dict[str, Any] = {"signal_at": value}
    if n.get("note"):
        found["note"] = c.text(n, "note", "plan.normering", required=False)
    return found


def reminders(c: Checker, owner: Any, key: str, where: str) -> dict[str, Any] | None:
    """Check reminder settings (docs/reminders.md) with the check every run applies; None when absent."""
    if not isinstance(owner, dict) or owner.get(key) is None:
        return None
    raw = owner[key]
    values, problems = check_reminder_settings(raw, where)
    for problem in problems:
        line = c.line_of(raw, problem.key) if isinstance(raw, dict) and problem.key else c.line_of(owner, key)
        c.error(line, problem.message)
    return values
