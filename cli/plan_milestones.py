"""`tracker plan-milestone list|complete|reschedule|cancel`: the plan's own milestones."""

from __future__ import annotations

from typing import Any, Callable

import click

from cli.context import (TrackerGroup, as_of_option, by_option, day, fail, json_option, known_day, known_on_option,
                         moment, print_json, record, services, today_option, user)
from projections import plans as plan_queries
from projections.agenda_milestones import plan_milestone_json, plan_milestones_as_of, plans_with_milestone
from tracker.application import TrackerApp
from web.services import Services

plan_option = click.option("--plan", "plan_id", default=None,
                           help="Plan-id (nodig als er meer plannen zijn met deze mijlpaal).")


def _plan_of(svc: Services, milestone_id: str | None, plan_id: str | None) -> str:
    """Return the plan meant: --plan, else the only plan (with this milestone)."""
    svc.catch_up()
    if plan_id:
        if plan_queries.plan(svc.db, plan_id) is None:
            fail(f"onbekend plan '{plan_id}'")
        return plan_id
    found = (plans_with_milestone(svc.db, milestone_id) if milestone_id
             else [p["plan_id"] for p in plan_queries.all_plans(svc.db)])
    if len(found) == 1:
        return found[0]
    if not found:
        fail(f"geen plan met een mijlpaal op planniveau '{milestone_id}'" if milestone_id else "er is nog geen plan")
    fail(f"meerdere plannen komen in aanmerking ({', '.join(found)}): geef --plan op")


def _on_plan(milestone_id: str, plan_id: str | None, command: Callable[[TrackerApp, str], Any]) -> None:
    svc = services()
    record(svc, _plan_of(svc, milestone_id, plan_id), command)


@click.group("plan-milestone", cls=TrackerGroup)
def plan_milestone() -> None:
    """De mijlpalen van het plan zelf: tonen, gereed, verschuiven, laten vervallen."""


@plan_milestone.command("list")
@plan_option
@as_of_option
@known_on_option
@json_option
def list_(plan_id: str | None, as_of: str | None, known_on: str | None, as_json: bool) -> None:
    """Toon de mijlpalen van het plan met hun stand."""
    svc = services()
    plan_id = _plan_of(svc, None, plan_id)
    rows = [plan_milestone_json(m) for m in plan_milestones_as_of(svc.db, plan_id, day(as_of), known_day(known_on))]
    if as_json:
        print_json(rows)
        return
    for m in rows:
        click.echo(f"{m['id']}\t{m['label']}\t{m['term_text']}\t{m['state']}")


@plan_milestone.command("complete")
@click.argument("milestone_id")
@click.option("--date", "realised", default=None, help="Realisatiedatum (standaard: vandaag).")
@click.option("--note", default="", help="Toelichting.")
@plan_option
@today_option
@by_option
def complete(milestone_id: str, realised: str | None, note: str, plan_id: str | None, today: str | None,
             by: str | None) -> None:
    """Meld een mijlpaal van het plan gereed."""
    at = moment(today)
    _on_plan(milestone_id, plan_id, lambda app, plan: app.complete_plan_milestone(
        plan, milestone_id, realised=day(realised) if realised else at.date(), note=note, at=at, by=user(by)))


@plan_milestone.command("reschedule")
@click.argument("milestone_id")
@click.option("--due", required=True, help="Nieuwe termijn, bijvoorbeeld 'Q2 2027' of 'uiterlijk 1 juli 2027'.")
@click.option("--reason", required=True, help="Reden van het verschuiven (verplicht).")
@click.option("--date", "decided", default=None, help="De dag waarop het besloten is (standaard: vandaag).")
@plan_option
@today_option
@by_option
def reschedule(milestone_id: str, due: str, reason: str, decided: str | None, plan_id: str | None,
               today: str | None, by: str | None) -> None:
    """Verschuif een mijlpaal van het plan naar een nieuwe termijn."""
    _on_plan(milestone_id, plan_id, lambda app, plan: app.reschedule_plan_milestone(
        plan, milestone_id, due=due, reason=reason, valid_on=known_day(decided), at=moment(today), by=user(by)))


@plan_milestone.command("cancel")
@click.argument("milestone_id")
@click.option("--reason", required=True, help="Reden van het laten vervallen (verplicht).")
@click.option("--date", "decided", default=None, help="De dag waarop het besloten is (standaard: vandaag).")
@plan_option
@today_option
@by_option
def cancel(milestone_id: str, reason: str, decided: str | None, plan_id: str | None, today: str | None,
           by: str | None) -> None:
    """Laat een mijlpaal van het plan vervallen."""
    _on_plan(milestone_id, plan_id, lambda app, plan: app.cancel_plan_milestone(
        plan, milestone_id, reason=reason, valid_on=known_day(decided), at=moment(today), by=user(by)))
