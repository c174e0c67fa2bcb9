"""The goal level of a plan: what each group aims at, read as Dutch, with the interventions under it.

Groups of a format-2 plan carry what a goal carries (results with targets and baselines,
principles, current practice, indicators); the report and the board show them per group with
the state of each intervention that serves the goal, including those shown under another group.
"""

from __future__ import annotations

import re
from typing import Any

from events.periods import DueError, parse_due
from projections.wording import amount, number_nl, unit_label

# Words a term may already begin with: "uiterlijk 1 juli 2019" needs no "in" before it.
_HAS_PREPOSITION = re.compile(
    r"^(in|op|per|uiterlijk|voor|vóór|tot|t/m|eind|einde|begin|medio|vanaf|sinds|met ingang van|"
    r"na|rond)\b", re.IGNORECASE)
_SEASON = re.compile(r"^(het |de )?(voorjaar|zomer|najaar|winter|herfst|lente)\b", re.IGNORECASE)


def term_phrase(term: Any) -> str:
    """Return a target's term as it follows the target: 'in 2019', 'op 1-1-2019', 'uiterlijk 1 juli 2019'."""
    text = " ".join(str(term).split()) if term is not None else ""
    if not text:
        return ""
    if _HAS_PREPOSITION.match(text):
        return text
    season = _SEASON.match(text)
    if season:
        return f"in {text}" if season[1] else f"in het {text}"
    try:
        day = parse_due(text).precision == "day"
    except DueError:
        day = False
    return f"{'op' if day else 'in'} {text}"


def target_text(target: dict[str, Any] | None, unit: str = "") -> str:
    """Return a target as Dutch: 'ten hoogste 210 zorgplaatsen in 2019', '5 tot 7 % in 2020'."""
    if not target:
        return ""
    unit = target.get("unit") or unit
    if target.get("value") is not None:
        text = amount(target["value"], unit)
        if target.get("direction") == "down":
            text = f"ten hoogste {text}"
        elif target.get("direction") == "up":
            text = f"ten minste {text}"
    elif target.get("min") is not None or target.get("max") is not None:
        low, high = target.get("min"), target.get("max")
        if low is not None and high is not None:
            low_text = amount(low, unit) if unit_label(unit) == "€" else number_nl(low)
            text = f"{low_text} tot {amount(high, unit)}"
        elif low is not None:
            text = f"ten minste {amount(low, unit)}"
        else:
            text = f"ten hoogste {amount(high, unit)}"
    elif target.get("text"):
        text = str(target["text"])
    else:
        return ""
    phrase = term_phrase(target.get("by"))
    return f"{text} {phrase}" if phrase else text


def baseline_text(baseline: dict[str, Any] | None, unit: str = "") -> str:
    """Return a baseline as Dutch: 'nulmeting 246 zorgplaatsen in 2017 (Zorgmonitor regio)'."""
    if baseline is None:
        return ""
    source = f" ({baseline['source']})" if baseline.get("source") else ""
    if baseline.get("value") is not None:
        what = amount(baseline["value"], unit)
    elif baseline.get("text"):
        what = str(baseline["text"])
    else:
        # A number the council reads is true or says what it is not.
        term = f" {baseline['term']}" if baseline.get("term") else ""
        return f"nulmeting{term}: waarde niet vastgelegd{source}"
    term = term_phrase(baseline.get("term")) if baseline.get("term") else ""
    return f"nulmeting {what}{' ' + term if term else ''}{source}"


def result_lines(results: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Return intended results with their target and baseline in words."""
    lines = []
    for r in results:
        target = r.get("target") or None
        unit = (target or {}).get("unit") or ""
        lines.append({"text": r.get("text") or "", "target": target_text(target),
                      "baseline": baseline_text((target or {}).get("baseline"), unit)})
    return lines


def goal_of(group: dict[str, Any], indicators: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Return what a group aims at in words, or None when it carries no goal."""
    results = result_lines(group.get("results") or [])
    mine = [{"id": i["id"], "name": i["name"], "target": target_text(i.get("target"), i.get("unit") or ""),
             "baseline": baseline_text((i.get("target") or {}).get("baseline"), i.get("unit") or "")}
            for i in indicators if i.get("group") == group["key"]]
    practice = group.get("current_practice") or ""
    if isinstance(practice, list):
        practice = " ".join(practice)
    goal = {"summary": group.get("summary") or "", "results": results,
            "principles": list(group.get("principles") or []), "current_practice": practice,
            "indicators": mine}
    return goal if any(goal.values()) else None


# What a plan that names no levels calls its groups (the uitvoeringsagenda's shape).
DEFAULT_LEVELS = ("hoofdstuk", "thema")


def level_names(facts: dict[str, Any]) -> list[str]:
    """Return what the plan calls the levels of its groups, from the top: ['opgave', 'doel', 'actielijn']."""
    return [str(level) for level in facts.get("grouping_levels") or DEFAULT_LEVELS]


def level_name(facts: dict[str, Any], depth: int) -> str:
    """Return what the plan calls a group at ``depth`` (0: the top), capitalised; 'Onderdeel' below the named levels."""
    levels = level_names(facts)
    name = levels[depth] if depth < len(levels) else "onderdeel"
    return name[:1].upper() + name[1:]


def goals_by_key(groups: list[dict[str, Any]], indicators: list[dict[str, Any]],
                 facts: dict[str, Any] | None = None) -> dict[str, dict[str, Any]]:
    """Return the goal of every group of the tree that carries one, by group key.

    Each says what the plan calls its group's level (``level``: 'Opgave', 'Thema'), from ``facts``.
    """
    found: dict[str, dict[str, Any]] = {}

    def walk(tree: list[dict[str, Any]], depth: int) -> None:
        for group in tree:
            goal = goal_of(group, indicators)
            if goal is not None:
                found[group["key"]] = {**goal, "level": level_name(facts or {}, depth)}
            walk(group.get("groups") or [], depth + 1)

    walk(groups, 0)
    return found
