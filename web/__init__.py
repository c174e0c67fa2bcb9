"""The web app: Dutch pages over the read model, enhanced with htmx."""

from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path
from typing import Any

from flask import Flask, g, render_template, request

from events.vocabulary import Stoplicht
from projections.goals import target_text
from projections.interventions import in_date_order
from projections.wording import (DOMAIN_LABELS, KIND_LABELS, STATE_LABELS, amount, days_since, long_date,
                                  number_nl, short_date, unit_label, who)
from tracker.clock import moment_of_change
from web.auth import init_auth, public
from web.htmx import init_htmx
from web.readmodel import init_read_model
from web.serving import ServerSettings, TrustedProxy, trusted_proxies
from web.services import Services, open_services


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app: defaults, then TRACKER_* environment, then test overrides."""
    app = Flask(__name__)
    app.config.from_mapping(DATA_DIR=os.environ.get("TRACKER_DATA_DIR") or str(Path.cwd() / "data"),
                            TODAY=None)
    app.config.from_prefixed_env("TRACKER")
    if test_config:
        app.config.update(test_config)
    if app.config.get("MAX_CONTENT_LENGTH") is None:  # Flask's own default is None: no bound at all
        app.config["MAX_CONTENT_LENGTH"] = ServerSettings.from_env().max_request_body_size
    # Forwarded addresses count only from the reverse proxy (TRACKER_TRUSTED_PROXY).
    app.wsgi_app = TrustedProxy(app.wsgi_app, trusted_proxies(app.config.get("TRUSTED_PROXY")))  # type: ignore[method-assign]
    services = open_services(app.config["DATA_DIR"], database_url=app.config.get("DATABASE_URL") or None)
    app.extensions["tracker"] = services
    init_read_model(app, services)
    init_htmx(app)
    init_auth(app, services.data_dir, shared_store=services.shared_store)

    from web.blueprints import admin, auth, interventions, plans

    app.register_blueprint(auth.bp)
    app.register_blueprint(plans.bp)
    app.register_blueprint(interventions.bp)
    app.register_blueprint(admin.bp)

    from web.blueprints import calendar, outbox

    app.register_blueprint(outbox.bp)
    app.register_blueprint(calendar.bp)

    from web.blueprints import baseline, dashboard, email_actions, meetings, mine, reports

    app.register_blueprint(reports.bp)
    app.register_blueprint(baseline.bp)
    app.register_blueprint(dashboard.bp)
    app.register_blueprint(mine.bp)
    app.register_blueprint(email_actions.bp)
    app.register_blueprint(meetings.bp)

    from web.blueprints import public_site, public_switch

    app.register_blueprint(public_site.bp)
    app.session_interface = public_site.SessionInterface()  # no session on the public site

    from web.blueprints import normering

    app.register_blueprint(normering.bp)
    app.register_blueprint(public_switch.bp)

    from web.blueprints import goals

    app.register_blueprint(goals.bp)

    from web.blueprints import plan_milestones

    app.register_blueprint(plan_milestones.bp)

    # Browsers ask for /favicon.ico on every page (and PDFs opened inline) whatever the HTML says.
    app.add_url_rule("/favicon.ico", "favicon",
                     public(lambda: app.send_static_file("favicon.ico")))

    app.jinja_env.filters.update(long_date=long_date, short_date=short_date, number_nl=number_nl,
                                 target_text=target_text, amount=amount, unit_label=unit_label, who=who,
                                 days_since=days_since, in_date_order=in_date_order)
    app.jinja_env.globals.update(STATE_LABELS=STATE_LABELS, KIND_LABELS=KIND_LABELS,
                                 DOMAIN_LABELS=DOMAIN_LABELS, Stoplicht=Stoplicht)

    for status, title, text in (
        (400, "Ongeldig verzoek", "Het verzoek kon niet worden verwerkt."),
        (403, "Geen toegang", "U heeft geen toegang tot deze pagina of handeling."),
        (404, "Niet gevonden", "De pagina of interventie bestaat niet."),
        (405, "Niet toegestaan", "Deze handeling is hier niet toegestaan."),
        (413, "Te groot", "Het verzoek of bestand is te groot. Er is niets opgeslagen."),
        (409, "Conflict", "De gegevens zijn intussen door iemand anders gewijzigd."),
        (500, "Er ging iets mis", "Er is een fout opgetreden. Er is niets opgeslagen."),
    ):
        app.register_error_handler(status, _error_page(status, title, text))
    # A date or number past what Python or SQLite holds (?as_of=9999-12-31, nr-99999999999999999999).
    out_of_range = _error_page(400, "Ongeldig verzoek",
                               "Een datum of getal in het verzoek ligt buiten het bereik van het volgsysteem.")

    def overflow(error: OverflowError):
        app.logger.warning("buiten bereik: %s %s", request.method, request.path, exc_info=error)
        return out_of_range(error)

    app.register_error_handler(OverflowError, overflow)
    return app


def error_response(status: int, title: str, message: str):
    """Return a Dutch error page; an htmx request gets it shown in place of the page's content."""
    from web.htmx import is_htmx

    headers = {}
    if is_htmx():
        headers = {"HX-Retarget": "#inhoud", "HX-Reswap": "innerHTML", "HX-Reselect": "#error-page"}
    return render_template("error.html", title=title, message=message, status=status), status, headers


def _error_page(status: int, title: str, text: str):
    def handler(error: Exception):
        from flask import request

        from web.blueprints.public_site import on_public_site, public_error

        description = getattr(error, "description", None)
        message = description if status in (400, 409) and isinstance(description, str) else text
        if on_public_site(request.path):  # no session there, so not the app's page (its CSRF token)
            return public_error(status, title, message)
        return error_response(status, title, message)
    return handler


def services() -> Services:
    """Return the tracker services of the current app."""
    from flask import current_app

    return current_app.extensions["tracker"]


def read_model():
    """Return this thread's read-model connection, caught up with the event store once per request."""
    if "read_model" not in g:
        runner = services().runner
        runner.catch_up()
        g.read_model = runner.connection()
    return g.read_model


def refresh_read_model() -> None:
    """Catch the read model up after a command (read your writes)."""
    services().runner.catch_up()


def now() -> datetime:
    """Return the moment of a change: as the command line records it (tracker.clock), from TRACKER_TODAY."""
    from flask import current_app

    configured = current_app.config.get("TODAY")
    return moment_of_change(today() if configured else None)


def today() -> date:
    """Return today (configurable for tests and demonstrations via TRACKER_TODAY)."""
    from flask import current_app

    configured = current_app.config.get("TODAY")
    if configured:
        return configured if isinstance(configured, date) else date.fromisoformat(str(configured))
    return date.today()
