"""The Plan aggregate: the plan-level facts of an uitvoeringsagenda."""

from __future__ import annotations

from datetime import datetime
from functools import singledispatchmethod
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from events.plan import PlanImported, PlanRevised


def plan_uuid(plan_id: str) -> UUID:
    """Return the stable aggregate id of a plan."""
    return uuid5(NAMESPACE_URL, f"urn:plan-tracker:plan:{plan_id}")


class Plan(Aggregate):
    """A plan: title, organisation, period, plan-level milestones, finance and indicators."""

    @classmethod
    def import_(cls, *, plan_id: str, facts: dict[str, Any], source_name: str, source_hash: str,
                at: datetime, by: str) -> Plan:
        """Register a plan from its first imported version."""
        return cls._create(PlanImported, id=plan_uuid(plan_id), plan_id=plan_id, facts=facts,
                           source_name=source_name, source_hash=source_hash, at=at, by=by)

    @singledispatchmethod
    def when(self, event: Any) -> None:
        raise NotImplementedError(type(event).__name__)

    @when.register
    def _(self, e: PlanImported) -> None:
        self.plan_id = e.plan_id
        self.facts = e.facts
        self.source_hash = e.source_hash
        self.versions = 1
        self.known_codes: list[str] = list(e.facts.get("interventions", []))

    @when.register
    def _(self, e: PlanRevised) -> None:
        self.facts = e.facts
        self.source_hash = e.source_hash
        self.versions += 1
        for code in e.facts.get("interventions", []):
            if code not in self.known_codes:
                self.known_codes.append(code)

    def revise(self, *, facts: dict[str, Any], source_name: str, source_hash: str,
               summary: list[str], at: datetime, by: str) -> None:
        """Record a changed version of the plan."""
        self.trigger_event(PlanRevised, facts=facts, source_name=source_name,
                           source_hash=source_hash, summary=summary, at=at, by=by)
