"""`tracker milestone complete|reschedule|cancel|add`."""

from __future__ import annotations

import click

from cli.context import TrackerGroup, by_option, day, known_day, moment, plan_option, today_option, user
from cli.interventions import on_intervention
from tracker.intervention import KINDS


@click.group(cls=TrackerGroup)
def milestone() -> None:
    """Werk een mijlpaal bij: gereed, verschuiven, laten vervallen, toevoegen."""


@milestone.command("complete")
@click.argument("code")
@click.argument("milestone_id")
@click.option("--date", "realised", default=None, help="Realisatiedatum (standaard: vandaag).")
@click.option("--note", default="", help="Toelichting.")
@plan_option
@today_option
@by_option
def complete(code: str, milestone_id: str, realised: str | None, note: str, plan_id: str | None,
             today: str | None, by: str | None) -> None:
    """Meld een mijlpaal gereed."""
    at = moment(today)
    on_intervention(code, plan_id, lambda app, plan: app.complete_milestone(
        plan, code, milestone_id, realised=day(realised) if realised else at.date(), note=note,
        at=at, by=user(by)))


@milestone.command("reschedule")
@click.argument("code")
@click.argument("milestone_id")
@click.option("--due", required=True, help="Nieuwe termijn, bijvoorbeeld 'Q2 2026' of 2026-05-01.")
@click.option("--reason", required=True, help="Reden van het verschuiven (verplicht).")
@click.option("--date", "decided", default=None, help="De dag waarop het besloten is (standaard: vandaag).")
@plan_option
@today_option
@by_option
def reschedule(code: str, milestone_id: str, due: str, reason: str, decided: str | None, plan_id: str | None,
               today: str | None, by: str | None) -> None:
    """Verschuif een mijlpaal naar een nieuwe termijn."""
    on_intervention(code, plan_id, lambda app, plan: app.reschedule_milestone(
        plan, code, milestone_id, due=due, reason=reason, valid_on=known_day(decided), at=moment(today),
        by=user(by)))


@milestone.command("cancel")
@click.argument("code")
@click.argument("milestone_id")
@click.option("--reason", required=True, help="Reden van het laten vervallen (verplicht).")
@click.option("--date", "decided", default=None, help="De dag waarop het besloten is (standaard: vandaag).")
@plan_option
@today_option
@by_option
def cancel(code: str, milestone_id: str, reason: str, decided: str | None, plan_id: str | None,
           today: str | None, by: str | None) -> None:
    """Laat een mijlpaal vervallen."""
    on_intervention(code, plan_id, lambda app, plan: app.cancel_milestone(
        plan, code, milestone_id, reason=reason, valid_on=known_day(decided), at=moment(today), by=user(by)))


@milestone.command("add")
@click.argument("code")
@click.option("--label", required=True, help="Omschrijving van de mijlpaal.")
@click.option("--due", required=True, help="Termijn, bijvoorbeeld 'Q3 2026'.")
@click.option("--kind", default="other", type=click.Choice(KINDS))
@click.option("--note", default="")
@plan_option
@today_option
@by_option
def add(code: str, label: str, due: str, kind: str, note: str, plan_id: str | None, today: str | None,
        by: str | None) -> None:
    """Voeg een mijlpaal toe aan het tijdpad."""
    on_intervention(code, plan_id, lambda app, plan: app.plan_milestone(
        plan, code, label=label, due=due, kind=kind, note=note, at=moment(today), by=user(by)))
