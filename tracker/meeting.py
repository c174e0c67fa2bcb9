"""The Meeting aggregate: a stuurgroep meeting of a plan, its attendees and its decisions."""

from __future__ import annotations

from datetime import date, datetime
from functools import singledispatchmethod
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from events.meeting import AttendeesSet, MeetingClosed, MeetingDecided, MeetingOpened
from tracker.actors import RecordsActor
from tracker.errors import DomainError
from tracker.texts import check_names


def meeting_uuid(plan_id: str, key: str) -> UUID:
    """Return the stable id of a plan's meeting."""
    return uuid5(NAMESPACE_URL, f"urn:plan-tracker:meeting:{plan_id}:{key}")


def clean_attendees(attendees: list[str] | str) -> list[str]:
    """Return the attendees as names, one per line or comma, without blanks or doubles."""
    if isinstance(attendees, str):
        attendees = attendees.replace(",", "\n").splitlines()
    seen: list[str] = []
    for name in (a.strip() for a in attendees):
        if name and name not in seen:
            seen.append(name)
    check_names(seen, "aanwezigen")
    return seen


class Meeting(RecordsActor, Aggregate):
    """A stuurgroep meeting: opened on a date, decisions recorded until it is closed."""

    @classmethod
    def open(cls, *, plan_id: str, key: str, meeting_date: date, attendees: list[str], at: datetime,
             by: str) -> Meeting:
        """Open a meeting of a plan on a date."""
        return cls._create(MeetingOpened, id=meeting_uuid(plan_id, key), plan_id=plan_id, key=key,
                           meeting_date=meeting_date, attendees=clean_attendees(attendees), at=at, by=by)

    @singledispatchmethod
    def when(self, event: Any) -> None:
        raise NotImplementedError(type(event).__name__)

    @when.register
    def _(self, e: MeetingOpened) -> None:
        self.plan_id, self.key, self.meeting_date = e.plan_id, e.key, e.meeting_date
        self.attendees = list(e.attendees)
        self.decisions: list[tuple[str, str]] = []
        self.closed = False

    @when.register
    def _(self, e: AttendeesSet) -> None:
        self.attendees = list(e.attendees)

    @when.register
    def _(self, e: MeetingDecided) -> None:
        self.decisions.append((e.code, e.decision))

    @when.register
    def _(self, e: MeetingClosed) -> None:
        self.closed = True

    def check_open(self) -> None:
        if self.closed:
            raise DomainError(f"De vergadering van {self.meeting_date:%d-%m-%Y} is gesloten: de besluitenlijst "
                              "ligt vast.")

    def set_attendees(self, attendees: list[str] | str, *, at: datetime, by: str) -> None:
        """Record who attended."""
        self.check_open()
        names = clean_attendees(attendees)
        if names != self.attendees:
            self.trigger_event(AttendeesSet, attendees=names, at=at, by=by)

    def decide(self, *, code: str, decision: str, action: str = "", owner_email: str = "", owner_name: str = "",
               term_text: str = "", milestone_id: str = "", at: datetime, by: str) -> None:
        """Record a decision on an intervention (checked by the application first)."""
        self.check_open()
        decision = (decision or "").strip()
        if not decision:
            raise DomainError(f"Vul het besluit over {code} in.")
        self.trigger_event(MeetingDecided, code=code, decision=decision, action=(action or "").strip(),
                           owner_email=owner_email, owner_name=owner_name, term_text=term_text,
                           milestone_id=milestone_id, at=at, by=by)

    def close(self, *, at: datetime, by: str) -> None:
        """Close the meeting: the besluitenlijst is final."""
        self.check_open()
        self.trigger_event(MeetingClosed, at=at, by=by)
