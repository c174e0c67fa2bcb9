"""The dashboard of a plan (the stuurgroep's, beheerder's and lezer's start page) and where each role starts."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, request, url_for
from flask_login import current_user

from projections import plans as plan_queries
from projections.dashboard import dashboard
from projections.normering import signals
from projections.status import COLOURS
from web import read_model, today
from web.blueprints.plans import as_of_from_request
from web.charts import stoplicht_trend_chart
from web.htmx import render
from web.permissions import allowed

bp = Blueprint("dashboard", __name__)


def home_target(user: Any, plans: list[dict[str, Any]]) -> str | None:
    """Return the address a signed-in user starts on, or None for the portfolio (or the empty list of plans).

    A trekker starts on their own list; everyone else on the dashboard of the plan, when there
    is one plan (with several, the portfolio leads to each plan's dashboard).
    """
    if getattr(user, "role", None) == "trekker":
        return url_for("mine.mine")
    if len(plans) == 1:
        return url_for("dashboard.dashboard_page", plan_id=plans[0]["plan_id"])
    return None


@bp.get("/plannen/<plan_id>/dashboard")
def dashboard_page(plan_id: str, errors: dict[str, str] | None = None, values: dict[str, str] | None = None,
                   status: int = 200):
    db = read_model()
    plan = plan_queries.plan(db, plan_id)
    if plan is None:
        abort(404)
    as_of = as_of_from_request() if request.method == "GET" else today()
    data = dashboard(db, plan, as_of)
    # The plan's own milestones are updated by the beheerder, on the present only.
    can_update_plan = as_of == today() and allowed(current_user, "plan_milestones")
    return render("dashboard.html", "content", plan=plan, as_of=as_of, today=today(), data=data,
                  colours=COLOURS, chart=stoplicht_trend_chart(data["trend"], COLOURS),
                  norm_signals=signals(db, plan, as_of), can_update_plan=can_update_plan,
                  errors=errors or {}, values=values or {}), status
