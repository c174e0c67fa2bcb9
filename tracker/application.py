"""TrackerApp: the whole service layer of the write side."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Iterator
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import IntegrityError, JSONTranscoder

from events.store import register_transcodings
from tracker.due import Due, DueError, parse_due
from tracker.errors import ConflictError, DomainError, NotFoundError
from tracker.intervention import Intervention, intervention_id
from tracker.plan import Plan, plan_uuid
from tracker.planfile import InterventionSpec, PlanSpec


@dataclass
class ImportResult:
    """What an import did: created, revised or unchanged, and the differences."""

    plan_id: str
    outcome: str  # created | revised | unchanged
    changes: list[str] = field(default_factory=list)
    events: int = 0


def to_due(value: Due | str | date) -> Due:
    """Turn user input into a Due, with a domain error when it cannot be read."""
    if isinstance(value, Due):
        return value
    try:
        return parse_due(value)
    except DueError as exc:
        raise DomainError(f"Ongeldige termijn: {exc}.") from None


class TrackerApp(Application[UUID]):
    """Commands on plans and interventions; each takes the moment and the user from outside."""

    name = "TrackerApp"

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        register_transcodings(transcoder)

    # --- reading aggregates ------------------------------------------------------------

    def get_intervention(self, plan_id: str, code: str) -> Intervention:
        """Return an intervention by plan and code."""
        try:
            return self.repository.get(intervention_id(plan_id, code))
        except AggregateNotFoundError:
            raise NotFoundError(f"Plan '{plan_id}' heeft geen interventie '{code}'.") from None

    def get_plan(self, plan_id: str) -> Plan:
        """Return a plan by its id."""
        try:
            return self.repository.get(plan_uuid(plan_id))
        except AggregateNotFoundError:
            raise NotFoundError(f"Onbekend plan '{plan_id}'.") from None

    def has_plan(self, plan_id: str) -> bool:
        """Tell whether a plan was imported."""
        return plan_uuid(plan_id) in self.repository

    def _save(self, *aggregates: Any) -> None:
        try:
            self.save(*aggregates)
        except IntegrityError:
            names = ", ".join(getattr(a, "code", getattr(a, "plan_id", "?")) for a in aggregates)
            raise ConflictError(
                f"{names} is intussen door iemand anders gewijzigd. Er is niets opgeslagen: "
                "bekijk de actuele stand en probeer het opnieuw.") from None

    @contextmanager
    def _changing(self, plan_id: str, code: str, expected_version: int | None) -> Iterator[Intervention]:
        intervention = self.get_intervention(plan_id, code)
        if expected_version is not None and intervention.version != expected_version:
            raise ConflictError(
                f"Interventie {code} is intussen door iemand anders gewijzigd "
                f"(versie {intervention.version}, uw formulier ging uit van versie "
                f"{expected_version}). Er is niets opgeslagen.")
        yield intervention
        self._save(intervention)

    # --- commands on an intervention ---------------------------------------------------

    def plan_milestone(self, plan_id: str, code: str, *, label: str, due: Due | str, kind: str = "other",
                       note: str = "", at: datetime, by: str, expected_version: int | None = None) -> str:
        """Add a milestone; return its id."""
        with self._changing(plan_id, code, expected_version) as iv:
            milestone_id = iv.new_milestone_id(label or "mijlpaal")
            iv.plan_milestone(milestone_id=milestone_id, label=label, kind=kind, due=to_due(due),
                              note=note, at=at, by=by)
        return milestone_id

    def complete_milestone(self, plan_id: str, code: str, milestone_id: str, *, realised: date,
                           note: str = "", at: datetime, by: str,
                           expected_version: int | None = None) -> UUID:
        """Mark a milestone as done."""
        with self._changing(plan_id, code, expected_version) as iv:
            iv.complete_milestone(milestone_id, realised=realised, note=note, at=at, by=by)
        return iv.id

    def reschedule_milestone(self, plan_id: str, code: str, milestone_id: str, *, due: Due | str,
                             reason: str, at: datetime, by: str,
                             expected_version: int | None = None) -> UUID:
        """Move a milestone to a new due date, with a reason."""
        with self._changing(plan_id, code, expected_version) as iv:
            iv.reschedule_milestone(milestone_id, due=to_due(due), reason=reason, at=at, by=by)
        return iv.id

    def cancel_milestone(self, plan_id: str, code: str, milestone_id: str, *, reason: str,
                         at: datetime, by: str, expected_version: int | None = None) -> UUID:
        """Cancel a milestone, with a reason."""
        with self._changing(plan_id, code, expected_version) as iv:
            iv.cancel_milestone(milestone_id, reason=reason, at=at, by=by)
        return iv.id

    def assign_trekker(self, plan_id: str, code: str, *, name: str, email: str, at: datetime,
                       by: str, expected_version: int | None = None) -> UUID:
        """Assign or change the trekker."""
        with self._changing(plan_id, code, expected_version) as iv:
            iv.assign_trekker(name=name, email=email, at=at, by=by)
        return iv.id

    def add_note(self, plan_id: str, code: str, *, text: str, at: datetime, by: str,
                 expected_version: int | None = None) -> UUID:
        """Write a progress note."""
        with self._changing(plan_id, code, expected_version) as iv:
            iv.add_note(text=text, at=at, by=by)
        return iv.id

    def set_stoplicht(self, plan_id: str, code: str, *, colour: str, oorzaak: str = "",
                      gevolg: str = "", bijsturing: str = "", at: datetime, by: str,
                      expected_version: int | None = None) -> UUID:
        """Set the manual stoplicht."""
        with self._changing(plan_id, code, expected_version) as iv:
            iv.set_stoplicht(colour=colour, oorzaak=oorzaak, gevolg=gevolg, bijsturing=bijsturing,
                             at=at, by=by)
        return iv.id

    def close_intervention(self, plan_id: str, code: str, *, note: str = "", at: datetime, by: str,
                           expected_version: int | None = None) -> UUID:
        """Close an intervention whose milestones are all done or cancelled."""
        with self._changing(plan_id, code, expected_version) as iv:
            iv.close(note=note, at=at, by=by)
        return iv.id

    # --- plan import -------------------------------------------------------------------

    def import_plan(self, spec: PlanSpec, *, at: datetime, by: str) -> ImportResult:
        """Import a plan, or record the differences of a changed version, in one transaction."""
        from tracker.plan_import import apply_plan

        result, aggregates = apply_plan(self, spec, at=at, by=by)
        if aggregates:
            self._save(*aggregates)
        return result

    def load_interventions(self, plan_id: str, specs: list[InterventionSpec]) -> dict[str, Intervention]:
        """Return the existing interventions of a plan by code (for an import)."""
        found = {}
        for spec in specs:
            iid = intervention_id(plan_id, spec.code)
            if iid in self.repository:
                found[spec.code] = self.repository.get(iid)
        return found
