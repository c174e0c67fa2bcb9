"""`tracker indicator-value`, `import-indicators`, `finance` and `confirm-finance`: the figures of a plan."""

from __future__ import annotations

from pathlib import Path

import click

from cli.context import by_option, fail, fail_lines, moment, plan_or_only, services, today_option, user
from cli.reports import plan_id_option
from tracker.errors import LinesError, TrackerError
from tracker.plan import FINANCE_DOMAINS, FINANCE_KINDS


@click.command("indicator-value")
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
    svc = services()
    plan_id = plan_or_only(svc, plan_id)
    try:
        svc.app.record_indicator_value(plan_id, indicator_id=indicator, period=period, value=value,
                                       source=source, at=moment(today), by=user(by))
    except TrackerError as exc:
        fail(str(exc))
    svc.catch_up()
    click.echo("Vastgelegd.")


@click.command("import-indicators")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@plan_id_option
@today_option
@by_option
def import_indicators(file: Path, plan_id: str | None, today: str | None, by: str | None) -> None:
    """Leg indicatorwaarden vast uit een CSV (indicator;periode;waarde;bron): alle of geen."""
    from web.indicator_csv import read_indicator_csv

    svc = services()
    plan_id = plan_or_only(svc, plan_id)
    try:
        rows = read_indicator_csv(file.read_bytes())
        count = svc.app.record_indicator_values(plan_id, rows, at=moment(today), by=user(by))
    except LinesError as exc:
        fail_lines(file, exc.problems)
    except TrackerError as exc:
        fail(str(exc))
    svc.catch_up()
    click.echo(f"{count} {'waarde' if count == 1 else 'waarden'} vastgelegd.")


@click.command()
@plan_id_option
@click.option("--year", required=True, help="Het jaar.")
@click.option("--domain", required=True, type=click.Choice(FINANCE_DOMAINS))
@click.option("--kind", required=True, type=click.Choice(FINANCE_KINDS),
              help="realisatie (uitgaven), kosten_maatregelen of besparing.")
@click.option("--amount", required=True, help="Bedrag in euro's, bijvoorbeeld 33000000 of '€ 33.000.000'.")
@click.option("--period", "period", default=None,
              help="Over welk deel van het jaar: 2026 (heel jaar), 2026-H1, 't/m 2026-Q3'; standaard: een "
                   "verstreken jaar heel, een lopend jaar tot en met gisteren.")
@click.option("--confirm", "confirmed", is_flag=True,
              help="Het bedrag is gecontroleerd en klopt, ook als het ver van de nulmeting ligt.")
@click.option("--note", default="", help="Toelichting.")
@today_option
@by_option
def finance(plan_id: str | None, year: str, domain: str, kind: str, amount: str, period: str | None,
            confirmed: bool, note: str, today: str | None, by: str | None) -> None:
    """Leg een financieel gegeven vast over (een deel van) een jaar (een latere corrigeert een eerdere)."""
    svc = services()
    plan_id = plan_or_only(svc, plan_id)
    try:
        check = svc.app.record_finance(plan_id, year=year, domain=domain, kind=kind, amount=amount, note=note,
                                       period=period, confirmed=confirmed, at=moment(today), by=user(by))
    except TrackerError as exc:
        fail(str(exc))
    svc.catch_up()
    click.echo("Vastgelegd.")
    if check:
        click.echo(f"Let op: het bedrag is {check}. Het staat in de rapportage als niet bevestigd tot u het "
                   f"bevestigt: tracker confirm-finance --year {year} --domain {domain} --kind {kind}", err=True)


@click.command("confirm-finance")
@plan_id_option
@click.option("--year", required=True, help="Het jaar.")
@click.option("--domain", required=True, type=click.Choice(FINANCE_DOMAINS))
@click.option("--kind", required=True, type=click.Choice(FINANCE_KINDS))
@click.option("--note", default="", help="Toelichting (waarom het bedrag klopt).")
@today_option
@by_option
def confirm_finance(plan_id: str | None, year: str, domain: str, kind: str, note: str, today: str | None,
                    by: str | None) -> None:
    """Bevestig dat het laatst vastgelegde bedrag klopt, ook al lag het ver van de nulmeting."""
    svc = services()
    plan_id = plan_or_only(svc, plan_id)
    try:
        svc.app.confirm_finance(plan_id, year=year, domain=domain, kind=kind, note=note, at=moment(today),
                                by=user(by))
    except TrackerError as exc:
        fail(str(exc))
    svc.catch_up()
    click.echo("Bevestigd.")
