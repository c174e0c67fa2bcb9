"""The Reminder aggregate: the delivery log of one reminder (claim → send → record).

Its id follows from the reminder's identity, so two runs that take the same reminder on at
once write the same aggregate version and the second one gets a ConflictError.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import singledispatchmethod
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate

from events.reminders import (
    ReminderClaimed,
    ReminderFailed,
    ReminderInDoubt,
    ReminderReclaimed,
    ReminderResolved,
    ReminderSent,
)
from tracker.actors import Actor, RecordsActor
from tracker.errors import DomainError, NotFoundError

# claimed: being sent; sent: accepted by the mail server; failed: certainly not sent, retried;
# in_doubt: unknown, waits for a decision; released: decided "send again", retried.
STATUSES = ("claimed", "sent", "failed", "in_doubt", "released")
RETRYABLE = ("failed", "released")


def reminder_uuid(key: str) -> UUID:
    """Return the stable aggregate id of the reminder with this identity."""
    return uuid5(NAMESPACE_URL, f"urn:plan-tracker:reminder:{key}")


@dataclass(frozen=True)
class ReminderClaim:
    """What a run claims: the reminder's identity and a one-line summary."""

    key: str
    rule: str
    plan_id: str
    code: str
    milestone_id: str
    due: str
    occasion: str
    recipient: str
    summary: str


def _short(summary: str, limit: int = 1000) -> str:
    """Return a reminder's summary line as the log keeps it: made by the tracker from a label, so cut, never refused."""
    return summary if len(summary) <= limit else summary[:limit - 1].rstrip() + "…"


class Reminder(RecordsActor, Aggregate):
    """One reminder to one recipient; every attempt to deliver it is an event."""

    @classmethod
    def claim_first(cls, claim: ReminderClaim, *, message_id: str, at: datetime, by: str) -> Reminder:
        """Take a reminder on for the first time."""
        return cls._create(
            ReminderClaimed, id=reminder_uuid(claim.key), key=claim.key, rule=claim.rule,
            plan_id=claim.plan_id, code=claim.code, milestone_id=claim.milestone_id, due=claim.due,
            occasion=claim.occasion, recipient=claim.recipient, summary=_short(claim.summary),
            message_id=message_id, at=at, by=by)

    @singledispatchmethod
    def when(self, event: Any) -> None:
        raise NotImplementedError(type(event).__name__)

    @when.register
    def _(self, e: ReminderClaimed) -> None:
        self.key = e.key
        self.code = e.code
        self.recipient = e.recipient
        self.status = "claimed"
        self.attempts = 1
        self.message_id = e.message_id

    @when.register
    def _(self, e: ReminderReclaimed) -> None:
        self.status = "claimed"
        self.attempts += 1
        self.message_id = e.message_id

    @when.register
    def _(self, e: ReminderSent) -> None:
        self.status = "sent"

    @when.register
    def _(self, e: ReminderFailed) -> None:
        self.status = "failed"

    @when.register
    def _(self, e: ReminderInDoubt) -> None:
        self.status = "in_doubt"

    @when.register
    def _(self, e: ReminderResolved) -> None:
        self.status = "sent" if e.outcome == "sent" else "released"

    def claim_again(self, summary: str, *, message_id: str, at: datetime, by: str) -> None:
        """Take a reminder on again after a failed attempt or a decision to resend."""
        if self.status not in RETRYABLE:
            raise DomainError(f"Herinnering {self.key} is {self.status} en wordt niet opnieuw verstuurd.")
        self.trigger_event(ReminderReclaimed, summary=_short(summary), message_id=message_id, at=at, by=by)

    def _check_claimed(self, message_id: str) -> None:
        if self.status != "claimed" or self.message_id != message_id:
            raise DomainError(f"Herinnering {self.key} is niet door deze verzending geclaimd.")

    def record_sent(self, *, message_id: str, at: datetime, by: str) -> None:
        """Record that the mail server accepted the message."""
        self._check_claimed(message_id)
        self.trigger_event(ReminderSent, message_id=message_id, at=at, by=by)

    def record_failed(self, *, message_id: str, error: str, at: datetime, by: str) -> None:
        """Record that the message was certainly not accepted."""
        self._check_claimed(message_id)
        self.trigger_event(ReminderFailed, error=error[:500], at=at, by=by)

    def record_in_doubt(self, *, message_id: str, reason: str, at: datetime, by: str) -> None:
        """Record that nobody knows whether the message went out."""
        self._check_claimed(message_id)
        self.trigger_event(ReminderInDoubt, reason=reason[:500], at=at, by=by)

    def resolve(self, *, outcome: str, note: str, at: datetime, by: str) -> None:
        """Decide on a reminder in doubt: 'sent' (it went out) or 'resend'."""
        if outcome not in ("sent", "resend"):
            raise DomainError(f"Onbekende beslissing '{outcome}': kies sent of resend.")
        if self.status != "in_doubt":
            raise DomainError(f"Herinnering {self.key} is niet onzeker (status {self.status}).")
        self.trigger_event(ReminderResolved, outcome=outcome, note=(note or "").strip(), at=at, by=by)


class ReminderCommands:
    """The delivery log's commands of TrackerApp: claimed and recorded by the scheduler, resolved by a beheerder."""

    repository: Any
    _save: Any
    acting: Any

    def get_reminder(self, key: str) -> Reminder:
        """Return the delivery log of a reminder by its identity."""
        try:
            return self.repository.get(reminder_uuid(key))
        except AggregateNotFoundError:
            raise NotFoundError(f"Onbekende herinnering '{key}'.") from None

    def claim_reminders(self, claims: list[ReminderClaim], *, message_id: str, at: datetime,
                        by: Actor | str) -> list[str]:
        """Take the reminders of one message on, all in one transaction; return the keys taken.

        A reminder that is sent, being sent or in doubt is left out; a ConflictError means
        another run took one of them on first.
        """
        actor = self.acting(by, "deliver")
        taken = []
        for claim in claims:
            rid = reminder_uuid(claim.key)
            if rid in self.repository:
                reminder = self.repository.get(rid)
                if reminder.status not in RETRYABLE:
                    continue
                reminder.claim_again(claim.summary, message_id=message_id, at=at, by=actor)
            else:
                reminder = Reminder.claim_first(claim, message_id=message_id, at=at, by=actor)
            taken.append(reminder)
        if taken:
            self._save(*taken)
        return [r.key for r in taken]

    def record_reminders(self, keys: list[str], *, outcome: str, message_id: str, detail: str = "",
                         at: datetime, by: Actor | str) -> None:
        """Record what became of a message: sent, failed or in_doubt, for all its reminders."""
        actor = self.acting(by, "deliver")
        reminders = [self.get_reminder(key) for key in keys]
        for reminder in reminders:
            if outcome == "sent":
                reminder.record_sent(message_id=message_id, at=at, by=actor)
            elif outcome == "failed":
                reminder.record_failed(message_id=message_id, error=detail, at=at, by=actor)
            elif outcome == "in_doubt":
                reminder.record_in_doubt(message_id=message_id, reason=detail, at=at, by=actor)
            else:
                raise DomainError(f"Onbekende afloop '{outcome}'.")
        if reminders:
            self._save(*reminders)

    def resolve_reminder(self, key: str, *, outcome: str, note: str = "", at: datetime, by: Actor | str) -> None:
        """Decide on a reminder in doubt: it went out ('sent') or must go again ('resend')."""
        actor = self.acting(by, "outbox")
        reminder = self.get_reminder(key)
        reminder.resolve(outcome=outcome, note=note, at=at, by=actor)
        self._save(reminder)
