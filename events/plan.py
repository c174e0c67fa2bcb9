"""Events of a plan (uitvoeringsagenda) as a whole."""

from __future__ import annotations

from typing import Any

from events.base import TrackerCreated, TrackerEvent


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
