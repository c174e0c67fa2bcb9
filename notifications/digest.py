"""Compose one Dutch e-mail per recipient (plain text and HTML) from all of its reminder items."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from functools import lru_cache
from typing import Any, Iterable
from urllib.parse import quote
from uuid import NAMESPACE_URL, uuid5

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from projections.wording import long_date, who
from notifications.rules import ReminderItem, days_phrase
from notifications.settings import MailSettings
from tracker.action_links import ACTIONS, ActionLink, make_token

# The order of the sections in a message, with their Dutch headings.
SECTIONS = (
    ("overdue", "Mijlpalen die te laat zijn"),
    ("due_soon", "Mijlpalen die binnenkort moeten zijn behaald"),
    ("quarterly_update", "Werk uw interventies bij vóór het kwartaaloverleg"),
    ("escalation_overdue", "Escalatie: mijlpalen die twee weken of langer te laat zijn"),
    ("escalation_no_trekker", "Escalatie: interventies zonder trekker"),
    ("weekly_digest", "Weekoverzicht"),
    ("norm_signal", "Signalen normering: besteding op of boven de drempel van de norm"),
    ("plan_overdue", "Mijlpalen van het plan die te laat zijn"),
    ("plan_due_soon", "Mijlpalen van het plan die binnenkort moeten zijn behaald"),
    ("plan_escalation", "Escalatie: mijlpalen van het plan die twee weken of langer te laat zijn"),
)


@dataclass(frozen=True)
class Outgoing:
    """One message to one recipient, carrying all of that recipient's reminders of a run."""

    recipient: str
    recipient_name: str
    items: tuple[ReminderItem, ...]
    subject: str
    text: str
    html: str

    @property
    def keys(self) -> list[str]:
        return [item.key for item in self.items]

    def to_json(self) -> dict[str, Any]:
        return {"to": self.recipient, "name": self.recipient_name, "subject": self.subject,
                "items": [item.to_json() for item in self.items]}


@lru_cache(maxsize=1)
def _templates() -> Environment:
    env = Environment(loader=PackageLoader("notifications", "templates"),
                      autoescape=select_autoescape(["html"]), undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["days"] = days_phrase
    env.filters["long_date"] = long_date
    env.filters["who"] = who
    return env


def intervention_url(base_url: str, plan_id: str, code: str) -> str:
    """Return the address of an intervention's page."""
    return f"{base_url}/plannen/{quote(plan_id)}/interventies/{quote(code)}"


def _subject(items: list[ReminderItem]) -> str:
    count = defaultdict(int)
    for item in items:
        count[item.rule] += 1
    signals = count["norm_signal"]
    own = count["plan_overdue"] + count["plan_due_soon"]
    own_text = (f"{count['plan_overdue']} te laat" if count["plan_overdue"] else "") + \
        (", " if count["plan_overdue"] and count["plan_due_soon"] else "") + \
        (f"{count['plan_due_soon']} binnenkort" if count["plan_due_soon"] else "")
    if items[0].role == "beheerder":
        parts = []
        if signals:
            parts.append(f"Signaal normering: {signals} {'aanbieder' if signals == 1 else 'aanbieders'} op of "
                         "boven de drempel")
        if own:
            parts.append(f"Mijlpalen van het plan: {own_text}")
        return " — ".join(parts)
    if items[0].role == "stuurgroep":
        parts = []
        if signals:
            parts.append(f"{signals} {'signaal' if signals == 1 else 'signalen'} normering")
        if count["weekly_digest"]:
            parts.append("weekoverzicht")
        if own:
            parts.append(f"mijlpalen van het plan: {own_text}")
        escalations = count["escalation_overdue"] + count["escalation_no_trekker"] + count["plan_escalation"]
        if escalations:
            parts.append(f"{escalations} escalatie{'' if escalations == 1 else 's'}")
        return "Stuurgroep uitvoeringsagenda: " + " en ".join(parts)
    parts = []
    if count["overdue"]:
        parts.append(f"{count['overdue']} te laat")
    if count["due_soon"]:
        parts.append(f"{count['due_soon']} binnenkort")
    if not parts:
        return "Werk uw interventies bij vóór het kwartaaloverleg"
    subject = "Herinnering mijlpalen: " + ", ".join(parts)
    if count["quarterly_update"]:
        subject += " — en werk uw interventies bij vóór het kwartaaloverleg"
    return subject


def group_by_recipient(items: Iterable[ReminderItem]) -> dict[tuple[str, str], list[ReminderItem]]:
    """Return the items per recipient (addresses compared without case) and role, in a stable order.

    One message per role: a beheerder who owns a stuurgroep's action gets the action as a
    trekker's reminder and the beheerder's own in a message of its own, each with its words.
    """
    grouped: dict[tuple[str, str], list[ReminderItem]] = {}
    for item in items:
        grouped.setdefault((item.recipient.lower(), item.role), []).append(item)
    order = {rule: n for n, (rule, _) in enumerate(SECTIONS)}
    for rows in grouped.values():
        rows.sort(key=lambda i: (order[i.rule], i.plan_id, i.due or i.occasion, i.code, i.milestone_id))
    return dict(sorted(grouped.items()))


def action_links(item: ReminderItem, settings: MailSettings, today: date | None) -> list[tuple[str, str]]:
    """Return a trekker's reminder's action links (label, address): two clicks from the mail to done."""
    if item.role != "trekker" or today is None or not settings.link_secret or item.version is None:
        return []
    if item.rule in ("due_soon", "overdue") and item.milestone_owner:
        actions = ("gereed", "verschuiven")  # the owner of one milestone: not the whole intervention
    elif item.rule in ("due_soon", "overdue"):
        actions = ("gereed", "verschuiven", "actueel")
    elif item.rule == "quarterly_update":
        actions = ("actueel",)
    else:
        return []
    links = []
    for action in actions:
        link = ActionLink(recipient=item.recipient, plan_id=item.plan_id, code=item.code,
                          milestone_id="" if action == "actueel" else item.milestone_id, action=action,
                          version=item.version, issued=today)
        links.append((ACTIONS[action], f"{settings.base_url}/actie/{make_token(settings.link_secret, link)}"))
    return links


def compose(items: list[ReminderItem], settings: MailSettings, plan_titles: dict[str, str],
            today: date | None = None) -> Outgoing:
    """Return the message that carries all of one recipient's items (with action links as of ``today``)."""
    first = items[0]
    sections = []
    for rule, heading in SECTIONS:
        rows = [i for i in items if i.rule == rule]
        if rows:
            sections.append({"rule": rule, "heading": heading, "items": rows})
    context = {
        "name": first.recipient_name, "role": first.role, "sections": sections,
        "plan_titles": plan_titles, "url": lambda plan_id, code: intervention_url(settings.base_url, plan_id, code),
        "base_url": settings.base_url,
        "normering_url": lambda plan_id: f"{settings.base_url}/plannen/{quote(plan_id)}/normering",
        "plan_url": lambda plan_id: f"{settings.base_url}/plannen/{quote(plan_id)}/dashboard#mijlpalen-van-het-plan", "links": lambda item: action_links(item, settings, today),
    }
    env = _templates()
    return Outgoing(recipient=first.recipient, recipient_name=first.recipient_name, items=tuple(items),
                    subject=_subject(items), text=env.get_template("reminder.txt").render(context),
                    html=env.get_template("reminder.html").render(context))


def compose_all(items: Iterable[ReminderItem], settings: MailSettings,
                plan_titles: dict[str, str], today: date | None = None) -> list[Outgoing]:
    """Return one message per recipient."""
    return [compose(rows, settings, plan_titles, today) for rows in group_by_recipient(items).values()]


def addressed_all(items: Iterable[ReminderItem]) -> list[dict[str, Any]]:
    """Return per recipient what ``compose_all`` would send (recipient, subject, items), without the bodies.

    For a list of what waits: a region's run carries thousands of reminders, and their bodies
    (with a signed action link each) are made when they are sent.
    """
    return [{"recipient": rows[0].recipient, "recipient_name": rows[0].recipient_name, "subject": _subject(rows),
             "items": rows} for rows in group_by_recipient(items).values()]


def message_id(keys: Iterable[str], moment: datetime, domain: str) -> str:
    """Return a Message-ID that follows from what the message carries and when it was claimed."""
    token = uuid5(NAMESPACE_URL, "urn:plan-tracker:message:" + moment.isoformat() + "\n" + "\n".join(sorted(keys)))
    return f"<herinnering-{token}@{domain}>"


def to_email(outgoing: Outgoing, settings: MailSettings, message_id: str, moment: datetime) -> EmailMessage:
    """Return the e-mail (text with an HTML alternative) of an outgoing message.

    Raises ValueError for a name or address that cannot stand in a header (a line break).
    """
    message = EmailMessage()
    message["From"] = settings.mail_from
    # Never an f-string: a comma or <...> in a display name would change the recipient.
    message["To"] = recipient_address(outgoing.recipient_name, outgoing.recipient)
    message["Subject"] = outgoing.subject
    message["Date"] = format_datetime(moment.astimezone() if moment.tzinfo is None else moment)
    message["Message-ID"] = message_id
    message["Auto-Submitted"] = "auto-generated"
    message["Content-Language"] = "nl"
    message.set_content(outgoing.text)
    message.add_alternative(outgoing.html, subtype="html")
    return message


def recipient_address(name: str | None, email: str) -> Address:
    """Return a message's To: the recipient's name beside the address, or the address alone where the
    name holds an encoded word ("=?…?="), which mail programs decode into other text, line breaks
    included. Names are checked when recorded; this holds for one stored before. (A name with a line
    break fails its message alone: notifications/mailer.py.)"""
    name = name or ""
    if "=?" in name:
        name = ""
    return Address(display_name=name, addr_spec=email)


def sender_domain(settings: MailSettings) -> str:
    """Return the domain of the From address (for Message-IDs)."""
    address = settings.mail_from.rsplit("<", 1)[-1].rstrip(">").strip()
    return address.rsplit("@", 1)[-1] or "localhost"
