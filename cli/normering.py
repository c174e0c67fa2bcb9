"""`tracker import-norms`, `import-spending`, `signals` and `analysis-talk`: the normering per aanbieder."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from cli.context import (TrackerGroup, as_of_option, by_option, day, fail, fail_lines, json_option, moment,
                         print_json, services, today_option, user)
from projections import plans as plan_queries
from projections.normering import norm_overview, signal_json, signals
from tracker.errors import LinesError, TrackerError
from tracker.normering_csv import read_norms_csv, read_spending_csv
from web.services import Services

plan_option = click.option("--plan", "plan_id", default=None,
                           help="Plan-id; zonder: het plan dat normering kent (plan.normering), of het enige plan.")


def normering_plan(svc: Services, plan_id: str | None) -> dict:
    """Return the plan a normering command is about: --plan, the one plan with plan.normering, or the only plan."""
    svc.catch_up()
    plans = plan_queries.all_plans(svc.db)
    if plan_id:
        found = [p for p in plans if p["plan_id"] == plan_id]
        if not found:
            fail(f"onbekend plan '{plan_id}'")
        return found[0]
    with_norms = [p for p in plans if p["facts"].get("normering")]
    if len(plans) == 1:
        return plans[0]
    if len(with_norms) == 1:
        return with_norms[0]
    fail("geef --plan op" + (f" (een van: {', '.join(p['plan_id'] for p in plans)})" if plans
                             else ": er is nog geen plan"))


def _import(file: Path, plan_id: str | None, today: str | None, by: str | None, read, record, what: str) -> None:
    svc = services()
    plan = normering_plan(svc, plan_id)
    try:
        rows = read(file.read_bytes())
        count = record(svc.app, plan["plan_id"], rows, source=file.name, at=moment(today), by=user(by))
    except LinesError as exc:
        fail_lines(file, exc.problems)
    except TrackerError as exc:
        fail(str(exc))
    svc.catch_up()
    click.echo(f"{plan['plan_id']}: {count} {what} vastgelegd.")


@click.command("import-norms")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@plan_option
@today_option
@by_option
def import_norms(file: Path, plan_id: str | None, today: str | None, by: str | None) -> None:
    """Leg normen vast uit een CSV (aanbieder;zorgsoort;jaar;bestedingsruimte[;signaalplafond;instroomtarget])."""
    _import(file, plan_id, today, by, read_norms_csv, lambda app, *a, **k: app.record_norms(*a, **k), "normen")


@click.command("import-spending")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@plan_option
@today_option
@by_option
def import_spending(file: Path, plan_id: str | None, today: str | None, by: str | None) -> None:
    """Leg gerealiseerde besteding vast uit een CSV (aanbieder;zorgsoort;periode;bedrag): alle regels of geen."""
    _import(file, plan_id, today, by, read_spending_csv, lambda app, *a, **k: app.record_spending(*a, **k),
            "bestedingsregels")


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}".replace(".", ",") + " %"


@click.command("signals")
@plan_option
@as_of_option
@click.option("--as-known-on", "known_on", metavar="DATE", default=None,
              help="Zoals vastgelegd aan het eind van deze dag; standaard: alles wat nu bekend is.")
@json_option
def signals_command(plan_id: str | None, as_of: str | None, known_on: str | None, as_json: bool) -> None:
    """Toon de signalen: aanbieders wier besteding de drempel (standaard 70 %) van hun norm heeft bereikt."""
    svc = services()
    plan = normering_plan(svc, plan_id)
    found = [signal_json(s) for s in signals(svc.db, plan, day(as_of), day(known_on) if known_on else None)]
    if as_json:
        print_json(found)
        return
    if not found:
        click.echo(f"Geen signalen per {day(as_of):%d-%m-%Y}.")
    for s in found:
        talks = s["analysis"]
        follow = (f"analysegesprek {talks[-1]['id']}: {talks[-1]['state']} ({talks[-1]['due_text']}, "
                  f"{talks[-1]['owner']})" if talks else "analysegesprek nog niet gepland")
        click.echo(f"{s['aanbieder']}\t{s['zorgsoort']}\t{s['jaar']}\t{_percent(s['share'])} van de {s['basis']} "
                   f"(drempel {s['threshold']:g} %, sinds {date.fromisoformat(s['since']):%d-%m-%Y})\t{follow}")


@click.command("normering")
@plan_option
@as_of_option
@click.option("--year", "year", type=int, default=None, help="Alleen dit jaar.")
@json_option
def normering_command(plan_id: str | None, as_of: str | None, year: int | None, as_json: bool) -> None:
    """Toon per aanbieder en zorgsoort de norm, de besteding, het aandeel en het verloop per kwartaal."""
    svc = services()
    plan = normering_plan(svc, plan_id)
    rows = norm_overview(svc.db, plan, day(as_of), year)
    if as_json:
        print_json(rows)
        return
    if not rows:
        click.echo(f"Geen normen vastgelegd{f' voor {year}' if year else ''} (tracker import-norms).")
    for r in rows:
        trend = ", ".join(f"{q['quarter']}: {_percent(q['share'])}" for q in r["quarters"])
        click.echo(f"{r['jaar']}\t{r['aanbieder']}\t{r['zorgsoort']}\tnorm {r['norm']}\tbesteed {r['spent']}\t"
                   f"{_percent(r['share'])}{' SIGNAAL' if r['signal'] else ''}\t{trend}")


@click.group("analysis-talk", cls=TrackerGroup)
def analysis_talk() -> None:
    """Analysegesprekken met aanbieders na een signaal: plannen (termijn en eigenaar) en als gehouden vastleggen."""


@analysis_talk.command("plan")
@click.option("--aanbieder", required=True)
@click.option("--zorgsoort", required=True)
@click.option("--year", "year", required=True, help="Het jaar van de norm.")
@click.option("--due", required=True, help="De termijn, bijvoorbeeld 'Q3 2026' of 2026-08-15.")
@click.option("--owner", required=True, help="Wie het gesprek voert (bijvoorbeeld de contractmanager).")
@click.option("--note", default="")
@plan_option
@today_option
@by_option
def plan_talk(aanbieder: str, zorgsoort: str, year: str, due: str, owner: str, note: str, plan_id: str | None,
              today: str | None, by: str | None) -> None:
    """Plan een analysegesprek met een aanbieder."""
    svc = services()
    plan = normering_plan(svc, plan_id)
    try:
        talk_id = svc.app.plan_analysis_talk(plan["plan_id"], aanbieder=aanbieder, zorgsoort=zorgsoort, jaar=year,
                                             due=due, owner=owner, note=note, at=moment(today), by=user(by))
    except TrackerError as exc:
        fail(str(exc))
    svc.catch_up()
    click.echo(f"Analysegesprek {talk_id} gepland.")


@analysis_talk.command("held")
@click.argument("talk_id")
@click.option("--date", "held_on", default=None, help="De dag van het gesprek (standaard: vandaag).")
@click.option("--note", default="")
@plan_option
@today_option
@by_option
def talk_held(talk_id: str, held_on: str | None, note: str, plan_id: str | None, today: str | None,
              by: str | None) -> None:
    """Leg vast dat een analysegesprek is gehouden."""
    svc = services()
    plan = normering_plan(svc, plan_id)
    try:
        svc.app.record_analysis_talk_held(plan["plan_id"], talk_id, held_on=day(held_on or today), note=note,
                                          at=moment(today), by=user(by))
    except TrackerError as exc:
        fail(str(exc))
    svc.catch_up()
    click.echo(f"Analysegesprek {talk_id} gehouden.")
