"""`tracker user ...`: accounts for operators, and the first beheerder."""

from __future__ import annotations

import json
import os
import secrets
from datetime import datetime

import click

from projections.users import all_users
from tracker.errors import TrackerError
from tracker.users import ROLES
from web.cli import _fail, _moment, _services, _user, by_option, main, today_option
from web.services import Services

DEFAULT_ADMIN_EMAIL = "beheerder@tracker.local"


def ensure_first_beheerder(services: Services, at: datetime) -> None:
    """Create the first beheerder when there is no account yet; print its password once."""
    services.catch_up()
    if all_users(services.db):
        return
    email = os.environ.get("TRACKER_ADMIN_EMAIL") or DEFAULT_ADMIN_EMAIL
    password = os.environ.get("TRACKER_ADMIN_PASSWORD")
    generated = not password
    password = password or secrets.token_urlsafe(12)
    try:
        services.app.add_user(email=email, name="Beheerder", role="beheerder", password=password,
                              at=at, by="systeem")
    except TrackerError as exc:
        _fail(str(exc))
    services.catch_up()
    click.echo(f"Eerste beheerder aangemaakt: {email}")
    if generated:
        click.echo(f"Wachtwoord (wordt maar één keer getoond): {password}")


@main.group()
def user() -> None:
    """Beheer gebruikers: toevoegen, rol of wachtwoord wijzigen, tonen."""


def _password(value: str | None) -> str:
    return value or os.environ.get("TRACKER_NEW_PASSWORD") or click.prompt(
        "Wachtwoord", hide_input=True, confirmation_prompt=True)


@user.command("add")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option("--password", default=None, help="Wachtwoord (anders gevraagd, of $TRACKER_NEW_PASSWORD).")
@today_option
@by_option
def user_add(email: str, name: str, role: str, password: str | None, today: str | None, by: str | None) -> None:
    """Voeg een gebruiker toe."""
    services = _services()
    try:
        services.app.add_user(email=email, name=name, role=role, password=_password(password),
                              at=_moment(today), by=by or _user())
    except TrackerError as exc:
        _fail(str(exc))
    services.catch_up()
    click.echo(f"Gebruiker {email.strip().lower()} toegevoegd als {role}.")


@user.command("set-role")
@click.argument("email")
@click.argument("role", type=click.Choice(ROLES))
@today_option
@by_option
def user_set_role(email: str, role: str, today: str | None, by: str | None) -> None:
    """Geef een gebruiker een andere rol."""
    services = _services()
    try:
        services.app.set_role(email, role, at=_moment(today), by=by or _user())
    except TrackerError as exc:
        _fail(str(exc))
    services.catch_up()
    click.echo(f"{email} heeft nu de rol {role}.")


@user.command("set-password")
@click.argument("email")
@click.option("--password", default=None, help="Nieuw wachtwoord (anders gevraagd, of $TRACKER_NEW_PASSWORD).")
@today_option
@by_option
def user_set_password(email: str, password: str | None, today: str | None, by: str | None) -> None:
    """Geef een gebruiker een nieuw wachtwoord."""
    services = _services()
    try:
        services.app.set_password(email, _password(password), at=_moment(today), by=by or _user())
    except TrackerError as exc:
        _fail(str(exc))
    click.echo(f"Wachtwoord van {email} gewijzigd.")


@user.command("list")
@click.option("--json", "as_json", is_flag=True)
def user_list(as_json: bool) -> None:
    """Toon de gebruikers."""
    services = _services()
    services.catch_up()
    rows = [{"email": u["email"], "name": u["name"], "role": u["role"]} for u in all_users(services.db)]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for u in rows:
        click.echo(f"{u['email']:<36} {u['role']:<11} {u['name']}")
