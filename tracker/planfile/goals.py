"""What a goal carries: intended results with their targets and baselines, on a group or an intervention.

A target is kept as the file gives it; format 2 reads its amounts into numbers and adds ranges
(``min``/``max``), a ``baseline`` and a text target.
"""

from __future__ import annotations

from typing import Any

from tracker.planfile.checks import Checker
from tracker.planfile.loader import plain
from tracker.planfile.money import amount

TARGET_KEYS = {"value", "unit", "by", "direction", "note"}
TARGET_KEYS_2 = {"min", "max", "baseline", "text"}
BASELINE_KEYS = {"value", "text", "term", "source", "note"}
# What a group may carry beside key, title, summary and groups (format 2).
GROUP_GOAL_KEYS = {"results", "principles", "current_practice", "indicators", "source", "extra"}


def target(c: Checker, owner: dict, what: str) -> dict[str, Any] | None:
    """Read a target: a value, a range or a text, with unit, direction, by (a term) and baseline."""
    t = c.mapping(owner["target"], c.line_of(owner, "target"), f"{what}: target")
    if t is None:
        return None
    where = f"{what}: target"
    c.unknown_keys(t, TARGET_KEYS | TARGET_KEYS_2, where, "zet het in 'note' van dit doel",
                   format2=TARGET_KEYS_2)
    result: dict[str, Any] = plain(t)
    if c.format < 2:
        c.number(t, "value", where)
    else:
        forms = [k for k in ("value", "text") if k in t] + (["min/max"] if "min" in t or "max" in t else [])
        if len(forms) != 1:
            c.error(c.line_of(owner, "target"), f"{where}: geef 'value', een bereik 'min'/'max' of 'text'"
                    + (f", niet {' en '.join(forms)}" if forms else ""))
        for key in ("value", "min", "max"):
            if key in t:
                value = amount(c, t, key, where)
                if value is not None:
                    result[key] = value
        low, high = result.get("min"), result.get("max")
        if isinstance(low, (int, float)) and isinstance(high, (int, float)) and low > high:
            c.error(c.line_of(t, "min"), f"{where}: 'min' is groter dan 'max'")
        if "text" in t:
            c.text(t, "text", where)
        if "baseline" in t:
            result["baseline"] = baseline(c, t, where)
    if "by" in t:
        c.due(t, "by", where)
    if "direction" in t:
        c.choice(t, "direction", ("up", "down"), where)
    return result


def baseline(c: Checker, t: dict, what: str) -> dict[str, Any]:
    """Read a target's baseline (nulmeting): a value or a text, the term it was measured, its source."""
    b = c.mapping(t["baseline"], c.line_of(t, "baseline"), f"{what}: baseline")
    if b is None:
        return {}
    where = f"{what}: baseline"
    c.unknown_keys(b, BASELINE_KEYS, where, "zet het in 'note' van de nulmeting")
    result: dict[str, Any] = plain(b)
    if "value" in b:
        value = amount(c, b, "value", where)
        if value is not None:
            result["value"] = value
    if "term" in b:
        c.due(b, "term", where)
    return result


def results(c: Checker, owner: dict, what: str) -> list[dict[str, Any]]:
    """Read intended results (Beoogd resultaat): each a text, with an optional target."""
    found = []
    for raw, line in c.items(owner, "results", what):
        if isinstance(raw, str):
            found.append({"text": raw.strip()})
            continue
        r = c.mapping(raw, line, f"{what}, resultaat")
        if r is None:
            continue
        c.unknown_keys(r, {"text", "target"}, f"{what}, resultaat", "zet het in 'text' van dit resultaat")
        entry: dict[str, Any] = {"text": c.text(r, "text", f"{what}, resultaat")}
        if "target" in r:
            entry["target"] = target(c, r, f"{what}, resultaat")
        found.append(entry)
    return found


def group_goal(c: Checker, g: dict, what: str) -> dict[str, Any]:
    """Return what a goal carries on a group: results, principles, current practice, source, extra."""
    found: dict[str, Any] = {}
    if "results" in g:
        found["results"] = results(c, g, what)
    if "principles" in g:
        found["principles"] = c.text_list(g, "principles", what)
    if "current_practice" in g:
        found["current_practice"] = (c.text_list(g, "current_practice", what)
                                     if isinstance(g["current_practice"], list)
                                     else c.text(g, "current_practice", what, required=False))
    if "source" in g:
        if isinstance(g["source"], dict):
            found["source"] = plain(g["source"])
        else:
            c.error(c.line_of(g, "source"), f"{what}: 'source' moet een mapping zijn")
    if "extra" in g:
        found["extra"] = c.extra(g, what)
    return found
