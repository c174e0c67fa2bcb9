"""Events of the links between plans: an intervention that contributes to a goal or an intervention of another plan.

A link names its target by plan and group key (a goal, opgave or actielijn) or by plan and
intervention code. ``judgement`` marks a link the source documents do not state: the
beheerder's own reading of them. ``origin`` is "planbestand" for a link declared in a plan
file, "" for one added by hand.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from events.base import TrackerEvent

PLAN_FILE = "planbestand"


class ContributionLinked(TrackerEvent):
    target_plan: str
    target_group: str  # a group key of the target plan, or ""
    target_code: str   # an intervention code of the target plan, or ""
    reason: str
    judgement: bool
    origin: str
    why: str           # why the link was made (the plan version, or the beheerder's words)
    valid_on: date | None  # the day it holds from (a plan's adoption); None: when recorded


class ContributionUnlinked(TrackerEvent):
    target_plan: str
    target_group: str
    target_code: str
    why: str


def link_key(target_plan: str, target_group: str, target_code: str) -> str:
    """Return the one text that names a link's target: 'plan#groep:KEY' or 'plan#code:CODE'."""
    return f"{target_plan}#groep:{target_group}" if target_group else f"{target_plan}#code:{target_code}"


def link_facts(state: Any) -> dict[str, Any]:
    """Return a link as the plain values an intervention's description keeps."""
    get = state.get if isinstance(state, dict) else lambda k, d=None: getattr(state, k, d)
    facts: dict[str, Any] = {"plan": get("target_plan")}
    if get("target_group"):
        facts["group"] = get("target_group")
    else:
        facts["code"] = get("target_code")
    facts.update(reason=get("reason", ""), judgement=bool(get("judgement", False)),
                 origin=get("origin", ""))
    return facts
