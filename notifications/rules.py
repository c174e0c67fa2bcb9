"""Reminder rules as pure functions: read-model rows, today and a plan's settings in, items out.

Each item has an identity (``key``): rule, plan, intervention, milestone, due date, period and
recipient. A rule yields the most recent occasion that has come (so a run after downtime sends a
missed reminder late, once) and nothing once the milestone is done or cancelled; a rescheduled
milestone gets new identities from its new due date.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Iterable

from events.intervention import MilestoneCancelled, MilestoneCompleted, MilestoneRescheduled
from events.plan import AgendaMilestoneCancelled, AgendaMilestoneCompleted, AgendaMilestoneRescheduled
from events.periods import Quarter
from notifications.settings import ReminderSettings
from notifications.workdays import workdays_before
from projections.status import is_planned

RULES = ("due_soon", "overdue", "escalation_overdue", "escalation_no_trekker", "quarterly_update",
         "weekly_digest", "norm_signal", "plan_due_soon", "plan_overdue", "plan_escalation")
SOON_WINDOW_DAYS = 30


@dataclass(frozen=True, eq=True)
class ReminderItem:
    """One reminder to one recipient, with the facts its e-mail needs."""

    rule: str
    recipient: str
    recipient_name: str
    role: str  # trekker | stuurgroep
    plan_id: str
    occasion: date
    period: str = ""
    code: str = ""
    title: str = ""
    milestone_id: str = ""
    label: str = ""
    due: date | None = None
    due_text: str = ""
    days: int = 0  # days until the due date; negative when late
    sections: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    # The intervention's version the reminder was made from (for its action links); not its identity.
    version: int | None = field(default=None, compare=False, hash=False)
    # Sent to the milestone's owner (a stuurgroep's action), who is not the intervention's trekker.
    milestone_owner: bool = field(default=False, compare=False, hash=False)

    @property
    def key(self) -> str:
        """Return the reminder's identity."""
        return "|".join((self.rule, self.plan_id, self.code, self.milestone_id,
                         self.due.isoformat() if self.due else "", self.period,
                         self.recipient.lower()))

    @property
    def _plan_name(self) -> str:
        """The plan a reminder about the plan itself is about: its title where known, else its id."""
        return f"«{self.title}»" if self.title else self.plan_id

    def summary(self) -> str:
        """Return one Dutch line that says what the reminder is about."""
        if self.rule == "weekly_digest":
            return f"Weekoverzicht {self._plan_name} (week van {self.period})"
        if self.rule == "norm_signal":
            share = f"{self.sections.get('share', 0):.1f}".replace(".", ",")
            return f"Signaal normering {self.label} {self.period}: {share} % van de {self.title}"
        if self.rule == "quarterly_update":
            ask = ", plan een eerste mijlpaal" if self.sections.get("plan_first_milestone") else ""
            return f"{self.code} {self.title}: kwartaalupdate {self.period}{ask}"
        if self.rule == "escalation_no_trekker":
            return f"{self.code} {self.title}: geen trekker"
        if self.rule.startswith("plan_"):
            return f"Mijlpaal van het plan {self._plan_name}: {self.label} ({self.due_text}): {days_phrase(self.days)}"
        return f"{self.code} {self.label} ({self.due_text}): {days_phrase(self.days)}"

    def to_json(self) -> dict[str, Any]:
        """Return the item in the shape of `tracker reminders --json` (docs/cli.md)."""
        return {
            "key": self.key, "rule": self.rule, "recipient": self.recipient, "role": self.role,
            "plan": self.plan_id, "code": self.code or None, "milestone": self.milestone_id or None,
            "due": self.due.isoformat() if self.due else None, "due_text": self.due_text or None,
            "occasion": self.occasion.isoformat(), "period": self.period or None, "days": self.days,
            "summary": self.summary(),
        }


def days_phrase(days: int) -> str:
    """Return 'nog 7 dagen', 'vandaag', '1 dag te laat' and the like."""
    if days == 0:
        return "vandaag"
    if days == 1:
        return "morgen"
    if days > 1:
        return f"nog {days} dagen"
    late = -days
    return f"{late} dag{'' if late == 1 else 'en'} te laat"


def quarterly_update_day(day: date, workdays: int) -> date:
    """Return the day the quarterly update request goes out in the quarter of ``day``."""
    return workdays_before(Quarter.of(day).end, workdays)


def digest_week(today: date) -> tuple[date, date, date]:
    """Return the Monday of this week's digest and the first and last day it looks back on."""
    monday = today - timedelta(days=today.weekday())
    return monday, monday - timedelta(days=7), monday - timedelta(days=1)


def _open(iv: dict[str, Any]) -> bool:
    return not iv["closed"] and not iv["dropped"]


def _milestone_item(rule: str, iv: dict[str, Any], m: dict[str, Any], today: date, occasion: date,
                    recipient: str, name: str, role: str, period: str) -> ReminderItem:
    due = date.fromisoformat(m["due"])
    owner = role == "trekker" and bool(m.get("owner_email")) and \
        m["owner_email"].lower() != (iv.get("trekker_email") or "").lower()
    return ReminderItem(rule=rule, recipient=recipient, recipient_name=name, role=role,
                        plan_id=iv["plan_id"], occasion=occasion, period=period, code=iv["code"],
                        title=iv["title"], milestone_id=m["milestone_id"], label=m["label"], due=due,
                        due_text=m["due_text"], days=(due - today).days, version=iv.get("version"),
                        milestone_owner=owner)


def milestone_reminders(iv: dict[str, Any], today: date, settings: ReminderSettings) -> list[ReminderItem]:
    """Return the trekker's and the stuurgroep's reminders about the open milestones of one intervention.

    A milestone with an owner (a stuurgroep's action given to someone) is reminded to its owner,
    who may report it done or move it, instead of to the trekker.
    """
    items: list[ReminderItem] = []
    for m in iv["milestones"]:
        if m["status"] != "open" or not m.get("due"):
            continue  # a start or an undated step has no deadline to remind of
        if m.get("owner_email"):
            email, name = m["owner_email"], m.get("owner_name") or ""
        else:
            email, name = iv.get("trekker_email"), iv.get("trekker_name") or ""
        due = date.fromisoformat(m["due"])
        left = (due - today).days
        if left >= 0:
            fired = [n for n in settings.before_due if n >= left]
            if email and fired:
                n = min(fired)
                occasion = due - timedelta(days=n)
                items.append(_milestone_item("due_soon", iv, m, today, occasion, email, name, "trekker",
                                             occasion.isoformat()))
            continue
        late = -left
        if email and late >= settings.overdue_after:
            step = (late - settings.overdue_after) // settings.overdue_every
            occasion = due + timedelta(days=settings.overdue_after + step * settings.overdue_every)
            items.append(_milestone_item("overdue", iv, m, today, occasion, email, name, "trekker",
                                         occasion.isoformat()))
        if settings.stuurgroep and late >= settings.escalate_after:
            occasion = due + timedelta(days=settings.escalate_after)
            item = _milestone_item("escalation_overdue", iv, m, today, occasion,
                                   settings.stuurgroep, "Stuurgroep", "stuurgroep", "")
            item.sections["trekker"] = iv.get("trekker_name") or ""
            if m.get("owner_email"):
                item.sections["owner"] = m.get("owner_name") or m["owner_email"]
            items.append(item)
    return items


def quarterly_reminders(iv: dict[str, Any], today: date, settings: ReminderSettings) -> list[ReminderItem]:
    """Return the trekker's request to update before the quarter's steering meeting."""
    if not settings.quarterly_update_workdays or not iv.get("trekker_email"):
        return []
    send_on = quarterly_update_day(today, settings.quarterly_update_workdays)
    quarter = Quarter.of(today)
    end = quarter.end
    if not send_on <= today <= end:
        return []
    item = ReminderItem(rule="quarterly_update", recipient=iv["trekker_email"],
                        recipient_name=iv.get("trekker_name") or "", role="trekker",
                        plan_id=iv["plan_id"], occasion=send_on, period=quarter.key,
                        code=iv["code"], title=iv["title"], due=end, due_text=quarter.key,
                        days=(end - today).days, version=iv.get("version"))
    if not any(is_planned(m) for m in iv["milestones"]):
        # Geen planning: the update the trekker is asked for is a first dated milestone.
        item.sections["plan_first_milestone"] = True
    return [item]


def _milestone_line(iv: dict[str, Any], m: dict[str, Any], today: date) -> dict[str, Any]:
    due = date.fromisoformat(m["due"])
    return {"plan_id": iv["plan_id"], "code": iv["code"], "title": iv["title"], "label": m["label"],
            "due": m["due"], "due_text": m["due_text"], "days": (due - today).days,
            "trekker": iv.get("trekker_name") or ""}


def weekly_digest(plan_id: str, interventions: Iterable[dict[str, Any]], changes: Iterable[dict[str, Any]],
                  today: date, settings: ReminderSettings,
                  plan_milestones: Iterable[dict[str, Any]] = ()) -> list[ReminderItem]:
    """Return the stuurgroep's digest of this week: turned late, rescheduled or completed, due soon.

    ``changes`` are the history rows of the week before this week's Monday; ``plan_milestones``
    the plan's own, which stand in it as an intervention's do (without a code).
    """
    if not settings.weekly_digest or not settings.stuurgroep:
        return []
    monday, first, last = digest_week(today)
    turned_late, due_soon = [], []
    own = {"plan_id": plan_id, "code": "", "title": "", "trekker": ""}  # the plan's own milestones
    owners = [(iv, iv["milestones"]) for iv in interventions if _open(iv)] + [(own, plan_milestones)]
    for owner, milestones in owners:
        for m in milestones:
            if m["status"] != "open" or not m.get("due"):
                continue
            due = date.fromisoformat(m["due"])
            if first <= due <= last:
                turned_late.append(_milestone_line(owner, m, today))
            elif monday <= due <= monday + timedelta(days=SOON_WINDOW_DAYS):
                due_soon.append(_milestone_line(owner, m, today))
    by_event = {MilestoneCompleted.__name__: "completed", MilestoneRescheduled.__name__: "rescheduled",
                MilestoneCancelled.__name__: "cancelled", AgendaMilestoneCompleted.__name__: "completed",
                AgendaMilestoneRescheduled.__name__: "rescheduled", AgendaMilestoneCancelled.__name__: "cancelled"}
    changed: dict[str, list[dict[str, Any]]] = {v: [] for v in by_event.values()}
    for row in changes:
        section = by_event.get(row["event"])
        if section:
            changed[section].append({"plan_id": plan_id, "code": row["code"] or "", "label": row["milestone_label"],
                                     "description": row["description"], "at": row["at"], "by": row["by"]})
    sort = lambda rows: sorted(rows, key=lambda r: (r["due"], r["code"]))  # noqa: E731
    sections = {"from": first.isoformat(), "to": last.isoformat(), "turned_late": sort(turned_late),
                **changed, "due_soon": sort(due_soon)}
    return [ReminderItem(rule="weekly_digest", recipient=settings.stuurgroep, recipient_name="Stuurgroep",
                         role="stuurgroep", plan_id=plan_id, occasion=monday, period=monday.isoformat(),
                         sections=sections)]


def reminders_for_plan(plan_id: str, interventions: list[dict[str, Any]], changes: list[dict[str, Any]],
                       today: date, settings: ReminderSettings,
                       plan_milestones: Iterable[dict[str, Any]] = ()) -> list[ReminderItem]:
    """Return every reminder a plan calls for today (sent or not: the delivery log decides that)."""
    if not settings.enabled:
        return []
    items: list[ReminderItem] = []
    for iv in interventions:
        if not _open(iv):
            continue
        items += milestone_reminders(iv, today, settings)
        items += quarterly_reminders(iv, today, settings)
        if settings.escalate_without_trekker and settings.stuurgroep and not iv.get("trekker_email"):
            items.append(ReminderItem(rule="escalation_no_trekker", recipient=settings.stuurgroep,
                                      recipient_name="Stuurgroep", role="stuurgroep", plan_id=plan_id,
                                      occasion=today, code=iv["code"], title=iv["title"]))
    items += weekly_digest(plan_id, interventions, changes, today, settings, plan_milestones)
    return items
