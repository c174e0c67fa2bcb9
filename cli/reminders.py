"""`tracker reminders`, `outbox`, `resolve-reminder` and `scheduler`."""

from __future__ import annotations

import logging
import os
import sys
import threading
from pathlib import Path

import click

from cli.context import by_option, fail, json_option, moment, print_json, services, today_option, user
from notifications.delivery import planned_messages, run_reminders
from notifications.mailer import mailer_for
from notifications.selection import warnings
from notifications.settings import MailSettings
from projections.outbox import reminders_by_status
from tracker.clock import moment_of_change
from tracker.errors import TrackerError
from web.services import open_services

OUTBOX_STATUSES = ("claimed", "failed", "in_doubt", "released", "sent")


def mail_settings(data_dir: Path) -> MailSettings:
    """Return the mail settings from the TRACKER_* environment."""
    try:
        return MailSettings.from_env(os.environ, data_dir)
    except ValueError as exc:
        fail(str(exc))


@click.command()
@today_option
@click.option("--dry-run", is_flag=True, help="Toon wat verstuurd zou worden; verstuur niets.")
@json_option
def reminders(today: str | None, dry_run: bool, as_json: bool) -> None:
    """Verstuur de herinneringen die vandaag aan de beurt zijn (één e-mail per ontvanger)."""
    svc = services()
    mail = mail_settings(svc.data_dir)
    at = moment(today)
    day = at.date()
    if dry_run:
        messages = planned_messages(svc, day, mail)
        data = {"today": day.isoformat(), "dry_run": True, "messages": [m.to_json() for m in messages],
                "warnings": warnings(svc.db, mail)}
        if as_json:
            print_json(data)
            return
        for m in data["messages"]:
            click.echo(f"{m['to']}: {m['subject']}")
            for item in m["items"]:
                click.echo(f"  - {item['summary']}")
        if not messages:
            click.echo("Niets te versturen.")
        for warning in data["warnings"]:
            click.echo(f"let op: {warning}", err=True)
        return
    # A given --today is one fixed moment for the whole run; without it the run follows the clock.
    clock = (lambda: at) if today else (lambda: moment_of_change(None))
    report = run_reminders(svc, mailer_for(mail), mail, day, clock)
    if as_json:
        print_json(report.to_json())
    else:
        for m in report.sent:
            click.echo(f"verstuurd: {m['to']}: {m['subject']}")
        for m in report.failed:
            click.echo(f"mislukt: {m['to']}: {m['error']}", err=True)
        for m in report.in_doubt:
            click.echo(f"onzeker: {m['to']}: {m['error']}", err=True)
        for warning in report.warnings:
            click.echo(f"let op: {warning}", err=True)
        where = f"map {mail.sink_path}" if mail.uses_sink else f"{mail.smtp_host}:{mail.port}"
        click.echo(f"{len(report.sent)} bericht(en) verstuurd via {where}.")
    if report.failed or report.in_doubt:
        sys.exit(2)


@click.command()
@json_option
def outbox(as_json: bool) -> None:
    """Toon het verzendlogboek: onderweg, mislukt, onzeker, opnieuw te versturen en verstuurd."""
    svc = services()
    svc.catch_up()
    data = {status: reminders_by_status(svc.db, status) for status in OUTBOX_STATUSES}
    if as_json:
        print_json({status: [{k: r[k] for k in ("key", "rule", "recipient", "summary", "status", "attempts",
                                                 "message_id", "claimed_at", "sent_at", "failed_at",
                                                 "last_error")} for r in rows]
                    for status, rows in data.items()})
        return
    for status, rows in data.items():
        for r in rows:
            click.echo(f"{status:9} {r['updated_at'][:16]} {r['recipient']:30} {r['summary']}")


@click.command("resolve-reminder")
@click.argument("ident")
@click.option("--sent", is_flag=True, help="Het bericht is wel aangekomen.")
@click.option("--resend", is_flag=True, help="Verstuur opnieuw bij de volgende run.")
@click.option("--note", default="", help="Toelichting (bijvoorbeeld wat het maillog zei).")
@today_option
@by_option
def resolve_reminder(ident: str, sent: bool, resend: bool, note: str, today: str | None, by: str | None) -> None:
    """Beslis over onzekere herinneringen: IDENT is een Message-ID of de sleutel van één herinnering."""
    if sent == resend:
        fail("kies --sent of --resend, één van beide")
    outcome = "sent" if sent else "resend"
    svc = services()
    svc.catch_up()
    rows = [r for r in reminders_by_status(svc.db, "in_doubt") if ident in (r["message_id"], r["key"])]
    if not rows:
        fail(f"geen onzekere herinnering met Message-ID of sleutel '{ident}'")
    for row in rows:
        try:
            svc.app.resolve_reminder(row["key"], outcome=outcome, note=note, at=moment(today), by=user(by))
        except TrackerError as exc:
            fail(str(exc))
    svc.catch_up()
    click.echo(f"Vastgelegd voor {len(rows)} herinnering(en).")


def stop_when_stdin_closes(stop: threading.Event) -> None:
    """Set ``stop`` once standard input reaches its end: the parent that holds the pipe ended."""
    def watch() -> None:
        try:
            while sys.stdin.buffer.read(4096):
                pass
        except (OSError, ValueError):
            pass
        stop.set()

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


@click.command()
@click.option("--interval", default=15, show_default=True, type=click.IntRange(1, 24 * 60),
              help="Minuten tussen twee herinneringsruns.")
@today_option
@click.option("--with-parent", is_flag=True, hidden=True,
              help="Stop wanneer de standaardinvoer sluit (het proces dat de planner startte is gestopt).")
def scheduler(interval: int, today: str | None, with_parent: bool) -> None:
    """Start de planner (eigen proces): herinneringen elk kwartier, weekoverzicht op maandag."""
    from notifications.scheduler import run_scheduler

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    data_dir = services().data_dir
    mail = mail_settings(data_dir)
    where = f"map {mail.sink_path}" if mail.uses_sink else f"{mail.smtp_host}:{mail.port}"
    click.echo(f"Planner gestart (proces {os.getpid()}): herinneringen elke {interval} min via {where} "
               f"(gegevens in {data_dir}).")
    stop = threading.Event()
    if with_parent:
        stop_when_stdin_closes(stop)
    run_scheduler(lambda: open_services(data_dir), mail, interval_minutes=interval,
                  today=moment(today).date() if today else None, stop=stop)
    click.echo("Planner gestopt.")
