"""`tracker export-events`, `rebuild` and `migrate-store`: the event log, the read model made from
it, and the move of the log from SQLite into PostgreSQL."""

from __future__ import annotations

import json

import click
from eventsourcing.persistence import PersistenceError

from cli.context import fail, services


@click.command("export-events")
def export_events() -> None:
    """Schrijf elke gebeurtenis als één JSON-regel naar standaarduitvoer."""
    svc = services()
    mapper = svc.runner.mapper
    position = 0
    while True:
        batch = svc.app.recorder.select_notifications(start=position, limit=1000, inclusive_of_start=False)
        if not batch:
            break
        for n in batch:
            event = mapper.to_domain_event(n)
            state = {k: v for k, v in vars(event).items() if k not in ("originator_id", "originator_version")}
            if "by" in state:
                state.setdefault("by_id", None)  # stored before accounts were kept: no account id
            state.pop("password_hash", None)  # never hand out password hashes (docs/cli.md: left out)
            click.echo(json.dumps({
                "position": n.id, "aggregate": str(n.originator_id), "version": n.originator_version,
                "type": type(event).__name__, "topic": n.topic, **state,
            }, ensure_ascii=False, default=lambda v: v.isoformat()))
        position = batch[-1].id


@click.command()
def rebuild() -> None:
    """Bouw alle leesmodellen opnieuw op uit de gebeurtenissen."""
    count = services().runner.rebuild()
    click.echo(f"Leesmodel opnieuw opgebouwd uit {count} gebeurtenissen.")


@click.command("migrate-store")
@click.option("--to", "url", required=True, metavar="URL",
              help="De lege PostgreSQL-opslag: postgresql://gebruiker:wachtwoord@host:poort/database.")
def migrate_store(url: str) -> None:
    """Kopieer de SQLite-opslag van de gegevensmap naar een lege PostgreSQL-opslag en controleer de kopie."""
    from events.store import EVENTS_FILENAME, StoreSettingsError, display_url, event_store_env
    from tracker.migrate_store import MigrationError, copy_store
    from web.services import data_dir_from_env, open_event_store

    data_dir = data_dir_from_env()
    if not (data_dir / EVENTS_FILENAME).is_file():
        fail(f"geen SQLite-opslag in {data_dir} ({EVENTS_FILENAME} ontbreekt)")
    try:
        target_settings = event_store_env(data_dir, url)
    except StoreSettingsError as exc:
        fail(str(exc))
    source = open_event_store(event_store_env(data_dir, None))
    try:
        target = open_event_store(target_settings)
    except PersistenceError as exc:
        fail(f"{display_url(url)} is niet bereikbaar: {exc}")
    try:
        click.echo(f"Kopiëren van {source.recorder.max_notification_id() or 0} gebeurtenissen uit "
                   f"{data_dir / EVENTS_FILENAME} naar {display_url(url)}...")
        report = copy_store(source.recorder, target.recorder,
                            progress=lambda n: click.echo(f"  {n} gekopieerd", err=True))
    except MigrationError as exc:
        fail(str(exc))
    finally:
        source.close()
        target.close()
    summary = report.target
    click.echo(f"Gekopieerd: {summary.events} gebeurtenissen (laatste positie {summary.last_id}) in "
               f"{report.seconds:.1f} s; gecontroleerd: aantal, posities en SHA-256 {summary.digest} "
               "gelijk aan de bron.")
    click.echo(f"Zet nu op elk knooppunt TRACKER_DATABASE_URL (en TRACKER_SECRET_KEY); {EVENTS_FILENAME} "
               "blijft ongewijzigd staan.")
