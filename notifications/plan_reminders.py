"""Reminders about the plan's own milestones: to every beheerder (who updates them), escalated to the stuurgroep.

The same moments as an intervention's milestones (notifications/rules.py): before the due date
(``before_due``), when late (``overdue_after``, then every ``overdue_every`` days) and, late by
``escalate_after`` days, once to the plan's stuurgroep address. Without a beheerder account the
reminders before and after the due date go to the stuurgroep address instead, so none is lost.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Iterable

from notifications.rules import ReminderItem
from notifications.settings import ReminderSettings

RULES = ("plan_due_soon", "plan_overdue", "plan_escalation")


def _item(rule: str, plan_id: str, m: dict[str, Any], today: date, occasion: date, recipient: str, name: str,
          role: str, period: str) -> ReminderItem:
    due = date.fromisoformat(m["due"])
    return ReminderItem(rule=rule, recipient=recipient, recipient_name=name, role=role, plan_id=plan_id,
                        occasion=occasion, period=period, milestone_id=m["milestone_id"], label=m["label"],
                        due=due, due_text=m["due_text"], days=(due - today).days)


def plan_milestone_reminders(plan_id: str, milestones: Iterable[dict[str, Any]], today: date,
                             settings: ReminderSettings, beheerders: Iterable[dict[str, Any]]) -> list[ReminderItem]:
    """Return the reminders a plan's own open milestones call for today (sent or not: the delivery log decides)."""
    if not settings.enabled:
        return []
    recipients = [(u["email"], u["name"], "beheerder") for u in beheerders]
    if not recipients and settings.stuurgroep:
        recipients = [(settings.stuurgroep, "Stuurgroep", "stuurgroep")]
    items: list[ReminderItem] = []
    for m in milestones:
        if m["status"] != "open" or not m.get("due"):
            continue  # a start or an undated step has no deadline to remind of
        due = date.fromisoformat(m["due"])
        left = (due - today).days
        if left >= 0:
            fired = [n for n in settings.before_due if n >= left]
            if fired:
                occasion = due - timedelta(days=min(fired))
                items += [_item("plan_due_soon", plan_id, m, today, occasion, email, name, role, occasion.isoformat())
                          for email, name, role in recipients]
            continue
        late = -left
        if late >= settings.overdue_after:
            step = (late - settings.overdue_after) // settings.overdue_every
            occasion = due + timedelta(days=settings.overdue_after + step * settings.overdue_every)
            items += [_item("plan_overdue", plan_id, m, today, occasion, email, name, role, occasion.isoformat())
                      for email, name, role in recipients]
        if settings.stuurgroep and late >= settings.escalate_after:
            occasion = due + timedelta(days=settings.escalate_after)
            items.append(_item("plan_escalation", plan_id, m, today, occasion, settings.stuurgroep, "Stuurgroep",
                               "stuurgroep", ""))
    return items
