"""`tracker meeting`: the stuurgroep's meeting: open it, its agenda, decisions, the besluitenlijst, close it."""

from __future__ import annotations

from datetime import date

import click

from cli.context import (TrackerGroup, by_option, day, fail, json_option, moment, plan_or_only, print_json,
                         services, today_option, user, write_output)
from projections import plans as plan_queries
from projections.agenda import meeting_agenda
from projections.meetings import decisions, meeting, meeting_titles
from tracker.errors import TrackerError

plan_id_option = click.option("--plan", "plan_id", default=None, help="Plan-id (niet nodig als er maar één plan is).")


def _meeting(plan_id: str | None, meeting_id: str) -> tuple[str, dict]:
    svc = services()
    plan_id = plan_or_only(svc, plan_id)
    found = meeting(svc.db, plan_id, meeting_id)
    if found is None:
        fail(f"geen vergadering '{meeting_id}' in {plan_id} (zie de uitvoer van `tracker meeting open`)")
    return plan_id, found


@click.group("meeting", cls=TrackerGroup)
def meeting_group() -> None:
    """Vergaderingen van de stuurgroep: openen, agenda, besluiten, besluitenlijst, sluiten."""


@meeting_group.command("open")
@click.option("--date", "meeting_date", required=True, metavar="DATE", help="De datum van de vergadering.")
@click.option("--attendee", "attendees", multiple=True, help="Een aanwezige (mag vaker).")
@plan_id_option
@json_option
@today_option
@by_option
def open_meeting(meeting_date: str, attendees: tuple[str, ...], plan_id: str | None, as_json: bool,
                 today: str | None, by: str | None) -> None:
    """Open een vergadering van de stuurgroep; toont haar id."""
    svc = services()
    plan_id = plan_or_only(svc, plan_id)
    try:
        key = svc.app.open_meeting(plan_id, meeting_date=date.fromisoformat(meeting_date), attendees=list(attendees),
                                   at=moment(today), by=user(by))
    except ValueError:
        fail(f"'{meeting_date}' is geen datum (JJJJ-MM-DD)")
    except TrackerError as exc:
        fail(str(exc))
    svc.catch_up()
    if as_json:
        print_json({"id": key})
    else:
        click.echo(f"Vergadering {key} geopend.")


@meeting_group.command("agenda")
@click.argument("meeting_id")
@plan_id_option
@json_option
def agenda(meeting_id: str, plan_id: str | None, as_json: bool) -> None:
    """Toon de agenda: de uitzonderingen op de vergaderdag en wat sinds de vorige vergadering veranderde."""
    plan_id, found = _meeting(plan_id, meeting_id)
    data = meeting_agenda(services().db, plan_id, date.fromisoformat(found["meeting_date"]))
    if as_json:
        print_json({"id": meeting_id, "date": data["date"].isoformat(), "since": data["since"].isoformat(),
                    "items": data["items"]})
        return
    click.echo(f"Agenda stuurgroep {found['meeting_date']} (wijzigingen sinds {data['since']:%d-%m-%Y}):")
    for item in data["items"]:
        click.echo(f"  {item['code']:6} {item['stoplicht']:13} {'; '.join(item['reasons'])}")


@meeting_group.command("decide")
@click.argument("meeting_id")
@click.argument("code")
@click.option("--besluit", required=True, help="Het besluit over de interventie.")
@click.option("--actie", default="", help="Een actie die volgt uit het besluit.")
@click.option("--eigenaar", default="", metavar="EMAIL", help="Wie de actie uitvoert (een account).")
@click.option("--termijn", default="", metavar="TERM", help="Wanneer de actie klaar is (bijv. Q2 2026).")
@plan_id_option
@today_option
@by_option
def decide(meeting_id: str, code: str, besluit: str, actie: str, eigenaar: str, termijn: str, plan_id: str | None,
           today: str | None, by: str | None) -> None:
    """Leg het besluit over een interventie vast; een actie wordt een mijlpaal van de interventie."""
    plan_id, _ = _meeting(plan_id, meeting_id)
    svc = services()
    try:
        milestone = svc.app.decide(plan_id, meeting_id, code, decision=besluit, action=actie, owner=eigenaar,
                                   term=termijn, at=moment(today), by=user(by))
    except TrackerError as exc:
        fail(str(exc))
    svc.catch_up()
    click.echo("Vastgelegd." + (f" De actie is mijlpaal '{milestone}' van {code}." if milestone else ""))


@meeting_group.command("besluitenlijst")
@click.argument("meeting_id")
@click.option("--format", "fmt", type=click.Choice(["md", "docx", "pdf"]), default="md", show_default=True)
@click.option("-o", "--output", required=True, help="Bestand om naar te schrijven ('-': standaarduitvoer).")
@plan_id_option
@today_option
def besluitenlijst(meeting_id: str, fmt: str, output: str, plan_id: str | None, today: str | None) -> None:
    """Maak de besluitenlijst van een vergadering (Markdown, Word of PDF)."""
    import sys

    from web.reports.besluitenlijst import besluitenlijst_blocks, render_besluitenlijst

    plan_id, found = _meeting(plan_id, meeting_id)
    db = services().db
    plan = plan_queries.plan(db, plan_id)
    titles = meeting_titles(db, plan_id, day(today))
    blocks = besluitenlijst_blocks(plan, found, decisions(db, found["meeting_id"]), titles, day(today))
    content = render_besluitenlijst(blocks, f"Besluitenlijst stuurgroep {found['meeting_date']}", day(today), fmt)
    write_output(output, content)
    if output != "-":
        click.echo(f"Besluitenlijst {meeting_id} geschreven naar {output}.", err=True)


@meeting_group.command("close")
@click.argument("meeting_id")
@plan_id_option
@today_option
@by_option
def close(meeting_id: str, plan_id: str | None, today: str | None, by: str | None) -> None:
    """Sluit een vergadering: de besluitenlijst ligt daarna vast."""
    plan_id, _ = _meeting(plan_id, meeting_id)
    svc = services()
    try:
        svc.app.close_meeting(plan_id, meeting_id, at=moment(today), by=user(by))
    except TrackerError as exc:
        fail(str(exc))
    svc.catch_up()
    click.echo(f"Vergadering {meeting_id} gesloten.")
