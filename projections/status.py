"""Derived states: a milestone's state on a day, the automatic stoplicht, actualiteit.

These are pure functions of read-model rows and "today", so any date can be asked about.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Iterable

from events.vocabulary import MilestoneState, Stoplicht

SOON_DAYS = 30          # a milestone due within this many days is "binnenkort"
LONG_LATE_DAYS = 90     # one milestone later than this makes the stoplicht rood
STALE_DAYS = 92         # no update for longer than a quarter: actualiteit is flagged
COLOURS = Stoplicht.values()


def milestone_state(row: dict[str, Any], today: date) -> str:
    """Return gereed, vervallen, te_laat, binnenkort, verschoven, gepland, gestart or zonder_termijn."""
    if row["status"] == "done":
        return MilestoneState.GEREED.value
    if row["status"] == "cancelled":
        return MilestoneState.VERVALLEN.value
    if not row.get("due"):
        # A start only is never late: it has no deadline. An undated step has no date at all.
        if row.get("starts"):
            started = row["starts"] <= today.isoformat()
            return (MilestoneState.GESTART if started else MilestoneState.GEPLAND).value
        return MilestoneState.ZONDER_TERMIJN.value
    due = date.fromisoformat(row["due"])
    if due < today:
        return MilestoneState.TE_LAAT.value
    if (due - today).days <= SOON_DAYS:
        return MilestoneState.BINNENKORT.value
    if row.get("reschedule_count"):
        return MilestoneState.VERSCHOVEN.value
    return MilestoneState.GEPLAND.value


def days_late(row: dict[str, Any], today: date) -> int:
    """Return how many days an open milestone is past its due date (0 when not late)."""
    if row["status"] != "open" or not row.get("due"):
        return 0
    return max(0, (today - date.fromisoformat(row["due"])).days)


def is_planned(row: dict[str, Any]) -> bool:
    """Tell whether a milestone is open and dated: something the intervention can be on track with."""
    return row["status"] == "open" and bool(row.get("due") or row.get("starts"))


def auto_stoplicht(milestones: Iterable[dict[str, Any]], today: date) -> str:
    """Return the stoplicht the milestones call for.

    groen: nothing late; oranje: one milestone late, at most LONG_LATE_DAYS; rood: two or
    more late, or one later than LONG_LATE_DAYS; geen_planning: nothing late and no dated open
    milestone at all.
    """
    milestones = list(milestones)
    late = [days_late(m, today) for m in milestones if days_late(m, today) > 0]
    if not late:
        if not any(is_planned(m) for m in milestones):
            return Stoplicht.GEEN_PLANNING.value
        return Stoplicht.GROEN.value
    if len(late) >= 2 or max(late) > LONG_LATE_DAYS:
        return Stoplicht.ROOD.value
    return Stoplicht.ORANJE.value


def worst(*colours: str | None) -> str:
    """Return the most serious of the given stoplicht colours."""
    return Stoplicht.worst(*colours).value


def actualiteit(last_update_at: str | None, today: date) -> tuple[int | None, bool]:
    """Return the days since the last update and whether that is older than a quarter."""
    if not last_update_at:
        return None, True
    days = (today - date.fromisoformat(last_update_at[:10])).days
    return max(days, 0), days > STALE_DAYS
