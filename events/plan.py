"""Events of a plan (uitvoeringsagenda) as a whole."""

from __future__ import annotations

import calendar
from datetime import date
from decimal import Decimal
from typing import Any

from events.base import TrackerCreated, TrackerEvent
from events.periods import PeriodError, parse_start


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
    """A finance figure of a year and domain; a later one of the same kind corrects it.

    It covers the year from 1 January through ``period_end``: the whole year, or the year so far.
    """

    class_version = 2

    plan_id: str
    year: int
    domain: str        # jeugd | wmo | beide
    kind: str          # realisatie | kosten_maatregelen | besparing
    amount: str        # an exact decimal number of euros as text
    note: str
    period: str        # "2026" (whole year), "2026-H1", "t/m 2026-Q3", "t/m 2026-07-14"
    period_end: date   # the last day covered
    check: str         # why the amount looks implausible, "" when it does not
    confirmed: bool    # recorded as checked and right despite the check

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        # Figures recorded before they stated a period were meant for the whole year.
        state.update(period=str(state["year"]), period_end=date(state["year"], 12, 31), check="",
                     confirmed=False)


class FinanceFigureConfirmed(TrackerEvent):
    """Someone checked a figure that looked implausible and confirmed it is right."""

    plan_id: str
    year: int
    domain: str
    kind: str
    amount: str        # the amount confirmed (the latest recorded of its year, domain and kind)
    note: str


def share_of_year(year: int, period_end: date) -> Decimal:
    """Return the part of a year from 1 January through ``period_end``: months, or else days."""
    if period_end.day == calendar.monthrange(year, period_end.month)[1]:
        return Decimal(period_end.month) / 12
    days = 366 if calendar.isleap(year) else 365
    return Decimal(period_end.timetuple().tm_yday) / days


class ReportPublished(TrackerEvent):
    """A council report was adopted (vastgesteld): frozen at a position of the event log."""

    class_version = 3

    plan_id: str
    number: int        # 1, 2, ... within the plan
    period: str        # "2026-H1"
    as_of: date        # the peildatum: what had happened by the end of that day
    position: int      # the notification id of the last event the report was made from
    replaces: int      # a new version of the report of the same period and peildatum: its number; else 0
    reason: str        # why a new version was adopted ("" for a first one)
    known_on: date | None  # as the tracker knew it at the end of that day; None: all up to the position

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        # Reports adopted before new versions were explicit replaced nothing.
        state.update(replaces=0, reason="")

    @staticmethod
    def upcast_v2_v3(state: dict[str, Any]) -> None:
        # Reports adopted before the two times were told apart read as recorded by their peildatum.
        state["known_on"] = state["as_of"]


class ReportTextWritten(TrackerEvent):
    """The beheerder wrote a part of a half year's council report: its inleiding or vervolgproces."""

    plan_id: str
    period: str        # "2026-H1"
    section: str       # inleiding | vervolgproces
    text: str          # "" takes the text out again


class ReportSignatureSet(TrackerEvent):
    """Who signs the council reports: the college and the names under it."""

    plan_id: str
    college: str                    # "burgemeester en wethouders van Nijmegen"
    signatories: list[dict[str, str]]  # [{"role": "de secretaris", "name": "..."}, ...]


class PublicSiteSet(TrackerEvent):
    """The beheerder opened or closed the plan's public site, with the fields it may show besides the defaults."""

    plan_id: str
    public: bool
    fields: list[str]  # values of events.vocabulary.PublicField
    reason: str


# The plan's own milestones (plan.milestones of the plan file: "afspraken op agendaniveau") are
# planned by the plan's facts (PlanImported, PlanRevised: each id the facts name the first time);
# what happens to them afterwards is one of these events.

class AgendaMilestoneCompleted(TrackerEvent):
    """A plan-level milestone was done on its realised date."""

    plan_id: str
    milestone_id: str
    realised: date | None  # None: done according to a plan version, date unknown
    note: str


class AgendaMilestoneRescheduled(TrackerEvent):
    """A plan-level milestone got a new due date, with the reason and the day it was decided."""

    plan_id: str
    milestone_id: str
    due: date
    due_precision: str
    due_text: str
    reason: str
    valid_on: date | None  # the day it was decided; None: when recorded


class AgendaMilestoneCancelled(TrackerEvent):
    """A plan-level milestone was cancelled, with the reason and the day it was decided."""

    plan_id: str
    milestone_id: str
    reason: str
    valid_on: date | None  # the day it was decided; None: when recorded


class AgendaMilestoneRelabelled(TrackerEvent):
    """A new plan version words a plan-level milestone differently."""

    plan_id: str
    milestone_id: str
    label: str
    reason: str


def adoption_start(facts: dict[str, Any]) -> date | None:
    """Return the first day a plan holds from, in valid time: the start of its adoption, or None.

    ``adopted`` is an ISO date; a plan adopted in a term ("najaar 2023", kept in ``adopted_text``)
    holds from the first day of that term.
    """
    if facts.get("adopted_text"):
        try:
            return parse_start(facts["adopted_text"], facts.get("year_context")).date
        except PeriodError:
            pass  # read when the plan was loaded; should the grammar change, its date still stands
    adopted = facts.get("adopted")
    if isinstance(adopted, dict):
        adopted = adopted.get("start") or adopted.get("date")
    if isinstance(adopted, date):
        return adopted
    if isinstance(adopted, str) and adopted:
        return date.fromisoformat(adopted[:10])
    return None
