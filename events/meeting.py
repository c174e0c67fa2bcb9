"""Events of a stuurgroep meeting (vergadering): opened on a date, decisions per intervention, closed."""

from __future__ import annotations

from datetime import date

from events.base import TrackerCreated, TrackerEvent


class MeetingOpened(TrackerCreated):
    plan_id: str
    key: str            # the meeting's id within the plan: its date, "-2" for a second that day
    meeting_date: date
    attendees: list[str]


class AttendeesSet(TrackerEvent):
    attendees: list[str]


class MeetingDecided(TrackerEvent):
    """A decision on one intervention; an action with an owner and a term became a milestone of it."""

    code: str
    decision: str
    action: str         # "" when the decision has no action
    owner_email: str
    owner_name: str
    term_text: str      # the action's term as the plan words it ("Q2 2026"), "" without action
    milestone_id: str   # the milestone the action became on the intervention, "" without action


class MeetingClosed(TrackerEvent):
    """The besluitenlijst is final: no more decisions."""
