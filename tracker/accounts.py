"""Rules of the account's life (mixed into TrackerApp): one beheerder always remains; deactivating.

Changes that could leave the tracker without an active beheerder run under a store-wide lock,
so two beheerders demoting each other at the same moment cannot both succeed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.utils import get_topic

from events.calendar import CalendarFeedIssued
from events.users import UserRegistered
from tracker.actors import Actor
from tracker.concurrency import exclusive
from tracker.errors import DomainError

_PAGE = 1000


class AccountRules:
    """Commands and checks that look at every account (there are few)."""

    recorder: Any
    repository: Any

    @contextmanager
    def accounts_locked(self) -> Iterator[None]:
        """Hold the lock of account changes that every process and node shares."""
        with exclusive(self.recorder, "accounts", wait=True):
            yield

    def _originators(self, event_class: type) -> list[UUID]:
        """Return the ids of the aggregates created by an event class, from the notification log."""
        ids: list[UUID] = []
        start = None
        topic = get_topic(event_class)
        while True:
            page = self.recorder.select_notifications(start=start, limit=_PAGE, topics=[topic],
                                                      inclusive_of_start=False)
            ids += [n.originator_id for n in page]
            if len(page) < _PAGE:
                return ids
            start = page[-1].id

    def active_beheerders(self) -> list[str]:
        """Return the e-mail addresses of the active beheerders."""
        users = [self.repository.get(uid) for uid in self._originators(UserRegistered)]
        return sorted(u.email for u in users if u.role == "beheerder" and u.active)

    def check_beheerder_remains(self, user: Any, new_role: str | None) -> None:
        """Refuse to demote (new_role) or deactivate (None) the last active beheerder."""
        if user.role != "beheerder" or new_role == "beheerder" or not user.active:
            return
        if self.active_beheerders() == [user.email]:
            what = "niet deactiveren" if new_role is None else "geen andere rol geven"
            raise DomainError(f"U kunt {user.email} {what}: dit is de laatste actieve beheerder. "
                              "Maak eerst iemand anders beheerder.")

    def _revoke_trekker_feeds(self, user: Any, *, reason: str, at: datetime, by: Any) -> list[Any]:
        """Revoke a person's own calendar links (their interventions and actions); return the feeds (not yet saved)."""
        feeds = [self.repository.get(fid) for fid in self._originators(CalendarFeedIssued)]
        mine = [f for f in feeds if f.scope == "trekker" and f.subject == user.email and not f.revoked]
        for feed in mine:
            feed.revoke(reason=reason, at=at, by=by)
        return mine

    def deactivate_user(self, email: str, *, at: datetime, by: Actor | str) -> None:
        """End an account: no sign-in, no sessions, no reminders, no feeds; its history stays."""
        actor = self.acting(by, "manage_users")  # type: ignore[attr-defined]
        with self.accounts_locked():
            user = self.get_user(email)  # type: ignore[attr-defined]
            self.check_beheerder_remains(user, None)
            user.deactivate(at=at, by=actor)
            self._save(user, *self._revoke_trekker_feeds(  # type: ignore[attr-defined]
                user, reason=f"het account van {user.name} is beëindigd", at=at, by=actor))
