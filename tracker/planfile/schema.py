"""The sections of a plan file: what each may hold and how it is read (see docs/plan-format.md)."""

from __future__ import annotations

import re
from typing import Any

from events.periods import PRECISION_OF_FREQUENCY
from events.reminder_settings import check_reminder_settings
from events.vocabulary import Domain, MilestoneKind
from tracker.planfile.checks import Checker
from tracker.planfile.loader import plain
from tracker.planfile.spec import InterventionSpec, MilestoneSpec
from tracker.slugs import slugify

FORMAT_VERSION = 1
DOMAINS = Domain.values()
KINDS = MilestoneKind.values()
FREQUENCIES = tuple(PRECISION_OF_FREQUENCY)
ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")

TEXT_LIST_FIELDS = ("stakeholders", "principles", "risks", "preconditions")


MILESTONE_KEYS = {"id", "label", "kind", "due", "done", "realised", "note"}


def milestones(c: Checker, owner: dict, what: str) -> list[MilestoneSpec]:
    """Read the milestones of a plan or an intervention."""
    result: list[MilestoneSpec] = []
    seen: dict[str, int] = {}
    for raw, line in c.items(owner, "milestones", what):
        m = c.mapping(raw, line, f"{what}, mijlpaal")
        if m is None:
            continue
        c.unknown_keys(m, MILESTONE_KEYS, f"{what}, mijlpaal")
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
        due = c.due(m, "due", where)
        realised = c.iso_date(m, "realised", where)
        done = m.get("done", False)
        if not isinstance(done, bool):
            c.error(c.line_of(m, "done"), f"{where}: 'done' moet true of false zijn")
            done = False
        note = c.text(m, "note", where, required=False)
        if label and mid and due:
            result.append(MilestoneSpec(mid, label, kind, due, done or realised is not None, realised, note))
    return result


def recurring(c: Checker, owner: dict, what: str) -> list[dict[str, str]]:
    """Read the recurring agreements (no date, a frequency)."""
    result = []
    for raw, line in c.items(owner, "recurring", what):
        r = c.mapping(raw, line, f"{what}, terugkerende afspraak")
        if r is None:
            continue
        c.unknown_keys(r, {"label", "every", "note"}, f"{what}, terugkerende afspraak")
        label = c.text(r, "label", f"{what}, terugkerende afspraak")
        every = c.choice(r, "every", FREQUENCIES, f"{what}, terugkerende afspraak '{label}'")
        result.append({"label": label, "every": every, "note": c.text(r, "note", what, required=False)})
    return result


def groups(c: Checker, plan: dict) -> tuple[list[dict[str, Any]], dict[str, list[dict[str, str]]]]:
    """Read the tree of groups and the path of each group key."""
    paths: dict[str, list[dict[str, str]]] = {}

    def walk(owner: dict, parent: list[dict[str, str]], what: str) -> list[dict[str, Any]]:
        tree = []
        for raw, line in c.items(owner, "groups", what):
            g = c.mapping(raw, line, "groep")
            if g is None:
                continue
            c.unknown_keys(g, {"key", "title", "summary", "groups"}, "groep")
            key = c.text(g, "key", "groep")
            title = c.text(g, "title", f"groep '{key}'")
            if key in paths:
                c.error(line, f"groep '{key}' komt twee keer voor")
            path = parent + [{"key": key, "title": title}]
            paths[key] = path
            tree.append({
                "key": key, "title": title,
                "summary": c.text(g, "summary", "groep", required=False),
                "groups": walk(g, path, f"groep '{key}'"),
            })
        return tree

    return walk(plan, [], "plan"), paths


def finance(c: Checker, plan: dict) -> dict[str, Any]:
    """Read the plan's finance: targets, baseline, expected savings, budget."""
    raw = plan.get("finance")
    if raw is None:
        return {}
    fin = c.mapping(raw, c.line_of(plan, "finance"), "finance")
    if fin is None:
        return {}
    c.unknown_keys(fin, {"currency", "targets", "baseline", "expected_savings", "budget", "note"}, "finance")
    result: dict[str, Any] = {"currency": fin.get("currency", "EUR")}
    shapes = {
        "targets": ({"domain", "amount", "from", "until", "note"}, ("amount",), ("from",)),
        "baseline": ({"domain", "amount", "basis", "year", "note"}, ("amount",), ()),
        "expected_savings": ({"domain", "year", "min", "max", "note"}, ("min", "max"), ("year",)),
        "budget": ({"domain", "year", "amount", "label", "intervention", "note"}, ("amount",), ("year",)),
    }
    for key, (allowed, numbers, years) in shapes.items():
        rows = []
        for raw_row, line in c.items(fin, key, "finance"):
            row = c.mapping(raw_row, line, f"finance.{key}")
            if row is None:
                continue
            c.unknown_keys(row, allowed, f"finance.{key}")
            c.choice(row, "domain", DOMAINS, f"finance.{key}")
            for n in numbers:
                c.number(row, n, f"finance.{key}")
            for y in years:
                c.year(row, y, f"finance.{key}")
            if key == "expected_savings" and isinstance(row.get("min"), (int, float)) \
                    and isinstance(row.get("max"), (int, float)) and row["min"] > row["max"]:
                c.error(line, "finance.expected_savings: 'min' is groter dan 'max'")
            rows.append(plain(row))
        result[key] = rows
    if fin.get("note"):
        result["note"] = str(fin["note"])
    return result


def indicators(c: Checker, plan: dict) -> list[dict[str, Any]]:
    """Read the plan's indicators."""
    result = []
    seen: set[str] = set()
    for raw, line in c.items(plan, "indicators", "plan"):
        ind = c.mapping(raw, line, "indicator")
        if ind is None:
            continue
        c.unknown_keys(ind, {"id", "name", "unit", "domain", "frequency", "target", "description", "source"}, "indicator")
        iid = c.text(ind, "id", "indicator")
        if iid and not ID.match(iid):
            c.error(c.line_of(ind, "id"), f"indicator: id '{iid}' mag alleen a-z, 0-9 en - bevatten")
        if iid in seen:
            c.error(line, f"indicator '{iid}' komt twee keer voor")
        seen.add(iid)
        c.text(ind, "name", f"indicator '{iid}'")
        if "domain" in ind:
            c.choice(ind, "domain", DOMAINS, f"indicator '{iid}'")
        if "frequency" in ind:
            c.choice(ind, "frequency", FREQUENCIES, f"indicator '{iid}'")
        if "target" in ind:
            _target(c, ind, f"indicator '{iid}'")
        result.append(plain(ind))
    return result


def _target(c: Checker, owner: dict, what: str) -> dict[str, Any] | None:
    t = c.mapping(owner["target"], c.line_of(owner, "target"), f"{what}: target")
    if t is None:
        return None
    c.unknown_keys(t, {"value", "unit", "by", "direction", "note"}, f"{what}: target")
    c.number(t, "value", f"{what}: target")
    if "by" in t:
        c.due(t, "by", f"{what}: target")
    if "direction" in t:
        c.choice(t, "direction", ("up", "down"), f"{what}: target")
    return plain(t)


INTERVENTION_KEYS = {
    "code", "title", "group", "domain", "summary", "results", "milestones", "recurring",
    "stakeholders", "principles", "risks", "preconditions", "costs", "source", "extra",
}


def intervention(c: Checker, raw: Any, line: int, paths: dict, codes: dict[str, int]) -> InterventionSpec | None:
    """Read one intervention, or None when it cannot be used."""
    iv = c.mapping(raw, line, "interventie")
    if iv is None:
        return None
    title = c.text(iv, "title", "interventie")
    code = iv.get("code")
    if code is None:
        code = slugify(title, 32) if title else ""
    elif isinstance(code, float):
        c.error(c.line_of(iv, "code"), f"interventie: code {code} leest als getal: zet de code "
                "tussen aanhalingstekens (bijvoorbeeld code: \"2.10\")")
        code = str(code)
    else:
        code = str(code)
        if not CODE.match(code):
            c.error(c.line_of(iv, "code"), f"interventie: code '{code}' bevat tekens die niet mogen")
    what = f"interventie {code}"
    c.unknown_keys(iv, INTERVENTION_KEYS, what)
    if code in codes:
        c.error(line, f"{what}: code komt al voor op regel {codes[code]}")
    codes[code] = line
    group_path: list[dict[str, str]] = []
    if "group" in iv:
        key = str(iv["group"])
        if key not in paths:
            c.error(c.line_of(iv, "group"), f"{what}: groep '{key}' staat niet in plan.groups")
        else:
            group_path = paths[key]
    domain = c.choice(iv, "domain", DOMAINS, what)
    results = []
    for raw_r, rline in c.items(iv, "results", what):
        if isinstance(raw_r, str):
            results.append({"text": raw_r.strip()})
            continue
        r = c.mapping(raw_r, rline, f"{what}, resultaat")
        if r is None:
            continue
        c.unknown_keys(r, {"text", "target"}, f"{what}, resultaat")
        entry: dict[str, Any] = {"text": c.text(r, "text", f"{what}, resultaat")}
        if "target" in r:
            entry["target"] = _target(c, r, f"{what}, resultaat")
        results.append(entry)
    costs = []
    for raw_c, cline in c.items(iv, "costs", what):
        row = c.mapping(raw_c, cline, f"{what}, kosten")
        if row is None:
            continue
        c.unknown_keys(row, {"year", "amount", "domain", "note"}, f"{what}, kosten")
        c.year(row, "year", f"{what}, kosten")
        c.number(row, "amount", f"{what}, kosten")
        if "domain" in row:
            c.choice(row, "domain", DOMAINS, f"{what}, kosten")
        costs.append(plain(row))
    source = iv.get("source")
    if source is not None and not isinstance(source, dict):
        c.error(c.line_of(iv, "source"), f"{what}: 'source' moet een mapping zijn")
    details = {
        "summary": c.text(iv, "summary", what, required=False),
        "results": results,
        "recurring": recurring(c, iv, what),
        **{key: c.text_list(iv, key, what) for key in TEXT_LIST_FIELDS},
        "costs": costs,
        "source": plain(source or {}),
        "extra": c.extra(iv, what),
    }
    spec_milestones = milestones(c, iv, what)
    if not title:
        return None
    return InterventionSpec(code, title, group_path, domain, details, spec_milestones, line)


PLAN_KEYS = {
    "id", "title", "organisation", "period", "adopted", "source", "grouping_levels", "groups",
    "milestones", "recurring", "finance", "indicators", "reminders", "extra",
}

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
