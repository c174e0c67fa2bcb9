"""Base classes shared by every event of the tracker."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from eventsourcing.domain import AggregateCreated, AggregateEvent


class TrackerEvent(AggregateEvent):
    """An event that records who did it and when (the clock is an input)."""

    at: datetime
    by: str

    def apply(self, aggregate: Any) -> None:
        aggregate.when(self)


class TrackerCreated(AggregateCreated, TrackerEvent):
    """The first event of an aggregate."""
