"""`tracker public PLAN on|off`: open or close a plan's public site."""

from __future__ import annotations

import click

from cli.context import by_option, fail, moment, plan_or_only, services, today_option, user
from events.vocabulary import PublicField
from projections.public_site import public_site
from tracker.errors import TrackerError


@click.command("public")
@click.argument("plan_id", metavar="PLAN")
@click.argument("state", type=click.Choice(["on", "off"]))
@click.option("--field", "fields", multiple=True, type=click.Choice(PublicField.values()),
              help="Maak ook dit veld openbaar (herhaalbaar); zonder --field alleen de standaardvelden.")
@click.option("--reason", default="", help="Waarom (optioneel).")
@today_option
@by_option
def public(plan_id: str, state: str, fields: tuple[str, ...], reason: str, today: str | None,
           by: str | None) -> None:
    """Zet de openbare site van een plan aan of uit (/openbaar/PLAN, zonder inloggen)."""
    svc = services()
    plan_id = plan_or_only(svc, plan_id)
    if state == "off" and fields:
        fail("--field kan alleen met 'on'")
    try:
        svc.app.set_public_site(plan_id, public=state == "on", fields=list(fields), reason=reason,
                                at=moment(today), by=user(by))
    except TrackerError as exc:
        fail(str(exc))
    svc.catch_up()
    site = public_site(svc.db, plan_id)
    if site["public"]:
        extra = ", ".join(site["fields"]) or "geen"
        click.echo(f"{plan_id}: openbare site aan op /openbaar/{plan_id} (extra velden: {extra}).")
    else:
        click.echo(f"{plan_id}: openbare site uit.")
