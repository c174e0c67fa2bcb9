"""Mijn interventies / Mijn acties: a person's open milestones and actions, updated in place, and their calendar link."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, session, url_for
from flask_login import current_user

from projections.calendar_feeds import active_feeds_of
from projections.interventions import interventions_as_of, owned_actions
from projections.plans import plan_titles
from web import now, read_model, refresh_read_model, services, today

bp = Blueprint("mine", __name__)


def mine_page(*, errors: dict[str, str] | None = None, values: dict[str, str] | None = None,
              conflict: str = "", status: int = 200):
    """Return the page; with the errors and typed values of a refused update (without JavaScript)."""
    db = read_model()
    day = today()
    rows, items, actions = open_items(db, day)
    feeds = active_feeds_of(db, "trekker", current_user.email)
    titles = plan_names_of(db, rows, items)
    return render_template("mine.html", interventions=rows, items=items, actions=actions, today=day, feeds=feeds,
                           may_have_feed=_may_have_feed(actions), plan_names=titles,
                           new_feed_url=session.pop("new_feed_url", ""), errors=errors or {},
                           values=values or {}, conflict=conflict), status


def open_items(db: Any, day: date) -> tuple[list[dict[str, Any]], list[tuple[dict, dict]], list[tuple[dict, dict]]]:
    """Return the signed-in user's interventions, their open milestones and actions (late first), and the actions."""
    rows = interventions_as_of(db, day, trekker=current_user.email)
    items = [(iv, m) for iv in rows for m in iv["milestones"] if m["status"] == "open"]
    # The stuurgroep's actions given to this user in interventions they are not the trekker of.
    own = {iv["intervention_id"] for iv in rows}
    actions = [(iv, m) for iv, m in owned_actions(db, current_user.email, day) if iv["intervention_id"] not in own]
    items += actions
    # Late first, then by date; a start by its first day, undated steps last.
    items.sort(key=lambda pair: (pair[1]["state"] != "te_laat", pair[1]["due"] or pair[1]["starts"] or "9999",
                                 pair[0]["code"]))
    return rows, items, actions


def plan_names_of(db: Any, rows: list[dict[str, Any]], items: list[tuple[dict, dict]]) -> dict[str, str]:
    """Return the plans' titles when the page holds interventions of several plans (each says its plan)."""
    return plan_titles(db) if len({iv["plan_id"] for iv, _ in items} | {iv["plan_id"] for iv in rows}) > 1 else {}


def page_oob(db: Any, day: date, intervention_id: str) -> str:
    """Return what an update in place changes elsewhere on the page, to replace out of band: the
    counted lead line, and the intervention in the list of the user's own (when it is theirs)."""
    rows, items, actions = open_items(db, day)
    html = render_template("_mine_lead.html", interventions=rows, items=items, actions=actions, oob=True)
    iv = next((iv for iv in rows if iv["intervention_id"] == intervention_id), None)
    if iv is not None:
        html += render_template("_mine_intervention.html", iv=iv, row_notice="", row_error="", oob=True,
                                plan_names=plan_names_of(db, rows, items))
    return html


@bp.get("/mijn-interventies")
def mine():
    return mine_page()


def _may_have_feed(actions: list | None = None) -> bool:
    """Tell whether the signed-in user has something for an agenda link of their own: they are a trekker,
    or the stuurgroep gave them actions (``actions``: those, when the caller has them)."""
    if current_user.role == "trekker":
        return True
    if actions is None:
        actions = owned_actions(read_model(), current_user.email, today())
    return bool(actions)


@bp.post("/mijn-interventies/agenda")
def issue_feed():
    if not _may_have_feed():
        abort(403)
    token = services().app.issue_calendar_feed(scope="trekker", subject=current_user.email,
                                               label=f"Agenda van {current_user.name}", at=now(),
                                               by=current_user.actor)
    refresh_read_model()
    # Post/Redirect/Get, so a reload makes no second link. The address is shown once: it rides
    # in the signed-in user's own session cookie to the next page and is dropped there.
    session["new_feed_url"] = url_for("calendar.feed", token=token, _external=True)
    return redirect(url_for("mine.mine"), 303)


@bp.post("/mijn-interventies/agenda/<feed_id>/intrekken")
def revoke_feed(feed_id: str):
    mine_ids = {f["feed_id"] for f in active_feeds_of(read_model(), "trekker", current_user.email)}
    if feed_id not in mine_ids:
        abort(403)
    services().app.revoke_calendar_feed(feed_id, reason="Ingetrokken door de eigenaar van de link", at=now(),
                                        by=current_user.actor)
    refresh_read_model()
    flash("De agendalink is ingetrokken: agenda's die hem gebruiken, krijgen geen mijlpalen meer.")
    return redirect(url_for("mine.mine"), 303)
