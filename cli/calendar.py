"""`tracker calendar issue|list|revoke`: iCalendar feed addresses."""

from __future__ import annotations

import click

from cli.context import TrackerGroup, by_option, fail, json_option, moment, print_json, services, today_option, user
from cli.reminders import mail_settings
from projections.calendar_feeds import all_feeds
from tracker.errors import TrackerError


@click.group(cls=TrackerGroup)
def calendar() -> None:
    """Agenda-links (iCalendar) voor een trekker of een plan: uitgeven, tonen, intrekken."""


@calendar.command("issue")
@click.option("--trekker", "email", default=None, help="E-mailadres van de trekker.")
@click.option("--plan", "plan_id", default=None, help="Plan-id.")
@click.option("--label", default="", help="Omschrijving (voor wie de link is).")
@today_option
@by_option
def issue(email: str | None, plan_id: str | None, label: str, today: str | None, by: str | None) -> None:
    """Geef een nieuwe, onraadbare agenda-link uit (de link wordt maar één keer getoond)."""
    if bool(email) == bool(plan_id):
        fail("geef --trekker of --plan op, één van beide")
    svc = services()
    try:
        token = svc.app.issue_calendar_feed(scope="trekker" if email else "plan", subject=email or plan_id or "",
                                            label=label, at=moment(today), by=user(by))
    except TrackerError as exc:
        fail(str(exc))
    svc.catch_up()
    click.echo(f"{mail_settings(svc.data_dir).base_url}/agenda/{token}.ics")


@calendar.command("list")
@json_option
def list_(as_json: bool) -> None:
    """Toon de uitgegeven agenda-links (zonder hun geheime deel)."""
    svc = services()
    svc.catch_up()
    rows = [{"id": r["feed_id"], "scope": r["scope"], "subject": r["subject"], "label": r["label"],
             "issued_at": r["issued_at"], "issued_by": r["issued_by"], "revoked_at": r["revoked_at"]}
            for r in all_feeds(svc.db)]
    if as_json:
        print_json(rows)
        return
    for r in rows:
        state = f"ingetrokken {r['revoked_at'][:10]}" if r["revoked_at"] else "actief"
        click.echo(f"{r['id']}  {r['scope']:7} {r['subject']:30} {state}  {r['label']}")


@calendar.command("revoke")
@click.argument("feed_id")
@click.option("--reason", default="", help="Reden.")
@today_option
@by_option
def revoke(feed_id: str, reason: str, today: str | None, by: str | None) -> None:
    """Trek een agenda-link in: het adres geeft daarna 404."""
    svc = services()
    try:
        svc.app.revoke_calendar_feed(feed_id, reason=reason, at=moment(today), by=user(by))
    except TrackerError as exc:
        fail(str(exc))
    svc.catch_up()
    click.echo("Ingetrokken.")
