"""The CalendarFeed aggregate: an unguessable feed address for a trekker or a plan."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from functools import singledispatchmethod
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate

from events.calendar import CalendarFeedIssued, CalendarFeedRevoked
from tracker.actors import Actor, RecordsActor
from tracker.errors import DomainError, NotFoundError
from tracker.permissions import NotAllowedError, may, refuse_unless

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


class CalendarFeedCommands:
    """The calendar-feed commands of TrackerApp: a trekker's own feed, or a plan's for the beheerder."""

    repository: Any
    _save: Any
    acting: Any

    def _may_hold_feed(self, actor: Actor, scope: str, subject: str) -> None:
        """Refuse a feed to whoever may not have it: a person's own (their interventions and the actions
        the stuurgroep gave them), that person; a plan's, or someone else's, the beheerder."""
        if scope == "trekker" and subject.strip().lower() == actor.email:
            return
        if scope == "trekker" and not may(actor, "plan_feed"):
            raise NotAllowedError("U kunt alleen uw eigen agenda-link uitgeven of intrekken. Er is niets vastgelegd.")
        refuse_unless(actor, "plan_feed")

    def _feed_subject_exists(self, scope: str, subject: str) -> None:
        """Refuse a feed of a plan not loaded, or of a person whose account has ended (its links stop).

        A trekker may be named in a plan without an account of their own: their feed is theirs all the same.
        """
        if scope == "plan":
            if not self.has_plan(subject):  # type: ignore[attr-defined]
                raise NotFoundError(f"Onbekend plan '{subject}'. Er is niets vastgelegd.")
            return
        try:
            account = self.get_user(subject)  # type: ignore[attr-defined]
        except NotFoundError:
            return
        if not account.active:
            raise DomainError(f"Het account {account.email} is beëindigd: het krijgt geen agenda-link. "
                              "Er is niets vastgelegd.")

    def issue_calendar_feed(self, *, scope: str, subject: str, label: str = "", at: datetime,
                            by: Actor | str) -> str:
        """Issue an unguessable feed address; return its token (only its hash is stored)."""
        actor = self.acting(by)
        self._may_hold_feed(actor, scope, subject)
        self._feed_subject_exists(scope, subject)
        token = secrets.token_urlsafe(32)
        self._save(CalendarFeed.issue(token=token, scope=scope, subject=subject, label=label,
                                      at=at, by=actor))
        return token

    def revoke_calendar_feed(self, feed_id: str, *, reason: str = "", at: datetime, by: Actor | str) -> None:
        """Revoke a feed address by its id."""
        actor = self.acting(by)
        try:
            feed = self.repository.get(UUID(feed_id))
        except (AggregateNotFoundError, ValueError):
            raise NotFoundError(f"Onbekende agenda-link '{feed_id}'.") from None
        if not isinstance(feed, CalendarFeed):
            raise NotFoundError(f"Onbekende agenda-link '{feed_id}'.")
        self._may_hold_feed(actor, feed.scope, feed.subject)
        feed.revoke(reason=reason, at=at, by=actor)
        self._save(feed)
