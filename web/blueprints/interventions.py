"""One intervention: what the plan says of it, its Tijdpad and its history."""

from __future__ import annotations

from flask import Blueprint, abort

from projections import plans as plan_queries
from projections.history import intervention_history
from projections.interventions import interventions_as_of
from web import read_model, today
from web.blueprints.plans import as_of_from_request
from web.htmx import render

bp = Blueprint("interventions", __name__)


@bp.get("/plannen/<plan_id>/interventies/<code>")
def detail(plan_id: str, code: str):
    db = read_model()
    plan = plan_queries.plan(db, plan_id)
    as_of = as_of_from_request()
    found = interventions_as_of(db, as_of, plan_id=plan_id, code=code, include_dropped=True)
    if plan is None or not found:
        abort(404)
    history = [h for h in intervention_history(db, plan_id, code) if h["at"][:10] <= as_of.isoformat()]
    return render("intervention.html", "content", plan=plan, iv=found[0], history=history,
                  as_of=as_of, today=today())
