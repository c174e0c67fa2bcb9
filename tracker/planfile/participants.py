"""Who a plan belongs to: one organisation, or (format 2) participants with their roles."""

from __future__ import annotations

from tracker.planfile.checks import Checker

ROLES = ("penvoerder", "deelnemer")


def participants(c: Checker, plan: dict) -> tuple[str, list[dict[str, str]]]:
    """Return the organisation as shown and the participants with their roles (none for a text)."""
    raw = plan.get("organisation")
    if not isinstance(raw, list):
        return c.text(plan, "organisation", "plan"), []
    line = c.line_of(plan, "organisation")
    if c.format < 2:
        c.error(line, "plan: 'organisation' als lijst van deelnemers kan vanaf format 2 "
                "(zet 'format: 2' bovenaan)")
        return "", []
    if not raw:
        c.error(line, "plan: 'organisation' heeft minstens één deelnemer nodig")
        return "", []
    found: list[dict[str, str]] = []
    for item, item_line in c.items(plan, "organisation", "plan"):
        if isinstance(item, str) and item.strip():
            found.append({"name": " ".join(item.split()), "role": "deelnemer"})
            continue
        p = c.mapping(item, item_line, "plan: deelnemer")
        if p is None:
            continue
        c.unknown_keys(p, {"name", "role", "note"}, "plan: deelnemer", "zet het in 'note' van deze deelnemer")
        name = c.text(p, "name", "plan: deelnemer")
        role = c.choice(p, "role", ROLES, f"plan: deelnemer '{name or '?'}'", default="deelnemer")
        entry = {"name": name, "role": role}
        if p.get("note"):
            entry["note"] = c.text(p, "note", "plan: deelnemer", required=False)
        if name:
            found.append(entry)
    leads = [p["name"] for p in found if p["role"] == "penvoerder"]
    if len(leads) > 1:
        c.error(line, f"plan: meer dan één penvoerder ({', '.join(leads)})")
    names = [p["name"] for p in found]
    for name in sorted({n for n in names if names.count(n) > 1}):
        c.error(line, f"plan: deelnemer '{name}' staat er twee keer in")
    return organisation_text(found), found


def organisation_text(found: list[dict[str, str]]) -> str:
    """Return the one line that names the participants of a plan where one name is shown."""
    if not found:
        return ""
    municipal = all(p["name"].startswith("Gemeente ") for p in found)
    lead = next((p for p in found if p["role"] == "penvoerder"), None)
    if lead is not None:
        others = len(found) - 1
        if not others:
            return lead["name"]
        if municipal:
            noun = "gemeente" if others == 1 else "gemeenten"
        else:
            noun = "deelnemer" if others == 1 else "deelnemers"
        return f"{lead['name']} (penvoerder) en {others} andere {noun}"
    names = [p["name"].removeprefix("Gemeente ") if municipal else p["name"] for p in found]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " en " + names[-1]
    return f"{len(found)} gemeenten: {listed}" if municipal and len(found) > 1 else listed
