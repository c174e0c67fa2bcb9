"""Events of a plan's normering (seed 003, Bijlage 1): norms per aanbieder, realised spending, analysegesprekken.

One aggregate per plan holds them. A norm or a spending line recorded again for the same
aanbieder, zorgsoort and year (or period) corrects the earlier one; both are kept.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from events.base import TrackerCreated, TrackerEvent

# The share of the bestedingsruimte at which aanbieder and gemeente inform each other (Bijlage 1:
# "wederzijdse informatieplicht bij besteding 70% van de bestedingsruimte"); plan.normering.signal_at
# changes it per plan.
DEFAULT_SIGNAL_AT = 70


def signal_at(facts: dict[str, Any]) -> int | float:
    """Return a plan's signal threshold in percent of the norm."""
    return (facts.get("normering") or {}).get("signal_at", DEFAULT_SIGNAL_AT)


class NormeringOpened(TrackerCreated):
    """The first norms of a plan were recorded: its normering exists from now on."""

    plan_id: str


class NormsRecorded(TrackerEvent):
    """Norms of aanbieders for a year, from one upload; amounts are exact decimals as text ("" when not set).

    Each norm: aanbieder, zorgsoort, jaar, bestedingsruimte, signaalplafond, instroomtarget.
    """

    plan_id: str
    norms: list[dict[str, Any]]
    source: str


class SpendingRecorded(TrackerEvent):
    """Realised spending per aanbieder, zorgsoort and period, from one upload.

    Each line: aanbieder, zorgsoort, jaar, periode (its key: 2026-Q1, 2026-03, 2026-H1, 2026),
    start and end (ISO dates of the period), bedrag (an exact decimal as text).
    """

    plan_id: str
    lines: list[dict[str, Any]]
    source: str


class AnalysisTalkPlanned(TrackerEvent):
    """An analysegesprek with an aanbieder about its spending of a year, with a term and an owner."""

    plan_id: str
    talk_id: str
    aanbieder: str
    zorgsoort: str
    jaar: int
    due: date
    due_text: str
    owner: str
    note: str


class AnalysisTalkHeld(TrackerEvent):
    """The analysegesprek was held on a day."""

    plan_id: str
    talk_id: str
    held_on: date
    note: str
