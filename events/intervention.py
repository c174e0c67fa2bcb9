"""Events of an intervention (maatregel) and its milestones (Tijdpad).

Each says when it was recorded (``at``) and, where that differs, when it happened: a realised
date, a meeting date, or ``valid_on`` (None: it happened when it was recorded).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from events.base import TrackerCreated, TrackerEvent


class InterventionAdded(TrackerCreated):
    class_version = 2

    plan_id: str
    code: str
    title: str
    group_path: list[dict[str, str]]
    domain: str
    details: dict[str, Any]
    valid_on: date | None  # the day the plan holds it from (its adoption); None: when recorded

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        state["valid_on"] = None  # at first it held from the moment it was recorded


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
    """A line of the Tijdpad: due on a day, starting on one, both, or an undated step."""

    class_version = 4

    milestone_id: str
    label: str
    kind: str
    due: date | None          # None: no deadline (a start only, or an undated step)
    due_precision: str
    due_text: str
    note: str
    valid_on: date | None  # the day it is in the Tijdpad from (the plan's adoption); None: when recorded
    starts: date | None       # the first day of a stated start ("vanaf 2019"), or None
    starts_precision: str
    starts_text: str
    when: str                 # an undated step's own words ("op korte termijn"), or ""
    source: dict[str, Any]    # where the line stands in the plan's source document
    owner_email: str          # who carries it out when not the trekker (a stuurgroep's action), or ""
    owner_name: str

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        state["valid_on"] = None  # at first it held from the moment it was recorded

    @staticmethod
    def upcast_v2_v3(state: dict[str, Any]) -> None:
        # Until version 3 every line had a due date and nothing else.
        state.update(starts=None, starts_precision="", starts_text="", when="", source={})

    @staticmethod
    def upcast_v3_v4(state: dict[str, Any]) -> None:
        # Until version 4 an action's owner stood only in its note: read from there.
        state["owner_email"], state["owner_name"] = owner_in_note(state)


# How a stuurgroep's action worded its owner in the note before MilestonePlanned had the fields.
_OWNER_NOTE = re.compile(r"Eigenaar: (?P<name>[^\n]*) \((?P<email>[^()\s]+@[^()\s]+)\); besluit van de stuurgroep op ")


def owner_in_note(state: dict[str, Any]) -> tuple[str, str]:
    """Return (e-mail, name) of the owner of a stuurgroep's action recorded before version 4, else ("", "")."""
    if state.get("kind") != "decision" or not str(state.get("label", "")).startswith("Actie stuurgroep: "):
        return "", ""
    found = _OWNER_NOTE.match(state.get("note") or "")
    return (found["email"].lower(), found["name"]) if found else ("", "")


class MilestoneRelabelled(TrackerEvent):
    milestone_id: str
    label: str
    reason: str


class MilestoneCompleted(TrackerEvent):
    milestone_id: str
    realised: date | None  # None: done according to the plan, date unknown
    note: str


class MilestoneRescheduled(TrackerEvent):
    class_version = 2

    milestone_id: str
    due: date
    due_precision: str
    due_text: str
    reason: str
    valid_on: date | None  # the day it was decided; None: when recorded

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        state["valid_on"] = None  # at first it held from the moment it was recorded


class MilestoneCancelled(TrackerEvent):
    class_version = 2

    milestone_id: str
    reason: str
    valid_on: date | None  # the day it was decided; None: when recorded

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        state["valid_on"] = None  # at first it held from the moment it was recorded


class TrekkerAssigned(TrackerEvent):
    name: str
    email: str


class NoteAdded(TrackerEvent):
    text: str


class StoplichtSet(TrackerEvent):
    class_version = 2

    colour: str
    oorzaak: str
    gevolg: str
    bijsturing: str
    valid_on: date | None  # the stoplicht holds per this day; None: from when it was recorded

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        state["valid_on"] = None  # at first it held from the moment it was recorded


class ReviewRecorded(TrackerEvent):
    """The stuurgroep discussed the intervention."""

    meeting_date: date
    decision: str
    actions: str


class UpToDateConfirmed(TrackerEvent):
    """The trekker looked at the intervention and confirmed that it stands as recorded (nog actueel)."""
