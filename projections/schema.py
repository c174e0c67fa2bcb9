"""Read-model tables. The read model is disposable: a schema change rebuilds it from events."""

from __future__ import annotations

import sqlite_utils

TRACKING_NAME = "readmodel"  # the read model's row in the tracking table
SCHEMA_VERSION = 24

TABLES: dict[str, dict] = {
    "plans": dict(
        columns={"plan_id": str, "aggregate_id": str, "title": str, "organisation": str, "period_start": int,
                 "period_end": int, "facts": str, "versions": int, "source_name": str,
                 "imported_at": str, "revised_at": str, "seq": int},
        pk="plan_id",
    ),
    "intervention_versions": dict(
        columns={"id": int, "intervention_id": str, "plan_id": str, "code": str,
                 "title": str, "group_path": str, "group_key": str, "domain": str,
                 "trekker_name": str, "trekker_email": str, "stoplicht": str,
                 "oorzaak": str, "gevolg": str, "bijsturing": str, "stoplicht_at": str,
                 "closed": int, "dropped": int,
                 "last_review_date": str, "last_review_decision": str,
                 "valid_from": str, "valid_to": str, "valid_to_at": str, "recorded_from": str, "recorded_to": str,
                 "seq": int},
        pk="id",
        indexes=[["plan_id", "recorded_to", "valid_from"], ["intervention_id", "recorded_to"]],
    ),
    "intervention_details": dict(
        columns={"id": int, "intervention_id": str, "plan_id": str, "details": str,
                 "valid_from": str, "valid_to": str, "valid_to_at": str, "recorded_from": str, "recorded_to": str,
                 "seq": int},
        pk="id",
        indexes=[["plan_id", "recorded_to", "valid_from"], ["intervention_id", "recorded_to"]],
    ),
    "milestone_versions": dict(
        columns={"id": int, "intervention_id": str, "plan_id": str, "code": str, "milestone_id": str,
                 "position": int, "label": str, "kind": str, "due": str, "due_precision": str,
                 "due_text": str, "planned_due": str, "planned_due_text": str, "status": str,
                 "realised": str, "note": str, "reason": str, "reschedule_count": int,
                 "earlier_dues": str, "starts": str, "starts_precision": str, "starts_text": str,
                 "when_text": str, "source": str, "owner_email": str, "owner_name": str,
                 "valid_from": str, "valid_to": str, "valid_to_at": str,
                 "recorded_from": str, "recorded_to": str, "seq": int},
        pk="id",
        indexes=[["plan_id", "recorded_to", "valid_from"], ["intervention_id", "milestone_id", "recorded_to"]],
        # The few milestones with an owner (the stuurgroep's actions: Mijn acties, reminders, agenda links).
        partial=[("owner_email", "owner_email != ''")],
    ),
    "plan_milestone_versions": dict(
        # The plan's own milestones (projections/agenda_milestones.py), as milestone_versions.
        columns={"id": int, "plan_id": str, "milestone_id": str, "position": int, "label": str, "kind": str,
                 "due": str, "due_precision": str, "due_text": str, "planned_due": str, "planned_due_text": str,
                 "status": str, "realised": str, "note": str, "reason": str, "reschedule_count": int,
                 "earlier_dues": str, "starts": str, "starts_precision": str, "starts_text": str,
                 "when_text": str, "source": str, "valid_from": str, "valid_to": str, "valid_to_at": str,
                 "recorded_from": str, "recorded_to": str, "seq": int},
        pk="id",
        indexes=[["plan_id", "milestone_id", "recorded_to"]],
    ),
    "change_log": dict(
        # What changed each row of the plan's own milestones, with the moment it happened (projections/versions.py).
        # An intervention's tables keep no log: their changes are made again from its events (projections/core.py).
        # Ids follow the events, as the rows' do; (tbl, key, seq) is unique (an index made after a rebuild's load).
        columns={"id": int, "tbl": str, "key": str, "seq": int, "valid": str, "op": str, "payload": str,
                 "recorded": str},
        pk="id",
        unique=[["tbl", "key", "seq"]],
    ),
    "history": dict(
        # One row per event, keyed by its notification id: the event's own JSON is read from the
        # event store when it is worded (projections/history.py), not copied here.
        columns={"seq": int, "intervention_id": str, "plan_id": str, "code": str, "version": int,
                 "at": str, "valid": str, "by": str, "event": str, "milestone_id": str, "milestone_label": str,
                 "old_due_text": str},
        pk="seq",
        indexes=[["plan_id", "code", "seq"], ["plan_id", "at"]],
    ),
    "reminders": dict(
        # The delivery log (projections/outbox.py): one row per reminder, keyed by its identity.
        columns={"reminder_id": str, "key": str, "rule": str, "plan_id": str, "code": str,
                 "milestone_id": str, "due": str, "occasion": str, "recipient": str, "summary": str,
                 "status": str, "attempts": int, "message_id": str, "claimed_at": str, "sent_at": str,
                 "failed_at": str, "last_error": str, "resolved_note": str, "updated_at": str,
                 "updated_by": str, "seq": int},
        pk="reminder_id",
        indexes=[["key"], ["status", "updated_at"]],
    ),
    "reminder_events": dict(
        columns={"seq": int, "reminder_id": str, "event": str, "at": str, "by": str, "detail": str},
        pk="seq",
        indexes=[["reminder_id", "seq"]],
    ),
    "calendar_feeds": dict(
        columns={"feed_id": str, "token_hash": str, "scope": str, "subject": str, "label": str,
                 "issued_at": str, "issued_by": str, "revoked_at": str, "revoked_by": str,
                 "reason": str, "seq": int},
        pk="feed_id",
        indexes=[["token_hash"]],
    ),
    "indicator_values": dict(
        columns={"seq": int, "plan_id": str, "indicator_id": str, "period": str, "period_end": str,
                 "value": str, "source": str, "at": str, "by": str},
        pk="seq",
        indexes=[["plan_id", "indicator_id", "period"]],
    ),
    "finance_figures": dict(
        columns={"seq": int, "plan_id": str, "year": int, "domain": str, "kind": str,
                 "amount": str, "note": str, "period": str, "period_end": str, "check_text": str,
                 "confirmed_at": str, "confirmed_by": str, "at": str, "by": str},
        pk="seq",
        indexes=[["plan_id", "year"]],
    ),
    "meetings": dict(
        columns={"meeting_id": str, "plan_id": str, "key": str, "meeting_date": str, "attendees": str,
                 "closed": int, "opened_at": str, "opened_by": str, "closed_at": str, "seq": int},
        pk="meeting_id",
        indexes=[["plan_id", "meeting_date"]],
    ),
    "meeting_decisions": dict(
        columns={"seq": int, "meeting_id": str, "plan_id": str, "code": str, "decision": str, "action": str,
                 "owner_email": str, "owner_name": str, "term_text": str, "milestone_id": str, "at": str,
                 "by": str},
        pk="seq",
        indexes=[["meeting_id"], ["plan_id", "code"]],
    ),
    "published_reports": dict(
        columns={"seq": int, "plan_id": str, "number": int, "period": str, "as_of": str, "known_on": str,
                 "position": int, "replaces": int, "reason": str, "at": str, "by": str},
        pk="seq",
        indexes=[["plan_id", "number"]],
    ),
    "report_texts": dict(
        # What the beheerder wrote for a half year's report; the latest per section counts.
        columns={"seq": int, "plan_id": str, "period": str, "section": str, "text": str, "at": str,
                 "by": str},
        pk="seq",
        indexes=[["plan_id", "period", "section"]],
    ),
    "report_signatures": dict(
        columns={"seq": int, "plan_id": str, "college": str, "signatories": str, "at": str, "by": str},
        pk="seq",
        indexes=[["plan_id"]],
    ),
    "norms": dict(
        # Every norm as recorded (projections/normering.py): the latest per aanbieder, zorgsoort and year counts.
        columns={"seq": int, "idx": int, "plan_id": str, "aggregate_id": str, "aanbieder": str, "zorgsoort": str,
                 "akey": str, "zkey": str, "jaar": int, "bestedingsruimte": str, "signaalplafond": str,
                 "instroomtarget": str, "source": str, "at": str, "by": str},
        pk=("seq", "idx"),
        indexes=[["plan_id", "jaar"]],
    ),
    "spending": dict(
        # Every spending line as recorded: the latest per aanbieder, zorgsoort and period counts.
        columns={"seq": int, "idx": int, "plan_id": str, "aanbieder": str, "zorgsoort": str, "akey": str,
                 "zkey": str, "jaar": int, "periode": str, "period_start": str, "period_end": str, "bedrag": str,
                 "source": str, "at": str, "by": str},
        pk=("seq", "idx"),
        indexes=[["plan_id", "jaar"]],
    ),
    "analysis_talks": dict(
        columns={"plan_id": str, "talk_id": str, "aanbieder": str, "zorgsoort": str, "akey": str, "zkey": str,
                 "jaar": int, "due": str, "due_text": str, "owner": str, "note": str, "planned_at": str,
                 "planned_by": str, "held_on": str, "held_note": str, "held_at": str, "held_by": str, "seq": int},
        pk=("plan_id", "talk_id"),
    ),
    "public_sites": dict(
        # Per plan whether its public site is on and which extra fields it shows (the latest setting).
        columns={"plan_id": str, "public": int, "fields": str, "reason": str, "at": str, "by": str,
                 "seq": int},
        pk="plan_id",
    ),
    "users": dict(
        columns={"user_id": str, "email": str, "name": str, "role": str, "created_at": str,
                 "session_version": int, "active": int, "has_password": int, "seq": int},
        pk="user_id",
    ),
    "tracking": dict(columns={"name": str, "position": int, "schema": int}, pk="name"),
}


def create_tables(db: sqlite_utils.Database, indexes: bool = True) -> None:
    """Create every read-model table that does not exist yet (and its indexes)."""
    for name, spec in TABLES.items():
        table = db[name]
        if not table.exists():
            table.create(spec["columns"], pk=spec.get("pk"))
    if indexes:
        create_indexes(db)


def create_indexes(db: sqlite_utils.Database) -> None:
    """Create the secondary indexes (a rebuild adds them after loading: much faster)."""
    for name, spec in TABLES.items():
        for index in spec.get("indexes", []):
            db[name].create_index(index, if_not_exists=True)
        for index in spec.get("unique", []):
            db[name].create_index(index, unique=True, if_not_exists=True)
        for column, where in spec.get("partial", []):
            db.execute(f"CREATE INDEX IF NOT EXISTS idx_{name}_{column}_partial ON {name} ({column}) WHERE {where}")


def drop_tables(db: sqlite_utils.Database) -> None:
    """Drop every read-model table (for a rebuild)."""
    for name in TABLES:
        db[name].drop(ignore=True)
