"""The beheerder's switch of a plan's public site: on or off, and which extra fields it shows."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from events.vocabulary import PublicField
from projections import plans as plan_queries
from projections.public_site import public_site
from tracker.errors import ConflictError, DomainError
from web import now, read_model, refresh_read_model, services
from web.auth import requires

bp = Blueprint("public_switch", __name__)


def _page(plan: dict, status: int = 200, errors: list[str] | None = None):
    return render_template("public_switch.html", plan=plan, site=public_site(read_model(), plan["plan_id"]),
                           fields=list(PublicField), errors=errors or []), status


def _plan_or_404(plan_id: str) -> dict:
    plan = plan_queries.plan(read_model(), plan_id)
    if plan is None:
        abort(404)
    return plan


@bp.get("/plannen/<plan_id>/openbaar")
@requires("publish_site")
def switch_page(plan_id: str):
    return _page(_plan_or_404(plan_id))


@bp.post("/plannen/<plan_id>/openbaar")
@requires("publish_site")
def set_public(plan_id: str):
    plan = _plan_or_404(plan_id)
    form = request.form
    state = form.get("openbaar")
    if state not in ("aan", "uit"):
        return _page(plan, 422, ["Kies of de openbare site aan of uit staat."])
    try:
        services().app.set_public_site(plan_id, public=state == "aan", fields=form.getlist("velden"),
                                       reason=form.get("reden", ""), at=now(), by=current_user.actor)
    except (DomainError, ConflictError) as exc:
        return _page(plan, 422, [str(exc)])
    refresh_read_model()
    flash("De openbare site staat aan." if state == "aan" else "De openbare site staat uit.")
    return redirect(url_for("public_switch.switch_page", plan_id=plan_id), 303)
