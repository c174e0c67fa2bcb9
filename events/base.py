"""Base classes shared by every event of the tracker."""

from __future__ import annotations

from dataclasses import field
from datetime import datetime
from typing import Any

from eventsourcing.domain import AggregateCreated, AggregateEvent


class TrackerEvent(AggregateEvent):
    """An event that records who did it and when (the clock is an input).

    ``by`` is the name it was done by; ``by_id`` the id of that account, or None for the
    command-line operator, the system, and every event recorded before accounts were kept
    (their stored state has no ``by_id``: the class attribute answers None).
    """

    at: datetime
    by: str
    by_id: str | None = field(default=None, kw_only=True)

    def apply(self, aggregate: Any) -> None:
        aggregate.when(self)


class TrackerCreated(AggregateCreated, TrackerEvent):
    """The first event of an aggregate."""
