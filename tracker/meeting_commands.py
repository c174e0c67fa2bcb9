"""The stuurgroep's meetings (mixed into TrackerApp): open, decide on interventions, close.

A decision is recorded on the meeting and, as "besproken op", on the intervention; an action
with an owner and a term becomes a milestone of the intervention, so it is tracked and reminded
like every other; its owner is reminded of it and may report it done or move it (as may the trekker).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from eventsourcing.application import AggregateNotFoundError

from tracker.actors import Actor
from tracker.errors import DomainError, NotFoundError
from tracker.meeting import Meeting, meeting_uuid


MAX_ACTION = 1000  # characters: an action becomes a milestone's label, read in lists and mails


class MeetingCommands:
    """Commands on the stuurgroep's meetings."""

    repository: Any

    def get_meeting(self, plan_id: str, key: str) -> Meeting:
        """Return a plan's meeting by its id (its date, "-2" for a second on that day)."""
        try:
            found = self.repository.get(meeting_uuid(plan_id, key))
        except AggregateNotFoundError:
            found = None
        if not isinstance(found, Meeting):
            raise NotFoundError(f"Plan '{plan_id}' heeft geen vergadering '{key}'.")
        return found

    def open_meeting(self, plan_id: str, *, meeting_date: date, attendees: list[str] | str = (),
                     at: datetime, by: Actor | str) -> str:
        """Open a meeting of the stuurgroep on a date; return its id."""
        actor = self.acting(by, "review")  # type: ignore[attr-defined]
        self._not_before_plan(plan_id, meeting_date)  # type: ignore[attr-defined]  (and the plan exists)
        key, n = meeting_date.isoformat(), 2
        while meeting_uuid(plan_id, key) in self.repository:
            key, n = f"{meeting_date.isoformat()}-{n}", n + 1
        self._save(Meeting.open(plan_id=plan_id, key=key, meeting_date=meeting_date,  # type: ignore[attr-defined]
                                attendees=list(attendees) if not isinstance(attendees, str) else attendees,
                                at=at, by=actor))
        return key

    def set_meeting_attendees(self, plan_id: str, key: str, attendees: list[str] | str, *, at: datetime,
                              by: Actor | str) -> None:
        """Record who attended a meeting."""
        actor = self.acting(by, "review")  # type: ignore[attr-defined]
        meeting = self.get_meeting(plan_id, key)
        meeting.set_attendees(attendees, at=at, by=actor)
        self._save(meeting)  # type: ignore[attr-defined]

    def decide(self, plan_id: str, key: str, code: str, *, decision: str, action: str = "", owner: str = "",
               term: str = "", at: datetime, by: Actor | str) -> str:
        """Record the meeting's decision on an intervention; return the action's milestone id ("" without)."""
        actor = self.acting(by, "review")  # type: ignore[attr-defined]
        from tracker.application import to_due

        meeting = self.get_meeting(plan_id, key)
        iv = self.get_intervention(plan_id, code)  # type: ignore[attr-defined]
        action, owner, term = (action or "").strip(), (owner or "").strip().lower(), (term or "").strip()
        meeting.check_open()
        # Every problem of the form at once, each at its field, so the secretary corrects it in one go.
        problems: dict[str, str] = {}

        def refuse(field: str, message: str) -> None:
            problems.setdefault(field, message)

        if not (decision or "").strip():
            refuse("besluit", f"Vul het besluit over {code} in.")
        if (owner or term) and not action:
            refuse("actie", "Een eigenaar en een termijn horen bij een actie: beschrijf de actie.")
        owner_name = milestone_id = term_text = ""
        if len(action) > MAX_ACTION:
            refuse("actie", f"Een actie is te lang: {len(action)} tekens, ten hoogste {MAX_ACTION}. "
                            "Beschrijf haar in een zin; de rest past in het besluit.")
        due = None
        if action and (not owner or not term):
            refuse("eigenaar" if not owner else "termijn", "Een actie heeft een eigenaar en een termijn nodig.")
        if owner:
            try:
                account = self.get_user(owner)  # type: ignore[attr-defined]
            except NotFoundError:
                refuse("eigenaar", f"Er is geen gebruiker met e-mailadres {owner}: de eigenaar van een actie "
                                   "heeft een account.")
            else:
                if not account.active:
                    refuse("eigenaar", f"Het account van {owner} is gedeactiveerd.")
                owner_name = account.name
        if term:
            try:
                due = to_due(term)
            except DomainError as exc:
                refuse("termijn", str(exc))
            else:
                term_text = due.text
                if due.date < meeting.meeting_date:
                    refuse("termijn", f"De termijn {term_text} ligt vóór de vergadering van "
                                      f"{meeting.meeting_date:%d-%m-%Y}: geef een termijn vanaf de vergaderdatum.")
        if problems:
            order = ("besluit", "actie", "eigenaar", "termijn")
            fields = {name: problems[name] for name in order if name in problems}
            raise DomainError(" ".join(dict.fromkeys(fields.values())), fields=fields)
        if action:
            assert due is not None
            milestone_id = iv.new_milestone_id(f"actie {action}")
            iv.plan_milestone(milestone_id=milestone_id, label=f"Actie stuurgroep: {action}", kind="decision",
                              due=due, note=f"Eigenaar: {owner_name} ({owner}); besluit van de stuurgroep op "
                                            f"{meeting.meeting_date:%d-%m-%Y}", at=at, by=actor,
                              owner_email=owner, owner_name=owner_name)
        actions = f"{action} (eigenaar {owner_name}, termijn {term_text})" if action else ""
        iv.record_review(meeting_date=meeting.meeting_date, decision=decision, actions=actions, at=at, by=actor)
        meeting.decide(code=code, decision=decision, action=action, owner_email=owner, owner_name=owner_name,
                       term_text=term_text, milestone_id=milestone_id, at=at, by=actor)
        self._save(meeting, iv)  # type: ignore[attr-defined]
        return milestone_id

    def close_meeting(self, plan_id: str, key: str, *, at: datetime, by: Actor | str) -> None:
        """Close a meeting: its besluitenlijst is final."""
        actor = self.acting(by, "review")  # type: ignore[attr-defined]
        meeting = self.get_meeting(plan_id, key)
        meeting.close(at=at, by=actor)
        self._save(meeting)  # type: ignore[attr-defined]
