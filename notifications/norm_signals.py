"""The normering's signals as reminders: each signal once to the stuurgroep and to every beheerder.

A signal's identity is its plan, aanbieder, zorgsoort, year and recipient, so the delivery log
(claim, send, record) sends it once; a correction that lowers the spending below the threshold
and raises it again does not send it twice.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Iterable

from notifications.rules import ReminderItem
from notifications.settings import ReminderSettings
from tracker.slugs import slugify

RULE = "norm_signal"


def signal_id(signal: dict[str, Any]) -> str:
    """Return the part of a signal's identity that names its aanbieder and zorgsoort."""
    return f"{slugify(signal['aanbieder'])}--{slugify(signal['zorgsoort'])}"


def signal_reminders(plan_id: str, signals: Iterable[dict[str, Any]], settings: ReminderSettings,
                     beheerders: Iterable[dict[str, Any]]) -> list[ReminderItem]:
    """Return one reminder per signal and recipient: the plan's stuurgroep address and every beheerder."""
    if not settings.enabled:
        return []
    recipients = [(settings.stuurgroep, "Stuurgroep", "stuurgroep")] if settings.stuurgroep else []
    recipients += [(u["email"], u["name"], "beheerder") for u in beheerders]
    items = []
    for s in signals:
        for email, name, role in recipients:
            items.append(ReminderItem(
                rule=RULE, recipient=email, recipient_name=name, role=role, plan_id=plan_id,
                occasion=date.fromisoformat(s["since"]), period=str(s["jaar"]), milestone_id=signal_id(s),
                label=f"{s['aanbieder']}, {s['zorgsoort']}", title=s["basis"],
                sections={"share": s["share"], "threshold": s["threshold"], "norm": s["norm"], "spent": s["spent"],
                          "basis": s["basis"], "since": s["since"], "aanbieder": s["aanbieder"],
                          "zorgsoort": s["zorgsoort"], "jaar": s["jaar"], "analysis": s["analysis"]}))
    return items
