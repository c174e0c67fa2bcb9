"""Dutch wording of dates, states and changes, shared by pages, CLI output and reports."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from events import contributions as links
from events import intervention as ev
from events import plan
from events.periods import MONTH_NAMES
from events.plan_changes import INTERVENTION_FIELDS, field_change, value_text
from events.vocabulary import OPERATOR_PREFIX, Domain, MilestoneKind, MilestoneState

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


def _stoplicht(data: dict[str, Any], quoted: str) -> str:
    text = f"Stoplicht op {data['colour']} gezet"
    if data["colour"] != "groen":
        text += (f". Oorzaak: {data['oorzaak']}. Gevolg: {data['gevolg']}. "
                 f"Bijsturing: {data['bijsturing']}")
    return text


def _completed(data: dict[str, Any], quoted: str) -> str:
    note = f" — {data['note']}" if data.get("note") else ""
    when = f"op {long_date(data['realised'])}" if data.get("realised") else "(datum onbekend)"
    return f"Mijlpaal {quoted} gereed {when}{note}"


def _revised(data: dict[str, Any], quoted: str) -> str:
    before = data.get("before") or {}
    changed = "; ".join(field_change(k, before[k], v) if k in before
                        else f"{INTERVENTION_FIELDS.get(k, k)}: nu {value_text(k, v)}"
                        for k, v in data["changes"].items())
    return f"Beschrijving gewijzigd: {changed}. {data['reason']}"


def _plan_revised(data: dict[str, Any], quoted: str) -> str:
    count = len(data["summary"])
    return f"Nieuwe planversie: {count} {'wijziging' if count == 1 else 'wijzigingen'}"


def _reviewed(data: dict[str, Any], quoted: str) -> str:
    actions = f" Acties: {sentence(data['actions'])}" if data.get("actions") else ""
    return (f"Besproken in de stuurgroep op {long_date(data['meeting_date'])}. "
            f"Besluit: {sentence(data['decision'])}{actions}")


def _link_target(data: dict[str, Any]) -> str:
    # By title where the reader knows the target plan (see projections/history.py), else by its key.
    if data.get("target_group"):
        what = f"'{data['target_group_title']}'" if data.get("target_group_title") else data["target_group"]
    else:
        what = f"interventie {data.get('target_code')}"
    return f"{what} van {data.get('target_plan_title') or data['target_plan']}"


_DESCRIPTIONS: dict[type, Callable[[dict[str, Any], str], str]] = {
    ev.InterventionAdded: lambda d, q: "Interventie opgenomen in het plan",
    ev.InterventionRevised: _revised,
    ev.InterventionDropped: lambda d, q: f"Interventie vervallen: {d['reason']}",
    ev.InterventionReinstated: lambda d, q: f"Interventie weer opgenomen: {d['reason']}",
    ev.InterventionClosed: lambda d, q: "Interventie afgesloten" + (f": {d['note']}" if d.get("note") else ""),
    ev.MilestonePlanned: lambda d, q: f"Mijlpaal gepland: '{d['label']}' ({d.get('due_text') or 'zonder termijn'})",
    ev.MilestoneRelabelled: lambda d, q: f"Mijlpaal {q} heet nu '{d['label']}': {d['reason']}",
    ev.MilestoneCompleted: _completed,
    ev.MilestoneRescheduled: lambda d, q: (f"Mijlpaal {q} verschoven van {d.get('old_due_text', '?')} naar "
                                        f"{d['due_text']}: {d['reason']}"),
    ev.MilestoneCancelled: lambda d, q: f"Mijlpaal {q} vervallen: {d['reason']}",
    ev.TrekkerAssigned: lambda d, q: f"Trekker: {d['name']} ({d['email']})",
    ev.NoteAdded: lambda d, q: f"Voortgangsnotitie: {d['text']}",
    ev.UpToDateConfirmed: lambda d, q: "Nog actueel: bekeken, niets veranderd",
    ev.StoplichtSet: _stoplicht,
    ev.ReviewRecorded: _reviewed,
    links.ContributionLinked: lambda d, q: (
        f"Bijdrage vastgelegd aan {_link_target(d)}: {d['reason']}"
        + (" (oordeel beheerder)" if d.get("judgement") else "") + (f" — {d['why']}" if d.get("why") else "")),
    links.ContributionUnlinked: lambda d, q: f"Bijdrage aan {_link_target(d)} vervallen: {d['why']}",
    plan.PlanImported: lambda d, q: "Plan geladen",
    plan.PlanRevised: _plan_revised,
    # The plan's own milestones: said as an intervention's are, named as the plan's.
    plan.AgendaMilestoneCompleted: lambda d, q: "Plan: " + _completed(d, q),
    plan.AgendaMilestoneRescheduled: lambda d, q: (f"Plan: mijlpaal {q} verschoven van {d.get('old_due_text', '?')} "
                                                   f"naar {d['due_text']}: {d['reason']}"),
    plan.AgendaMilestoneCancelled: lambda d, q: f"Plan: mijlpaal {q} vervallen: {d['reason']}",
    plan.AgendaMilestoneRelabelled: lambda d, q: f"Plan: mijlpaal {q} heet nu '{d['label']}': {d['reason']}",
}
# The history names each event by the class its read model handled it as (projections.core).
_BY_NAME = {cls.__name__: text for cls, text in _DESCRIPTIONS.items()}


def describe(event_name: str, data: dict[str, Any], label: str = "") -> str:
    """Return one Dutch line that says what an event changed."""
    text = _BY_NAME.get(event_name)
    return text(data, f"'{label}'" if label else "") if text else event_name


def who(name: str | None) -> str:
    """Return a recorded name as a sentence names it: the operator 'via de command line, root' as
    'root (via de command line)', so "door root (via de command line)" reads; other names as recorded."""
    name = name or ""
    if name.startswith(OPERATOR_PREFIX):
        return f"{name[len(OPERATOR_PREFIX):]} (via de command line)"
    return name


def who_in_document(name: str | None) -> str:
    """Return a recorded name as a council document names it: the operator's login is for the
    tracker's own history, the document says "de beheerder van het volgsysteem"."""
    name = name or ""
    return "de beheerder van het volgsysteem" if name.startswith(OPERATOR_PREFIX) else name


def days_count(days: int) -> str:
    """Return '1 dag', '12 dagen'."""
    return f"{days} dag" if days == 1 else f"{days} dagen"


def days_since(days: int | None) -> str:
    """Return how long ago a day was: 'vandaag', 'gisteren', '12 dagen geleden' ('' for None)."""
    if days is None:
        return ""
    return "vandaag" if days == 0 else "gisteren" if days == 1 else f"{days} dagen geleden"


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


EURO_UNITS = frozenset({"eur", "euro", "euros", "€"})


def unit_label(unit: str | None) -> str:
    """Return a unit as a reader sees it: a plan's 'EUR' is '€'."""
    unit = (unit or "").strip()
    return "€" if unit.lower() in EURO_UNITS else unit


def amount(value: Any, unit: str | None = "") -> str:
    """Return a value in its unit: '€ 1.250.000' for euros, else '1.250 uren per cliënt'."""
    label = unit_label(unit)
    if label == "€":
        return euro(value)
    return f"{number_nl(value)}{' ' + label if label else ''}"
