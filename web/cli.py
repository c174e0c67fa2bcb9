"""The `tracker` command: the machine interface for operators and scripts (docs/cli.md)."""

from __future__ import annotations

import getpass
import json
import os
import sys
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import click

from projections import plans as plan_queries
from projections.history import intervention_history
from projections.interventions import interventions_as_of, intervention_json
from tracker.errors import PlanFileError, TrackerError
from tracker.planfile import read_plan_file
from web.services import DEFAULT_PLAN, Services, open_services


def _moment(value: str | None) -> datetime:
    """Return the moment a command is recorded at: --today as a date or a datetime, or now."""
    if not value:
        return datetime.now().replace(microsecond=0)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"'{value}' is geen datum (JJJJ-MM-DD)") from None
    if len(value) <= 10:
        # A bare date is recorded at noon, so it sorts after anything else that day began with.
        return datetime.combine(parsed.date(), time(12, 0))
    return parsed


def _day(value: str | None) -> date:
    return _moment(value).date()


def _user() -> str:
    return os.environ.get("TRACKER_USER") or getpass.getuser()


today_option = click.option("--today", "today", metavar="DATE",
                            help="De datum (en tijd) van vandaag; standaard: nu.")
as_of_option = click.option("--as-of", "as_of", metavar="DATE",
                            help="Toon de stand aan het eind van deze dag; standaard: vandaag.")
by_option = click.option("--by", "by", default=None, help="Wie de wijziging doet (standaard $TRACKER_USER).")
plan_option = click.option("--plan", "plan_id", default=None, help="Plan-id (nodig als een code in meerdere plannen voorkomt).")


class Context:
    def __init__(self) -> None:
        self._services: Services | None = None

    @property
    def services(self) -> Services:
        if self._services is None:
            self._services = open_services()
        return self._services


def _services() -> Services:
    return click.get_current_context().find_object(Context).services


def _fail(message: str) -> None:
    click.echo(f"fout: {message}", err=True)
    sys.exit(1)


def _print_json(value: Any) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=2))


def _resolve_plan(services: Services, code: str, plan_id: str | None) -> str:
    """Return the plan a code belongs to, asking for --plan when several plans have it."""
    services.catch_up()
    if plan_id:
        return plan_id
    rows = list(services.db.query(
        "SELECT DISTINCT plan_id FROM intervention_versions WHERE code = ?", [code]))
    if not rows:
        _fail(f"geen interventie met code '{code}'")
    if len(rows) > 1:
        _fail(f"code '{code}' komt voor in meerdere plannen ({', '.join(r['plan_id'] for r in rows)}): "
              "geef --plan op")
    return rows[0]["plan_id"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.pass_context
def main(ctx: click.Context) -> None:
    """Volg de uitvoering van een uitvoeringsagenda (gegevens in $TRACKER_DATA_DIR, standaard ./data)."""
    ctx.obj = Context()


def _import(services: Services, path: Path | str, at: datetime, by: str) -> None:
    try:
        spec = read_plan_file(path)
    except PlanFileError as exc:
        for problem in exc.problems:
            click.echo(problem, err=True)
        click.echo(f"Niets geïmporteerd: {len(exc.problems)} fout(en).", err=True)
        sys.exit(1)
    try:
        result = services.app.import_plan(spec, at=at, by=by)
    except TrackerError as exc:
        click.echo(f"{path}: {exc}", err=True)
        click.echo("Niets geïmporteerd.", err=True)
        sys.exit(1)
    services.catch_up()
    if result.outcome == "unchanged":
        click.echo(f"{spec.id}: ongewijzigd, niets geïmporteerd.")
    elif result.outcome == "created":
        click.echo(f"{spec.id}: geïmporteerd ({len(spec.interventions)} interventies, {result.events} gebeurtenissen).")
    else:
        click.echo(f"{spec.id}: nieuwe versie, {len(result.changes)} wijziging(en):")
        for line in result.changes:
            click.echo(f"  - {line}")


@main.command()
@today_option
@by_option
def init(today: str | None, by: str | None) -> None:
    """Maak de opslag aan en laad het standaardplan als er nog geen plan is."""
    from web.cli_users import ensure_first_beheerder

    services = _services()
    services.catch_up()
    if plan_queries.all_plans(services.db):
        click.echo(f"Gegevens in {services.data_dir}: al ingericht.")
    else:
        plan_file = Path(os.environ.get("TRACKER_DEFAULT_PLAN") or DEFAULT_PLAN)
        _import(services, plan_file, _moment(today), by or "systeem")
    ensure_first_beheerder(services, _moment(today))


@main.command("import-plan")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@today_option
@by_option
def import_plan(file: Path, today: str | None, by: str | None) -> None:
    """Importeer een plan, of de wijzigingen van een nieuwe versie ervan."""
    _import(_services(), file, _moment(today), by or _user())


@main.command("check-plan")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
def check_plan(files: tuple[Path, ...]) -> None:
    """Controleer planbestanden zonder iets te importeren."""
    from tracker.planfile import main as check

    sys.exit(check([str(f) for f in files]))


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Uitvoer als JSON.")
def plans(as_json: bool) -> None:
    """Toon de plannen."""
    services = _services()
    services.catch_up()
    rows = plan_queries.all_plans(services.db)
    data = [{"id": r["plan_id"], "title": r["title"], "organisation": r["organisation"],
             "period": r["facts"]["period"], "versions": r["versions"],
             "interventions": len(r["facts"].get("interventions", []))} for r in rows]
    if as_json:
        _print_json(data)
        return
    for p in data:
        click.echo(f"{p['id']}\t{p['title']} ({p['organisation']}, {p['interventions']} interventies)")


@main.command()
@plan_option
@as_of_option
@click.option("--json", "as_json", is_flag=True, help="Uitvoer als JSON.")
def interventions(plan_id: str | None, as_of: str | None, as_json: bool) -> None:
    """Toon de interventies met hun tijdpad."""
    services = _services()
    services.catch_up()
    rows = [intervention_json(iv) for iv in interventions_as_of(services.db, _day(as_of), plan_id=plan_id)]
    if as_json:
        _print_json(rows)
        return
    for iv in rows:
        trekker = iv["trekker"]["name"] if iv["trekker"] else "geen trekker"
        click.echo(f"{iv['code']:8} {iv['stoplicht']:7} {iv['title']} ({trekker})")
        for m in iv["milestones"]:
            click.echo(f"           {m['due_text']:12} {m['state']:11} {m['label']}")


@main.command()
@click.argument("code")
@plan_option
@as_of_option
@click.option("--json", "as_json", is_flag=True, help="Uitvoer als JSON.")
def show(code: str, plan_id: str | None, as_of: str | None, as_json: bool) -> None:
    """Toon één interventie, met haar geschiedenis."""
    services = _services()
    plan_id = _resolve_plan(services, code, plan_id)
    found = interventions_as_of(services.db, _day(as_of), plan_id=plan_id, code=code, include_dropped=True)
    if not found:
        _fail(f"interventie '{code}' bestond op {_day(as_of):%d-%m-%Y} nog niet")
    iv = found[0]
    data = intervention_json(iv)
    data["details"] = iv["details"]
    data["history"] = _history_json(services, plan_id, code, _day(as_of))
    if as_json:
        _print_json(data)
        return
    click.echo(f"{data['code']} {data['title']} — stoplicht {data['stoplicht']}")
    for m in data["milestones"]:
        click.echo(f"  {m['due_text']:12} {m['state']:11} {m['label']}")
    for h in data["history"]:
        click.echo(f"  {h['at'][:16]} {h['by']}: {h['description']}")


def _history_json(services: Services, plan_id: str, code: str, as_of: date | None = None) -> list[dict[str, Any]]:
    rows = intervention_history(services.db, plan_id, code)
    if as_of is not None:
        rows = [r for r in rows if r["at"][:10] <= as_of.isoformat()]
    return [{"seq": r["seq"], "at": r["at"], "by": r["by"], "event": r["event"],
             "milestone": r["milestone_id"], "description": r["description"], "data": r["data"]}
            for r in rows]


@main.command()
@click.argument("code")
@plan_option
@click.option("--json", "as_json", is_flag=True, help="Uitvoer als JSON.")
def history(code: str, plan_id: str | None, as_json: bool) -> None:
    """Toon de geschiedenis van een interventie: wie, wanneer, wat en waarom."""
    services = _services()
    plan_id = _resolve_plan(services, code, plan_id)
    rows = _history_json(services, plan_id, code)
    if as_json:
        _print_json(rows)
        return
    for h in rows:
        click.echo(f"{h['at'][:16]}  {h['by']:<16} {h['description']}")


def _command(action: Any, code: str, plan_id: str | None, **kwargs: Any) -> None:
    services = _services()
    plan_id = _resolve_plan(services, code, plan_id)
    try:
        action(services.app, plan_id, code, **kwargs)
    except TrackerError as exc:
        _fail(str(exc))
    services.catch_up()
    click.echo("Vastgelegd.")


@main.group()
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
def milestone_complete(code: str, milestone_id: str, realised: str | None, note: str,
                       plan_id: str | None, today: str | None, by: str | None) -> None:
    """Meld een mijlpaal gereed."""
    at = _moment(today)
    _command(lambda app, p, c, **kw: app.complete_milestone(p, c, milestone_id, **kw), code, plan_id,
             realised=_day(realised) if realised else at.date(), note=note, at=at, by=by or _user())


@milestone.command("reschedule")
@click.argument("code")
@click.argument("milestone_id")
@click.option("--due", required=True, help="Nieuwe termijn, bijvoorbeeld 'Q2 2026' of 2026-05-01.")
@click.option("--reason", required=True, help="Reden van het verschuiven (verplicht).")
@plan_option
@today_option
@by_option
def milestone_reschedule(code: str, milestone_id: str, due: str, reason: str, plan_id: str | None,
                         today: str | None, by: str | None) -> None:
    """Verschuif een mijlpaal naar een nieuwe termijn."""
    _command(lambda app, p, c, **kw: app.reschedule_milestone(p, c, milestone_id, **kw), code, plan_id,
             due=due, reason=reason, at=_moment(today), by=by or _user())


@milestone.command("cancel")
@click.argument("code")
@click.argument("milestone_id")
@click.option("--reason", required=True, help="Reden van het laten vervallen (verplicht).")
@plan_option
@today_option
@by_option
def milestone_cancel(code: str, milestone_id: str, reason: str, plan_id: str | None,
                     today: str | None, by: str | None) -> None:
    """Laat een mijlpaal vervallen."""
    _command(lambda app, p, c, **kw: app.cancel_milestone(p, c, milestone_id, **kw), code, plan_id,
             reason=reason, at=_moment(today), by=by or _user())


@milestone.command("add")
@click.argument("code")
@click.option("--label", required=True, help="Omschrijving van de mijlpaal.")
@click.option("--due", required=True, help="Termijn, bijvoorbeeld 'Q3 2026'.")
@click.option("--kind", default="other", type=click.Choice(
    ["plan_ready", "pilot_start", "start", "evaluation", "decision", "delivery", "report", "other"]))
@click.option("--note", default="")
@plan_option
@today_option
@by_option
def milestone_add(code: str, label: str, due: str, kind: str, note: str, plan_id: str | None,
                  today: str | None, by: str | None) -> None:
    """Voeg een mijlpaal toe aan het tijdpad."""
    _command(lambda app, p, c, **kw: app.plan_milestone(p, c, **kw), code, plan_id,
             label=label, due=due, kind=kind, note=note, at=_moment(today), by=by or _user())


@main.command()
@click.argument("code")
@click.option("--name", required=True)
@click.option("--email", required=True)
@plan_option
@today_option
@by_option
def assign(code: str, name: str, email: str, plan_id: str | None, today: str | None, by: str | None) -> None:
    """Wijs de trekker van een interventie toe."""
    _command(lambda app, p, c, **kw: app.assign_trekker(p, c, **kw), code, plan_id,
             name=name, email=email, at=_moment(today), by=by or _user())


@main.command()
@click.argument("code")
@click.argument("text")
@plan_option
@today_option
@by_option
def note(code: str, text: str, plan_id: str | None, today: str | None, by: str | None) -> None:
    """Schrijf een voortgangsnotitie."""
    _command(lambda app, p, c, **kw: app.add_note(p, c, **kw), code, plan_id,
             text=text, at=_moment(today), by=by or _user())


@main.command()
@click.argument("code")
@click.argument("colour", type=click.Choice(["groen", "oranje", "rood"]))
@click.option("--oorzaak", default="")
@click.option("--gevolg", default="")
@click.option("--bijsturing", default="")
@plan_option
@today_option
@by_option
def status(code: str, colour: str, oorzaak: str, gevolg: str, bijsturing: str, plan_id: str | None,
           today: str | None, by: str | None) -> None:
    """Zet het stoplicht (oranje en rood vragen oorzaak, gevolg en bijsturing)."""
    _command(lambda app, p, c, **kw: app.set_stoplicht(p, c, **kw), code, plan_id, colour=colour,
             oorzaak=oorzaak, gevolg=gevolg, bijsturing=bijsturing, at=_moment(today), by=by or _user())


@main.command()
@click.argument("code")
@click.option("--note", default="")
@plan_option
@today_option
@by_option
def close(code: str, note: str, plan_id: str | None, today: str | None, by: str | None) -> None:
    """Sluit een interventie af (alle mijlpalen gereed of vervallen)."""
    _command(lambda app, p, c, **kw: app.close_intervention(p, c, **kw), code, plan_id,
             note=note, at=_moment(today), by=by or _user())


@main.command("export-events")
def export_events() -> None:
    """Schrijf elke gebeurtenis als één JSON-regel naar standaarduitvoer."""
    services = _services()
    mapper = services.runner.mapper
    position = 0
    while True:
        batch = services.app.recorder.select_notifications(start=position, limit=1000, inclusive_of_start=False)
        if not batch:
            break
        for n in batch:
            event = mapper.to_domain_event(n)
            state = {k: v for k, v in vars(event).items() if k not in ("originator_id", "originator_version")}
            if "password_hash" in state:
                state["password_hash"] = "[verborgen]"  # never hand out password hashes
            click.echo(json.dumps({
                "position": n.id, "aggregate": str(n.originator_id), "version": n.originator_version,
                "type": type(event).__name__, "topic": n.topic, **state,
            }, ensure_ascii=False, default=lambda v: v.isoformat()))
        position = batch[-1].id


@main.command()
def rebuild() -> None:
    """Bouw alle leesmodellen opnieuw op uit de gebeurtenissen."""
    count = _services().runner.rebuild()
    click.echo(f"Leesmodel opnieuw opgebouwd uit {count} gebeurtenissen.")


@main.command()
@click.option("--host", default=lambda: os.environ.get("TRACKER_HOST", "127.0.0.1"), show_default="127.0.0.1")
@click.option("--port", default=lambda: int(os.environ.get("TRACKER_PORT", "8000")), type=int, show_default="8000")
def serve(host: str, port: int) -> None:
    """Start de webapplicatie."""
    from waitress import serve as waitress_serve

    from web import create_app

    click.echo(f"Webapplicatie op http://{host}:{port}/ (gegevens in {_services().data_dir})")
    waitress_serve(create_app(), host=host, port=port, threads=8)


@main.command()
@click.option("--host", default=lambda: os.environ.get("TRACKER_HOST", "127.0.0.1"), show_default="127.0.0.1")
@click.option("--port", default=lambda: int(os.environ.get("TRACKER_PORT", "8000")), type=int, show_default="8000")
@click.option("--no-scheduler", is_flag=True, help="Start de planner (herinneringen) niet mee.")
@click.pass_context
def run(ctx: click.Context, host: str, port: int, no_scheduler: bool) -> None:
    """Richt de opslag in en start de webapplicatie, met de planner als eigen proces ernaast."""
    from web.cli_reminders import start_scheduler_process, stop_on_sigterm, stop_process

    ctx.invoke(init)
    child = None if no_scheduler else start_scheduler_process(_services().data_dir)
    stop_on_sigterm()
    try:
        ctx.invoke(serve, host=host, port=port)
    finally:
        if child is not None:
            stop_process(child)


# Reminders, the outbox, the scheduler and calendar feeds add their commands to `main`.
from web import cli_reminders  # noqa: E402,F401
# User accounts: `tracker user ...`.
from web import cli_users  # noqa: E402,F401
# The council report, indicator values and finance figures.
from web import cli_reports  # noqa: E402,F401
