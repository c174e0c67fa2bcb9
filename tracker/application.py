"""TrackerApp: the whole service layer of the write side.

Every command is a few lines (find the aggregate, check who acts, change, save) and they stand
in one class on purpose: tests/test_rules_everywhere.py checks that each of them asks who acts,
so a command added later cannot skip the rules. Hence past 300 lines.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Iterator
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import IntegrityError, JSONTranscoder

from events.periods import Due, DueError, parse_due
from events.store import register_transcodings
from tracker.baseline import BaselineCommands
from tracker.meeting_commands import MeetingCommands
from tracker.normering import NormeringCommands
from tracker.errors import ConcurrentWriteError, ConflictError, DomainError, NotFoundError
from tracker.intervention import EVERYTHING, Intervention, intervention_id, milestone_key, overlap, touched_by
from tracker.plan import Plan, plan_uuid
from tracker.plan_links import ContributionCommands
from tracker.planfile import InterventionSpec, PlanSpec
from tracker.accounts import AccountRules
from tracker.actors import Actor
from tracker.permissions import ActorRules, NotAllowedError, refuse_unless
from tracker.users import UserCommands, person_name
from tracker.calendar_feeds import CalendarFeedCommands
from tracker.concurrency import commutes
from tracker.reminders import ReminderCommands


@dataclass
class ImportResult:
    """What an import did: created, revised or unchanged, and the differences."""

    plan_id: str
    outcome: str  # created | revised | unchanged
    changes: list[str] = field(default_factory=list)
    events: int = 0


def to_due(value: Due | str | date, year_context: int | None = None) -> Due:
    """Turn user input into a Due, with a domain error when it cannot be read."""
    if isinstance(value, Due):
        return value
    try:
        return parse_due(value, year_context)
    except DueError as exc:
        # A form or a command line, not a plan file: the plan file's way of writing it does not apply.
        raise DomainError(f"Ongeldige termijn: {exc.message}.") from None


class TrackerApp(ContributionCommands, ReminderCommands, CalendarFeedCommands, MeetingCommands, BaselineCommands, NormeringCommands, UserCommands, AccountRules, ActorRules,
                 Application[UUID]):
    """Commands on plans and interventions; each takes the moment and the acting party (``by``) from outside.

    ``by`` is an Actor (an account on a channel, the operator, the system) or a plain name (the
    system): every command refuses what the actor may not do, with a NotAllowedError.
    """

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

    def _not_before_plan(self, plan_id: str, *days: date | None, milestone: Any = None) -> None:
        """Refuse a day before the plan's period (1 January of its first year): mostly a typo in the year.

        A milestone that starts before it ("vanaf 2019") may have happened from its own start on; what
        happened before the tool is brought in with the plan file's beginstand, not here.
        """
        period = self.get_plan(plan_id).facts.get("period") or {}
        if not isinstance(period.get("start"), int):
            return
        earliest = date(period["start"], 1, 1)
        starts = getattr(milestone, "starts", None)
        if starts is not None and starts.date < earliest:
            earliest = starts.date
        for day in days:
            if day is not None and day < earliest:
                raise DomainError(f"De datum {day:%d-%m-%Y} ligt vóór de looptijd van het plan (vanaf "
                                  f"{earliest:%d-%m-%Y}). Klopt het jaartal? Er is niets vastgelegd.")

    def has_plan(self, plan_id: str) -> bool:
        """Tell whether a plan was imported."""
        return plan_uuid(plan_id) in self.repository

    def _save(self, *aggregates: Any) -> None:
        try:
            self.save(*aggregates)
        except IntegrityError:
            names = ", ".join(getattr(a, "code", getattr(a, "plan_id", "?")) for a in aggregates)
            raise ConcurrentWriteError(
                f"{names} is intussen door iemand anders gewijzigd. Er is niets opgeslagen: "
                "bekijk de actuele stand en probeer het opnieuw.") from None

    @contextmanager
    def _changing(self, plan_id: str, code: str, expected_version: int | None, touches: frozenset[str],
                  actor: Actor, action: str = "update", milestone_id: str | None = None) -> Iterator[Intervention]:
        """Change an intervention as its user saw it at ``expected_version``, if the actor may.

        "update" is for the intervention's own trekker (and the operator and the system); a change
        of one milestone (``milestone_id``) also for that milestone's owner.

        Changes recorded since are only a conflict when they touched what this change touches
        (the same milestone, the stoplicht, the trekker): two milestones, or a note beside a
        milestone, commute, and the change is made on the current state.
        """
        intervention = self.get_intervention(plan_id, code)
        milestone = intervention.milestones.get(milestone_id) if milestone_id else None
        refuse_unless(actor, action, trekker_email=intervention.trekker[1] if intervention.trekker else None,
                      code=intervention.code, owner_email=milestone.owner_email if milestone else None)
        if expected_version is not None and intervention.version != expected_version:
            self._refuse_overlap(intervention, expected_version, touches)
        yield intervention
        self._save(intervention)

    def _refuse_overlap(self, intervention: Intervention, expected_version: int, touches: frozenset[str]) -> None:
        if expected_version > intervention.version:
            raise ConflictError(f"Interventie {intervention.code} heeft geen versie {expected_version}. "
                                "Er is niets opgeslagen.")
        for event in self.events.get(intervention.id, gt=expected_version):
            if overlap(touched_by(event), touches):
                touched = touched_by(event)
                if getattr(event, "milestone_id", None) in intervention.milestones:
                    what = f"Mijlpaal '{intervention.milestones[event.milestone_id].label}'"
                elif touched == {"stoplicht"}:
                    what = f"Het stoplicht van {intervention.code}"
                elif touched == {"trekker"}:
                    what = f"De trekker van {intervention.code}"
                else:
                    what = f"Interventie {intervention.code}"
                raise ConflictError(f"{what} is intussen gewijzigd door {event.by} "
                                    f"({event.at:%d-%m-%Y %H:%M}). Er is niets opgeslagen.")

    # --- commands on an intervention ---------------------------------------------------

    @commutes
    def plan_milestone(self, plan_id: str, code: str, *, label: str, due: Due | str, kind: str = "other",
                       note: str = "", at: datetime, by: Actor | str, expected_version: int | None = None) -> str:
        """Add a milestone; return its id."""
        actor = self.acting(by)
        with self._changing(plan_id, code, expected_version, frozenset(), actor) as iv:
            milestone_id = iv.new_milestone_id(label or "mijlpaal")
            due = to_due(due)
            self._not_before_plan(plan_id, due.date)
            iv.plan_milestone(milestone_id=milestone_id, label=label, kind=kind, due=due,
                              note=note, at=at, by=actor)
        return milestone_id

    @commutes
    def complete_milestone(self, plan_id: str, code: str, milestone_id: str, *, realised: date,
                           note: str = "", at: datetime, by: Actor | str,
                           expected_version: int | None = None) -> UUID:
        """Mark a milestone as done."""
        actor = self.acting(by)
        with self._changing(plan_id, code, expected_version, frozenset({milestone_key(milestone_id)}), actor,
                            milestone_id=milestone_id) as iv:
            self._not_before_plan(plan_id, realised, milestone=iv.milestones.get(milestone_id))
            iv.complete_milestone(milestone_id, realised=realised, note=note, at=at, by=actor)
        return iv.id

    @commutes
    def reschedule_milestone(self, plan_id: str, code: str, milestone_id: str, *, due: Due | str,
                             reason: str, at: datetime, by: Actor | str, valid_on: date | None = None,
                             expected_version: int | None = None) -> UUID:
        """Move a milestone to a new due date, with a reason."""
        actor = self.acting(by)
        with self._changing(plan_id, code, expected_version, frozenset({milestone_key(milestone_id)}), actor,
                            milestone_id=milestone_id) as iv:
            due = to_due(due)
            self._not_before_plan(plan_id, due.date, valid_on, milestone=iv.milestones.get(milestone_id))
            iv.reschedule_milestone(milestone_id, due=due, reason=reason, at=at, by=actor, valid_on=valid_on)
        return iv.id

    @commutes
    def cancel_milestone(self, plan_id: str, code: str, milestone_id: str, *, reason: str,
                         at: datetime, by: Actor | str, valid_on: date | None = None,
                         expected_version: int | None = None) -> UUID:
        """Cancel a milestone, with a reason."""
        actor = self.acting(by)
        with self._changing(plan_id, code, expected_version, frozenset({milestone_key(milestone_id)}), actor,
                            milestone_id=milestone_id) as iv:
            self._not_before_plan(plan_id, valid_on, milestone=iv.milestones.get(milestone_id))
            iv.cancel_milestone(milestone_id, reason=reason, at=at, by=actor, valid_on=valid_on)
        return iv.id

    @commutes
    def assign_trekker(self, plan_id: str, code: str, *, email: str, name: str | None = None, at: datetime,
                       by: Actor | str, expected_version: int | None = None) -> UUID:
        """Assign or change the trekker: an active account with the role trekker, under its own name.

        A name given must be the account's. Trusted code acting as the system under a plain
        name (a test's setup, a script) may name anyone, account or not.
        """
        actor = self.acting(by)
        with self._changing(plan_id, code, expected_version, frozenset({"trekker"}), actor, "assign") as iv:
            if actor.channel != "systeem":
                account = self.assignable_trekker(email)
                if name and person_name(name) != account.name:
                    raise NotAllowedError(f"Het account {account.email} heet {account.name}, niet {name.strip()}. "
                                          "Er is niets vastgelegd.")
                name, email = account.name, account.email
            iv.assign_trekker(name=name or "", email=email, at=at, by=actor)
        return iv.id

    @commutes
    def confirm_up_to_date(self, plan_id: str, code: str, *, at: datetime, by: Actor | str,
                           expected_version: int | None = None) -> UUID:
        """Record that the intervention is still up to date (nog actueel)."""
        actor = self.acting(by)
        with self._changing(plan_id, code, expected_version, frozenset(), actor) as iv:
            iv.confirm_up_to_date(at=at, by=actor)
        return iv.id

    @commutes
    def add_note(self, plan_id: str, code: str, *, text: str, at: datetime, by: Actor | str,
                 expected_version: int | None = None) -> UUID:
        """Write a progress note."""
        actor = self.acting(by)
        with self._changing(plan_id, code, expected_version, frozenset(), actor) as iv:
            iv.add_note(text=text, at=at, by=actor)
        return iv.id

    @commutes
    def set_stoplicht(self, plan_id: str, code: str, *, colour: str, oorzaak: str = "",
                      gevolg: str = "", bijsturing: str = "", at: datetime, by: Actor | str,
                      valid_on: date | None = None, expected_version: int | None = None) -> UUID:
        """Set the manual stoplicht (per ``valid_on``, default the day it is recorded)."""
        actor = self.acting(by)
        with self._changing(plan_id, code, expected_version, frozenset({"stoplicht"}), actor) as iv:
            self._not_before_plan(plan_id, valid_on)
            iv.set_stoplicht(colour=colour, oorzaak=oorzaak, gevolg=gevolg, bijsturing=bijsturing,
                             at=at, by=actor, valid_on=valid_on)
        return iv.id

    @commutes
    def record_review(self, plan_id: str, code: str, *, meeting_date: date, decision: str,
                      actions: str = "", at: datetime, by: Actor | str,
                      expected_version: int | None = None) -> UUID:
        """Record a stuurgroep review of an intervention."""
        actor = self.acting(by)
        with self._changing(plan_id, code, expected_version, frozenset(), actor, "review") as iv:
            self._not_before_plan(plan_id, meeting_date)
            iv.record_review(meeting_date=meeting_date, decision=decision, actions=actions, at=at, by=actor)
        return iv.id

    @commutes
    def close_intervention(self, plan_id: str, code: str, *, note: str = "", at: datetime, by: Actor | str,
                           expected_version: int | None = None) -> UUID:
        """Close an intervention whose milestones are all done or cancelled."""
        actor = self.acting(by)
        with self._changing(plan_id, code, expected_version, frozenset({EVERYTHING}), actor) as iv:
            iv.close(note=note, at=at, by=actor)
        return iv.id

    # --- commands on a plan's own milestones (plan.milestones of the plan file) ----------

    def _plan_as_seen(self, plan_id: str, milestone_id: str, seen_term: str | None) -> Plan:
        """Return the plan, refusing a change of a milestone that changed since its user saw it open at ``seen_term``."""
        plan = self.get_plan(plan_id)
        if seen_term is None:
            return plan
        m = plan.plan_milestone(milestone_id)
        if m.status == "open" and m.term_text == seen_term:
            return plan
        last = next((e for e in reversed(list(self.events.get(plan.id)))
                     if getattr(e, "milestone_id", None) == milestone_id), None)
        who = f" door {last.by} ({last.at:%d-%m-%Y %H:%M})" if last is not None else ""
        raise ConflictError(f"Mijlpaal '{m.label}' is intussen gewijzigd{who}. Er is niets opgeslagen.")

    @commutes
    def complete_plan_milestone(self, plan_id: str, milestone_id: str, *, realised: date, note: str = "",
                                at: datetime, by: Actor | str, seen_term: str | None = None) -> None:
        """Mark a plan-level milestone as done on its realised date (``seen_term``: as its user saw it)."""
        actor = self.acting(by, "plan_milestones")
        plan = self._plan_as_seen(plan_id, milestone_id, seen_term)
        plan.complete_plan_milestone(milestone_id, realised=realised, note=note, at=at, by=actor)
        self._save(plan)

    @commutes
    def reschedule_plan_milestone(self, plan_id: str, milestone_id: str, *, due: Due | str, reason: str,
                                  at: datetime, by: Actor | str, valid_on: date | None = None,
                                  seen_term: str | None = None) -> None:
        """Move a plan-level milestone to a new due date, with a reason (decided on ``valid_on``)."""
        actor = self.acting(by, "plan_milestones")
        plan = self._plan_as_seen(plan_id, milestone_id, seen_term)
        plan.reschedule_plan_milestone(milestone_id, due=to_due(due, plan.facts.get("year_context")),
                                       reason=reason, at=at, by=actor, valid_on=valid_on)
        self._save(plan)

    @commutes
    def cancel_plan_milestone(self, plan_id: str, milestone_id: str, *, reason: str, at: datetime, by: Actor | str,
                              valid_on: date | None = None, seen_term: str | None = None) -> None:
        """Cancel a plan-level milestone, with a reason (decided on ``valid_on``)."""
        actor = self.acting(by, "plan_milestones")
        plan = self._plan_as_seen(plan_id, milestone_id, seen_term)
        plan.cancel_plan_milestone(milestone_id, reason=reason, at=at, by=actor, valid_on=valid_on)
        self._save(plan)

    # --- plan import -------------------------------------------------------------------

    def import_plan(self, spec: PlanSpec, *, at: datetime, by: Actor | str) -> ImportResult:
        """Import a plan, or record the differences of a changed version, in one transaction."""
        actor = self.acting(by, "import_plan")
        from tracker.plan_import import apply_plan

        result, aggregates = apply_plan(self, spec, at=at, by=actor)
        if aggregates:
            self._save(*aggregates)
        return result

    def preview_import(self, spec: PlanSpec, *, at: datetime, by: Actor | str) -> ImportResult:
        """Return what importing a plan would record, without recording anything."""
        actor = self.acting(by, "import_plan")
        from tracker.plan_import import apply_plan

        result, _ = apply_plan(self, spec, at=at, by=actor)
        return result

    def load_interventions(self, plan_id: str, specs: list[InterventionSpec]) -> dict[str, Intervention]:
        """Return the existing interventions of a plan by code (for an import)."""
        found = {}
        for spec in specs:
            iid = intervention_id(plan_id, spec.code)
            if iid in self.repository:
                found[spec.code] = self.repository.get(iid)
        return found

    # --- indicators, finance and council reports ---------------------------------------

    @commutes
    def record_indicator_value(self, plan_id: str, *, indicator_id: str, period: str, value: object,
                               source: str, at: datetime, by: Actor | str) -> None:
        """Record an indicator's value over a period (a later value corrects an earlier one)."""
        actor = self.acting(by, "record_data")
        plan = self.get_plan(plan_id)
        plan.record_indicator_value(indicator_id=indicator_id, period=period, value=value,
                                    source=source, at=at, by=actor)
        self._save(plan)

    def record_indicator_values(self, plan_id: str, rows: list[dict[str, Any]], *, at: datetime,
                                by: Actor | str) -> int:
        """Record many values (a CSV upload): all of them, or none when any line is wrong.

        Each row holds its line, indicator, period, value and source, or the error found
        while reading that line.
        """
        actor = self.acting(by, "record_data")
        from tracker.errors import LinesError

        plan = self.get_plan(plan_id)
        problems: list[tuple[int, str]] = []
        for row in rows:
            if row.get("error"):
                problems.append((row["line"], row["error"]))
                continue
            try:
                plan.record_indicator_value(indicator_id=row["indicator"], period=row["period"],
                                            value=row["value"], source=row["source"], at=at, by=actor)
            except DomainError as exc:
                problems.append((row["line"], str(exc)))
        if not rows:
            raise LinesError(["Het bestand bevat geen waarden."])
        if problems:
            raise LinesError([f"Regel {line}: {message}" for line, message in sorted(problems)])
        self._save(plan)
        return len(rows)

    @commutes
    def record_finance(self, plan_id: str, *, year: object, domain: str, kind: str, amount: object,
                       note: str = "", period: object = None, confirmed: bool = False, at: datetime,
                       by: Actor | str) -> str:
        """Record a finance figure over (part of) a year; return why it needs confirming, or ""."""
        actor = self.acting(by, "record_data")
        plan = self.get_plan(plan_id)
        check = plan.record_finance(year=year, domain=domain, kind=kind, amount=amount, note=note,
                                    period=period, confirmed=confirmed, at=at, by=actor)
        self._save(plan)
        return check

    def confirm_finance(self, plan_id: str, *, year: object, domain: str, kind: str, note: str = "",
                        at: datetime, by: Actor | str) -> None:
        """Confirm that the latest figure of a year, domain and kind is right though it looked implausible."""
        actor = self.acting(by, "record_data")
        plan = self.get_plan(plan_id)
        plan.confirm_finance(year=year, domain=domain, kind=kind, note=note, at=at, by=actor)
        self._save(plan)

    def write_report_text(self, plan_id: str, *, period: str, section: str, text: str, at: datetime,
                          by: Actor | str) -> None:
        """Write the inleiding or the vervolgproces of a half year's council report."""
        actor = self.acting(by, "publish_report")
        plan = self.get_plan(plan_id)
        plan.write_report_text(period=period, section=section, text=text, at=at, by=actor)
        self._save(plan)

    def set_report_signature(self, plan_id: str, *, college: str, signatories: list[tuple[str, str]],
                             at: datetime, by: Actor | str) -> None:
        """Set who signs the plan's council reports."""
        actor = self.acting(by, "publish_report")
        plan = self.get_plan(plan_id)
        plan.set_report_signature(college=college, signatories=signatories, at=at, by=actor)
        self._save(plan)

    def set_public_site(self, plan_id: str, *, public: bool, fields: list[str] | tuple[str, ...] = (),
                        reason: str = "", at: datetime, by: Actor | str) -> None:
        """Open or close a plan's public site (opt-in), with the fields it shows besides the defaults."""
        actor = self.acting(by, "publish_site")
        plan = self.get_plan(plan_id)
        plan.set_public_site(public=public, fields=list(fields), reason=reason, at=at, by=actor)
        self._save(plan)

    def publish_report(self, plan_id: str, *, period: str, as_of: date, position: int, at: datetime,
                       by: Actor | str, new_version: bool = False, reason: str = "",
                       known_on: date | None = None) -> int:
        """Adopt a council report as made from a position of the event log; return its number."""
        actor = self.acting(by, "publish_report")
        if position > (self.recorder.max_notification_id() or 0):
            raise DomainError(f"Positie {position} ligt voorbij de laatste gebeurtenis.")
        plan = self.get_plan(plan_id)
        number = plan.publish_report(period=period, as_of=as_of, position=position, at=at, by=actor,
                                     new_version=new_version, reason=reason, known_on=known_on)
        self._save(plan)
        return number
