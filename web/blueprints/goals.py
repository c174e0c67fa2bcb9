"""A goal of a plan and what serves it from every plan; the beheerder's links between plans."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_login import current_user

from projections.contributions import goal_page
from projections.status import COLOURS
from tracker.errors import DomainError, NotFoundError
from web import now, read_model, refresh_read_model, services, today
from web.auth import requires
from web.blueprints.plans import as_of_from_request, known_on_from
from web.htmx import render

bp = Blueprint("goals", __name__)


@bp.get("/plannen/<plan_id>/doelen/<key>")
def goal(plan_id: str, key: str):
    as_of, known_on = as_of_from_request(), known_on_from(request.args)
    data = goal_page(read_model(), plan_id, key, as_of, known_on)
    if data is None:
        abort(404)
    return render("goal.html", "content", data=data, plan=data["plan"], as_of=as_of, known_on=known_on,
                  today=today(), colours=COLOURS)


def _back(plan_id: str, code: str):
    return redirect(url_for("interventions.detail", plan_id=plan_id, code=code) + "#bijdragen", 303)


@bp.post("/plannen/<plan_id>/interventies/<code>/bijdragen")
@requires("link_plans")
def link(plan_id: str, code: str):
    from web.blueprints.interventions import _page

    form = request.form
    target_plan, _, group = (form.get("doel") or "").partition("|")
    if not target_plan:
        return _page(plan_id, code, errors={"bijdrage": "Kies het doel, de opgave of de actielijn waaraan deze "
                                                        "interventie bijdraagt."},
                     values={"form": "bijdrage", **form}, status=422)
    try:
        services().app.link_contribution(plan_id, code, target_plan=target_plan, target_group=group,
                                         reason=form.get("reden", ""), judgement=form.get("oordeel") == "ja",
                                         why=form.get("toelichting", ""), at=now(), by=current_user.actor)
    except NotFoundError:
        abort(404)
    except DomainError as exc:
        return _page(plan_id, code, errors={"bijdrage": str(exc)}, values={"form": "bijdrage", **form},
                     status=422)
    refresh_read_model()
    flash("De bijdrage is vastgelegd.", "bijdragen")  # shown in the section (_iv_contributions.html)
    return _back(plan_id, code)


@bp.post("/plannen/<plan_id>/interventies/<code>/bijdragen/vervalt")
@requires("link_plans")
def unlink(plan_id: str, code: str):
    from web.blueprints.interventions import _page

    form = request.form
    try:
        services().app.unlink_contribution(plan_id, code, target_plan=form.get("plan", ""),
                                           target_group=form.get("groep", ""), target_code=form.get("code", ""),
                                           why=form.get("reden", ""), at=now(), by=current_user.actor)
    except NotFoundError:
        abort(404)
    except DomainError as exc:
        return _page(plan_id, code, errors={"bijdrage-weg": str(exc)}, status=422)
    refresh_read_model()
    flash("De bijdrage is vervallen.", "bijdragen")
    return _back(plan_id, code)
