"""What a new plan version changes, in the words a councillor reads: Dutch names, old → new.

The import preview (write side) and the council report (read side) both word differences
with these functions, so the beheerder confirms exactly what the council will read.
"""

from __future__ import annotations

from datetime import date
from typing import Any

# The fields of an intervention a plan version may change (InterventionRevised.changes).
INTERVENTION_FIELDS = {
    "title": "titel", "group_path": "indeling", "domain": "domein", "summary": "wat en waarom",
    "results": "beoogd resultaat", "recurring": "terugkerende afspraken", "stakeholders": "stakeholders",
    "principles": "leidende principes", "risks": "risico's", "preconditions": "randvoorwaarden",
    "costs": "kosten", "source": "bron", "extra": "overige gegevens",
}
# The plan's own facts (PlanRevised.facts); its interventions and Tijdpad are worded per line.
PLAN_FIELDS = {
    "title": "titel", "organisation": "organisatie", "period": "looptijd", "adopted": "vastgesteld op",
    "source": "bron", "grouping_levels": "indelingsniveaus", "groups": "hoofdstukken en thema's",
    "milestones": "afspraken op agendaniveau", "recurring": "terugkerende afspraken",
    "finance": "financiën", "indicators": "indicatoren", "reminders": "herinneringen",
    "normering": "normering", "extra": "overige gegevens",
}
NOT_WORDED = {"interventions", "tijdpad", "contributes_to"}
MAX_TEXT = 120


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT - 1].rstrip() + "…"


# Names of the parts of the plan's finance and period facts.
PART_NAMES = {
    "targets": "taakstelling", "baseline": "nulmeting", "expected_savings": "verwachte besparing",
    "budget": "verwachte kosten", "note": "toelichting", "currency": "valuta",
    "start": "begin", "end": "einde",
}


def _amount(value: Any) -> str:
    return format(int(value), ",").replace(",", ".") if float(value).is_integer() else str(value)


def _name(item: dict[str, Any]) -> str | None:
    for key in ("title", "name", "label", "text"):
        if isinstance(item.get(key), str):
            return item[key]
    if "amount" in item or "min" in item:
        money = (_amount(item["amount"]) if "amount" in item
                 else f"{_amount(item.get('min', 0))} tot {_amount(item.get('max', 0))}")
        when = item.get("year") or (f"vanaf {item['from']}" if item.get("from") else "")
        return " ".join(str(p) for p in (item.get("domain"), money, when) if p)
    return None


def value_text(field: str, value: Any) -> str:
    """Return a value as the council reads it: quoted text, a period, a list of names."""
    if value is None or value == "" or value == [] or value == {}:
        return "(leeg)"
    if field == "group_path" and isinstance(value, list):
        return "'" + " › ".join(g.get("title", g.get("key", "")) for g in value) + "'"
    if field == "period" and isinstance(value, dict):
        return f"{value.get('start')}-{value.get('end')}"
    if field == "adopted" and isinstance(value, str):
        try:
            return date.fromisoformat(value).strftime("%d-%m-%Y")
        except ValueError:
            return value
    if isinstance(value, str):
        return f"'{_short(value)}'"
    if isinstance(value, list):
        names = [_name(v) if isinstance(v, dict) else str(v) for v in value]
        if all(names):
            return _short("; ".join(f"'{n}'" for n in names))
        return f"{len(value)} {'regel' if len(value) == 1 else 'regels'}"
    if isinstance(value, dict):
        return _short(", ".join(f"{k}: {value_text(k, v)}" for k, v in value.items()))
    return str(value)


def field_change(field: str, old: Any, new: Any, names: dict[str, str] = INTERVENTION_FIELDS) -> str:
    """Return one changed field: "titel: 'X' → 'Y'"."""
    name = names.get(field, field.replace("_", " "))
    old_text, new_text = value_text(field, old), value_text(field, new)
    if old_text == new_text:
        return f"{name}: gewijzigd"  # a change deeper than the summary shows
    return f"{name}: {old_text} → {new_text}"


def _changed_items(old: Any, new: Any) -> tuple[Any, Any]:
    """Keep of two lists of the same length only the entries that differ."""
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        pairs = [(a, b) for a, b in zip(old, new) if a != b]
        return [a for a, _ in pairs], [b for _, b in pairs]
    return old, new


def plan_fact_changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Return the plan's own facts that differ between two versions, one line each."""
    lines = []
    for key in list(PLAN_FIELDS) + sorted(set(new) - set(PLAN_FIELDS) - NOT_WORDED):
        before, after = old.get(key), new.get(key)
        if before == after:
            continue
        name = PLAN_FIELDS.get(key, key)
        if isinstance(before, dict) and isinstance(after, dict) and key != "period":
            for part in sorted(set(before) | set(after), key=lambda k: (k not in PART_NAMES, k)):
                if before.get(part) != after.get(part):
                    a, b = _changed_items(before.get(part), after.get(part))
                    lines.append(f"{name} › " + field_change(part, a, b, PART_NAMES))
        else:
            a, b = _changed_items(before, after)
            lines.append(field_change(key, a, b, PLAN_FIELDS))
    return lines


def term_change(old: str, new: str) -> str:
    """Return a milestone's new term: "termijn: Q2 2026 → Q3 2026"."""
    return f"termijn: {old} → {new}"


def label_change(old: str, new: str) -> str:
    """Return a milestone's new wording: "omschrijving: 'X' → 'Y'"."""
    return f"omschrijving: '{old}' → '{new}'"
