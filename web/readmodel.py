"""The read model while it is rebuilt: every page answers 503 with a Dutch "even geduld".

A damaged read model (found on start, or by a database error from it) is rebuilt from the
events in the background; the page says so without reading anything (not even who is signed in).
"""

from __future__ import annotations

import sqlite3

from flask import Flask, current_app, request

from projections.readmodel_file import ReadModelRebuilding, is_damage
from web.services import Services

RETRY_AFTER_SECONDS = 30


def rebuilding_page():
    """Return the 503 page shown while the read model is rebuilt."""
    # Straight from the template: render_template's context would load the signed-in user.
    html = current_app.jinja_env.get_template("rebuilding.html").render()
    return html, 503, {"Retry-After": str(RETRY_AFTER_SECONDS)}


def init_read_model(app: Flask, services: Services) -> None:
    """Heal a damaged read model in the background and answer 503 meanwhile."""
    runner = services.runner
    runner.heal_in_background = True
    try:
        runner.db  # noqa: B018  (opens the read model: a damaged one starts its rebuild)
    except ReadModelRebuilding:
        pass

    @app.before_request
    def wait_while_rebuilding():
        if runner.rebuilding and request.endpoint != "static":
            return rebuilding_page()
        return None

    @app.errorhandler(ReadModelRebuilding)
    def rebuilding(_: ReadModelRebuilding):
        return rebuilding_page()

    @app.errorhandler(sqlite3.DatabaseError)
    def database_error(error: sqlite3.DatabaseError):
        if not is_damage(error):
            raise error
        try:
            runner.heal(f"een databasefout: {error}", found_in_use=True)
        except ReadModelRebuilding:
            pass
        return rebuilding_page()
