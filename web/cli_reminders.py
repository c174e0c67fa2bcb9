"""`tracker` commands for reminders, the outbox, the scheduler and calendar feeds (docs/cli.md)."""

from __future__ import annotations

import logging
import os
import sys
from datetime import datetime

import click

from notifications.delivery import planned_messages, run_reminders
from notifications.mailer import mailer_for
from notifications.selection import warnings
from notifications.settings import MailSettings
from projections.calendar_feeds import all_feeds
from projections.outbox import reminders_by_status
from tracker.errors import TrackerError
from web.cli import _fail, _moment, _print_json, _services, _user, by_option, main, today_option
from web.services import open_services

OUTBOX_STATUSES = ("claimed", "failed", "in_doubt", "released", "sent")


def mail_settings(data_dir) -> MailSettings:
    """Return the mail settings from the TRACKER_* environment."""
    try:
        return MailSettings.from_env(os.environ, data_dir)
    except ValueError as exc:
        _fail(str(exc))
        raise


@main.command()
@today_option
@click.option("--dry-run", is_flag=True, help="Toon wat verstuurd zou worden; verstuur niets.")
@click.option("--json", "as_json", is_flag=True, help="Uitvoer als JSON.")
def reminders(today: str | None, dry_run: bool, as_json: bool) -> None:
    """Verstuur de herinneringen die vandaag aan de beurt zijn (één e-mail per ontvanger)."""
    services = _services()
    mail = mail_settings(services.data_dir)
    moment = _moment(today)
    day = moment.date()
    if dry_run:
        messages = planned_messages(services, day, mail)
        data = {"today": day.isoformat(), "dry_run": True, "messages": [m.to_json() for m in messages],
                "warnings": warnings(services.db, mail)}
        if as_json:
            _print_json(data)
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
    clock = (lambda: moment) if today else (lambda: datetime.now().replace(microsecond=0))
    report = run_reminders(services, mailer_for(mail), mail, day, clock)
    if as_json:
        _print_json(report.to_json())
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


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Uitvoer als JSON.")
def outbox(as_json: bool) -> None:
    """Toon het verzendlogboek: onderweg, mislukt, onzeker, opnieuw te versturen en verstuurd."""
    services = _services()
    services.catch_up()
    data = {status: reminders_by_status(services.db, status) for status in OUTBOX_STATUSES}
    if as_json:
        _print_json({status: [{k: r[k] for k in ("key", "rule", "recipient", "summary", "status", "attempts",
                                                  "message_id", "claimed_at", "sent_at", "failed_at",
                                                  "last_error")} for r in rows]
                     for status, rows in data.items()})
        return
    for status, rows in data.items():
        for r in rows:
            click.echo(f"{status:9} {r['updated_at'][:16]} {r['recipient']:30} {r['summary']}")


@main.command("resolve-reminder")
@click.argument("ident")
@click.option("--sent", "outcome", flag_value="sent", help="Het bericht is wel aangekomen.")
@click.option("--resend", "outcome", flag_value="resend", help="Verstuur opnieuw bij de volgende run.")
@click.option("--note", default="", help="Toelichting (bijvoorbeeld wat het maillog zei).")
@today_option
@by_option
def resolve_reminder(ident: str, outcome: str | None, note: str, today: str | None, by: str | None) -> None:
    """Beslis over onzekere herinneringen: IDENT is een Message-ID of de sleutel van één herinnering."""
    if outcome is None:
        _fail("kies --sent of --resend")
    services = _services()
    services.catch_up()
    rows = [r for r in reminders_by_status(services.db, "in_doubt") if ident in (r["message_id"], r["key"])]
    if not rows:
        _fail(f"geen onzekere herinnering met Message-ID of sleutel '{ident}'")
    for row in rows:
        try:
            services.app.resolve_reminder(row["key"], outcome=outcome, note=note, at=_moment(today),
                                          by=by or _user())
        except TrackerError as exc:
            _fail(str(exc))
    services.catch_up()
    click.echo(f"Vastgelegd voor {len(rows)} herinnering(en).")


@main.command()
@click.option("--interval", default=15, show_default=True, type=click.IntRange(1, 24 * 60),
              help="Minuten tussen twee herinneringsruns.")
@today_option
def scheduler(interval: int, today: str | None) -> None:
    """Start de planner (eigen proces): herinneringen elk kwartier, weekoverzicht op maandag."""
    from notifications.scheduler import run_scheduler

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    data_dir = _services().data_dir
    mail = mail_settings(data_dir)
    where = f"map {mail.sink_path}" if mail.uses_sink else f"{mail.smtp_host}:{mail.port}"
    click.echo(f"Planner gestart (proces {os.getpid()}): herinneringen elke {interval} min via {where} "
               f"(gegevens in {data_dir}).")
    run_scheduler(lambda: open_services(data_dir), mail, interval_minutes=interval,
                  today=_moment(today).date() if today else None)
    click.echo("Planner gestopt.")


@main.group()
def calendar() -> None:
    """Agenda-links (iCalendar) voor een trekker of een plan: uitgeven, tonen, intrekken."""


@calendar.command("issue")
@click.option("--trekker", "email", default=None, help="E-mailadres van de trekker.")
@click.option("--plan", "plan_id", default=None, help="Plan-id.")
@click.option("--label", default="", help="Omschrijving (voor wie de link is).")
@today_option
@by_option
def calendar_issue(email: str | None, plan_id: str | None, label: str, today: str | None, by: str | None) -> None:
    """Geef een nieuwe, onraadbare agenda-link uit (de link wordt maar één keer getoond)."""
    if bool(email) == bool(plan_id):
        _fail("geef --trekker of --plan op")
    services = _services()
    try:
        token = services.app.issue_calendar_feed(scope="trekker" if email else "plan",
                                                 subject=email or plan_id or "", label=label,
                                                 at=_moment(today), by=by or _user())
    except TrackerError as exc:
        _fail(str(exc))
        return
    services.catch_up()
    click.echo(f"{mail_settings(services.data_dir).base_url}/agenda/{token}.ics")


@calendar.command("list")
@click.option("--json", "as_json", is_flag=True, help="Uitvoer als JSON.")
def calendar_list(as_json: bool) -> None:
    """Toon de uitgegeven agenda-links (zonder hun geheime deel)."""
    services = _services()
    services.catch_up()
    rows = [{"id": r["feed_id"], "scope": r["scope"], "subject": r["subject"], "label": r["label"],
             "issued_at": r["issued_at"], "issued_by": r["issued_by"], "revoked_at": r["revoked_at"]}
            for r in all_feeds(services.db)]
    if as_json:
        _print_json(rows)
        return
    for r in rows:
        state = f"ingetrokken {r['revoked_at'][:10]}" if r["revoked_at"] else "actief"
        click.echo(f"{r['id']}  {r['scope']:7} {r['subject']:30} {state}  {r['label']}")


@calendar.command("revoke")
@click.argument("feed_id")
@click.option("--reason", default="", help="Reden.")
@today_option
@by_option
def calendar_revoke(feed_id: str, reason: str, today: str | None, by: str | None) -> None:
    """Trek een agenda-link in: het adres geeft daarna 404."""
    services = _services()
    try:
        services.app.revoke_calendar_feed(feed_id, reason=reason, at=_moment(today), by=by or _user())
    except TrackerError as exc:
        _fail(str(exc))
    services.catch_up()
    click.echo("Ingetrokken.")


def start_scheduler_process(data_dir) -> "subprocess.Popen[bytes]":
    """Start `tracker scheduler` as a child process (it dies with its parent on Linux)."""
    import subprocess

    def die_with_parent() -> None:
        try:
            import ctypes
            import signal

            ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
        except OSError:
            pass

    env = {**os.environ, "TRACKER_DATA_DIR": str(data_dir)}
    preexec = die_with_parent if sys.platform.startswith("linux") else None
    return subprocess.Popen([sys.executable, "-m", "web", "scheduler"], env=env, preexec_fn=preexec)


def stop_process(child: "subprocess.Popen[bytes]", timeout: float = 30) -> None:
    """Stop a child process: SIGTERM (a run in progress finishes), then SIGKILL."""
    import subprocess

    if child.poll() is not None:
        return
    child.terminate()
    try:
        child.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()


def stop_on_sigterm() -> None:
    """Turn SIGTERM into a normal exit, so `tracker run` stops its scheduler on the way out."""
    import signal

    def exit_(signum: int, frame: object) -> None:
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, exit_)
