"""Events of calendar feeds: an unguessable address issued for a trekker or a plan, revoked."""

from __future__ import annotations

from events.base import TrackerCreated, TrackerEvent


class CalendarFeedIssued(TrackerCreated):
    """A feed address was issued; only a hash of its token is kept."""

    token_hash: str
    scope: str  # trekker | plan
    subject: str  # the trekker's e-mail address or the plan id
    label: str


class CalendarFeedRevoked(TrackerEvent):
    reason: str
