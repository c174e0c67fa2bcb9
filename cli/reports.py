"""`tracker report`, `publish-report` and `reports`: the council report."""

from __future__ import annotations

import click

from cli.context import (by_option, day, fail, json_option, known_day, known_on_option, moment, plan_or_only,
                         print_json, services, today_option, user, write_output)
from projections.publications import latest_published, published_reports
from projections.report import HalfYear, ReportError
from projections.wording import who
from tracker.errors import TrackerError

FORMAT_CHOICE = click.Choice(["html", "pdf", "docx", "md"])
plan_id_option = click.option("--plan", "plan_id", default=None,
                              help="Plan-id (niet nodig als er maar één plan is).")


def half_year(text: str) -> HalfYear:
    """Return the half year of --period, or fail in Dutch."""
    try:
        return HalfYear.parse(text)
    except ReportError as exc:
        fail(str(exc))


@click.command()
@plan_id_option
@click.option("--period", "period", default=None, help="Het halfjaar: 2026-H1 of 'H1 2026'.")
@click.option("--format", "fmt", type=FORMAT_CHOICE, default="html", show_default=True)
@click.option("-o", "--output", required=True, help="Bestand om naar te schrijven ('-': standaarduitvoer).")
@click.option("--as-of", "as_of", metavar="DATE", help="Peildatum; standaard: vandaag (--today).")
@known_on_option
@click.option("--published", is_flag=True, help="Maak de laatst vastgestelde rapportage van de periode opnieuw.")
@click.option("--number", type=int, default=None, help="Maak vastgestelde rapportage nr. N opnieuw.")
@today_option
def report(plan_id: str | None, period: str | None, fmt: str, output: str, as_of: str | None,
           known_on: str | None, published: bool, number: int | None, today: str | None) -> None:
    """Maak de raadsrapportage van een halfjaar: een concept, of een vastgestelde opnieuw."""
    from web.reports import render_report
    from web.reports.build import concept, published as frozen

    svc = services()
    plan_id = plan_or_only(svc, plan_id)
    if (published or number) and (as_of or known_on):
        fail("een vastgestelde rapportage staat vast op haar eigen peildatum: laat --as-of en --as-known-on weg")
    try:
        if published or number:
            if number is None:
                if not period:
                    fail("geef --period of --number op")
                record = latest_published(svc.db, plan_id, half_year(period).key)
                if record is None:
                    fail(f"er is geen vastgestelde rapportage over {half_year(period).key}")
                number = record["number"]
            data, meta = frozen(svc, svc.db, plan_id, number)
            if period and data["period"]["key"] != half_year(period).key:
                fail(f"rapportage nr. {number} gaat over {data['period']['key']}, niet over {half_year(period).key}")
        else:
            if not period:
                fail("geef --period op, bijvoorbeeld 2026-H1")
            data, meta = concept(svc.db, plan_id, half_year(period), day(as_of or today), day(today),
                                 known_day(known_on))
    except ReportError as exc:
        fail(str(exc))
    content = render_report(data, meta, fmt)
    write_output(output, content)
    if output != "-":
        status = f"vastgesteld nr. {meta.number}" if meta.status == "vastgesteld" else "concept"
        click.echo(f"Rapportage {data['period']['key']} ({status}, peildatum {data['as_of']}) "
                   f"geschreven naar {output}.", err=True)


@click.command("publish-report")
@plan_id_option
@click.option("--period", "period", required=True, help="Het halfjaar: 2026-H1 of 'H1 2026'.")
@click.option("--as-of", "as_of", metavar="DATE", help="Peildatum; standaard: vandaag (--today).")
@known_on_option
@click.option("--new-version", "new_version", is_flag=True,
              help="Stel een rapportage met dezelfde periode en peildatum opnieuw vast, als nieuwe versie.")
@click.option("--reason", default="", help="De reden van de nieuwe versie (verplicht bij --new-version).")
@today_option
@by_option
def publish_report(plan_id: str | None, period: str, as_of: str | None, known_on: str | None,
                   new_version: bool, reason: str, today: str | None, by: str | None) -> None:
    """Stel de rapportage van een halfjaar vast: bevries haar op de huidige stand van de gebeurtenissen."""
    svc = services()
    plan_id = plan_or_only(svc, plan_id)
    half = half_year(period)
    position = svc.runner.position
    try:
        number = svc.app.publish_report(plan_id, period=half.key, as_of=day(as_of or today),
                                        position=position, at=moment(today), by=user(by),
                                        new_version=new_version, reason=reason, known_on=known_day(known_on))
    except TrackerError as exc:
        fail(str(exc))
    svc.catch_up()
    click.echo(f"Rapportage nr. {number} over {half.key} vastgesteld (vastleggingen tot en met nr. {position}).")


@click.command()
@plan_id_option
@json_option
def reports(plan_id: str | None, as_json: bool) -> None:
    """Toon de vastgestelde rapportages."""
    svc = services()
    rows = published_reports(svc.db, plan_or_only(svc, plan_id))
    data = [{k: r[k] for k in ("number", "period", "as_of", "known_on", "position", "at", "by", "replaces", "reason")}
            for r in rows]
    if as_json:
        print_json(data)
        return
    for r in data:
        click.echo(f"nr. {r['number']}\t{r['period']}\tpeildatum {r['as_of']}\tvastgesteld {r['at'][:10]} "
                   f"door {who(r['by'])}")
