"""The plan's own milestones: the beheerder completes, reschedules and cancels them on the dashboard."""

from __future__ import annotations

from typing import Any, Callable

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_login import current_user

from projections import plans as plan_queries
from tracker.errors import ConflictError, DomainError, NotFoundError
from tracker.inputs import parse_day
from web import now, read_model, refresh_read_model, services, today
from web.auth import requires

bp = Blueprint("plan_milestones", __name__)


def _act(plan_id: str, milestone_id: str, form: str, command: Callable[..., Any], success: str):
    """Run one command on a plan-level milestone; answer with the dashboard (its error, or its notice)."""
    from web.blueprints.dashboard import dashboard_page

    if plan_queries.plan(read_model(), plan_id) is None:
        abort(404)
    values = {**request.form.to_dict(), "form": f"{form}-{milestone_id}"}
    seen = request.form.get("seen")
    if seen is None:
        # Every form carries the term its user saw: without it a change made meanwhile would go unseen.
        abort(400, description="Het formulier is onvolledig (de stand ontbreekt). Laad de pagina opnieuw.")
    try:
        command(at=now(), by=current_user.actor, seen_term=seen)
    except ConflictError as exc:
        refresh_read_model()
        return dashboard_page(plan_id, errors={values["form"]: f"{exc} Hier staat de actuele stand; wat u "
                                               "invulde, staat er nog."}, values=values, status=409)
    except (DomainError, NotFoundError) as exc:
        return dashboard_page(plan_id, errors={values["form"]: str(exc)}, values=values, status=422)
    refresh_read_model()
    flash(success, "plan-milestones")  # shown in the section (_plan_milestones.html)
    return redirect(url_for("dashboard.dashboard_page", plan_id=plan_id) + "#mijlpalen-van-het-plan", 303)


def _field(name: str) -> str:
    return request.form.get(name, "")


@bp.post("/plannen/<plan_id>/mijlpalen-van-het-plan/<milestone_id>/gereed")
@requires("plan_milestones")
def complete(plan_id: str, milestone_id: str):
    def run(**kw: Any) -> Any:
        realised = parse_day(_field("realised"), "gereed op") or today()
        return services().app.complete_plan_milestone(plan_id, milestone_id, realised=realised,
                                                      note=_field("note"), **kw)
    return _act(plan_id, milestone_id, "plan-complete", run, "Mijlpaal van het plan gereed gemeld.")


@bp.post("/plannen/<plan_id>/mijlpalen-van-het-plan/<milestone_id>/verschuiven")
@requires("plan_milestones")
def reschedule(plan_id: str, milestone_id: str):
    def run(**kw: Any) -> Any:
        due = _field("due").strip()
        if not due:
            raise DomainError("Geef de nieuwe termijn op, bijvoorbeeld Q3 2026.")
        return services().app.reschedule_plan_milestone(
            plan_id, milestone_id, due=due, reason=_field("reason"),
            valid_on=parse_day(_field("decided"), "besloten op"), **kw)
    return _act(plan_id, milestone_id, "plan-reschedule", run, "Mijlpaal van het plan verschoven.")


@bp.post("/plannen/<plan_id>/mijlpalen-van-het-plan/<milestone_id>/laten-vervallen")
@requires("plan_milestones")
def cancel(plan_id: str, milestone_id: str):
    def run(**kw: Any) -> Any:
        return services().app.cancel_plan_milestone(
            plan_id, milestone_id, reason=_field("reason"),
            valid_on=parse_day(_field("decided"), "besloten op"), **kw)
    return _act(plan_id, milestone_id, "plan-cancel", run, "Mijlpaal van het plan laten vervallen.")
