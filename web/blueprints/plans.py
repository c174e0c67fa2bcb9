"""Plans and the overview of their interventions with Tijdpad."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, redirect, request, url_for

from projections import plans as plan_queries
from projections.interventions import interventions_as_of
from web import read_model, today
from web.htmx import render

bp = Blueprint("plans", __name__)


def as_of_from_request() -> date:
    """Return ?as_of=JJJJ-MM-DD, or today."""
    value = request.args.get("as_of", "").strip()
    if not value:
        return today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        abort(400, description=f"'{value}' is geen geldige datum; gebruik JJJJ-MM-DD.")


@bp.get("/")
def index():
    plans = plan_queries.all_plans(read_model())
    if len(plans) == 1:
        return redirect(url_for("plans.overview", plan_id=plans[0]["plan_id"]))
    return render("plans.html", "content", plans=plans)


@bp.get("/plannen/<plan_id>")
def overview(plan_id: str):
    db = read_model()
    plan = plan_queries.plan(db, plan_id)
    if plan is None:
        abort(404)
    as_of = as_of_from_request()
    interventions = interventions_as_of(db, as_of, plan_id=plan_id)
    groups: dict[str, dict] = {}
    for iv in interventions:
        key = " › ".join(f"{g['key']}. {g['title']}" if not g['title'].startswith(g['key']) else g['title']
                         for g in iv["group_path"]) or "Overig"
        groups.setdefault(key, {"title": key, "interventions": []})["interventions"].append(iv)
    return render("overview.html", "content", plan=plan, groups=list(groups.values()),
                  as_of=as_of, today=today(), count=len(interventions))
