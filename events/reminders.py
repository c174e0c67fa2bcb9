"""Events of the delivery log: a reminder claimed, sent, failed, in doubt or resolved.

One aggregate per reminder (its id follows from the reminder's identity), so two processes
that claim the same reminder at once collide on the aggregate's version.
"""

from __future__ import annotations

from events.base import TrackerCreated, TrackerEvent


class ReminderClaimed(TrackerCreated):
    """A run took a reminder on to send it (the first attempt)."""

    key: str
    rule: str
    plan_id: str
    code: str
    milestone_id: str
    due: str
    occasion: str
    recipient: str
    summary: str
    message_id: str


class ReminderReclaimed(TrackerEvent):
    """A run took a reminder on again after a failed attempt."""

    summary: str
    message_id: str


class ReminderSent(TrackerEvent):
    """The mail server accepted the message that carried the reminder."""

    message_id: str


class ReminderFailed(TrackerEvent):
    """The message was certainly not accepted; the next run tries again."""

    error: str


class ReminderInDoubt(TrackerEvent):
    """It is unknown whether the message went out; nothing is resent until someone decides."""

    reason: str


class ReminderResolved(TrackerEvent):
    """Someone decided on a reminder in doubt: it went out (sent) or must go again (resend)."""

    outcome: str
    note: str
