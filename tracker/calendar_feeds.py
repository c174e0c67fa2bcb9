"""The CalendarFeed aggregate: an unguessable feed address for a trekker or a plan."""

from __future__ import annotations

import hashlib
from datetime import datetime
from functools import singledispatchmethod
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from events.calendar import CalendarFeedIssued, CalendarFeedRevoked
from tracker.actors import RecordsActor
from tracker.errors import DomainError

SCOPES = ("trekker", "plan")


def token_hash(token: str) -> str:
    """Return the hash under which a feed token is kept (the token itself is never stored)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def feed_uuid(hashed: str) -> UUID:
    """Return the stable aggregate id of the feed with this token hash."""
    return uuid5(NAMESPACE_URL, f"urn:plan-tracker:calendar-feed:{hashed}")


class CalendarFeed(RecordsActor, Aggregate):
    """A calendar feed address; revoking it makes the address answer 404."""

    @classmethod
    def issue(cls, *, token: str, scope: str, subject: str, label: str, at: datetime, by: str) -> CalendarFeed:
        """Issue a feed address for a trekker (by e-mail address) or a plan (by id)."""
        if scope not in SCOPES:
            raise DomainError(f"Onbekende agenda-soort '{scope}': kies trekker of plan.")
        subject = (subject or "").strip()
        if not subject:
            raise DomainError("Geef het e-mailadres van de trekker of het plan-id op.")
        if len(token) < 20:
            raise DomainError("Een agenda-token moet onraadbaar lang zijn.")
        hashed = token_hash(token)
        return cls._create(CalendarFeedIssued, id=feed_uuid(hashed), token_hash=hashed, scope=scope,
                           subject=subject.lower() if scope == "trekker" else subject,
                           label=(label or "").strip(), at=at, by=by)

    @singledispatchmethod
    def when(self, event: Any) -> None:
        raise NotImplementedError(type(event).__name__)

    @when.register
    def _(self, e: CalendarFeedIssued) -> None:
        self.scope = e.scope
        self.subject = e.subject
        self.code = f"agenda {e.token_hash[:8]}"
        self.revoked = False

    @when.register
    def _(self, e: CalendarFeedRevoked) -> None:
        self.revoked = True

    def revoke(self, *, reason: str, at: datetime, by: str) -> None:
        """Revoke the address: Outlook's subscription stops receiving updates."""
        if self.revoked:
            raise DomainError("Deze agenda-link is al ingetrokken.")
        self.trigger_event(CalendarFeedRevoked, reason=(reason or "").strip(), at=at, by=by)
