"""Dutch wording of dates, states and changes, shared by pages, CLI output and reports."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from events.periods import MONTH_NAMES
from events.plan_changes import INTERVENTION_FIELDS, field_change, value_text
from events.vocabulary import Domain, MilestoneKind, MilestoneState

STATE_LABELS = MilestoneState.labels()
KIND_LABELS = MilestoneKind.labels()
DOMAIN_LABELS = Domain.labels()


def long_date(value: date | str | None) -> str:
    """Return a date as '1 december 2025'."""
    if not value:
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    return f"{value.day} {MONTH_NAMES[value.month - 1]} {value.year}"


def short_date(value: date | datetime | str | None) -> str:
    """Return a date as '01-12-2025'."""
    if not value:
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    return value.strftime("%d-%m-%Y")


def describe(event_name: str, data: dict[str, Any], label: str = "") -> str:
    """Return one Dutch line that says what an event changed."""
    quoted = f"'{label}'" if label else ""
    if event_name == "InterventionAdded":
        return "Interventie opgenomen in het plan"
    if event_name == "InterventionRevised":
        before = data.get("before") or {}
        changed = "; ".join(field_change(k, before[k], v) if k in before
                            else f"{INTERVENTION_FIELDS.get(k, k)}: nu {value_text(k, v)}"
                            for k, v in data["changes"].items())
        return f"Beschrijving gewijzigd: {changed}. {data['reason']}"
    if event_name == "InterventionDropped":
        return f"Interventie vervallen: {data['reason']}"
    if event_name == "InterventionReinstated":
        return f"Interventie weer opgenomen: {data['reason']}"
    if event_name == "InterventionClosed":
        return "Interventie afgesloten" + (f": {data['note']}" if data.get("note") else "")
    if event_name == "MilestonePlanned":
        return f"Mijlpaal gepland: '{data['label']}' ({data['due_text']})"
    if event_name == "MilestoneRelabelled":
        return f"Mijlpaal {quoted} heet nu '{data['label']}': {data['reason']}"
    if event_name == "MilestoneCompleted":
        note = f" — {data['note']}" if data.get("note") else ""
        when = f"op {long_date(data['realised'])}" if data.get("realised") else "(datum onbekend)"
        return f"Mijlpaal {quoted} gereed {when}{note}"
    if event_name == "MilestoneRescheduled":
        return (f"Mijlpaal {quoted} verschoven van {data.get('old_due_text', '?')} naar "
                f"{data['due_text']}: {data['reason']}")
    if event_name == "MilestoneCancelled":
        return f"Mijlpaal {quoted} vervallen: {data['reason']}"
    if event_name == "TrekkerAssigned":
        return f"Trekker: {data['name']} ({data['email']})"
    if event_name == "NoteAdded":
        return f"Voortgangsnotitie: {data['text']}"
    if event_name == "StoplichtSet":
        text = f"Stoplicht op {data['colour']} gezet"
        if data["colour"] != "groen":
            text += (f". Oorzaak: {data['oorzaak']}. Gevolg: {data['gevolg']}. "
                     f"Bijsturing: {data['bijsturing']}")
        return text
    if event_name == "ReviewRecorded":
        actions = f" Acties: {sentence(data['actions'])}" if data.get("actions") else ""
        return (f"Besproken in de stuurgroep op {long_date(data['meeting_date'])}. "
                f"Besluit: {sentence(data['decision'])}{actions}")
    if event_name == "PlanImported":
        return "Plan geladen"
    if event_name == "PlanRevised":
        count = len(data["summary"])
        return f"Nieuwe planversie: {count} {'wijziging' if count == 1 else 'wijzigingen'}"
    return event_name


def sentence(text: str) -> str:
    """Return text ending in one full stop (or its own ! or ?), whatever the user typed."""
    text = (text or "").strip()
    return text if not text or text[-1] in ".!?" else text + "."


def number_nl(value: Any) -> str:
    """Return a number in Dutch notation: 1234567.5 → '1.234.567,5'."""
    from decimal import Decimal

    if value is None:
        return ""
    value = Decimal(str(value))
    sign = "-" if value < 0 else ""
    whole, _, decimals = format(abs(value).normalize(), "f").partition(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return sign + ".".join(groups or ["0"]) + (f",{decimals}" if decimals else "")


def euro(value: Any) -> str:
    """Return an amount in euros as the Dutch write it: '€ 6.000.000', '€ -250.000'."""
    return "" if value is None else f"€ {number_nl(value)}"
