"""A reminder run: settle interrupted claims, then per recipient claim → send → record.

The guarantee (docs/reminders.md): a reminder is claimed as an event before its message is
sent, so no two runs send it; it is recorded as sent only after the mail server accepted the
message. A send that certainly failed is recorded as failed and retried by the next run. When
a run dies between handing the message over and recording it, the claim stays unconfirmed; after
the lease the next run asks the mailer. The file sink can tell (the file is there or not); SMTP
cannot, unless its journal shows the send never got to handing the message over: then the
claim is released (failed, retried); else the reminder is put in doubt: shown on the outbox
page, never resent by itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from email.errors import MessageError
from typing import Any

from notifications.digest import Outgoing, compose, compose_all, message_id, sender_domain, to_email
from notifications.mailer import DeliveryFailed, DeliveryUncertain, Mailer
from notifications.selection import pending_reminders, warnings
from notifications.settings import MailSettings
from projections.outbox import stale_claims
from projections.plans import plan_titles
from tracker.concurrency import exclusive
from tracker.errors import ConflictError, TrackerError
from tracker.reminders import ReminderClaim

# A claim older than this whose run never recorded an outcome belongs to a run that died.
CLAIM_LEASE = timedelta(minutes=15)
BY = "herinneringen"

Clock = Callable[[], datetime]


@dataclass
class RunReport:
    """What a run did, message by message."""

    today: date
    sent: list[dict[str, Any]] = field(default_factory=list)
    failed: list[dict[str, Any]] = field(default_factory=list)
    in_doubt: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[dict[str, Any]] = field(default_factory=list)
    settled: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    busy: bool = False  # another run (in this or another process or node) held the lock

    def to_json(self) -> dict[str, Any]:
        return {"today": self.today.isoformat(), "sent": self.sent, "failed": self.failed,
                "in_doubt": self.in_doubt, "skipped": self.skipped, "settled": self.settled,
                "warnings": self.warnings, "busy": self.busy}


def planned_messages(services: Any, today: date, mail: MailSettings) -> list[Outgoing]:
    """Return the messages a run would send today (what --dry-run shows)."""
    services.catch_up()
    db = services.db
    return compose_all(pending_reminders(db, today, mail), mail, plan_titles(db), today)


def settle_interrupted(services: Any, mailer: Mailer, now: datetime, clock: Clock) -> list[dict[str, Any]]:
    """Decide on claims whose run died: sent, failed (retried) or in doubt (never resent by itself)."""
    services.catch_up()
    by_message: dict[str, list[str]] = {}
    for row in stale_claims(services.db, now - CLAIM_LEASE):
        by_message.setdefault(row["message_id"], []).append(row["key"])
    settled = []
    for mid, keys in by_message.items():
        delivered = mailer.was_delivered(mid)
        if delivered is True:
            outcome, detail = "sent", ""
        elif delivered is False:
            outcome, detail = "failed", ("niet verzonden: de verzending werd onderbroken voordat het "
                                         "bericht werd aangeboden")
        else:
            outcome, detail = "in_doubt", ("de verzending werd onderbroken nadat het bericht mogelijk was "
                                           "afgeleverd; controleer de mailserver en beslis")
        try:
            services.app.record_reminders(keys, outcome=outcome, message_id=mid, detail=detail,
                                          at=clock(), by=BY)
        except TrackerError as exc:  # another run settled it first
            settled.append({"message_id": mid, "keys": keys, "outcome": "skipped", "detail": str(exc)})
            continue
        settled.append({"message_id": mid, "keys": keys, "outcome": outcome, "detail": detail})
    services.catch_up()
    return settled


def _claims(outgoing: Outgoing) -> list[ReminderClaim]:
    return [ReminderClaim(key=i.key, rule=i.rule, plan_id=i.plan_id, code=i.code, milestone_id=i.milestone_id,
                          due=i.due.isoformat() if i.due else "", occasion=i.occasion.isoformat(),
                          recipient=i.recipient, summary=i.summary()) for i in outgoing.items]


def deliver(services: Any, mailer: Mailer, mail: MailSettings, messages: list[Outgoing],
            report: RunReport, clock: Clock) -> RunReport:
    """Claim, send and record each message; one recipient's trouble never stops the others."""
    titles = plan_titles(services.db)
    domain = sender_domain(mail)
    for outgoing in messages:
        claimed_at = clock()
        mid = message_id(outgoing.keys, claimed_at, domain)
        entry: dict[str, Any] = {"to": outgoing.recipient, "subject": outgoing.subject, "message_id": mid}
        try:
            taken = services.app.claim_reminders(_claims(outgoing), message_id=mid, at=claimed_at, by=BY)
        except ConflictError:
            report.skipped.append({**entry, "reason": "een andere verzending was eerder"})
            continue
        if not taken:
            report.skipped.append({**entry, "reason": "al verstuurd of onderweg"})
            continue
        if len(taken) < len(outgoing.items):
            outgoing = compose([i for i in outgoing.items if i.key in taken], mail, titles, report.today)
            entry["subject"] = outgoing.subject
        entry["keys"] = taken
        try:
            try:
                email = to_email(outgoing, mail, mid, claimed_at)
            except (ValueError, TypeError, MessageError) as exc:  # a line break in a name: never handed over
                raise DeliveryFailed(f"naam of adres van {outgoing.recipient!r} past niet in een "
                                     f"e-mail: {exc}") from exc
            mailer.send(email, outgoing.recipient)
        except DeliveryFailed as exc:
            services.app.record_reminders(taken, outcome="failed", message_id=mid, detail=str(exc),
                                          at=clock(), by=BY)
            report.failed.append({**entry, "error": str(exc)})
            continue
        except DeliveryUncertain as exc:
            services.app.record_reminders(taken, outcome="in_doubt", message_id=mid, detail=str(exc),
                                          at=clock(), by=BY)
            report.in_doubt.append({**entry, "error": str(exc)})
            continue
        services.app.record_reminders(taken, outcome="sent", message_id=mid, at=clock(), by=BY)
        report.sent.append(entry)
    services.catch_up()
    return report


# The store-wide lock a run holds: one run at a time across every node of the store.
RUN_LOCK = "reminder-run"
BUSY = "Een andere herinneringsrun loopt al (op dit of een ander knooppunt); deze run verstuurt niets."


def run_reminders(services: Any, mailer: Mailer, mail: MailSettings, today: date,
                  clock: Clock) -> RunReport:
    """Run once: settle interrupted claims, then send every pending reminder of ``today``.

    Only one run at a time, on any node, gets past the lock; one that finds it taken does
    nothing (the next run picks up whatever is still due).
    """
    report = RunReport(today=today)
    with exclusive(services.app.recorder, RUN_LOCK) as held:
        if not held:
            report.busy = True
            report.warnings = [BUSY]
            return report
        report.settled = settle_interrupted(services, mailer, clock(), clock)
        report.warnings = warnings(services.db, mail)
        return deliver(services, mailer, mail, planned_messages(services, today, mail), report, clock)
