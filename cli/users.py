"""`tracker user ...`: accounts for operators, and the first beheerder."""

from __future__ import annotations

import os
import secrets
from datetime import datetime

import click

from cli.context import TrackerGroup, by_option, fail, json_option, moment, print_json, services, today_option, user
from projections.interventions import interventions_of_trekker
from projections.users import all_users
from tracker.errors import TrackerError
from tracker.users import ROLES
from web.services import Services

DEFAULT_ADMIN_EMAIL = "beheerder@tracker.local"


def ensure_first_beheerder(svc: Services, at: datetime) -> None:
    """Create the first beheerder when there is no account yet; print its password once."""
    svc.catch_up()
    if all_users(svc.db):
        return
    email = os.environ.get("TRACKER_ADMIN_EMAIL") or DEFAULT_ADMIN_EMAIL
    password = os.environ.get("TRACKER_ADMIN_PASSWORD")
    generated = not password
    password = password or secrets.token_urlsafe(12)
    try:
        svc.app.add_user(email=email, name="Beheerder", role="beheerder", password=password,
                         at=at, by="systeem")
    except TrackerError as exc:
        fail(str(exc))
    svc.catch_up()
    click.echo(f"Eerste beheerder aangemaakt: {email}")
    if generated:
        click.echo(f"Wachtwoord (wordt maar één keer getoond): {password}")


@click.group("user", cls=TrackerGroup)
def user_group() -> None:
    """Beheer gebruikers: toevoegen, rol of wachtwoord wijzigen, tonen."""


def _password(value: str | None) -> str:
    given = value or os.environ.get("TRACKER_NEW_PASSWORD")
    if given:
        return given
    first = click.prompt("Wachtwoord", hide_input=True)
    if click.prompt("Herhaal het wachtwoord", hide_input=True) != first:
        fail("de twee wachtwoorden zijn niet gelijk; er is niets vastgelegd")
    return first


@user_group.command("add")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option("--password", default=None, help="Wachtwoord (anders gevraagd, of $TRACKER_NEW_PASSWORD).")
@today_option
@by_option
def add(email: str, name: str, role: str, password: str | None, today: str | None, by: str | None) -> None:
    """Voeg een gebruiker toe."""
    svc = services()
    try:
        svc.app.add_user(email=email, name=name, role=role, password=_password(password),
                         at=moment(today), by=user(by))
    except TrackerError as exc:
        fail(str(exc))
    svc.catch_up()
    click.echo(f"Gebruiker {email.strip().lower()} toegevoegd als {role}.")


@user_group.command("set-role")
@click.argument("email")
@click.argument("role", type=click.Choice(ROLES))
@today_option
@by_option
def set_role(email: str, role: str, today: str | None, by: str | None) -> None:
    """Geef een gebruiker een andere rol."""
    svc = services()
    try:
        svc.app.set_role(email, role, at=moment(today), by=user(by))
    except TrackerError as exc:
        fail(str(exc))
    svc.catch_up()
    click.echo(f"{email} heeft nu de rol {role}.")
    if role != "trekker":
        _to_reassign(svc, email, today)


def _to_reassign(svc: Services, email: str, today: str | None) -> None:
    """Print the interventions that still name this account as trekker."""
    for iv in interventions_of_trekker(svc.db, email, moment(today).date()):
        click.echo(f"nog trekker van {iv['plan_id']} {iv['code']} {iv['title']}: wijs een ander toe "
                   f"(tracker assign {iv['code']} ...)")


@user_group.command("deactivate")
@click.argument("email")
@today_option
@by_option
def deactivate(email: str, today: str | None, by: str | None) -> None:
    """Deactiveer een account: geen aanmelden, sessies, herinneringen of agenda-links meer."""
    svc = services()
    try:
        svc.app.deactivate_user(email, at=moment(today), by=user(by))
    except TrackerError as exc:
        fail(str(exc))
    svc.catch_up()
    click.echo(f"Account {email.strip().lower()} gedeactiveerd; de naam blijft in de geschiedenis.")
    _to_reassign(svc, email, today)


@user_group.command("set-password")
@click.argument("email")
@click.option("--password", default=None, help="Nieuw wachtwoord (anders gevraagd, of $TRACKER_NEW_PASSWORD).")
@today_option
@by_option
def set_password(email: str, password: str | None, today: str | None, by: str | None) -> None:
    """Geef een gebruiker een nieuw wachtwoord."""
    svc = services()
    try:
        svc.app.set_password(email, _password(password), at=moment(today), by=user(by))
    except TrackerError as exc:
        fail(str(exc))
    click.echo(f"Wachtwoord van {email} gewijzigd.")


@user_group.command("list")
@json_option
def list_(as_json: bool) -> None:
    """Toon de gebruikers."""
    svc = services()
    svc.catch_up()
    rows = [{"email": u["email"], "name": u["name"], "role": u["role"], "active": bool(u["active"])}
            for u in all_users(svc.db)]
    if as_json:
        print_json(rows)
        return
    for u in rows:
        click.echo(f"{u['email']:<36} {u['role']:<11} {u['name']}{'' if u['active'] else ' (gedeactiveerd)'}")
