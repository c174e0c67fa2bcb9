"""Events of a plan (uitvoeringsagenda) as a whole."""

from __future__ import annotations

from datetime import date
from typing import Any

from events.base import TrackerCreated, TrackerEvent


class PlanImported(TrackerCreated):
    plan_id: str
    facts: dict[str, Any]
    source_name: str
    source_hash: str


class PlanRevised(TrackerEvent):
    """A changed version of the plan file was imported."""

    facts: dict[str, Any]
    source_name: str
    source_hash: str
    summary: list[str]


# Indicator values, finance figures and published reports belong to the plan. Their names do
# not start with "Plan": the read models treat "Plan*" events as plan versions.

class IndicatorValueRecorded(TrackerEvent):
    """The value of one of the plan's indicators over a period; a later one corrects it."""

    plan_id: str
    indicator_id: str
    period: str        # "2026-H1", "2026-Q1", "2026-03" or "2026"
    period_end: date
    value: str         # an exact decimal number as text ("150", "12.5")
    source: str


class FinanceFigureRecorded(TrackerEvent):
    """A finance figure of a year and domain; a later one of the same kind corrects it."""

    plan_id: str
    year: int
    domain: str        # jeugd | wmo | beide
    kind: str          # realisatie | kosten_maatregelen | besparing
    amount: str        # an exact decimal number of euros as text
    note: str


class ReportPublished(TrackerEvent):
    """A council report was adopted (vastgesteld): frozen at a position of the event log."""

    plan_id: str
    number: int        # 1, 2, ... within the plan
    period: str        # "2026-H1"
    as_of: date
    position: int      # the notification id of the last event the report was made from
