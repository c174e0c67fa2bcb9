"""The moment of a change: the clock is an input, the same way for every interface."""

from __future__ import annotations

from datetime import date, datetime, time

# A change given only a day is recorded at noon: reproducible, and after whatever that day began with.
NOON = time(12, 0)


def moment_of_change(today: date | datetime | None) -> datetime:
    """Return when a change is recorded: the given moment, noon of the given day, or now."""
    if today is None:
        return datetime.now().replace(microsecond=0)
    if isinstance(today, datetime):
        return today
    return datetime.combine(today, NOON)
