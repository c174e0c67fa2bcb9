"""What every `tracker` command shares: the stores, the moment, the plan, JSON and Dutch errors."""

from __future__ import annotations

import getpass
import json
import os
import sqlite3
import sys
from datetime import date, datetime
from typing import Any, NoReturn

import click
from eventsourcing.persistence import PersistenceError

from events.store import StoreSettingsError
from projections import plans as plan_queries
from projections.readmodel_file import is_damage
from projections.interventions import plans_with_code
from tracker.actors import Actor
from tracker.clock import moment_of_change
from tracker.errors import TrackerError
from web.services import Services, open_services

today_option = click.option("--today", "today", metavar="DATE",
                            help="De datum (en tijd) van vandaag; standaard: nu.")
as_of_option = click.option("--as-of", "as_of", metavar="DATE",
                            help="Stand per deze dag: wat er aan het eind ervan gebeurd was, zoals nu bekend; "
                                 "standaard: vandaag.")
known_on_option = click.option("--as-known-on", "known_on", metavar="DATE",
                               help="Zoals het volgsysteem het wist aan het eind van deze dag; standaard: zoals nu bekend.")
by_option = click.option("--by", "by", default=None, metavar="EMAIL",
                         help="Doe de wijziging als dit account, met de rechten van zijn rol (standaard: als "
                              "beheerder van het systeem, vastgelegd als 'via de command line, <login>').")
plan_option = click.option("--plan", "plan_id", default=None,
                           help="Plan-id (nodig als een code in meerdere plannen voorkomt).")
json_option = click.option("--json", "as_json", is_flag=True, help="Uitvoer als JSON.")


class Context:
    """The click context object: opens the stores on first use."""

    def __init__(self) -> None:
        self._services: Services | None = None

    @property
    def services(self) -> Services:
        if self._services is None:
            try:
                self._services = open_services()
            except StoreSettingsError as exc:  # a malformed URL, a data directory it cannot write in
                fail(str(exc))
            except PersistenceError as exc:  # PostgreSQL down, refused, or a wrong password
                fail(f"de gebeurtenissenopslag is niet bereikbaar: {exc}")
            self._services.runner.on_heal = lambda problem: click.echo(
                f"Het leesmodel is beschadigd ({problem}); het wordt opnieuw opgebouwd uit de gebeurtenissen.",
                err=True)
        return self._services

    def close(self) -> None:
        """Close the stores if they were opened (before a server forks its workers)."""
        if self._services is not None:
            self._services.close()
            self._services = None


# Click's words for a command line it cannot read, in Dutch (its own catalogue has none).
_USAGE = (
    (r"^Missing option '(?P<a>[^']+)'\.?(?P<rest>.*)$", "de optie {a} ontbreekt{rest}"),
    (r"^Missing argument '(?P<a>[^']+)'\.?$", "het argument {a} ontbreekt"),
    (r"^No such option:? '?(?P<a>-\d[\d.,]*)'?\.?$", "onbekende optie {a}: een negatief getal? Zet er -- voor "
                                                    "(… -- {a})"),
    (r"^No such option:? '?(?P<a>[^'\s]+)'?\.?(?P<rest>.*)$", "onbekende optie {a}{rest}"),
    (r"^No such command '(?P<a>[^']+)'\.?(?P<rest>.*)$", "onbekende opdracht '{a}'{rest}"),
    (r"^Got unexpected extra arguments? \((?P<a>.*)\)$", "onverwacht extra argument: {a}"),
    (r"^Option '(?P<a>[^']+)' requires an argument\.?$", "de optie {a} heeft een waarde nodig"),
    (r"^Option '(?P<a>[^']+)' does not take a value\.?$", "de optie {a} neemt geen waarde"),
    (r"^Invalid value for '\{[^']*\}': (?P<rest>.*)$", "ongeldige waarde: {rest}"),  # an argument's choices
    (r"^Invalid value for '(?P<a>[^']+)': (?P<rest>.*)$", "ongeldige waarde voor {a}: {rest}"),
    (r"^Invalid value: (?P<rest>.*)$", "{rest}"),
)
_VALUES = (
    (r"'(?P<v>[^']*)' is not one of (?P<c>.+?)\.?$", "'{v}' is geen van {c}"),
    (r"'(?P<v>[^']*)' is not a valid integer( range)?\.?$", "'{v}' is geen geheel getal"),
    (r"'(?P<v>[^']*)' is not a valid float( range)?\.?$", "'{v}' is geen getal"),
    (r"(?P<v>.*) is not in the range (?P<c>.+?)\.?$", "{v} ligt niet tussen {c}"),
    (r"\s*\(Possible options: (?P<c>.+?)\)$", "; mogelijke opties: {c}"),
    (r"\s*\(Did you mean one of: (?P<c>.+?)\?\)$", "; bedoelt u een van: {c}?"),
    (r"\s*Did you mean (?P<c>.+?)\?$", "; bedoelt u {c}?"),
)


def dutch_usage(exc: click.UsageError) -> str:
    """Return what is wrong with a command line in Dutch (the English where click says something unforeseen)."""
    import re

    message = exc.format_message().strip()
    for pattern, dutch in _USAGE:
        found = re.match(pattern, message, re.S)
        if found:
            message = dutch.format(**found.groupdict())
            break
    for pattern, dutch in _VALUES:
        message = re.sub(pattern, lambda m, d=dutch: d.format(**m.groupdict()), message)
    return message.rstrip(".")


class TrackerGroup(click.Group):
    """The command group: a read model found damaged while a command runs is rebuilt, and said so; a
    command line it cannot read is refused in Dutch with exit code 1 (docs/cli.md), as every other error."""

    def make_context(self, info_name: str | None, args: list[str], parent: click.Context | None = None,
                     **extra: Any) -> click.Context:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.exceptions.NoArgsIsHelpError:
            raise
        except click.UsageError as exc:
            _refuse_usage(exc)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.exceptions.NoArgsIsHelpError:
            raise
        except click.UsageError as exc:
            _refuse_usage(exc, ctx)
        except click.Abort:  # Ctrl-C or the end of the input at a question
            fail("afgebroken; er is niets vastgelegd")
        except sqlite3.DatabaseError as exc:
            opened = ctx.find_object(Context)
            if not is_damage(exc) or opened is None or opened._services is None:
                raise
            opened._services.runner.heal(str(exc), found_in_use=True)
            fail("het leesmodel bleek beschadigd en is opnieuw opgebouwd uit de gebeurtenissen; wat was "
                 "vastgelegd is bewaard. Kijk met `tracker history` na of uw wijziging erin staat voordat u "
                 "de opdracht herhaalt.")


def _refuse_usage(exc: click.UsageError, ctx: click.Context | None = None) -> NoReturn:
    # The command as the user types it, whatever name the program was started by (python -m cli);
    # an option without its value is told without the command's context: the one being started.
    if exc.ctx is not None:
        path = exc.ctx.command_path
    elif ctx is not None:
        path = " ".join(p for p in (ctx.command_path, ctx.invoked_subcommand) if p)
    else:
        path = ""
    command = " ".join(["tracker", *path.split(" ")[1:]])
    click.echo(f"fout: {dutch_usage(exc)}", err=True)
    click.echo(f"Zie `{command} --help`.", err=True)
    sys.exit(1)


def services() -> Services:
    """Return the stores of the data directory ($TRACKER_DATA_DIR)."""
    return click.get_current_context().find_object(Context).services


def fail(message: str) -> NoReturn:
    """Print a Dutch error to standard error and exit with code 1."""
    click.echo(f"fout: {message}", err=True)
    sys.exit(1)


def record(svc: Services, plan_id: str, command: Any) -> None:
    """Run one command of the application on a plan; say "Vastgelegd.", or fail in Dutch."""
    try:
        command(svc.app, plan_id)
    except TrackerError as exc:
        fail(str(exc))
    svc.catch_up()
    click.echo("Vastgelegd.")


def fail_lines(file: Any, problems: list[str]) -> NoReturn:
    """Print every wrong line of an input file, say nothing was recorded, and exit with code 1."""
    for problem in problems:
        click.echo(f"{file}: {problem}", err=True)
    click.echo("Niets vastgelegd.", err=True)
    sys.exit(1)


def write_output(output: str, content: bytes) -> None:
    """Write a document to the file ``-o`` names ('-': standard output), or fail in Dutch where it cannot."""
    if output == "-":
        sys.stdout.buffer.write(content)
        sys.stdout.flush()
        return
    try:
        with open(output, "wb") as f:
            f.write(content)
    except OSError as exc:
        fail(f"{output} kan niet worden geschreven: {exc.strerror or exc}")


def print_json(value: Any) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=2))


def moment(value: str | None) -> datetime:
    """Return the moment a command is recorded at: --today as a date or a datetime, or now."""
    if not value:
        return moment_of_change(None)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"'{value}' is geen datum (JJJJ-MM-DD)") from None
    return moment_of_change(parsed.date() if len(value) <= 10 else parsed)


def day(value: str | None) -> date:
    """Return the day of --today or --as-of (default: today)."""
    return moment(value).date()


def known_day(value: str | None) -> date | None:
    """Return the day of --as-known-on, or None: as known now."""
    return day(value) if value else None


def login() -> str:
    """Return who runs the command: $TRACKER_USER or the login name."""
    return os.environ.get("TRACKER_USER") or getpass.getuser()


def user(by: str | None) -> Actor:
    """Return who acts: the active account of --by (with its role's rights), else the operator.

    The operator runs the command on the server itself and may do everything; it is recorded
    as "via de command line, <login>". An unknown or deactivated --by stops the command.
    """
    if not by:
        return Actor.operator(login())
    try:
        return services().app.actor_for(by.strip(), "command line")
    except TrackerError as exc:
        fail(f"--by {by}: {exc}")


def plan_of_code(svc: Services, code: str, plan_id: str | None) -> str:
    """Return the plan a code belongs to, asking for --plan when several plans have it."""
    svc.catch_up()
    found = plans_with_code(svc.db, code)
    if plan_id:
        if plan_queries.plan(svc.db, plan_id) is None:
            fail(f"onbekend plan '{plan_id}'")
        if plan_id not in found:
            fail(f"plan '{plan_id}' heeft geen interventie met code '{code}'")
        return plan_id
    if not found:
        fail(f"geen interventie met code '{code}'")
    if len(found) > 1:
        fail(f"code '{code}' komt voor in meerdere plannen ({', '.join(found)}): geef --plan op")
    return found[0]


def plan_or_only(svc: Services, plan_id: str | None) -> str:
    """Return the plan asked for, or the only plan."""
    svc.catch_up()
    plans = [p["plan_id"] for p in plan_queries.all_plans(svc.db)]
    if plan_id:
        if plan_id not in plans:
            fail(f"onbekend plan '{plan_id}'")
        return plan_id
    if len(plans) != 1:
        fail("geef --plan op" + (f" (een van: {', '.join(plans)})" if plans else ": er is nog geen plan"))
    return plans[0]
