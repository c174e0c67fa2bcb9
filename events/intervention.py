"""Events of an intervention (maatregel) and its milestones (Tijdpad)."""

from __future__ import annotations

from datetime import date
from typing import Any

from events.base import TrackerCreated, TrackerEvent


class InterventionAdded(TrackerCreated):
    plan_id: str
    code: str
    title: str
    group_path: list[dict[str, str]]
    domain: str
    details: dict[str, Any]


class InterventionRevised(TrackerEvent):
    """A new plan version changed what the plan says of the intervention."""

    class_version = 2

    changes: dict[str, Any]
    reason: str
    before: dict[str, Any]  # the values ``changes`` replaced, field by field

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        state["before"] = {}  # not kept at first: worded as the new value only


class InterventionDropped(TrackerEvent):
    reason: str


class InterventionReinstated(TrackerEvent):
    reason: str


class InterventionClosed(TrackerEvent):
    note: str


class MilestonePlanned(TrackerEvent):
    milestone_id: str
    label: str
    kind: str
    due: date
    due_precision: str
    due_text: str
    note: str


class MilestoneRelabelled(TrackerEvent):
    milestone_id: str
    label: str
    reason: str


class MilestoneCompleted(TrackerEvent):
    milestone_id: str
    realised: date | None  # None: done according to the plan, date unknown
    note: str


class MilestoneRescheduled(TrackerEvent):
    milestone_id: str
    due: date
    due_precision: str
    due_text: str
    reason: str


class MilestoneCancelled(TrackerEvent):
    milestone_id: str
    reason: str


class TrekkerAssigned(TrackerEvent):
    name: str
    email: str


class NoteAdded(TrackerEvent):
    text: str


class StoplichtSet(TrackerEvent):
    colour: str
    oorzaak: str
    gevolg: str
    bijsturing: str


class ReviewRecorded(TrackerEvent):
    """The stuurgroep discussed the intervention."""

    meeting_date: date
    decision: str
    actions: str
