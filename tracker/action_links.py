"""Action links in reminder mails: the link is the key to one update by one trekker.

A link names its recipient, the intervention, the milestone, the action and the version of the
intervention the mail was made from, and the day it was made; it is signed with the data
directory's secret. It is good for 14 days, for its recipient while they are the trekker, and
once: a change of that milestone since the mail (the link's own use included) makes it void, as
does a "nog actueel" since the mail for a "nog actueel" link.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from itsdangerous import BadSignature, URLSafeSerializer

from tracker.intervention import milestone_key, overlap, touched_by

SALT = "tracker-action-link"
VALID_DAYS = 14
# action -> Dutch name, as the mail and the confirmation page say it
ACTIONS = {"gereed": "Gereed melden", "verschuiven": "Verschuiven", "actueel": "Nog actueel"}


@dataclass(frozen=True)
class ActionLink:
    """What a link's token says."""

    recipient: str
    plan_id: str
    code: str
    milestone_id: str  # "" for "nog actueel" about the intervention as a whole
    action: str
    version: int       # the intervention's version the mail was made from
    issued: date

    @property
    def expires(self) -> date:
        return self.issued + timedelta(days=VALID_DAYS)


def make_token(secret: str, link: ActionLink) -> str:
    """Return the token of a link (deterministic: the same mail says the same)."""
    return URLSafeSerializer(secret, salt=SALT).dumps(
        {"r": link.recipient.lower(), "p": link.plan_id, "c": link.code, "m": link.milestone_id,
         "a": link.action, "v": link.version, "d": link.issued.isoformat()})


def read_token(secret: str, token: str) -> ActionLink | None:
    """Return what a token says, or None when it was not made with this secret (tampered)."""
    try:
        data = URLSafeSerializer(secret, salt=SALT).loads(token)
        link = ActionLink(recipient=str(data["r"]), plan_id=str(data["p"]), code=str(data["c"]),
                          milestone_id=str(data["m"]), action=str(data["a"]), version=int(data["v"]),
                          issued=date.fromisoformat(data["d"]))
    except (BadSignature, KeyError, TypeError, ValueError):
        return None
    return link if link.action in ACTIONS and (link.milestone_id or link.action == "actueel") else None


def why_void(app: Any, link: ActionLink, today: date) -> str:
    """Return why a link can no longer be used (Dutch), or "" when it can."""
    from tracker.errors import NotFoundError

    if today > link.expires:
        return f"De link is verlopen: hij was {VALID_DAYS} dagen geldig, tot en met {link.expires:%d-%m-%Y}."
    try:
        intervention = app.get_intervention(link.plan_id, link.code)
    except NotFoundError:
        return "De interventie van deze link bestaat niet."
    if intervention.closed or intervention.dropped:
        return f"Interventie {link.code} is afgesloten of vervallen."
    if link.milestone_id and link.milestone_id not in intervention.milestones:
        return "De mijlpaal van deze link bestaat niet."
    # The trekker's link, or that of the owner of a stuurgroep's action (whoever the trekker is).
    owner = intervention.milestones[link.milestone_id].owner_email if link.milestone_id else ""
    trekker = intervention.trekker[1].lower() if intervention.trekker else ""
    if link.recipient not in (owner, trekker) or not link.recipient:
        return f"U bent niet meer de trekker van {link.code}."
    if link.version > intervention.version:
        return "De link hoort niet bij deze interventie."
    touches = frozenset({milestone_key(link.milestone_id)}) if link.milestone_id else frozenset()
    for event in app.events.get(intervention.id, gt=link.version):
        if overlap(touched_by(event), touches) or (link.action == "actueel" and type(event).__name__ == "UpToDateConfirmed"):
            return ("De link is al gebruikt, of de mijlpaal is sinds de e-mail gewijzigd "
                    f"(door {event.by}, {event.at:%d-%m-%Y}).")
    if link.milestone_id and intervention.milestones[link.milestone_id].status != "open":
        return "De mijlpaal is al gereed of vervallen."
    return ""
