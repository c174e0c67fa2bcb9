"""The plan's own milestones ("afspraken op agendaniveau"), tracked like an intervention's Tijdpad.

A plan-level milestone is planned by the plan's facts: every milestone id a plan version names
for the first time (PlanImported, PlanRevised). What happens to it afterwards is an event of the
Plan aggregate: completed, rescheduled, cancelled, relabelled. The Plan holds the state here and
checks every command against it, as the Intervention does for its own milestones.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from events.periods import Due, Start
from events.plan import (
    AgendaMilestoneCancelled,
    AgendaMilestoneCompleted,
    AgendaMilestoneRelabelled,
    AgendaMilestoneRescheduled,
)
from tracker.errors import DomainError, NotFoundError
from tracker.intervention import Milestone, _happened_on, _required


def milestone_of_facts(f: dict[str, Any]) -> Milestone:
    """Return a plan-level milestone's first state, as a plan file's line (milestone_facts) gives it."""
    due = Due(date.fromisoformat(f["due"]), f["due_precision"], f["due_text"]) if f.get("due") else None
    starts = (Start(date.fromisoformat(f["starts"]), f["starts_precision"], f["starts_text"])
              if f.get("starts") else None)
    # A line the plan marks as done is completed by an event of its own (plan_import).
    return Milestone(f["id"], f["label"], f.get("kind") or "other", due, note=f.get("note") or "",
                     starts=starts, when=f.get("when") or "")


def realised_of_facts(f: dict[str, Any]) -> date | None:
    """Return the realised day a plan file gives a line, or None."""
    return date.fromisoformat(f["realised"]) if f.get("realised") else None


def plan_new_milestones(milestones: dict[str, Milestone], facts: dict[str, Any]) -> None:
    """Add the milestones a plan version names for the first time (a known id keeps its history)."""
    for f in facts.get("milestones", []):
        if f.get("id") and f["id"] not in milestones:
            milestones[f["id"]] = milestone_of_facts(f)


def apply_event(milestones: dict[str, Milestone], e: Any) -> None:
    """Fold one plan-level milestone event into the plan's state."""
    m = milestones[e.milestone_id]
    if isinstance(e, AgendaMilestoneCompleted):
        m.status, m.realised, m.note = "done", e.realised, e.note or m.note
    elif isinstance(e, AgendaMilestoneRescheduled):
        m.earlier_dues.append((m.due, e.reason))
        m.due = Due(e.due, e.due_precision, e.due_text)
    elif isinstance(e, AgendaMilestoneCancelled):
        m.status, m.cancel_reason = "cancelled", e.reason
    elif isinstance(e, AgendaMilestoneRelabelled):
        m.label = e.label


class AgendaMilestoneCommands:
    """The commands on a plan's own milestones (mixed into the Plan aggregate)."""

    plan_id: str
    milestones: dict[str, Milestone]
    trigger_event: Any  # the Aggregate's

    def plan_milestone(self, milestone_id: str) -> Milestone:
        """Return one of the plan's own milestones by its id."""
        try:
            return self.milestones[milestone_id]
        except KeyError:
            known = ", ".join(self.milestones) or "geen"
            raise NotFoundError(f"Plan '{self.plan_id}' heeft geen mijlpaal '{milestone_id}' op planniveau "
                                f"(bekend: {known}).") from None

    def complete_plan_milestone(self, milestone_id: str, *, realised: date | None, note: str = "",
                                at: datetime, by: str, from_plan: bool = False) -> None:
        """Mark a plan-level milestone as done on its realised date."""
        self.plan_milestone(milestone_id).check_completion(realised, at, from_plan)
        self.trigger_event(AgendaMilestoneCompleted, plan_id=self.plan_id, milestone_id=milestone_id,
                           realised=realised, note=(note or "").strip(), at=at, by=by)

    def reschedule_plan_milestone(self, milestone_id: str, *, due: Due, reason: str, at: datetime, by: str,
                                  valid_on: date | None = None) -> None:
        """Move a plan-level milestone to a new due date (decided on ``valid_on``); the reason is required."""
        m = self.plan_milestone(milestone_id)
        reason = _required(reason, "Geef een reden op voor het verschuiven van de mijlpaal.")
        m.check_reschedule(due)
        self.trigger_event(AgendaMilestoneRescheduled, plan_id=self.plan_id, milestone_id=milestone_id,
                           due=due.date, due_precision=due.precision, due_text=due.text, reason=reason,
                           valid_on=_happened_on(valid_on, at), at=at, by=by)

    def cancel_plan_milestone(self, milestone_id: str, *, reason: str, at: datetime, by: str,
                              valid_on: date | None = None) -> None:
        """Cancel a plan-level milestone (decided on ``valid_on``); the reason is required."""
        reason = _required(reason, "Geef een reden op voor het laten vervallen van de mijlpaal.")
        self.plan_milestone(milestone_id).check_cancel()
        self.trigger_event(AgendaMilestoneCancelled, plan_id=self.plan_id, milestone_id=milestone_id,
                           reason=reason, valid_on=_happened_on(valid_on, at), at=at, by=by)

    def relabel_plan_milestone(self, milestone_id: str, label: str, *, reason: str, at: datetime,
                               by: str) -> None:
        """Change a plan-level milestone's label (a new plan version words it differently)."""
        m = self.plan_milestone(milestone_id)
        label = _required(label, "Een mijlpaal heeft een omschrijving nodig.")
        if label != m.label:
            self.trigger_event(AgendaMilestoneRelabelled, plan_id=self.plan_id, milestone_id=milestone_id,
                               label=label, reason=reason, at=at, by=by)
