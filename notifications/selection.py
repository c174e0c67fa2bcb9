"""Which reminders are due: the rules applied to the read model, less what the delivery log holds."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import date, timedelta
from typing import Any, Callable, Iterable, Iterator

import sqlite_utils

from events.reminder_settings import ReminderSettingsError
from notifications.norm_signals import signal_reminders
from notifications.plan_reminders import plan_milestone_reminders
from notifications.rules import ReminderItem, digest_week, reminders_for_plan
from notifications.settings import MailSettings, ReminderSettings
from projections.agenda_milestones import plan_milestones_as_of
from projections.history import changes_between
from projections.interventions import interventions_as_of
from projections.outbox import delivery_log
from projections.plans import all_plans, plans_with_facts
from projections.normering import signals
from projections.users import deactivated_accounts, inactive_recipients, users_with_role
from tracker.reminders import RETRYABLE


log = logging.getLogger(__name__)
# Where in a plan's facts its reminder settings are (events/reminder_settings.py, plan_reminder_settings).
REMINDER_FACTS = ("reminders", "extra.reminders")


def plan_settings(facts: dict, mail: MailSettings) -> ReminderSettings:
    """Return a plan's reminder settings, with the configured stuurgroep address as default."""
    return ReminderSettings.for_plan(facts, stuurgroep=mail.stuurgroep)


def settings_warning(plan_id: str, error: ReminderSettingsError) -> str:
    """Return the Dutch warning that a plan gets no reminders because its settings fail."""
    return (f"Herinneringen voor {plan_id} worden overgeslagen: de herinneringsinstellingen van het "
            f"plan zijn ongeldig ({error}). Laad het plan opnieuw met geldige instellingen.")


def plans_with_settings(db: sqlite_utils.Database, mail: MailSettings,
                        plans: Iterable[dict[str, Any]] | None = None) -> Iterator[tuple[dict[str, Any], ReminderSettings]]:
    """Yield each plan (of ``plans``, else all with their facts) with its settings; a plan whose settings fail is left out (and logged)."""
    for plan in all_plans(db) if plans is None else plans:
        try:
            yield plan, plan_settings(plan["facts"], mail)
        except ReminderSettingsError as exc:
            log.warning(settings_warning(plan["plan_id"], exc))


def _without_gone_owners(iv: dict[str, Any], deactivated: set[str]) -> dict[str, Any]:
    """Return ``iv`` with the actions of a deactivated owner back with the trekker (someone is reminded)."""
    if not any((m.get("owner_email") or "").lower() in deactivated for m in iv["milestones"]):
        return iv
    return {**iv, "milestones": [{**m, "owner_email": "", "owner_name": ""}
                                 if (m.get("owner_email") or "").lower() in deactivated else m
                                 for m in iv["milestones"]]}


def reminders_due(db: sqlite_utils.Database, today: date, mail: MailSettings) -> list[ReminderItem]:
    """Return every reminder the rules call for today, sent or not; a plan that fails is left out alone."""
    items: list[ReminderItem] = []
    _, first, last = digest_week(today)
    deactivated = deactivated_accounts(db)
    for plan, settings in plans_with_settings(db, mail):
        try:
            interventions = [_without_gone_owners(iv, deactivated)
                             for iv in interventions_as_of(db, today, plan_id=plan["plan_id"])]
            changes = changes_between(db, plan["plan_id"], first - timedelta(days=1), last) \
                if settings.weekly_digest and settings.stuurgroep else []
            own = plan_milestones_as_of(db, plan["plan_id"], today)
            found = reminders_for_plan(plan["plan_id"], interventions, changes, today, settings, own)
            beheerders = users_with_role(db, "beheerder")
            found += signal_reminders(plan["plan_id"], signals(db, plan, today), settings, beheerders)
            found += plan_milestone_reminders(plan["plan_id"], own, today, settings, beheerders)
            # What is about the plan itself is named by its title (the outbox, the delivery log).
            items += [replace(i, title=plan["title"]) if i.rule.startswith("plan_") or i.rule == "weekly_digest"
                      else i for i in found]
        except Exception:  # one plan's fault must not hold back the reminders of the others
            log.exception("Herinneringen voor %s konden niet worden bepaald; de andere plannen gaan door.",
                          plan["plan_id"])
    # A deactivated account, or one that is no trekker any more, gets no trekker's reminders; the
    # owner of a stuurgroep's action gets its reminders whatever their role, while active.
    stopped = inactive_recipients(db)
    return [item for item in items
            if not (item.role == "trekker" and item.recipient.lower() in (deactivated if item.milestone_owner
                                                                          else stopped))]


def pending_reminders(db: sqlite_utils.Database, today: date, mail: MailSettings,
                      due: list[ReminderItem] | None = None) -> list[ReminderItem]:
    """Return the reminders a run would send today: due, and never sent, claimed or in doubt.

    ``due``: what ``reminders_due`` returned for the same day, when the caller has it already.
    """
    log = delivery_log(db)
    return [item for item in (reminders_due(db, today, mail) if due is None else due)
            if item.key not in log or log[item.key]["status"] in RETRYABLE]


def plans_without_stuurgroep(db: sqlite_utils.Database, mail: MailSettings) -> list[str]:
    """Return the plans with reminders on whose escalations have no address to go to."""
    plans = plans_with_facts(db, *REMINDER_FACTS)
    return [plan["plan_id"] for plan, settings in plans_with_settings(db, mail, plans)
            if settings.enabled and not settings.stuurgroep]


def warnings(db: sqlite_utils.Database, mail: MailSettings,
             named: Callable[[dict[str, Any]], str] | None = None) -> list[str]:
    """Return what keeps reminders from going out (in Dutch, for the CLI and the outbox page).

    ``named``: how a plan is named (default its id, as the CLI names plans; a page gives its title).
    """
    name = named or (lambda plan: plan["plan_id"])
    found = []
    for plan in plans_with_facts(db, *REMINDER_FACTS):
        try:
            settings = plan_settings(plan["facts"], mail)
        except ReminderSettingsError as exc:
            found.append(settings_warning(name(plan), exc))
            continue
        if not settings.enabled:
            found.append(f"Herinneringen voor {name(plan)} staan uit (in het planbestand: reminders, enabled).")
        elif not settings.stuurgroep:
            found.append(f"Geen stuurgroepadres voor {name(plan)}: escalaties en het weekoverzicht "
                         "worden vastgehouden tot er een adres is. Geef het in het planbestand (onder "
                         "reminders, stuurgroep) en laad het opnieuw (Plan importeren), of laat de "
                         "systeembeheerder één adres voor alle plannen instellen (TRACKER_STUURGROEP_EMAIL).")
    return found
