"""`tracker link` and `tracker unlink`: what an intervention contributes to in another plan."""

from __future__ import annotations

import click

from cli.context import by_option, fail, moment, plan_option, today_option, user
from cli.interventions import on_intervention


def _target(group: str | None, target_code: str | None) -> tuple[str, str]:
    if bool(group) == bool(target_code):
        fail("Geef --group (een doel, opgave of actielijn) of --target-code (een interventie), precies één van beide.")
    return group or "", target_code or ""


@click.command()
@click.argument("code")
@click.option("--to", "target_plan", required=True, help="Het plan waaraan de interventie bijdraagt.")
@click.option("--group", default=None, help="De sleutel van een doel, opgave of actielijn van dat plan.")
@click.option("--target-code", default=None, help="De code van een interventie van dat plan.")
@click.option("--reason", required=True, help="In één zin: waarom draagt de interventie hieraan bij?")
@click.option("--judgement", is_flag=True, help="Het oordeel van de beheerder: de documenten zeggen het niet zelf.")
@click.option("--why", default="", help="Toelichting bij het koppelen.")
@plan_option
@today_option
@by_option
def link(code: str, target_plan: str, group: str | None, target_code: str | None, reason: str, judgement: bool,
         why: str, plan_id: str | None, today: str | None, by: str | None) -> None:
    """Leg vast waaraan een interventie in een ander plan bijdraagt."""
    key, other = _target(group, target_code)
    on_intervention(code, plan_id, lambda app, plan: app.link_contribution(
        plan, code, target_plan=target_plan, target_group=key, target_code=other, reason=reason,
        judgement=judgement, why=why, at=moment(today), by=user(by)))


@click.command()
@click.argument("code")
@click.option("--to", "target_plan", required=True)
@click.option("--group", default=None)
@click.option("--target-code", default=None)
@click.option("--reason", required=True, help="Waarom de koppeling vervalt.")
@plan_option
@today_option
@by_option
def unlink(code: str, target_plan: str, group: str | None, target_code: str | None, reason: str,
           plan_id: str | None, today: str | None, by: str | None) -> None:
    """Laat een koppeling aan een ander plan vervallen, met de reden."""
    key, other = _target(group, target_code)
    on_intervention(code, plan_id, lambda app, plan: app.unlink_contribution(
        plan, code, target_plan=target_plan, target_group=key, target_code=other, why=reason,
        at=moment(today), by=user(by)))
