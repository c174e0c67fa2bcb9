"""`tracker interventions`, `show`, `history`, and the commands on one intervention."""

from __future__ import annotations

from datetime import date
from typing import Any, Callable

import click

from cli.context import (
    as_of_option,
    by_option,
    day,
    fail,
    json_option,
    known_day,
    known_on_option,
    moment,
    plan_of_code,
    plan_option,
    print_json,
    record,
    services,
    today_option,
    user,
)
from projections.meetings import discussed
from projections.history import intervention_history
from projections.wording import who
from projections.interventions import intervention_json, interventions_as_of
from tracker.application import TrackerApp
from tracker.intervention import STOPLICHT
from web.services import Services


@click.command()
@plan_option
@as_of_option
@known_on_option
@json_option
def interventions(plan_id: str | None, as_of: str | None, known_on: str | None, as_json: bool) -> None:
    """Toon de interventies met hun tijdpad."""
    svc = services()
    svc.catch_up()
    rows = [intervention_json(iv) for iv in interventions_as_of(svc.db, day(as_of), plan_id=plan_id,
                                                                known_on=known_day(known_on))]
    if as_json:
        print_json(rows)
        return
    several = len({iv["plan"] for iv in rows}) > 1
    shown_plan = None
    for iv in rows:
        if several and iv["plan"] != shown_plan:  # the same code may stand in two plans: say whose
            shown_plan = iv["plan"]
            click.echo(f"== {shown_plan}")
        trekker = iv["trekker"]["name"] if iv["trekker"] else "geen trekker"
        click.echo(f"{iv['code']:8} {iv['stoplicht']:7} {iv['title']} ({trekker})")
        for m in iv["milestones"]:
            click.echo(f"           {m['term_text']:12} {m['state']:11} {m['label']}")


def _happened(h: dict[str, Any]) -> str:
    """Say the day a change happened where it lies before the day it was recorded (a back-dated one)."""
    day = (h.get("valid") or "")[:10]
    return f" (per {date.fromisoformat(day):%d-%m-%Y})" if day and day < h["at"][:10] else ""


def history_json(svc: Services, plan_id: str, code: str, as_of: date | None = None,
                 known_on: date | None = None) -> list[dict[str, Any]]:
    """Return the history of an intervention in the shape of docs/cli.md.

    With ``as_of``: what had happened by then; with ``known_on``: what was recorded by then.
    """
    rows = intervention_history(svc.db, plan_id, code)
    if as_of is not None:
        rows = [r for r in rows if r["valid"][:10] <= as_of.isoformat()]
    if known_on is not None:
        rows = [r for r in rows if r["at"][:10] <= known_on.isoformat()]
    return [{"seq": r["seq"], "at": r["at"], "valid": r["valid"], "by": r["by"], "by_id": r["by_id"],
             "event": r["event"], "milestone": r["milestone_id"], "description": r["description"],
             "data": r["data"]}
            for r in rows]


@click.command()
@click.argument("code")
@plan_option
@as_of_option
@known_on_option
@json_option
def show(code: str, plan_id: str | None, as_of: str | None, known_on: str | None, as_json: bool) -> None:
    """Toon één interventie, met haar geschiedenis."""
    svc = services()
    plan_id = plan_of_code(svc, code, plan_id)
    found = interventions_as_of(svc.db, day(as_of), plan_id=plan_id, code=code, include_dropped=True,
                                known_on=known_day(known_on))
    if not found:
        fail(f"interventie '{code}' bestond op {day(as_of):%d-%m-%Y} nog niet"
             + (f" (zoals bekend op {known_day(known_on):%d-%m-%Y})" if known_on else ""))
    iv = found[0]
    data = intervention_json(iv)
    data["details"] = iv["details"]
    if data["last_review"]:
        found_meeting = discussed(svc.db, plan_id, code, data["last_review"]["date"])
        data["last_review"]["meeting"] = found_meeting["key"] if found_meeting else None
    data["history"] = history_json(svc, plan_id, code, day(as_of), known_day(known_on))
    if as_json:
        print_json(data)
        return
    click.echo(f"{data['code']} {data['title']} — stoplicht {data['stoplicht']}")
    for m in data["milestones"]:
        click.echo(f"  {m['term_text']:12} {m['state']:11} {m['label']}")
    for h in data["history"]:
        click.echo(f"  {h['at'][:16]} {who(h['by'])}: {h['description']}{_happened(h)}")


@click.command()
@click.argument("code")
@plan_option
@json_option
def history(code: str, plan_id: str | None, as_json: bool) -> None:
    """Toon de geschiedenis van een interventie: wie, wanneer, wat en waarom."""
    svc = services()
    plan_id = plan_of_code(svc, code, plan_id)
    rows = history_json(svc, plan_id, code)
    if as_json:
        print_json(rows)
        return
    for h in rows:
        click.echo(f"{h['at'][:16]}  {who(h['by']):<16} {h['description']}{_happened(h)}")


def on_intervention(code: str, plan_id: str | None, command: Callable[[TrackerApp, str], Any]) -> None:
    """Run one command on an intervention of a plan; say so, or fail in Dutch."""
    svc = services()
    record(svc, plan_of_code(svc, code, plan_id), command)


@click.command()
@click.argument("code")
@click.option("--email", default=None, metavar="EMAIL", help="E-mailadres van een actief account met de rol trekker.")
@click.option("--name", default=None, help="De naam van dat account (standaard: die naam; een andere wordt geweigerd).")
@plan_option
@today_option
@by_option
def assign(code: str, email: str | None, name: str | None, plan_id: str | None, today: str | None,
           by: str | None) -> None:
    """Wijs de trekker van een interventie toe: een actief account met de rol trekker."""
    if not (email or "").strip():
        fail("geef met --email het e-mailadres van een account met de rol trekker op; er is niets vastgelegd")
    on_intervention(code, plan_id, lambda app, plan: app.assign_trekker(
        plan, code, email=email, name=name, at=moment(today), by=user(by)))


@click.command()
@click.argument("code")
@click.argument("text")
@plan_option
@today_option
@by_option
def note(code: str, text: str, plan_id: str | None, today: str | None, by: str | None) -> None:
    """Schrijf een voortgangsnotitie."""
    on_intervention(code, plan_id, lambda app, plan: app.add_note(
        plan, code, text=text, at=moment(today), by=user(by)))


@click.command()
@click.argument("code")
@click.argument("colour", type=click.Choice(STOPLICHT))
@click.option("--oorzaak", default="")
@click.option("--gevolg", default="")
@click.option("--bijsturing", default="")
@click.option("--date", "per", default=None, help="Het stoplicht geldt per deze dag (standaard: vandaag).")
@plan_option
@today_option
@by_option
def status(code: str, colour: str, oorzaak: str, gevolg: str, bijsturing: str, per: str | None,
           plan_id: str | None, today: str | None, by: str | None) -> None:
    """Zet het stoplicht (oranje en rood vragen oorzaak, gevolg en bijsturing)."""
    on_intervention(code, plan_id, lambda app, plan: app.set_stoplicht(
        plan, code, colour=colour, oorzaak=oorzaak, gevolg=gevolg, bijsturing=bijsturing,
        valid_on=known_day(per), at=moment(today), by=user(by)))


@click.command()
@click.argument("code")
@click.option("--note", default="")
@plan_option
@today_option
@by_option
def close(code: str, note: str, plan_id: str | None, today: str | None, by: str | None) -> None:
    """Sluit een interventie af (alle mijlpalen gereed of vervallen)."""
    on_intervention(code, plan_id, lambda app, plan: app.close_intervention(
        plan, code, note=note, at=moment(today), by=user(by)))
