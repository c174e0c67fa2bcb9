"""`tracker report`, `publish-report`, `reports`, `indicator-value`, `import-indicators`, `finance`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from projections import plans as plan_queries
from projections.publications import latest_published, published_reports
from projections.report import HalfYear, ReportError
from tracker.errors import LinesError, TrackerError
from web.cli import _day, _fail, _moment, _print_json, _services, _user, by_option, main, today_option
from web.services import Services

FORMAT_CHOICE = click.Choice(["html", "pdf", "docx", "md"])
plan_id_option = click.option("--plan", "plan_id", default=None,
                              help="Plan-id (niet nodig als er maar één plan is).")


def _plan(services: Services, plan_id: str | None) -> str:
    """Return the plan asked for, or the only plan."""
    services.catch_up()
    plans = [p["plan_id"] for p in plan_queries.all_plans(services.db)]
    if plan_id:
        if plan_id not in plans:
            _fail(f"onbekend plan '{plan_id}'")
        return plan_id
    if len(plans) != 1:
        _fail("geef --plan op" + (f" (een van: {', '.join(plans)})" if plans else ": er is nog geen plan"))
    return plans[0]


def _period(text: str) -> HalfYear:
    try:
        return HalfYear.parse(text)
    except ReportError as exc:
        _fail(str(exc))
        raise


@main.command()
@plan_id_option
@click.option("--period", "period", default=None, help="Het halfjaar: 2026-H1 of 'H1 2026'.")
@click.option("--format", "fmt", type=FORMAT_CHOICE, default="html", show_default=True)
@click.option("-o", "--output", required=True, help="Bestand om naar te schrijven ('-': standaarduitvoer).")
@click.option("--as-of", "as_of", metavar="DATE", help="Peildatum; standaard: vandaag (--today).")
@click.option("--published", is_flag=True, help="Maak de laatst vastgestelde rapportage van de periode opnieuw.")
@click.option("--number", type=int, default=None, help="Maak vastgestelde rapportage nr. N opnieuw.")
@today_option
def report(plan_id: str | None, period: str | None, fmt: str, output: str, as_of: str | None,
           published: bool, number: int | None, today: str | None) -> None:
    """Maak de raadsrapportage van een halfjaar: een concept, of een vastgestelde opnieuw."""
    from web.reports import render_report
    from web.reports.build import concept, published as frozen

    services = _services()
    plan_id = _plan(services, plan_id)
    try:
        if published or number:
            if number is None:
                if not period:
                    _fail("geef --period of --number op")
                record = latest_published(services.db, plan_id, _period(period).key)
                if record is None:
                    _fail(f"er is geen vastgestelde rapportage over {_period(period).key}")
                number = record["number"]
            data, meta = frozen(services, services.db, plan_id, number)
        else:
            if not period:
                _fail("geef --period op, bijvoorbeeld 2026-H1")
            data, meta = concept(services.db, plan_id, _period(period), _day(as_of or today), _day(today))
    except ReportError as exc:
        _fail(str(exc))
    content = render_report(data, meta, fmt)
    if output == "-":
        sys.stdout.buffer.write(content)
        sys.stdout.flush()
    else:
        Path(output).write_bytes(content)
        status = f"vastgesteld nr. {meta.number}" if meta.status == "vastgesteld" else "concept"
        click.echo(f"Rapportage {data['period']['key']} ({status}, peildatum {data['as_of']}) "
                   f"geschreven naar {output}.", err=True)


@main.command("publish-report")
@plan_id_option
@click.option("--period", "period", required=True, help="Het halfjaar: 2026-H1 of 'H1 2026'.")
@click.option("--as-of", "as_of", metavar="DATE", help="Peildatum; standaard: vandaag (--today).")
@today_option
@by_option
def publish_report(plan_id: str | None, period: str, as_of: str | None, today: str | None,
                   by: str | None) -> None:
    """Stel de rapportage van een halfjaar vast: bevries haar op de huidige stand van de gebeurtenissen."""
    services = _services()
    plan_id = _plan(services, plan_id)
    half = _period(period)
    at = _moment(today)
    position = services.runner.position
    try:
        number = services.app.publish_report(plan_id, period=half.key, as_of=_day(as_of or today),
                                             position=position, at=at, by=by or _user())
    except TrackerError as exc:
        _fail(str(exc))
    services.catch_up()
    click.echo(f"Rapportage nr. {number} over {half.key} vastgesteld (gebeurtenissen tot en met nr. {position}).")


@main.command()
@plan_id_option
@click.option("--json", "as_json", is_flag=True, help="Uitvoer als JSON.")
def reports(plan_id: str | None, as_json: bool) -> None:
    """Toon de vastgestelde rapportages."""
    services = _services()
    rows = published_reports(services.db, _plan(services, plan_id))
    data = [{k: r[k] for k in ("number", "period", "as_of", "position", "at", "by")} for r in rows]
    if as_json:
        _print_json(data)
        return
    for r in data:
        click.echo(f"nr. {r['number']}\t{r['period']}\tpeildatum {r['as_of']}\tvastgesteld {r['at'][:10]} door {r['by']}")


@main.command("indicator-value")
@click.argument("indicator")
@click.argument("period")
@click.argument("value")
@click.option("--source", required=True, help="De bron van de waarde (verplicht).")
@plan_id_option
@today_option
@by_option
def indicator_value(indicator: str, period: str, value: str, source: str, plan_id: str | None,
                    today: str | None, by: str | None) -> None:
    """Leg de waarde van een indicator over een periode vast (een latere corrigeert een eerdere)."""
    services = _services()
    plan_id = _plan(services, plan_id)
    try:
        services.app.record_indicator_value(plan_id, indicator_id=indicator, period=period, value=value,
                                            source=source, at=_moment(today), by=by or _user())
    except TrackerError as exc:
        _fail(str(exc))
    services.catch_up()
    click.echo("Vastgelegd.")


@main.command("import-indicators")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@plan_id_option
@today_option
@by_option
def import_indicators(file: Path, plan_id: str | None, today: str | None, by: str | None) -> None:
    """Leg indicatorwaarden vast uit een CSV (indicator;periode;waarde;bron): alle of geen."""
    from web.indicator_csv import read_indicator_csv

    services = _services()
    plan_id = _plan(services, plan_id)
    try:
        rows = read_indicator_csv(file.read_bytes())
        count = services.app.record_indicator_values(plan_id, rows, at=_moment(today), by=by or _user())
    except LinesError as exc:
        for problem in exc.problems:
            click.echo(f"{file}: {problem}", err=True)
        click.echo("Niets vastgelegd.", err=True)
        sys.exit(1)
    except TrackerError as exc:
        _fail(str(exc))
    services.catch_up()
    click.echo(f"{count} waarden vastgelegd.")


@main.command()
@plan_id_option
@click.option("--year", required=True, help="Het jaar.")
@click.option("--domain", required=True, type=click.Choice(["jeugd", "wmo", "beide"]))
@click.option("--kind", required=True, type=click.Choice(["realisatie", "kosten_maatregelen", "besparing"]),
              help="realisatie (uitgaven), kosten_maatregelen of besparing.")
@click.option("--amount", required=True, help="Bedrag in euro's, bijvoorbeeld 33000000 of '€ 33.000.000'.")
@click.option("--note", default="", help="Toelichting.")
@today_option
@by_option
def finance(plan_id: str | None, year: str, domain: str, kind: str, amount: str, note: str,
            today: str | None, by: str | None) -> None:
    """Leg een financieel gegeven vast per jaar en domein (een latere corrigeert een eerdere)."""
    services = _services()
    plan_id = _plan(services, plan_id)
    try:
        services.app.record_finance(plan_id, year=year, domain=domain, kind=kind, amount=amount, note=note,
                                    at=_moment(today), by=by or _user())
    except TrackerError as exc:
        _fail(str(exc))
    services.catch_up()
    click.echo("Vastgelegd.")
