"""`tracker init`, `import-plan`, `check-plan` and `plans`."""

from __future__ import annotations

import os
import sys
from datetime import datetime
from pathlib import Path

import click

from cli.context import (as_of_option, by_option, day, json_option, known_day, known_on_option, moment, print_json,
                         services, today_option, user)
from cli.users import ensure_first_beheerder
from plans import default_plan_files
from projections import plans as plan_queries
from projections.agenda_milestones import plan_milestone_json, plan_milestones_as_of, recurring_commitments
from tracker.actors import Actor
from tracker.errors import PlanFileError, TrackerError
from tracker.planfile import read_plan_file
from web.services import Services


def import_file(svc: Services, path: Path | str, at: datetime, by: Actor | str) -> None:
    """Import a plan file and say what it did; exit 1 with every problem when it is invalid."""
    try:
        spec = read_plan_file(path)
    except PlanFileError as exc:
        for problem in exc.problems:
            click.echo(problem, err=True)
        click.echo(f"Niets geïmporteerd: {len(exc.problems)} fout(en).", err=True)
        sys.exit(1)
    try:
        result = svc.app.import_plan(spec, at=at, by=by)
    except TrackerError as exc:
        said = str(exc)  # a problem of a line names its file already ("plan.yaml:26: …")
        click.echo(said if said.startswith(f"{path}:") else f"{path}: {said}", err=True)
        click.echo("Niets geïmporteerd.", err=True)
        sys.exit(1)
    svc.catch_up()
    if result.outcome == "unchanged":
        click.echo(f"{spec.id}: ongewijzigd, niets geïmporteerd.")
    elif result.outcome == "created":
        n = len(spec.interventions)
        click.echo(f"{spec.id}: geïmporteerd ({n} {'interventie' if n == 1 else 'interventies'}, "
                   f"{result.events} {'gebeurtenis' if result.events == 1 else 'gebeurtenissen'}).")
    else:
        click.echo(f"{spec.id}: nieuwe versie, {len(result.changes)} wijziging(en):")
        for line in result.changes:
            click.echo(f"  - {line}")


@click.command()
@today_option
@by_option
def init(today: str | None, by: str | None) -> None:
    """Maak de opslag aan en laad de plannen uit plans/ (of $TRACKER_DEFAULT_PLAN) als er nog geen plan is."""
    svc = services()
    svc.catch_up()
    if plan_queries.all_plans(svc.db):
        click.echo(f"Gegevens in {svc.data_dir}: al ingericht.")
    else:
        files = default_plan_files()
        # Every file is checked before any is loaded: a fresh store gets all of them or none.
        problems = []
        for path in files:
            try:
                read_plan_file(path)
            except PlanFileError as exc:
                problems += exc.problems
        if problems:
            for problem in problems:
                click.echo(problem, err=True)
            click.echo(f"Niets geïmporteerd: {len(problems)} fout(en).", err=True)
            sys.exit(1)
        for path in files:
            import_file(svc, path, moment(today), by or "systeem")
    ensure_first_beheerder(svc, moment(today))
    _tell_missing_stuurgroep(svc)


def _tell_missing_stuurgroep(svc: Services) -> None:
    """Say so when escalations and the digest have no address to go to (they are held)."""
    from notifications.selection import plans_without_stuurgroep
    from notifications.settings import MailSettings

    try:
        held = plans_without_stuurgroep(svc.db, MailSettings.from_env(os.environ, svc.data_dir))
    except ValueError:
        return  # a broken mail setting is reported by `tracker reminders` and the scheduler
    if held:
        click.echo("Let op: er is geen stuurgroepadres ingesteld; escalaties en het weekoverzicht voor "
                   f"{', '.join(held)} worden vastgehouden. Stel TRACKER_STUURGROEP_EMAIL in "
                   "(of plan.reminders.stuurgroep in het planbestand).", err=True)


@click.command("import-plan")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@today_option
@by_option
def import_plan(file: Path, today: str | None, by: str | None) -> None:
    """Importeer een plan, of de wijzigingen van een nieuwe versie ervan."""
    import_file(services(), file, moment(today), user(by))


@click.command("check-plan")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
def check_plan(files: tuple[Path, ...]) -> None:
    """Controleer planbestanden zonder iets te importeren."""
    from tracker.planfile import main as check

    sys.exit(check([str(f) for f in files]))


@click.command()
@as_of_option
@known_on_option
@json_option
def plans(as_of: str | None, known_on: str | None, as_json: bool) -> None:
    """Toon de plannen, met de mijlpalen en terugkerende afspraken van elk plan zelf."""
    svc = services()
    svc.catch_up()
    rows = plan_queries.all_plans(svc.db)
    on, known = day(as_of), known_day(known_on)
    data = [{"id": r["plan_id"], "title": r["title"], "organisation": r["organisation"],
             "participants": r["facts"].get("participants", []),
             "period": r["facts"]["period"], "versions": r["versions"],
             "interventions": len(r["facts"].get("interventions", [])),
             "milestones": [plan_milestone_json(m) for m in plan_milestones_as_of(svc.db, r["plan_id"], on, known)],
             "recurring": recurring_commitments(r["facts"], on)} for r in rows]
    if as_json:
        print_json(data)
        return
    for p in data:
        click.echo(f"{p['id']}\t{p['title']} ({p['organisation']}, {p['interventions']} "
                   f"{'interventie' if p['interventions'] == 1 else 'interventies'})")
